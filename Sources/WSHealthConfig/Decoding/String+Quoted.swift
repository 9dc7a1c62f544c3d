extension String {
    /// The string in double quotes, with quotes, backslashes and non-printable characters escaped
    /// (`"a\tb"`, `"\u{7}"`), so that a message shows exactly what was written.
    var quoted: String {
        var text = "\""
        for scalar in unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.isPrintable: text.unicodeScalars.append(scalar)
            default: text += "\\u{\(String(scalar.value, radix: 16))}"
            }
        }
        return text + "\""
    }

    /// The string as a JSON string literal, quotes included (RFC 8259: quote, backslash and
    /// control characters escaped).
    package var jsonQuoted: String {
        var literal = "\""
        for scalar in unicodeScalars {
            switch scalar {
            case "\"": literal += "\\\""
            case "\\": literal += "\\\\"
            case "\n": literal += "\\n"
            case "\r": literal += "\\r"
            case "\t": literal += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                literal += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: literal.unicodeScalars.append(scalar)
            }
        }
        return literal + "\""
    }

    /// The string matched literally by a regular expression (Swift's `Regex`, Go's `regexp`):
    /// a backslash before every metacharacter, as Go's `regexp.QuoteMeta` writes it.
    package var regexLiteral: String {
        var escaped = ""
        for character in self {
            if "\\.+*?()|[]{}^$".contains(character) { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }

    /// Whether every character is printable: no control, format, separator-of-lines, private-use or
    /// unassigned code points.
    var isPrintable: Bool {
        unicodeScalars.allSatisfy(\.isPrintable)
    }
}

extension Unicode.Scalar {
    /// Whether the scalar is shown as itself: not a control, format, line or paragraph separator,
    /// surrogate, private-use or unassigned code point.
    var isPrintable: Bool {
        switch properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned:
            false
        default:
            true
        }
    }
}
