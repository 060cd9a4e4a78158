/// The sourcing figures of a period, by value excluding VAT: EGAlim and organic shares (each
/// line counted once, by precedence), meat and fish, local, short circuit, businesses inside
/// a QPV, the social and solidarity economy; by family and by supplier.
public struct SourcingIndicators: Sendable, Equatable {
    public struct Line: Sendable, Equatable {
        public var priceCents: Int
        public var family: ProductFamily
        public var characteristics: Set<PurchaseCharacteristic>
        public var localDefinition: LocalDefinition?
        public var supplier: Supplier

        public init(priceCents: Int, family: ProductFamily, characteristics: Set<PurchaseCharacteristic>, localDefinition: LocalDefinition?, supplier: Supplier) {
            self.priceCents = priceCents
            self.family = family
            self.characteristics = characteristics
            self.localDefinition = localDefinition
            self.supplier = supplier
        }
    }

    public struct Supplier: Sendable, Equatable, Hashable {
        public var id: String
        public var name: String
        public var inQpv: Bool
        public var kind: SupplierKind?

        public init(id: String, name: String, inQpv: Bool, kind: SupplierKind?) {
            self.id = id
            self.name = name
            self.inQpv = inQpv
            self.kind = kind
        }
    }

    /// Sums of one family or one supplier.
    public struct Part: Sendable, Equatable {
        public var totalCents = 0
        public var egalimCents = 0
        public var bioCents = 0
        public var localCents = 0
    }

    public var totalCents = 0
    public var bioCents = 0
    public var officialQualityCents = 0
    public var otherEgalimCents = 0
    public var meatFishCents = 0
    public var meatFishEgalimCents = 0
    public var localCents = 0
    public var shortCircuitCents = 0
    public var qpvCents = 0
    public var essCents = 0
    public var byFamily: [ProductFamily: Part] = [:]
    public var bySupplier: [Supplier: Part] = [:]

    /// EGAlim's targets: at least half durable and of quality, a fifth organic.
    public static let egalimTarget = 0.5
    public static let bioTarget = 0.2

    public var egalimCents: Int { bioCents + officialQualityCents + otherEgalimCents }

    /// `part / totalCents`; nil when nothing was bought (a share of nothing is not 0 %).
    public func share(_ part: Int) -> Double? { totalCents == 0 ? nil : Double(part) / Double(totalCents) }
    public var egalimShare: Double? { share(egalimCents) }
    public var bioShare: Double? { share(bioCents) }
    public var meatFishEgalimShare: Double? { meatFishCents == 0 ? nil : Double(meatFishEgalimCents) / Double(meatFishCents) }
    public var localShare: Double? { share(localCents) }
    public var shortCircuitShare: Double? { share(shortCircuitCents) }
    public var qpvShare: Double? { share(qpvCents) }
    public var essShare: Double? { share(essCents) }

    /// `local`: the cooperative's own definition of local.
    public init(lines: [Line], local: LocalDefinition) {
        for line in lines {
            let cents = line.priceCents
            let egalim = EgalimClass.classify(line.characteristics)
            let isLocal = line.characteristics.contains(.local) && (line.localDefinition?.fits(local) ?? false)
            totalCents += cents
            switch egalim {
            case .bio: bioCents += cents
            case .officialQuality: officialQualityCents += cents
            case .otherEgalim: otherEgalimCents += cents
            case .none: break
            }
            if line.family.isMeatOrFish {
                meatFishCents += cents
                if egalim.isEgalim { meatFishEgalimCents += cents }
            }
            if isLocal { localCents += cents }
            if line.characteristics.contains(.shortCircuit) { shortCircuitCents += cents }
            if line.supplier.inQpv { qpvCents += cents }
            if line.supplier.kind == .socialEconomy { essCents += cents }
            for key in [0, 1] {
                var part = key == 0 ? byFamily[line.family, default: Part()] : bySupplier[line.supplier, default: Part()]
                part.totalCents += cents
                if egalim.isEgalim { part.egalimCents += cents }
                if egalim == .bio { part.bioCents += cents }
                if isLocal { part.localCents += cents }
                if key == 0 { byFamily[line.family] = part } else { bySupplier[line.supplier] = part }
            }
        }
    }
}

/// The cost of a dish's portion from the latest purchase prices.
public enum PortionCost {
    public struct Ingredient: Sendable, Equatable {
        /// In the usage unit (g, cL, piece).
        public var quantity: Double
        /// How many usage units one purchase unit holds (1 000 g in a kg).
        public var usagePerPurchaseUnit: Double
        /// Share of what is bought that ends up in the dish (peelings, bones…), 1 to 100 %.
        public var yieldPercent: Int
        /// The latest price of one purchase unit, excluding VAT; nil when never bought.
        public var purchaseUnitPriceCents: Double?

        public init(quantity: Double, usagePerPurchaseUnit: Double, yieldPercent: Int, purchaseUnitPriceCents: Double?) {
            self.quantity = quantity
            self.usagePerPurchaseUnit = usagePerPurchaseUnit
            self.yieldPercent = yieldPercent
            self.purchaseUnitPriceCents = purchaseUnitPriceCents
        }

        /// What the quantity costs, bought with its losses; nil without a price.
        public var costCents: Double? {
            guard let price = purchaseUnitPriceCents, usagePerPurchaseUnit > 0, yieldPercent > 0 else { return nil }
            return quantity / usagePerPurchaseUnit / (Double(yieldPercent) / 100) * price
        }
    }

