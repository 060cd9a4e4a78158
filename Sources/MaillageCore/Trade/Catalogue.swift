/// A product or service as the coordinator types it.
public struct ProductDraft: Sendable, Equatable {
    public var name: String?
    public var category: String?
    public var publicPriceCents: Int?
    public var vatRate: String?
    public var active: Bool?

    public init(name: String?, category: String?, publicPriceCents: Int?, vatRate: String?, active: Bool? = nil) {
        self.name = name
        self.category = category
        self.publicPriceCents = publicPriceCents
        self.vatRate = vatRate
        self.active = active
    }

    public struct Valid: Sendable, Equatable {
        public var name: String
        public var category: String
        public var publicPriceCents: Int
        public var vatRate: VATRate
        public var active: Bool
    }

    /// Ten thousand euros: beyond, it is a typing mistake, not a meal.
    public static let maximumPriceCents = 1_000_000

    public func validate() throws(FieldErrors) -> Valid {
        var errors = FieldErrors()
        let name = TextRules.requireName(name, field: "name", max: 120, into: &errors)
        let category = TextRules.requireName(category, field: "category", max: 60, into: &errors)
        if let cents = publicPriceCents {
            if !(0...Self.maximumPriceCents).contains(cents) { errors.add("publicPriceCents", "Le prix public va de 0 à 10 000 €.") }
        } else {
            errors.add("publicPriceCents", "Indiquez le prix public TTC.")
        }
        let rate = VATRate(percent: TextRules.clean(vatRate) ?? "")
        if rate == nil { errors.add("vatRate", "Le taux de TVA est 5.5, 10 ou 20.") }
        try errors.throwIfAny()
        return Valid(name: name, category: category, publicPriceCents: publicPriceCents!, vatRate: rate!, active: active ?? true)
    }
}

/// A household card: the code typed or scanned at the counter.
public enum HouseholdCard {
    /// Letters and digits that cannot be mistaken for one another (no O/0, I/1).
    public static let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
    public static let generatedLength = 6

    public static func generate<G: RandomNumberGenerator>(using generator: inout G) -> String {
        String((0..<generatedLength).map { _ in alphabet.randomElement(using: &generator)! })
    }

    /// A typed code, in capitals; nil when it is not 4 to 12 letters or digits.
    public static func normalise(_ raw: String) -> String? {
        let code = raw.trimmingWhitespace().uppercased()
        guard (4...12).contains(code.count), code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else { return nil }
        return code
    }
}
