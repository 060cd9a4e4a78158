/// A solidarity tariff grid: prices set by the household's resources (CAF quotient familial),
/// as a cantine à 1 € or an épicerie solidaire sets them.
public struct TariffGrid: Sendable, Equatable {
    public enum Rule: Sendable, Equatable {
        case fixedPrice(cents: Int)
        case percentOfPublic(Int)
    }

    public struct Bracket: Sendable, Equatable {
        /// The highest QF of the bracket, included; nil for the last, open bracket.
        public var maxFamilyQuotient: Int?
        /// The bracket's rule for every product whose category has none of its own.
        public var rule: Rule
        /// Rules for some product categories, keyed by `TariffGrid.categoryKey` (1 € meals but
        /// 50 % at the recyclerie, say).
        public var categoryRules: [String: Rule]

        public init(maxFamilyQuotient: Int?, rule: Rule, categoryRules: [String: Rule] = [:]) {
            self.maxFamilyQuotient = maxFamilyQuotient
            self.rule = rule
            self.categoryRules = Dictionary(categoryRules.map { (TariffGrid.categoryKey($0.key), $0.value) }, uniquingKeysWith: { first, _ in first })
        }

        /// The rule for a product of `category`.
        public func rule(for category: String) -> Rule {
            categoryRules[TariffGrid.categoryKey(category)] ?? rule
        }
    }

    /// Categories are typed by hand in the catalogue: "Repas " and "repas" are one category.
    public static func categoryKey(_ category: String) -> String {
        category.trimmingWhitespace().lowercased()
    }

    /// Price = QF × permille / 1000 euros, within [min, max]: the "taux d'effort".
    public struct EffortRate: Sendable, Equatable {
        public var permille: Int
        public var minCents: Int
        public var maxCents: Int

        public init(permille: Int, minCents: Int, maxCents: Int) {
            self.permille = permille
            self.minCents = minCents
            self.maxCents = maxCents
        }
    }

    public var brackets: [Bracket]
    public var effortRate: EffortRate?
    public var validFrom: CalendarDay
    public var validTo: CalendarDay?

    public init(brackets: [Bracket] = [], effortRate: EffortRate? = nil, validFrom: CalendarDay, validTo: CalendarDay? = nil) {
        self.brackets = brackets
        self.effortRate = effortRate
        self.validFrom = validFrom
        self.validTo = validTo
    }

    public func isValid(on day: CalendarDay) -> Bool {
        validFrom <= day && (validTo.map { day <= $0 } ?? true)
    }
}

/// Where a household stands in a grid.
public enum Tier: Hashable, Sendable, CustomStringConvertible {
    /// No valid proof on file: the public price.
    case publicPrice
    /// The n-th bracket of the grid, from 1.
    case bracket(Int)
    case effortRate

    /// `public`, `T1`, `T2`…, `effort`: the code stored on a household and a sale line.
    public var description: String {
        switch self {
        case .publicPrice: "public"
        case .bracket(let n): "T\(n)"
        case .effortRate: "effort"
        }
    }

    public init?(code: String) {
        switch code {
        case "public": self = .publicPrice
        case "effort": self = .effortRate
        default:
            let digits = code.dropFirst()
            guard code.hasPrefix("T"), !digits.hasPrefix("0"), digits.allSatisfy(\.isNumber), let n = Int(digits), n >= 1 else { return nil }
            self = .bracket(n)
        }
    }

    public var frenchLabel: String {
        switch self {
        case .publicPrice: "Prix public"
        case .bracket(let n): "Tranche \(n)"
        case .effortRate: "Taux d'effort"
        }
    }

    /// Brackets in order, then the effort rate, then the public price.
    public var sortKey: Int {
        switch self {
        case .bracket(let n): n
        case .effortRate: 1_000
        case .publicPrice: 1_001
        }
    }
}

public enum TariffRules {
    /// The tier of a household whose QF is known (nil: no QF on file, e.g. a social worker's
    /// referral, which gives the first bracket).
    public static func tier(familyQuotient: Int?, hasProof: Bool, grid: TariffGrid) -> Tier {
        guard hasProof else { return .publicPrice }
        if grid.effortRate != nil { return familyQuotient == nil ? .bracket(1) : .effortRate }
        guard let qf = familyQuotient else { return grid.brackets.isEmpty ? .publicPrice : .bracket(1) }
        for (index, bracket) in grid.brackets.enumerated() where bracket.maxFamilyQuotient.map({ qf <= $0 }) ?? true {
            return .bracket(index + 1)
        }
        return .publicPrice
    }

    /// What the household pays for a product of public price `publicCents` in `category`;
    /// never more than the public price.
    public static func price(publicCents: Int, category: String, tier: Tier, familyQuotient: Int?, grid: TariffGrid) -> Int {
        let price: Int
        switch tier {
        case .publicPrice:
            return publicCents
        case .bracket(let n):
            if let effort = grid.effortRate, grid.brackets.isEmpty {
                // Without a QF an effort-rate grid charges its minimum.
                price = effort.minCents
            } else {
                guard grid.brackets.indices.contains(n - 1) else { return publicCents }
                switch grid.brackets[n - 1].rule(for: category) {
                case .fixedPrice(let cents): price = cents
                case .percentOfPublic(let percent): price = (publicCents * percent + 50) / 100
                }
            }
        case .effortRate:
            guard let effort = grid.effortRate, let qf = familyQuotient else { return publicCents }
            // QF × permille / 1000 euros = QF × permille / 10 cents, rounded half up.
            let raw = (qf * effort.permille + 5) / 10
            price = min(max(raw, effort.minCents), effort.maxCents)
        }
        return min(price, publicCents)
    }
}

