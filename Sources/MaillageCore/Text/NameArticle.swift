/// The article a name takes in a French sentence, stored with the name: « la Coopérative
/// d'habitants des Caillols », « le Comptoir solidaire », « l'Épicerie du Bourg », « les Jardins
/// partagés ». It makes « de la Coopérative… », « du Comptoir… », « à l'Épicerie… », « aux Jardins… ».
public enum NameArticle: String, CaseIterable, Sendable {
    case la
    case le
    case elided = "l'"
    case les

    public static let choices: [(raw: String, label: String)] = [("la", "la"), ("le", "le"), ("l'", "l'"), ("les", "les")]

    /// « la Coopérative… », or the name alone without an article.
    public static func named(_ name: String, _ article: NameArticle?) -> String {
        switch article {
        case .la: "la " + name
        case .le: "le " + name
        case .elided: "l'" + name
        case .les: "les " + name
        case nil: name
        }
    }

    /// « de la Coopérative… », « du Comptoir… », « de l'Épicerie… », « des Jardins… », « de Maillage ».
    public static func of(_ name: String, _ article: NameArticle?) -> String {
        switch article {
        case .la: "de la " + name
        case .le: "du " + name
        case .elided: "de l'" + name
        case .les: "des " + name
        case nil: startsWithVowel(name) ? "d'" + name : "de " + name
        }
    }

    /// « à la Coopérative… », « au Comptoir… », « à l'Épicerie… », « aux Jardins… », « à Maillage ».
    public static func to(_ name: String, _ article: NameArticle?) -> String {
        switch article {
        case .la: "à la " + name
        case .le: "au " + name
        case .elided: "à l'" + name
        case .les: "aux " + name
        case nil: "à " + name
        }
    }

    /// The first letter in capitals, for the start of a sentence.
    public static func capitalized(_ text: String) -> String {
        guard let first = text.first else { return text }
        return first.uppercased() + text.dropFirst()
    }

    private static func startsWithVowel(_ name: String) -> Bool {
        guard let first = name.first else { return false }
        return "AEIOUYÉÈÊÀÂÎÔÛaeiouyéèêàâîôû".contains(first)
    }
}
