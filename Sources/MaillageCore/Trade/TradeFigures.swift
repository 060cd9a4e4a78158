/// What the solidarity trade did over a period: sales by tier, the solidarity value given to
/// households (public price minus what they paid, suspended meals included) and who funded
/// it, meals served to each tier. Works on sums the database groups (by tier, funder and
/// category for lines; by tier for tickets), so a year of tickets is never read one by one.
public enum TradeFigures {
    /// Sale lines summed by tier, funder of the reduction and product category.
    public struct LineGroup: Sendable, Equatable {
        public var tier: String
        /// The grid's named funder; nil: the cooperative's own margin.
        public var fundedBy: String?
        public var category: String
        public var quantity: Int
        public var salesCents: Int
        public var publicValueCents: Int

        public init(tier: String, fundedBy: String?, category: String, quantity: Int, salesCents: Int, publicValueCents: Int) {
            self.tier = tier
            self.fundedBy = fundedBy
            self.category = category
            self.quantity = quantity
            self.salesCents = salesCents
            self.publicValueCents = publicValueCents
        }
    }

    /// Tickets summed by tier (refunds count minus one).
    public struct TicketGroup: Sendable, Equatable {
        public var tier: String
        public var tickets: Int
        public var donationCents: Int
        public var poolDrawCents: Int
        public var suspendedMeals: Int

        public init(tier: String, tickets: Int, donationCents: Int, poolDrawCents: Int, suspendedMeals: Int) {
            self.tier = tier
            self.tickets = tickets
            self.donationCents = donationCents
            self.poolDrawCents = poolDrawCents
            self.suspendedMeals = suspendedMeals
        }
    }

    public struct TierFigures: Sendable, Equatable {
        public var tier: String
        public var tickets = 0
        /// What was charged at the tier (the pool's part included).
        public var salesCents = 0
        public var publicValueCents = 0
        /// Reductions plus the suspended meals the pool paid: what the households did not pay.
        public var solidarityCents = 0
        public var meals = 0
    }

    public enum FundingSource: String, Sendable, Equatable {
        case internalMargin = "internal"
        case pool
        case funder
    }

    public struct Funding: Sendable, Equatable {
        public var source: FundingSource
        public var name: String
        public var cents: Int

        public init(source: FundingSource, name: String, cents: Int) {
            self.source = source
            self.name = name
            self.cents = cents
        }
    }

    public struct Summary: Sendable, Equatable {
        public var byTier: [TierFigures]
        public var funding: [Funding]
        public var tickets: Int { byTier.reduce(0) { $0 + $1.tickets } }
        public var salesCents: Int { byTier.reduce(0) { $0 + $1.salesCents } }
        public var publicValueCents: Int { byTier.reduce(0) { $0 + $1.publicValueCents } }
        public var solidarityCents: Int { byTier.reduce(0) { $0 + $1.solidarityCents } }
        public var meals: Int { byTier.reduce(0) { $0 + $1.meals } }
        public var donationsCents: Int
        public var poolDrawCents: Int
        public var suspendedMeals: Int
    }

    public static func summarise(lines: [LineGroup], tickets: [TicketGroup], mealCategory: String = SaleRules.mealCategory) -> Summary {
        var tiers: [String: TierFigures] = [:]
        var margin = 0
        var funders: [String: Int] = [:]
        for group in lines {
            var figures = tiers[group.tier] ?? TierFigures(tier: group.tier)
            figures.salesCents += group.salesCents
            figures.publicValueCents += group.publicValueCents
            let reduction = group.publicValueCents - group.salesCents
            figures.solidarityCents += reduction
            if group.category == mealCategory { figures.meals += group.quantity }
            tiers[group.tier] = figures
            if let funder = group.fundedBy { funders[funder, default: 0] += reduction } else { margin += reduction }
        }
        var donations = 0, draws = 0, meals = 0
        for group in tickets {
            var figures = tiers[group.tier] ?? TierFigures(tier: group.tier)
            figures.tickets += group.tickets
            figures.solidarityCents += group.poolDrawCents
            tiers[group.tier] = figures
            donations += group.donationCents
            draws += group.poolDrawCents
            meals += group.suspendedMeals
        }
        var funding: [Funding] = []
        if margin != 0 { funding.append(Funding(source: .internalMargin, name: "Marge de la coopérative", cents: margin)) }
        if draws != 0 { funding.append(Funding(source: .pool, name: "Caisse de solidarité (repas suspendus)", cents: draws)) }
        funding += funders.sorted { $0.key < $1.key }.map { Funding(source: .funder, name: $0.key, cents: $0.value) }
        let order = { (code: String) -> Int in Tier(code: code).map(\.sortKey) ?? 99 }
        return Summary(byTier: tiers.values.sorted { (order($0.tier), $0.tier) < (order($1.tier), $1.tier) }, funding: funding,
                       donationsCents: donations, poolDrawCents: draws, suspendedMeals: meals)
    }
}

/// The trade figures as a funder reads them: a bracket reflects a household's income, so a
/// bracket's line (tickets, meals, amounts) is hidden when fewer than `threshold` households
/// bought in it over the period, and the totals with it (they would give it back). Public-price
/// tickets say nothing of anyone's income and stay shown. Periods are whole calendar years
/// (`DayPeriod.wholeYears`), so that two periods cannot be subtracted to single out a household.
public enum TradeSecret {
    public struct Decision: Sendable, Equatable {
        /// Brackets hidden for being bought in by few households.
        public var hidden: Set<String>
        public var hideTotals: Bool { !hidden.isEmpty }
        public init(hidden: Set<String>) { self.hidden = hidden }
    }

    public static func decide(householdsByTier: [String: Int], tiers: [String], threshold: Int) -> Decision {
        Decision(hidden: Set(tiers.filter { Tier(code: $0) != .publicPrice && StatisticalSecret.isSmall(Double(householdsByTier[$0] ?? 0), threshold: threshold) }))
    }
}
