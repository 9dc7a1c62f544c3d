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
