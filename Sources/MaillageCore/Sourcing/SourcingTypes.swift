/// The product families of ma-cantine's purchases, with Maillage's codes (the API's) and
/// ma-cantine's (its CSV files'), both accepted on import.
public enum ProductFamily: String, CaseIterable, Codable, Sendable, FrenchLabelled {
    case meatPoultry = "viandes-volailles"
    case charcuterie
    case seafood = "produits-de-la-mer"
    case fruitsVegetables = "fruits-legumes"
    case dairy = "bof"
    case bakery = "boulangerie"
    case drinks = "boissons"
    case other = "autres"

    public var frenchLabel: String {
        switch self {
        case .meatPoultry: "Viandes et volailles"
        case .charcuterie: "Charcuterie"
        case .seafood: "Produits de la mer"
        case .fruitsVegetables: "Fruits et légumes"
        case .dairy: "Beurre, œufs, fromages (BOF)"
        case .bakery: "Boulangerie"
        case .drinks: "Boissons"
        case .other: "Autres produits"
        }
    }

    /// ma-cantine's code.
    public var maCantineCode: String {
        switch self {
        case .meatPoultry: "VIANDES_VOLAILLES"
        case .charcuterie: "CHARCUTERIE"
        case .seafood: "PRODUITS_DE_LA_MER"
        case .fruitsVegetables: "FRUITS_ET_LEGUMES"
        case .dairy: "PRODUITS_LAITIERS"
        case .bakery: "BOULANGERIE"
        case .drinks: "BOISSONS"
        case .other: "AUTRES"
        }
    }

    /// A code as typed in a file: Maillage's or ma-cantine's, whatever the case.
    public init?(code raw: String) {
        let code = raw.trimmingWhitespace()
        if let family = ProductFamily(rawValue: code.lowercased()) ?? ProductFamily.allCases.first(where: { $0.maCantineCode == code.uppercased() }) {
            self = family
        } else {
            return nil
        }
    }

    /// Meat and fish: EGAlim follows their quality share apart.
    public var isMeatOrFish: Bool { self == .meatPoultry || self == .seafood }
}

/// A purchase line's characteristics, as ma-cantine names them.
public enum PurchaseCharacteristic: String, CaseIterable, Codable, Sendable, FrenchLabelled {
    case bio = "BIO"
    case labelRouge = "LABEL_ROUGE"
    case aocAop = "AOCAOP"
    case igp = "IGP"
    case stg = "STG"
    case hve = "HVE"
    case sustainableFishing = "PECHE_DURABLE"
    case rup = "RUP"
    case fairTrade = "COMMERCE_EQUITABLE"
    case farm = "FERMIER"
    case externalities = "EXTERNALITES"
    case performance = "PERFORMANCE"
    case france = "FRANCE"
    case europe = "EUROPE"
    case shortCircuit = "CIRCUIT_COURT"
    case local = "LOCAL"

    public var frenchLabel: String {
        switch self {
        case .bio: "Bio"
        case .labelRouge: "Label rouge"
        case .aocAop: "AOC / AOP"
        case .igp: "IGP"
        case .stg: "STG"
        case .hve: "Haute valeur environnementale"
        case .sustainableFishing: "Écolabel pêche durable"
        case .rup: "Région ultrapériphérique (RUP)"
        case .fairTrade: "Commerce équitable"
        case .farm: "Fermier"
        case .externalities: "Externalités environnementales"
        case .performance: "Performance environnementale"
        case .france: "Origine France"
        case .europe: "Origine Europe"
        case .shortCircuit: "Circuit court"
        case .local: "Local"
        }
    }

    public init?(code raw: String) {
        let code = raw.trimmingWhitespace().uppercased().replacingOccurrences(of: "-", with: "_").replacingOccurrences(of: " ", with: "_")
        self.init(rawValue: code == "AOC_AOP" ? "AOCAOP" : code)
    }
}

