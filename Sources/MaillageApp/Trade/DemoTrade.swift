import Fluent
import Foundation
import MaillageCore
import SQLKit

/// The Caillols cooperative's catalogue, its solidarity grid and a few household cards.
enum DemoTrade {
    static let products: [(name: String, category: String, cents: Int, rate: VATRate)] = [
        ("Repas du midi", "repas", 900, .intermediate),
        ("Repas enfant", "repas", 450, .intermediate),
        ("Café", "repas", 150, .intermediate),
        ("Plateau traiteur (par personne)", "traiteur", 1_400, .intermediate),
        ("Lampe de la recyclerie", "recyclerie", 800, .standard),
        ("Retouche couture", "service", 1_200, .standard),
    ]

    static func load(on db: any Database, cooperative coop: Cooperative, coordinator: User) async throws {
        for item in products {
            let product = Product()
            product.cooperativeID = coop.id!
            product.name = item.name
            product.category = item.category
            product.publicPriceCents = item.cents
            product.vatRate = item.rate.rawValue
            product.active = true
            try await product.create(on: db)
        }
        let today = CalendarDay(date: Date())
        let grid = TariffGridRecord()
        grid.cooperativeID = coop.id!
        grid.name = "Grille solidaire \(today.year)"
        // In force since January, or long enough for the demo's three months of past sales.
        grid.validFrom = min(CalendarDay(year: today.year, month: 1, day: 1), today.adding(days: -120)).date
        let brackets = [TariffBracketDTO(maxFamilyQuotient: 400, priceCents: nil, percentOfPublic: 25),
                        TariffBracketDTO(maxFamilyQuotient: 700, priceCents: nil, percentOfPublic: 50),
                        TariffBracketDTO(maxFamilyQuotient: 1_000, priceCents: nil, percentOfPublic: 75),
                        TariffBracketDTO(maxFamilyQuotient: nil, priceCents: nil, percentOfPublic: 100)]
        grid.brackets = String(decoding: try JSONEncoder().encode(brackets), as: UTF8.self)
        grid.authorLabel = coordinator.name
        try await grid.create(on: db)
        // Three cards in force and one whose proof has expired (the till says so).
        let cards: [(card: String, kind: ProofKind, tier: String, issuedDaysAgo: Int)] = [
            ("CAIL01", .cafCertificate, "T1", 20), ("CAIL02", .cafCertificate, "T2", 45),
            ("CAIL03", .taxNotice, "T3", 150), ("CAIL04", .socialWorkerReferral, "T1", 400),
        ]
        for item in cards {
            let issued = today.adding(days: -item.issuedDaysAgo)
            let household = Household()
            household.cooperativeID = coop.id!
            household.card = item.card
            household.proofKind = item.kind.rawValue
            household.issuedOn = issued.date
            household.validUntil = issued.adding(months: ProofDraft.defaultValidityMonths).date
            household.tier = item.tier
            household.gridID = grid.id
            household.verifiedByLabel = coordinator.name
            try await household.create(on: db)
        }
    }

