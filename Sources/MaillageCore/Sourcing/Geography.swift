/// French départements and régions, derived from a postal code.
public enum FrenchGeography {
    /// The département of a 5-digit postal code (`13012` → `13`, `20090` → `2A`, `97411` →
    /// `974`); nil for a code that is not one. A few communes have a neighbour's postal code:
    /// the address stays the reference.
    public static func departement(postalCode raw: String) -> String? {
        let code = raw.trimmingWhitespace()
        guard code.count == 5, code.allSatisfy(\.isASCIIDigit), !code.hasPrefix("00") else { return nil }
        if code.hasPrefix("20") { return Int(code.prefix(3))! < 202 ? "2A" : "2B" }
        if code.hasPrefix("97") {
            let overseas = String(code.prefix(3))
            return regionsByDepartement[overseas] == nil ? nil : overseas
        }
        let departement = String(code.prefix(2))
        return regionsByDepartement[departement] == nil ? nil : departement
    }

    /// The région of a département (`13` → Provence-Alpes-Côte d'Azur).
    public static func region(departement: String) -> String? { regionsByDepartement[departement] }

    static let regions: [(name: String, departements: [String])] = [
        ("Auvergne-Rhône-Alpes", ["01", "03", "07", "15", "26", "38", "42", "43", "63", "69", "73", "74"]),
        ("Bourgogne-Franche-Comté", ["21", "25", "39", "58", "70", "71", "89", "90"]),
        ("Bretagne", ["22", "29", "35", "56"]),
        ("Centre-Val de Loire", ["18", "28", "36", "37", "41", "45"]),
        ("Corse", ["2A", "2B"]),
        ("Grand Est", ["08", "10", "51", "52", "54", "55", "57", "67", "68", "88"]),
        ("Hauts-de-France", ["02", "59", "60", "62", "80"]),
        ("Île-de-France", ["75", "77", "78", "91", "92", "93", "94", "95"]),
        ("Normandie", ["14", "27", "50", "61", "76"]),
        ("Nouvelle-Aquitaine", ["16", "17", "19", "23", "24", "33", "40", "47", "64", "79", "86", "87"]),
        ("Occitanie", ["09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82"]),
        ("Pays de la Loire", ["44", "49", "53", "72", "85"]),
        ("Provence-Alpes-Côte d'Azur", ["04", "05", "06", "13", "83", "84"]),
        ("Guadeloupe", ["971"]), ("Martinique", ["972"]), ("Guyane", ["973"]), ("La Réunion", ["974"]), ("Mayotte", ["976"]),
    ]

    static let regionsByDepartement: [String: String] = Dictionary(uniqueKeysWithValues: regions.flatMap { region in
        region.departements.map { ($0, region.name) }
    })
}