/// What "local" means: within so many km, the same commune or EPCI, département, région, or
/// the territory of a food project (PAT).
public enum LocalDefinitionKind: String, CaseIterable, Codable, Sendable, FrenchLabelled {
    case km
    case communeEpci = "commune-epci"
    case departement
    case region
    case pat

    public var frenchLabel: String {
        switch self {
        case .km: "À moins de N km"
        case .communeEpci: "Même commune ou intercommunalité"
        case .departement: "Même département"
        case .region: "Même région"
        case .pat: "Projet alimentaire territorial (PAT)"
        }
    }

    /// The code in a purchases file (`DEPARTEMENT`…); ma-cantine's `AUTOUR_SERVICE` is 200 km.
    public var fileCode: String { rawValue.uppercased().replacingOccurrences(of: "-", with: "_") }

    /// Territories from the narrowest: a product from the same commune is also from the same
    /// département and région.
    var breadth: Int? {
        switch self {
        case .communeEpci: 1
        case .departement: 2
        case .region: 3
        case .km, .pat: nil
        }
    }
}

public struct LocalDefinition: Sendable, Equatable, Hashable, Codable {
    public var kind: LocalDefinitionKind
    /// Only for `km`.
    public var km: Int?

    public init(kind: LocalDefinitionKind, km: Int? = nil) {
        self.kind = kind
        self.km = kind == .km ? km : nil
    }

    public static let maCantineAroundService = LocalDefinition(kind: .km, km: 200)
    public static let departement = LocalDefinition(kind: .departement)

    public var frenchLabel: String {
        kind == .km ? "À moins de \(km ?? 0) km" : kind.frenchLabel
    }

    /// Whether a line declared local by `self` is local for a cooperative that defines local as
    /// `reference`: a narrower territory fits a broader one, a shorter distance a longer one.
    public func fits(_ reference: LocalDefinition) -> Bool {
        switch (kind, reference.kind) {
        case (.km, .km): return (km ?? .max) <= (reference.km ?? 0)
        case (.pat, .pat): return true
        default:
            guard let own = kind.breadth, let wanted = reference.kind.breadth else { return false }
            return own <= wanted
        }
    }
}

/// Who a supplier is.
public enum SupplierKind: String, CaseIterable, Codable, Sendable, FrenchLabelled {
    case producer
    case neighbourhoodShop = "neighbourhood-shop"
    case wholesaler
    case socialEconomy = "social-economy"

    public var frenchLabel: String {
        switch self {
        case .producer: "Producteur ou productrice"
        case .neighbourhoodShop: "Commerce du quartier"
        case .wholesaler: "Grossiste"
        case .socialEconomy: "Structure de l'économie sociale et solidaire"
        }
    }
}

/// Where a line stands for EGAlim: each line counts once, by precedence.
public enum EgalimClass: String, CaseIterable, Codable, Sendable {
    case bio
    /// Official quality signs: Label rouge, AOC/AOP, IGP, STG.
    case officialQuality = "official-quality"
    /// The other characteristics EGAlim counts as "durable et de qualité".
    case otherEgalim = "other-egalim"
    case none

    public var isEgalim: Bool { self != .none }

    static let officialSigns: Set<PurchaseCharacteristic> = [.labelRouge, .aocAop, .igp, .stg]
    static let otherSigns: Set<PurchaseCharacteristic> = [.hve, .sustainableFishing, .rup, .farm, .externalities, .performance]

    /// Organic first, then the official signs, then the other EGAlim characteristics. Fair
    /// trade, origin, short circuit and local are followed but are not EGAlim.
    public static func classify(_ characteristics: Set<PurchaseCharacteristic>) -> EgalimClass {
        if characteristics.contains(.bio) { return .bio }
        if !characteristics.isDisjoint(with: officialSigns) { return .officialQuality }
        if !characteristics.isDisjoint(with: otherSigns) { return .otherEgalim }
        return .none
    }
}
