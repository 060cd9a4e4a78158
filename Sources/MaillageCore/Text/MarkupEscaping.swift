/// The one escaping of text written into HTML or SVG, for attribute values and text alike.
/// Every page, printable and server-drawn chart goes through it (the app's Plot overrides in
/// `AttributeEscaping.swift`, the SVG builders, the QR code).
public enum MarkupEscaping {
    /// For a text between tags: `&`, `<` and `>` (a quote there is only a quote). Every `&` is
    /// written `&amp;`, so that `&#39;` typed by someone shows as typed.
    public static func escapeText(_ value: String) -> String { escape(value, quotes: false) }

    /// For an attribute's value (and any text, where it is also safe): both quotes too.
    public static func escape(_ value: String) -> String { escape(value, quotes: true) }

    private static func escape(_ value: String, quotes: Bool) -> String {
        let special: Set<Character> = quotes ? ["&", "\"", "'", "<", ">"] : ["&", "<", ">"]
        guard value.contains(where: special.contains) else { return value }
        var escaped = ""
        escaped.reserveCapacity(value.count + 16)
        for character in value {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"" where quotes: escaped += "&quot;"
            case "'" where quotes: escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