    public struct Result: Sendable, Equatable {
        /// The recipe's cost, rounded to the cent, of the ingredients whose price is known.
        public var totalCents: Int
        public var portionCents: Int
        /// Indexes of the ingredients never bought: the cost is then a lower bound.
        public var unpriced: [Int]
    }

    public static func cost(_ ingredients: [Ingredient], portions: Int) -> Result {
        let total = ingredients.compactMap(\.costCents).reduce(0, +)
        let unpriced = ingredients.indices.filter { ingredients[$0].costCents == nil }
        return Result(totalCents: Int(total.rounded()), portionCents: portions > 0 ? Int((total / Double(portions)).rounded()) : 0, unpriced: unpriced)
    }

    /// Price per purchase unit from a purchase line: its price over its quantity.
    public static func unitPrice(lineCents: Int, quantity: Double?) -> Double? {
        guard let quantity, quantity > 0 else { return nil }
        return Double(lineCents) / quantity
    }
}

/// A dish as typed: its portions and ingredients.
public struct RecipeDraft: Sendable, Equatable {
    public struct IngredientDraft: Sendable, Equatable, Codable {
        public var name: String?
        /// In the usage unit.
        public var quantity: Double?
        public var usageUnit: String?
        /// How many usage units one purchase unit holds (1000 g in a kg); 1 when they are the same.
        public var usagePerPurchaseUnit: Double?
        /// 1 to 100; 100 when nothing is lost.
        public var yieldPercent: Int?
        /// The words looked for in purchase descriptions; the name when absent.
        public var match: String?

        public init(name: String?, quantity: Double?, usageUnit: String? = nil, usagePerPurchaseUnit: Double? = nil, yieldPercent: Int? = nil, match: String? = nil) {
            self.name = name
            self.quantity = quantity
            self.usageUnit = usageUnit
            self.usagePerPurchaseUnit = usagePerPurchaseUnit
            self.yieldPercent = yieldPercent
            self.match = match
        }
    }

    public var name: String?
    public var portions: Int?
    public var ingredients: [IngredientDraft]

    public init(name: String?, portions: Int?, ingredients: [IngredientDraft]) {
        self.name = name
        self.portions = portions
        self.ingredients = ingredients
    }

    public struct Valid: Sendable, Equatable {
        public var name: String
        public var portions: Int
        /// Every field filled: unit, ratio 1, yield 100, match = name by default.
        public var ingredients: [IngredientDraft]
    }

    public func validate() throws(FieldErrors) -> Valid {
        var errors = FieldErrors()
        let name = TextRules.requireName(name, field: "name", max: 120, into: &errors)
        if let portions {
            if !(1...10_000).contains(portions) { errors.add("portions", "Le nombre de portions va de 1 à 10 000.") }
        } else {
            errors.add("portions", "Indiquez pour combien de portions est la recette.")
        }
        if ingredients.isEmpty { errors.add("ingredients", "Une recette a au moins un ingrédient.") }
        if ingredients.count > 100 { errors.add("ingredients", "Une recette a au plus 100 ingrédients.") }
        var valid: [IngredientDraft] = []
        for (index, ingredient) in ingredients.prefix(100).enumerated() {
            let field = "ingredients[\(index)]"
            let name = TextRules.clean(ingredient.name)
            if name == nil { errors.add(field + ".name", "Nommez l'ingrédient.") }
            if let name, name.count > 120 { errors.add(field + ".name", "Le nom compte au plus 120 caractères.") }
            guard let quantity = ingredient.quantity, quantity > 0, quantity <= 1_000_000 else {
                errors.add(field + ".quantity", "La quantité est un nombre positif.")
                continue
            }
            let ratio = ingredient.usagePerPurchaseUnit ?? 1
            if !(ratio > 0 && ratio <= 1_000_000) { errors.add(field + ".usagePerPurchaseUnit", "Le nombre d'unités d'usage par unité d'achat est positif (1000 g dans un kg).") }
            let yield = ingredient.yieldPercent ?? 100
            if !(1...100).contains(yield) { errors.add(field + ".yieldPercent", "Le rendement va de 1 à 100 %.") }
            let unit = TextRules.clean(ingredient.usageUnit)
            if let unit, unit.count > 20 { errors.add(field + ".usageUnit", "L'unité compte au plus 20 caractères.") }
            valid.append(IngredientDraft(name: name, quantity: quantity, usageUnit: unit, usagePerPurchaseUnit: ratio, yieldPercent: yield,
                                         match: TextRules.clean(ingredient.match) ?? name))
        }
        try errors.throwIfAny()
        return Valid(name: name, portions: portions!, ingredients: valid)
    }

    /// Whether a purchase line's description names the ingredient: every word looked for is
    /// in it, whatever the case and accents ("courgette" finds "Courgettes bio du Var").
    public static func matches(_ description: String, words: String) -> Bool {
        let haystack = fold(description)
        let needles = fold(words).split(separator: " ")
        return !needles.isEmpty && needles.allSatisfy { haystack.contains($0) }
    }

    static func fold(_ text: String) -> String {
        String(text.lowercased().unicodeScalars.map { scalar -> Character in
            switch scalar {
            case "à", "â", "ä": "a"
            case "é", "è", "ê", "ë": "e"
            case "î", "ï": "i"
            case "ô", "ö": "o"
            case "ù", "û", "ü": "u"
            case "ç": "c"
            case "œ": "o"
            default: Character(scalar)
            }
        })
    }
}