    /// Three months of past tickets at the Caillols restaurant and its recyclerie, so that the
    /// figures, the tickets and the closings mean something: lunches on weekdays, neighbours
    /// at the public price leaving suspended meals, households of each tier drawing on them,
    /// a grid funded by the CCAS taking over six weeks ago, a refund now and then. Generated
    /// from a fixed seed: the same demo every time. Each past day is closed (Z), and each
    /// past month.
    static func loadHistory(on db: any Database, cooperative coop: Cooperative, cashier: User, coordinator: User, days: Int = 91) async throws {
        let today = CalendarDay(date: Date())
        guard let principal = try await PrincipalLoader.load(userID: coordinator.id!, db: db, viaBearerToken: false) else { return }
        let scope = CooperativeScope(cooperative: coop, principal: principal)
        let products = Dictionary(uniqueKeysWithValues: try await Product.query(on: db).filter(\.$cooperativeID == coop.id!).all().map { ($0.name, $0) })
        guard let firstGrid = try await TariffGridRecord.query(on: db).filter(\.$cooperativeID == coop.id!).first(),
              let meal = products["Repas du midi"], let child = products["Repas enfant"], let coffee = products["Café"],
              let lamp = products["Lampe de la recyclerie"], let sewing = products["Retouche couture"] else { return }
        let funded = TariffGridRecord()
        funded.cooperativeID = coop.id!
        funded.name = "Grille solidaire avec le CCAS"
        funded.validFrom = today.adding(days: -45).date
        funded.brackets = firstGrid.brackets
        funded.funderName = "CCAS de Marseille"
        funded.authorLabel = coordinator.name
        try await funded.create(on: db)

        // Twenty-four more households, most of them at the first two tiers.
        var households: [(id: UUID, tier: Tier)] = try await Household.query(on: db).filter(\.$cooperativeID == coop.id!).all()
            .filter { $0.card != "CAIL04" }.map { ($0.id!, Tier(code: $0.tier) ?? .publicPrice) }
        for index in 5...28 {
            let tier: Tier = .bracket(index % 5 == 0 ? 3 : (index % 2 == 0 ? 2 : 1))
            let issued = today.adding(days: -100 - index)
            let household = Household()
            household.cooperativeID = coop.id!
            household.card = "CAIL" + (index < 10 ? "0" : "") + String(index)
            household.proofKind = (index % 3 == 0 ? ProofKind.socialWorkerReferral : ProofKind.cafCertificate).rawValue
            household.issuedOn = issued.date
            household.validUntil = issued.adding(months: ProofDraft.defaultValidityMonths).date
            household.tier = tier.description
            household.gridID = firstGrid.id
            household.verifiedByLabel = coordinator.name
            try await household.create(on: db)
            households.append((household.id!, tier))
        }

        var random = DemoRandom(seed: 2026)
        var number = 0
        var previousHash = CashJournal.genesis
        var pool = 0
        var paris = Calendar(identifier: .gregorian)
        paris.timeZone = TimeZone(identifier: "Europe/Paris")!
        var lastSale: Sale?
        for offset in stride(from: days, through: 1, by: -1) {
            let day = today.adding(days: -offset)
            guard day.isoWeekday <= 5 else { continue }
            let grid = day >= today.adding(days: -45) ? funded : firstGrid
            let tickets = 9 + random.next(12)
            for ticketIndex in 0..<tickets {
                let lunch = ticketIndex < tickets - 2
                let minutes = lunch ? 11 * 60 + 45 + random.next(150) : 15 * 60 + random.next(120)
                guard let time = paris.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: minutes / 60, minute: minutes % 60, second: random.next(60))) else { continue }
                let roll = random.next(100)
                let household = roll < 45 ? nil : households[random.next(households.count)]
                let tier = household?.tier ?? .publicPrice
                var items: [(Product, Int)] = lunch ? [(meal, 1 + (random.next(6) == 0 ? 1 : 0))] : [(random.next(2) == 0 ? lamp : sewing, 1)]
                if lunch && random.next(2) == 0 { items.append((coffee, 1)) }
                if lunch && household != nil && random.next(5) == 0 { items.append((child, 1 + random.next(2))) }
                let donation = household == nil && lunch && random.next(8) == 0 ? 900 : 0
                let wantsSuspended = household.map { $0.tier == .bracket(1) } ?? false && lunch && random.next(3) == 0
                let ruleItems = items.map { SaleRules.Item(publicPriceCents: $0.0.publicPriceCents, vatRate: $0.0.rate, category: $0.0.category, quantity: $0.1) }
                var ticket = SaleRules.ticket(items: ruleItems, tier: tier, familyQuotient: nil, grid: grid.grid, donationCents: donation, suspendedMeals: wantsSuspended ? 1 : 0)
                if ticket.poolDrawCents > pool {
                    ticket = SaleRules.ticket(items: ruleItems, tier: tier, familyQuotient: nil, grid: grid.grid, donationCents: donation, suspendedMeals: 0)
                }
                pool += ticket.donationCents - ticket.poolDrawCents
                let due = ticket.dueCents
                var payments: [(PaymentMethod, Int)] = []
                var change = 0
                if due > 0 {
                    switch random.next(10) {
                    case 0..<5:
                        let given = ((due + 499) / 500) * 500
                        payments = [(.cash, given)]
                        change = given - due
                    case 5..<9: payments = [(.card, due)]
                    default: payments = due >= 800 ? [(.mealVoucher, 800), (.cash, due - 800)].filter { $0.1 > 0 } : [(.card, due)]
                    }
                }
                number += 1
                let sale = Sale()
                sale.id = UUID()
                sale.cooperativeID = coop.id!
                sale.number = number
                sale.householdID = household?.id
                sale.tier = ticket.lines.first?.tier.description ?? tier.description
                sale.totalCents = ticket.totalCents
                sale.donationCents = donation
                sale.poolDrawCents = ticket.poolDrawCents
                sale.suspendedMeals = ticket.poolDrawCents > 0 ? 1 : 0
                sale.changeCents = change
                sale.cashierLabel = cashier.name
                sale.recordedAt = time
                let lines = zip(items, ticket.lines).enumerated().map { index, pair in
                    SaleLine(saleID: sale.id!, position: index, productID: pair.0.0.id!, productName: pair.0.0.name, category: pair.0.0.category,
                             quantity: pair.1.item.quantity, publicPriceCents: pair.1.item.publicPriceCents, priceCents: pair.1.priceCents,
                             vatRate: pair.1.item.vatRate.rawValue, tier: pair.1.tier.description, fundedBy: pair.1.solidarityCents > 0 ? grid.funderName : nil)
                }
                let paymentRows = payments.enumerated().map { SalePayment(saleID: sale.id!, position: $0.offset, method: $0.element.0.rawValue, amountCents: $0.element.1) }
                try await SaleJournal.append(sale, lines: lines, payments: paymentRows, previousHash: previousHash, on: db)
                previousHash = sale.hash
                // Now and then a lamp goes back the same afternoon: a negative ticket.
                if !lunch, random.next(12) == 0 { lastSale = sale }
            }
            if let original = lastSale {
                number += 1
                let (refund, lines, payments) = Sale.refund(of: original, number: number, cashier: cashier.name, at: original.recordedAt.addingTimeInterval(600))
                try await SaleJournal.append(refund, lines: lines, payments: payments, previousHash: previousHash, on: db)
                previousHash = refund.hash
                lastSale = nil
            }
        }
        guard let sql = db as? any SQLDatabase else { return }
        try await sql.raw("INSERT INTO cash_counters (cooperative_id, last_number, last_hash) VALUES (\(bind: coop.id!), \(bind: number), \(bind: previousHash))").run()

        // Every past day with tickets closed (Z), then every month that is over.
        let trade = TradeRepository(db: db, scope: scope)
        var closedMonths = Set<String>()
        for offset in stride(from: days, through: 1, by: -1) {
            let day = today.adding(days: -offset)
            if day.isoWeekday <= 5 { _ = try await trade.close(period: "day", date: day.description, today: today, on: db) }
            let month = CalendarDay(year: day.year, month: day.month, day: 1)
            if month.adding(months: 1) <= today, closedMonths.insert(month.description).inserted {
                _ = try await trade.close(period: "month", date: month.description, today: today, on: db)
            }
        }
    }
}

/// A small deterministic generator (SplitMix64) for the demo's history and the scale data.
struct DemoRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// From 0 to `bound` − 1.
    mutating func next(_ bound: Int) -> Int { Int(next() % UInt64(max(bound, 1))) }
}
