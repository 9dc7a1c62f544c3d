@testable import WSHealthAgent

extension ExpositionReader {
    /// The lexical rules of the formats (the OpenMetrics 1.0 ABNF; the text format 0.0.4 is
    /// read as strictly where the two agree).
    enum Grammar {
        static func isMetricNameCharacter(_ character: Character) -> Bool {
            character.isASCII && (character.isLetter || character.isNumber || character == "_" || character == ":")
        }

        static func isMetricName(_ name: String) -> Bool {
            guard let first = name.first, !first.isNumber else { return false }
            return name.allSatisfy(isMetricNameCharacter)
        }

        /// `[a-zA-Z_][a-zA-Z0-9_]*`; OpenMetrics reserves names beginning with `_`, the text
        /// format those beginning with `__`.
        static func isLabelName(_ name: String, format: ExpositionFormat) -> Bool {
            guard let first = name.first, !first.isNumber, !name.hasPrefix(format == .openMetrics ? "_" : "__")
            else { return false }
            return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
        }

        static func types(_ format: ExpositionFormat) -> Set<String> {
            switch format {
            case .openMetrics:
                ["counter", "gauge", "histogram", "gaugehistogram", "stateset", "info", "summary", "unknown"]
            case .text: ["counter", "gauge", "histogram", "summary", "untyped"]
            }
        }

        /// The names the samples of a family may have.
        static func sampleNames(_ family: String, _ type: String?, _ format: ExpositionFormat) -> Set<String> {
            let suffixes: [String] =
                switch (format, type) {
                case (.openMetrics, "counter"): ["_total", "_created"]
                case (.openMetrics, "info"): ["_info"]
                case (.openMetrics, "histogram"): ["_bucket", "_count", "_sum", "_created"]
                case (.openMetrics, "gaugehistogram"): ["_bucket", "_gcount", "_gsum"]
                case (.openMetrics, "summary"): ["", "_count", "_sum", "_created"]
                case (.text, "histogram"): ["_bucket", "_count", "_sum"]
                case (.text, "summary"): ["", "_count", "_sum"]
                default: [""]
                }
            return Set(suffixes.map { family + $0 })
        }

        /// A HELP text or label value with its escapes resolved: `\\`, `\n`, and `\"` (which
        /// OpenMetrics requires for `"`; the text format escapes `"` in label values only).
        static func unescape(_ text: String, quotes: Bool) throws -> String {
            var result = ""
            var escaping = false
            for character in text {
                if escaping {
                    switch character {
                    case "\\": result.append("\\")
                    case "n": result.append("\n")
                    case "\"" where quotes: result.append("\"")
                    default: throw Failure("undefined escape \\\(character)")
                    }
                    escaping = false
                } else if character == "\\" {
                    escaping = true
                } else if character == "\"" && quotes {
                    throw Failure("unescaped double quote")
                } else {
                    result.append(character)
                }
            }
            guard !escaping else { throw Failure("dangling backslash") }
            return result
        }

        /// A sample value or timestamp: a real number as the ABNF writes it, or exactly `NaN`,
        /// `+Inf`, `-Inf`.
        static func number(_ text: String, format: ExpositionFormat) throws -> Double {
            switch text {
            case "NaN": return .nan
            case "+Inf": return .infinity
            case "-Inf": return -.infinity
            default:
                guard text.wholeMatch(of: #/[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?/#) != nil,
                    let value = Double(text)
                else { throw Failure("bad number \(text)") }
                return value
            }
        }
    }

    /// Reads a sample line from left to right.
    struct Scanner {
        private let text: Substring
        private var index: Substring.Index

        init(_ text: Substring) {
            self.text = text
            self.index = text.startIndex
        }

        var isAtEnd: Bool { self.index == self.text.endIndex }

        mutating func take(while predicate: (Character) -> Bool) -> String {
            let start = self.index
            while self.index < self.text.endIndex && predicate(self.text[self.index]) {
                self.index = self.text.index(after: self.index)
            }
            return String(self.text[start..<self.index])
        }

        mutating func skip(_ character: Character) -> Bool {
            guard self.index < self.text.endIndex, self.text[self.index] == character else { return false }
            self.index = self.text.index(after: self.index)
            return true
        }

        /// `{name="value",…}` or nothing; no trailing comma, no name twice.
        mutating func labels(format: ExpositionFormat) throws -> [String: String] {
            guard self.skip("{") else { return [:] }
            var labels: [String: String] = [:]
            if self.skip("}") { return labels }
            repeat {
                let name = self.take { $0 != "=" && $0 != "," && $0 != "}" }
                guard Grammar.isLabelName(name, format: format) else { throw Failure("bad label name \(name)") }
                guard labels[name] == nil else { throw Failure("label \(name) twice") }
                guard self.skip("="), self.skip("\"") else { throw Failure("expected =\" after \(name)") }
                var raw = ""
                var escaped = false
                while !self.isAtEnd, escaped || self.text[self.index] != "\"" {
                    let character = self.text[self.index]
                    escaped = !escaped && character == "\\"
                    raw.append(character)
                    self.index = self.text.index(after: self.index)
                }
                guard self.skip("\"") else { throw Failure("unterminated label value") }
                labels[name] = try Grammar.unescape(raw, quotes: true)
            } while self.skip(",")
            guard self.skip("}") else { throw Failure("expected , or } in labels") }
            return labels
        }
    }
}
