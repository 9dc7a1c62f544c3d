/// permessage-deflate (RFC 7692): what a client offers, and what it accepts of the server's answer.
package enum PerMessageDeflate {
    /// What the client asks for in `Sec-WebSocket-Extensions`.
    package struct Offer: Sendable, Hashable {
        /// Ask the server to use a window of at most 2^bits bytes (8…15); nil asks nothing, so
        /// the server picks, 15 at its default. A smaller window is less memory for a client
        /// that keeps the server's window between messages.
        package var serverMaxWindowBits: Int?
        /// Ask the server to compress each message on its own, so the client keeps no window.
        package var serverNoContextTakeover: Bool

        /// What Chromium offers on every connection.
        package static let browser = Offer(serverMaxWindowBits: nil, serverNoContextTakeover: false)

        /// Creates an offer.
        package init(serverMaxWindowBits: Int? = nil, serverNoContextTakeover: Bool = false) {
            self.serverMaxWindowBits = serverMaxWindowBits
            self.serverNoContextTakeover = serverNoContextTakeover
        }

        /// The header's value: Chromium's `permessage-deflate; client_max_window_bits`, plus
        /// what this offer asks of the server.
        package var headerValue: String {
            var value = "permessage-deflate; client_max_window_bits"
            if let bits = self.serverMaxWindowBits { value += "; server_max_window_bits=\(bits)" }
            if self.serverNoContextTakeover { value += "; server_no_context_takeover" }
            return value
        }
    }

    /// What the server accepted: the parameters of the connection's compression.
    package struct Agreement: Sendable, Hashable {
        /// The server compresses each message on its own: nothing to keep between messages.
        package var serverNoContextTakeover = false
        /// The server's LZ77 window, 2^bits bytes: what a client keeps between messages.
        package var serverMaxWindowBits = 15
        /// The client must compress each message on its own (the agent sends uncompressed).
        package var clientNoContextTakeover = false
        /// The client's window, if the server limited it.
        package var clientMaxWindowBits = 15

        /// The defaults: what a bare `permessage-deflate` answer agrees.
        package init() {}

        /// The agreement in the words of an answer: `permessage-deflate`, then what differs from
        /// the defaults, e.g. `permessage-deflate; server_no_context_takeover`.
        package var description: String {
            var text = "permessage-deflate"
            if self.serverNoContextTakeover { text += "; server_no_context_takeover" }
            if self.clientNoContextTakeover { text += "; client_no_context_takeover" }
            if self.serverMaxWindowBits != 15 { text += "; server_max_window_bits=\(self.serverMaxWindowBits)" }
            if self.clientMaxWindowBits != 15 { text += "; client_max_window_bits=\(self.clientMaxWindowBits)" }
            return text
        }
    }

    /// Why a server's `Sec-WebSocket-Extensions` answer cannot be accepted: the client must fail
    /// the connection (RFC 7692 §7, RFC 6455 §4.1).
    package struct Refusal: Error, Hashable, CustomStringConvertible {
        /// What is wrong, with the offending text.
        package var description: String

        /// Creates a refusal.
        package init(description: String) { self.description = description }
    }

    /// The agreement in the server's answer to `offer`, or nil when the server declined
    /// (no header, or an empty one).
    ///
    /// - Throws: A ``Refusal`` for an extension the client did not offer, more than one
    ///   permessage-deflate, a parameter that is unknown, repeated, has a bad value, or
    ///   answers something the client did not offer (`client_max_window_bits` is offered
    ///   without a value; a `server_max_window_bits` above the one offered).
    package static func agreement(
        in headerValues: [String],
        offer: Offer
    ) throws(Refusal) -> Agreement? {
        let extensions = headerValues.flatMap { Self.split($0, on: ",") }.filter { !$0.isEmpty }
        guard let first = extensions.first else { return nil }
        guard extensions.count == 1 else {
            throw Refusal(description: "more than one extension accepted: \(headerValues.joined(separator: ", "))")
        }
        let parts = Self.split(first, on: ";")
        guard parts[0].lowercased() == "permessage-deflate" else {
            throw Refusal(description: "an extension that was not offered: \(parts[0])")
        }
        var agreement = Agreement()
        var seen: Set<String> = []
        for parameter in parts.dropFirst() {
            let (name, value) = Self.nameAndValue(parameter)
            guard seen.insert(name).inserted else { throw Refusal(description: "\(name) repeated") }
            switch name {
            case "server_no_context_takeover":
                guard value == nil else { throw Refusal(description: "\(name) with a value: \(parameter)") }
                agreement.serverNoContextTakeover = true
            case "client_no_context_takeover":
                guard value == nil else { throw Refusal(description: "\(name) with a value: \(parameter)") }
                agreement.clientNoContextTakeover = true
            case "server_max_window_bits":
                let bits = try Self.windowBits(name, value)
                if let offered = offer.serverMaxWindowBits, bits > offered {
                    throw Refusal(description: "\(name)=\(bits) above the \(offered) offered")
                }
                agreement.serverMaxWindowBits = bits
            case "client_max_window_bits":
                agreement.clientMaxWindowBits = try Self.windowBits(name, value)
            default:
                throw Refusal(description: "unknown parameter \(parameter)")
            }
        }
        return agreement
    }

    /// A window size in bits: a decimal 8…15 without a leading zero, quoted or not.
    private static func windowBits(_ name: String, _ value: String?) throws(Refusal) -> Int {
        guard let value, let first = value.first, first != "0", value.allSatisfy(\.isASCIIDigit),
            let bits = Int(value), (8...15).contains(bits)
        else { throw Refusal(description: "\(name) must be 8 to 15, got \(value ?? "no value")") }
        return bits
    }

    /// `name` or `name=value`, the name lower-cased, a quoted value unquoted (RFC 6455 §9.1).
    private static func nameAndValue(_ parameter: String) -> (String, String?) {
        guard let equals = parameter.firstIndex(of: "=") else { return (parameter.lowercased(), nil) }
        let name = Self.trimmed(parameter[..<equals]).lowercased()
        var value = Self.trimmed(parameter[parameter.index(after: equals)...])
        if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
            value = String(value.dropFirst().dropLast())
        }
        return (name, value)
    }

    /// The pieces of `text` between `separator`s, trimmed; a quoted string is never split.
    private static func split(_ text: String, on separator: Character) -> [String] {
        var pieces: [String] = []
        var current = ""
        var quoted = false
        for character in text {
            if character == "\"" { quoted.toggle() }
            if character == separator && !quoted {
                pieces.append(Self.trimmed(current[...]))
                current = ""
            } else {
                current.append(character)
            }
        }
        pieces.append(Self.trimmed(current[...]))
        return pieces
    }

    private static func trimmed(_ text: Substring) -> String {
        String(text.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { self.isASCII && self.isNumber }
}

extension PerMessageDeflate {
    /// A server's answer to a client's offers, as a server that compresses with context
    /// takeover by default answers (Python's `websockets`, which uvicorn runs): the first
    /// permessage-deflate offer it can accept, granting what it asks of the server. Returns the
    /// header value and what it agrees; nil when no offer can be accepted.
    package static func answer(toOffers headerValues: [String]) -> (headerValue: String, agreement: Agreement)? {
        let offers = headerValues.flatMap { Self.split($0, on: ",") }.filter { !$0.isEmpty }
        offers: for offer in offers {
            let parts = Self.split(offer, on: ";")
            guard parts[0].lowercased() == "permessage-deflate" else { continue }
            var agreement = Agreement()
            var answer = "permessage-deflate"
            var seen: Set<String> = []
            for parameter in parts.dropFirst() {
                let (name, value) = Self.nameAndValue(parameter)
                guard seen.insert(name).inserted else { continue offers }
                switch name {
                case "server_no_context_takeover":
                    guard value == nil else { continue offers }
                    agreement.serverNoContextTakeover = true
                    answer += "; server_no_context_takeover"
                case "client_no_context_takeover":
                    guard value == nil else { continue offers }
                    agreement.clientNoContextTakeover = true
                case "server_max_window_bits":
                    guard let bits = try? Self.windowBits(name, value) else { continue offers }
                    agreement.serverMaxWindowBits = bits
                    answer += "; server_max_window_bits=\(bits)"
                case "client_max_window_bits":
                    if value != nil {
                        guard let bits = try? Self.windowBits(name, value) else { continue offers }
                        agreement.clientMaxWindowBits = bits
                    }
                default:
                    continue offers
                }
            }
            return (answer, agreement)
        }
        return nil
    }
}
