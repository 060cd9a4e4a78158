import Fluent
import Foundation
import MaillageCore

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
        grid.validFrom = CalendarDay(year: today.year, month: 1, day: 1).date
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
}
