/// Numbers, counts and durations written the French way, and read back as people type them.
public enum FrenchText {
    /// `15 000`: thousands separated by a narrow no-break space (French typography), so that a
    /// number never breaks across lines.
    public static func integer(_ value: Int) -> String {
        let sign = value < 0 ? "-" : ""
        var units = String(value.magnitude)
        var grouped = ""
        while units.count > 3 {
            grouped = "\u{202F}" + units.suffix(3) + grouped
            units = String(units.dropLast(3))
        }
        return sign + units + grouped
    }

    /// `1 ticket`, `2 tickets`, `0 ticket`: in French, 0 and 1 take the singular.
    public static func count(_ value: Int, _ singular: String, _ plural: String) -> String {
        integer(value) + "\u{00A0}" + (value.magnitude <= 1 ? singular : plural)
    }

    /// `14 h 00`: the one way a time of day is written to a person.
    public static func clock(hour: Int, minute: Int) -> String {
        "\(hour)\u{00A0}h\u{00A0}\(minute < 10 ? "0" : "")\(minute)"
    }

    /// `18 h 30` for a time stored as `18:30`; the text itself when it is not one.
    public static func clock(_ hoursAndMinutes: String) -> String {
        let parts = hoursAndMinutes.split(separator: ":")
        guard parts.count >= 2, let hour = Int(parts[0]), let minute = Int(parts[1]), (0..<24).contains(hour), (0..<60).contains(minute) else { return hoursAndMinutes }
        return clock(hour: hour, minute: minute)
    }

    /// `7 h 30` for 450 minutes, `7 h` for 420.
    public static func duration(minutes: Int) -> String {
        let rest = minutes % 60
        return rest == 0 ? "\(minutes / 60)\u{00A0}h" : "\(minutes / 60)\u{00A0}h\u{00A0}\(rest < 10 ? "0" : "")\(rest)"
    }
}

/// Hours as a person types them: `7,5`, `7.5`, `7`, `7h30`, `7 h 30`, `7H`, `7:30`, `7 heures 30`.
/// Nil when the text is not a duration (`sept`, `7h75`, `7,5h30`).
public enum HoursText {
    public static func parse(_ raw: String) -> Double? {
        var text = raw.lowercased().filter { !$0.isWhitespace }
        for unit in ["heures", "heure", "hrs", "hr"] { text = text.replacingOccurrences(of: unit, with: "h") }
        if text.hasSuffix("min") {
            text.removeLast(3)
            // `45 min` alone is minutes; `7h30min` is hours and minutes.
            if !text.contains("h") && !text.contains(":") {
                guard !text.isEmpty, text.count <= 3, text.allSatisfy(\.isASCIIDigit), let minutes = Int(text) else { return nil }
                return Double(minutes) / 60
            }
        }
        for separator in ["h", ":"] where text.contains(separator) {
            let parts = text.split(separator: Character(separator), maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            // `7,5 h`: a decimal number of hours with its unit.
            if separator == "h", parts.count == 2, parts[1].isEmpty { return decimal(parts[0]) }
            guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 3, parts[0].allSatisfy(\.isASCIIDigit),
                  let hours = Int(parts[0]),
                  parts[1].count == 2, parts[1].allSatisfy(\.isASCIIDigit), let minutes = Int(parts[1]), minutes < 60 else { return nil }
            return Double(hours) + Double(minutes) / 60
        }
        return decimal(text)
    }

    /// `7`, `7,5`, `7.25`: at most three digits of hours and two decimals.
    private static func decimal(_ text: String) -> Double? {
        let normalised = text.replacingOccurrences(of: ",", with: ".")
        let parts = normalised.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].count <= 3,
              parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }), parts.count == 1 || (1...2).contains(parts[1].count) else { return nil }
        return Double(normalised)
    }
}
