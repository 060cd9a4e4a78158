/// French administrative identifiers.
public enum FrenchIdentifiers {
    /// A SIRET is 14 digits whose Luhn key is valid (the INSEE check used by SIRENE).
    /// La Poste's establishments (SIREN 356 000 000) use a different rule: the digits sum to a
    /// multiple of 5.
    public static func isValidSiret(_ value: String) -> Bool {
        let digits = value.compactMap(\.wholeNumberValue)
        guard value.count == 14, digits.count == 14, value.allSatisfy(\.isASCII) else { return false }
        if value.hasPrefix("356000000") && value != "35600000000048" {
            return digits.reduce(0, +) % 5 == 0
        }
        return luhn(digits)
    }

    /// A SIREN is 9 digits with a valid Luhn key.
    public static func isValidSiren(_ value: String) -> Bool {
        let digits = value.compactMap(\.wholeNumberValue)
        guard value.count == 9, digits.count == 9, value.allSatisfy(\.isASCII) else { return false }
        return luhn(digits)
    }

    static func luhn(_ digits: [Int]) -> Bool {
        var sum = 0
        for (offset, digit) in digits.reversed().enumerated() {
            if offset % 2 == 1 {
                let doubled = digit * 2
                sum += doubled > 9 ? doubled - 9 : doubled
            } else {
                sum += digit
            }
        }
        return sum % 10 == 0
    }

    /// A QPV code: `QN` (2024 map) or `QP` (2015 map), the département on three characters
    /// (`013`, `02A`), then three characters (`QN01306M`, `QP013001`).
    public static func isValidQpvCode(_ value: String) -> Bool {
        let chars = Array(value)
        guard chars.count == 8, chars[0] == "Q", chars[1] == "N" || chars[1] == "P" else { return false }
        let department = chars[2...4]
        let departmentOK = department.allSatisfy(\.isASCIIDigit)
            || (department.prefix(2).allSatisfy(\.isASCIIDigit) && (department.last == "A" || department.last == "B"))
        let rest = chars[5...7]
        let restOK = rest.prefix(2).allSatisfy(\.isASCIIDigit) && (rest.last!.isASCIIDigit || rest.last!.isASCIIUppercaseLetter)
        return departmentOK && restOK
    }

    /// An INSEE commune code (code officiel géographique): five digits, or `2A`/`2B` then
    /// three digits for Corsica (`13212` for Marseille 12e, `41269` for Vendôme).
    public static func isValidInseeCommuneCode(_ value: String) -> Bool {
        let chars = Array(value)
        guard chars.count == 5 else { return false }
        if chars.allSatisfy(\.isASCIIDigit) { return true }
        return chars[0] == "2" && (chars[1] == "A" || chars[1] == "B") && chars[2...].allSatisfy(\.isASCIIDigit)
    }

    /// A plausible email address: one `@`, something before it, a dot in the domain, no spaces.
    /// Deliverability is proven by the invitation link, not by a regex.
    public static func isPlausibleEmail(_ value: String) -> Bool {
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, value.count <= 254 else { return false }
        let domain = parts[1]
        guard domain.contains("."), !domain.hasPrefix("."), !domain.hasSuffix(".") else { return false }
        return !value.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" })
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
    var isASCIIUppercaseLetter: Bool { isASCII && isUppercase }
}
