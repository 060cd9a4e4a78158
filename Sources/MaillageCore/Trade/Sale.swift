/// How a sale is paid.
public enum PaymentMethod: String, CaseIterable, Codable, Sendable {
    case cash
    case card
    case cheque
    case mealVoucher = "meal_voucher"

    public var frenchLabel: String {
        switch self {
        case .cash: "Espèces"
        case .card: "Carte bancaire"
        case .cheque: "Chèque"
        case .mealVoucher: "Titre-restaurant"
        }
    }
}

/// A ticket's arithmetic, in integer cents: each line at the household's tier price, the
/// solidarity given, a donation to the pool, suspended meals drawn from it, the payments and
/// the change.
public enum SaleRules {
    public struct Item: Sendable, Equatable {
        public var publicPriceCents: Int
        public var vatRate: VATRate
        public var category: String
        public var quantity: Int

        public init(publicPriceCents: Int, vatRate: VATRate, category: String, quantity: Int) {
            self.publicPriceCents = publicPriceCents
            self.vatRate = vatRate
            self.category = category
            self.quantity = quantity
        }
    }

    public struct Line: Sendable, Equatable {
        public var item: Item
        public var tier: Tier
        /// Unit price paid at the tier.
        public var priceCents: Int
        public var totalCents: Int { priceCents * item.quantity }
        /// Public price minus price paid, for the whole line.
        public var solidarityCents: Int { (item.publicPriceCents - priceCents) * item.quantity }
    }

    public struct Ticket: Sendable, Equatable {
        public var lines: [Line]
        public var donationCents: Int
        /// What the solidarity pool pays for the suspended meals used.
        public var poolDrawCents: Int
        /// Lines plus donation.
        public var totalCents: Int { lines.reduce(0) { $0 + $1.totalCents } + donationCents }
        /// What the customer pays: the total less what the pool covers.
        public var dueCents: Int { totalCents - poolDrawCents }
        public var solidarityCents: Int { lines.reduce(0) { $0 + $1.solidarityCents } }
        /// The VAT of the goods sold (a donation carries none).
        public var vat: VATBreakdown { VATBreakdown(lines.map { ($0.item.vatRate, $0.totalCents) }) }
    }

    /// The category whose units a suspended meal pays for.
    public static let mealCategory = "repas"
    public static let maximumQuantity = 999
    /// A ticket holds at most this many lines: a lunch rush never needs more, and 5 000
    /// repeated lines would hold the journal's write lock for nothing.
    public static let maximumLines = 100

    /// Prices the lines for a household at `tier` (public price without one) and draws
    /// `suspendedMeals` meal units from the pool, the dearest first.
    public static func ticket(items: [Item], tier: Tier, familyQuotient: Int?, grid: TariffGrid?, donationCents: Int, suspendedMeals: Int) -> Ticket {
        let lines = items.map { item -> Line in
            let price = grid.map { TariffRules.price(publicCents: item.publicPriceCents, category: item.category, tier: tier, familyQuotient: familyQuotient, grid: $0) } ?? item.publicPriceCents
            return Line(item: item, tier: grid == nil ? .publicPrice : tier, priceCents: price)
        }
        var mealUnits = lines.filter { $0.item.category == mealCategory }.flatMap { Array(repeating: $0.priceCents, count: $0.item.quantity) }.sorted(by: >)
        mealUnits = Array(mealUnits.prefix(max(0, suspendedMeals)))
        return Ticket(lines: lines, donationCents: donationCents, poolDrawCents: mealUnits.reduce(0, +))
    }

    /// Meal units on the ticket, to check that every suspended meal pays for one.
    public static func mealUnits(_ items: [Item]) -> Int {
        items.filter { $0.category == mealCategory }.reduce(0) { $0 + $1.quantity }
    }

    public enum PaymentProblem: Error, Equatable {
        case notCovered(missingCents: Int)
        /// Change can only be given back in cash.
        case changeWithoutCash
    }

    /// The change to give back; payments must cover what is due, and only cash gives change.
    public static func change(due: Int, payments: [(method: PaymentMethod, cents: Int)]) -> Result<Int, PaymentProblem> {
        let paid = payments.reduce(0) { $0 + $1.cents }
        if paid < due { return .failure(.notCovered(missingCents: due - paid)) }
        let change = paid - due
        let cash = payments.filter { $0.method == .cash }.reduce(0) { $0 + $1.cents }
        if change > cash { return .failure(.changeWithoutCash) }
        return .success(change)
    }
}
