/// Characters that no one types into a form: control characters other than tab and line
/// breaks (NUL makes PostgreSQL refuse the text, ESC drives terminals reading the logs) and
/// the invisible bidirectional overrides and isolates, which turn `fdp.exe` into `exe.pdf`
/// on screen.
public enum ControlCharacters {
    public static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: return false
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    public static func contains(_ text: String) -> Bool {
        text.unicodeScalars.contains(where: isForbidden)
    }

    /// The text without them (for a file's name, which is kept rather than refused).
    public static func stripped(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: text.unicodeScalars.filter { !isForbidden($0) })
        return String(scalars)
    }

    /// The message for a field holding one.
    public static let message = "Ce texte contient un caractère invisible ou de contrôle : retapez-le sans copier-coller."
}
