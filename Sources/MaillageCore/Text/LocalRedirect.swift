/// Where a login may send its visitor back: a path of this site only. A browser reads
/// `/\host`, `//host` and `/<TAB>/host` (it drops tabs and line breaks from URLs) as another
/// site, so any control character, whitespace or backslash refuses the path outright.
public enum LocalRedirect {
    public static func isSafe(_ path: String) -> Bool {
        guard path.hasPrefix("/"), !path.hasPrefix("//") else { return false }
        return !path.unicodeScalars.contains { scalar in
            scalar == "\\" || scalar.properties.isWhitespace || scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
                || scalar.properties.generalCategory == .format
        }
    }
}