/// A grid as the coordinator types it (the API's body).
public struct TariffGridDraft: Sendable, Equatable {
    public struct BracketDraft: Sendable, Equatable {
        public var maxFamilyQuotient: Int?
        public var priceCents: Int?
        public var percentOfPublic: Int?
        public var categories: [CategoryDraft]

        public init(maxFamilyQuotient: Int?, priceCents: Int? = nil, percentOfPublic: Int? = nil, categories: [CategoryDraft] = []) {
            self.maxFamilyQuotient = maxFamilyQuotient
            self.priceCents = priceCents
            self.percentOfPublic = percentOfPublic
            self.categories = categories
        }
    }

    /// A bracket's own price for one product category.
    public struct CategoryDraft: Sendable, Equatable {
        public var category: String?
        public var priceCents: Int?
        public var percentOfPublic: Int?

        public init(category: String?, priceCents: Int? = nil, percentOfPublic: Int? = nil) {
            self.category = category
            self.priceCents = priceCents
            self.percentOfPublic = percentOfPublic
        }
    }

    public var name: String?
    public var validFrom: String?
    public var validTo: String?
    public var brackets: [BracketDraft]
    public var effortRate: TariffGrid.EffortRate?

    public init(name: String?, validFrom: String?, validTo: String? = nil, brackets: [BracketDraft] = [], effortRate: TariffGrid.EffortRate? = nil) {
        self.name = name
        self.validFrom = validFrom
        self.validTo = validTo
        self.brackets = brackets
        self.effortRate = effortRate
    }

    public struct Valid: Sendable, Equatable {
        public var name: String
        public var grid: TariffGrid
    }

    public func validate() throws(FieldErrors) -> Valid {
        var errors = FieldErrors()
        let name = TextRules.requireName(name, field: "name", max: 120, into: &errors)
        let from = CalendarDay.parse(validFrom, field: "validFrom", subject: "Le début de validité", fallback: nil, latest: nil, into: &errors)
        let to = TextRules.clean(validTo) == nil ? nil
            : CalendarDay.parse(validTo, field: "validTo", subject: "La fin de validité", fallback: nil, latest: nil, into: &errors)
        if let from, let to, to < from { errors.add("validTo", "La fin de validité précède son début.") }
        if brackets.isEmpty == (effortRate == nil) {
            errors.add("brackets", "Donnez soit des tranches de quotient familial, soit un taux d'effort.")
        }
        var rules: [TariffGrid.Bracket] = []
        var previousMax: Int?
        for (index, bracket) in brackets.enumerated() {
            let field = "brackets[\(index)]"
            let isLast = index == brackets.count - 1
            if let max = bracket.maxFamilyQuotient {
                if max < 0 { errors.add(field + ".maxFamilyQuotient", "Le quotient familial ne peut pas être négatif.") }
                if let previousMax, max <= previousMax { errors.add(field + ".maxFamilyQuotient", "Les tranches vont du plus petit quotient au plus grand.") }
                previousMax = max
            } else if !isLast {
                errors.add(field + ".maxFamilyQuotient", "Seule la dernière tranche peut rester ouverte (sans plafond).")
            }
            let rule = Self.rule(priceCents: bracket.priceCents, percentOfPublic: bracket.percentOfPublic, field: field, into: &errors,
                                 missing: "Chaque tranche donne soit un prix fixe, soit un pourcentage du prix public.")
            var categoryRules: [String: TariffGrid.Rule] = [:]
            for (categoryIndex, category) in bracket.categories.enumerated() {
                let categoryField = field + ".categories[\(categoryIndex)]"
                guard let name = TextRules.clean(category.category) else {
                    errors.add(categoryField + ".category", "Nommez la catégorie de produits.")
                    continue
                }
                let key = TariffGrid.categoryKey(name)
                if categoryRules[key] != nil { errors.add(categoryField + ".category", "La catégorie « \(name) » est déjà réglée dans cette tranche.") }
                if let categoryRule = Self.rule(priceCents: category.priceCents, percentOfPublic: category.percentOfPublic, field: categoryField, into: &errors,
                                                missing: "Pour la catégorie « \(name) », donnez soit un prix fixe, soit un pourcentage du prix public.") {
                    categoryRules[key] = categoryRule
                }
            }
            if let rule { rules.append(.init(maxFamilyQuotient: bracket.maxFamilyQuotient, rule: rule, categoryRules: categoryRules)) }
        }
        if let effort = effortRate {
            if effort.permille <= 0 || effort.permille > 1000 { errors.add("effortRate.permille", "Le taux d'effort va de 1 à 1000 pour mille.") }
            if effort.minCents < 0 || effort.maxCents < effort.minCents { errors.add("effortRate", "Le plancher est positif et ne dépasse pas le plafond.") }
        }
        if effortRate != nil, brackets.contains(where: { !$0.categories.isEmpty }) {
            errors.add("brackets", "Un taux d'effort s'applique à tous les produits : les prix par catégorie vont avec des tranches.")
        }
        try errors.throwIfAny()
        return Valid(name: name, grid: TariffGrid(brackets: rules, effortRate: effortRate, validFrom: from!, validTo: to))
    }

    /// A fixed price or a percentage, exactly one of them.
    private static func rule(priceCents: Int?, percentOfPublic: Int?, field: String, into errors: inout FieldErrors, missing: String) -> TariffGrid.Rule? {
        switch (priceCents, percentOfPublic) {
        case (let cents?, nil) where (0...ProductDraft.maximumPriceCents).contains(cents): return .fixedPrice(cents: cents)
        case (nil, let percent?) where (0...100).contains(percent): return .percentOfPublic(percent)
        case (nil, nil), (.some, .some): errors.add(field, missing)
        default: errors.add(field, "Un prix fixe va de 0 à 10 000 € ; un pourcentage va de 0 à 100.")
        }
        return nil
    }
}
