import Fluent
import Foundation
import MaillageCore
import Vapor

/// The catalogue, tariff grids and households of one cooperative.
struct TradeRepository: Sendable {
    let db: any Database
    let scope: CooperativeScope

    // MARK: Catalogue

    func products(includingInactive: Bool = true) async throws -> [Product] {
        try scope.require(.viewCatalogue)
        return try await productsUnchecked(includingInactive: includingInactive)
    }

    /// The catalogue, for an area that has checked its own right (a recipe's product).
    func productsUnchecked(includingInactive: Bool = true) async throws -> [Product] {
        let query = Product.query(on: db).filter(\.$cooperativeID == scope.id).sort(\.$category).sort(\.$name)
        if !includingInactive { query.filter(\.$active == true) }
        return try await query.all()
    }

    func createProduct(_ draft: ProductDraft) async throws -> Product {
        try scope.require(.manageCatalogue)
        var errors = FieldErrors()
        var checked: ProductDraft.Valid?
        do { checked = try draft.validate() } catch { errors.merge(error) }
        if let name = TextRules.clean(draft.name),
           try await Product.query(on: db).filter(\.$cooperativeID == scope.id).filter(\.$name == name).count() > 0 {
            errors.add("name", "Un produit porte déjà ce nom.")
        }
        try errors.throwIfAny()
        let valid = checked!
        let product = Product()
        product.cooperativeID = scope.id
        product.name = valid.name
        product.category = valid.category
        product.publicPriceCents = valid.publicPriceCents
        product.vatRate = valid.vatRate.rawValue
        product.active = valid.active
        try await product.create(on: db)
        return product
    }

    /// Turns a product on or off at the till; its past sales keep their lines.
    func setProductActive(_ id: UUID, active: Bool) async throws -> Product {
        try scope.require(.manageCatalogue)
        guard let product = try await Product.query(on: db).filter(\.$id == id).filter(\.$cooperativeID == scope.id).first() else {
            throw Problem.notFound
        }
        product.active = active
        try await product.save(on: db)
        return product
    }

    // MARK: Tariff grids

    func grids() async throws -> [TariffGridRecord] {
        try scope.require(.viewCatalogue)
        return try await allGrids()
    }

    /// Every grid, newest first, for an area that has checked its own right (a dish's cost).
    func allGrids() async throws -> [TariffGridRecord] {
        try await TariffGridRecord.query(on: db).filter(\.$cooperativeID == scope.id)
            .sort(\.$validFrom, .descending).sort(\.$createdAt, .descending).all()
    }

    /// The grid in force on `day`: among those valid that day, the one that started last
    /// (then the newest), so that a new grid takes over from the previous one.
    func currentGrid(on day: CalendarDay) async throws -> TariffGridRecord? {
        try await grids().first { $0.grid.isValid(on: day) }
    }

    func createGrid(_ draft: TariffGridDraft, funder rawFunder: String? = nil, request: Request) async throws -> TariffGridRecord {
        try scope.require(.manageCatalogue)
        var errors = FieldErrors()
        let funder = TextRules.clean(rawFunder)
        if let funder, funder.count > 120 { errors.add("funder", "Le nom du financeur compte au plus 120 caractères.") }
        // A category typed with a slip would silently sell at the bracket's price: name it.
        let known = Set(try await products().map { TariffGrid.categoryKey($0.category) })
        for (index, bracket) in draft.brackets.enumerated() {
            for (categoryIndex, category) in bracket.categories.enumerated() {
                guard let name = TextRules.clean(category.category), !known.contains(TariffGrid.categoryKey(name)) else { continue }
                errors.add("brackets[\(index)].categories[\(categoryIndex)].category",
                           "Aucun produit du catalogue n'est dans la catégorie « \(name) »"
                           + (known.isEmpty ? "." : " (catégories : " + known.sorted().joined(separator: ", ") + ")."))
            }
        }
        let valid: TariffGridDraft.Valid
        do {
            valid = try draft.validate()
        } catch {
            errors.merge(error)
            throw Problem.invalid(errors)
        }
        try errors.throwIfAny()
        let record = TariffGridRecord()
        record.cooperativeID = scope.id
        record.name = valid.name
        record.validFrom = valid.grid.validFrom.date
        record.validTo = valid.grid.validTo?.date
        let brackets = draft.brackets.map(TariffBracketDTO.init)
        record.brackets = String(decoding: try JSONEncoder().encode(brackets), as: UTF8.self)
        record.effortPermille = valid.grid.effortRate?.permille
        record.effortMinCents = valid.grid.effortRate?.minCents
        record.effortMaxCents = valid.grid.effortRate?.maxCents
        record.authorLabel = scope.principal.name
        record.funderName = funder
        try await record.create(on: db)
        return record
    }

    /// What each product costs for a few quotients: the preview shown beside a grid.
    static let previewQuotients = [0, 300, 500, 700, 900, 1_200, 2_000]

    struct PreviewRow: Sendable {
        var product: Product
        /// Price for each of `previewQuotients`, then the public price.
        var prices: [(familyQuotient: Int, tier: Tier, cents: Int)]
    }

    static func preview(_ grid: TariffGrid, products: [Product]) -> [PreviewRow] {
        products.map { product in
            PreviewRow(product: product, prices: previewQuotients.map { qf in
                let tier = TariffRules.tier(familyQuotient: qf, hasProof: true, grid: grid)
                return (qf, tier, TariffRules.price(publicCents: product.publicPriceCents, category: product.category, tier: tier, familyQuotient: qf, grid: grid))
            })
        }
    }

    /// What each product costs today for a household (its tier on the grid in force), with
    /// the same arithmetic as a sale: the till shows these prices before the sale is sent.
    func prices(for household: Household, today: CalendarDay) async throws -> [UUID: Int] {
        try await prices(for: [household], today: today)[household.id!] ?? [:]
    }

    /// The same for many households, the grid and the catalogue read once.
    func prices(for households: [Household], today: CalendarDay) async throws -> [UUID: [UUID: Int]] {
        let grid = try await currentGrid(on: today)
        let products = try await products(includingInactive: false)
        return Dictionary(uniqueKeysWithValues: households.map { household in
            let applied = Eligibility.tier(stored: Tier(code: household.tier) ?? .publicPrice, validUntil: CalendarDay(date: household.validUntil), on: today)
            return (household.id!, Dictionary(uniqueKeysWithValues: products.map { product in
                let item = SaleRules.Item(publicPriceCents: product.publicPriceCents, vatRate: product.rate, category: product.category, quantity: 1)
                let ticket = SaleRules.ticket(items: [item], tier: applied.tier, familyQuotient: household.familyQuotient, grid: grid?.grid, donationCents: 0, suspendedMeals: 0)
                return (product.id!, ticket.lines[0].priceCents)
            }))
        })
    }

    // MARK: Households

    func households() async throws -> [Household] {
        try scope.require(.viewCatalogue)
        return try await Household.query(on: db).filter(\.$cooperativeID == scope.id).sort(\.$createdAt, .descending).all()
    }

    func household(card rawCard: String) async throws -> Household {
        try scope.require(.viewCatalogue)
        guard let card = HouseholdCard.normalise(rawCard),
              let household = try await Household.query(on: db).filter(\.$cooperativeID == scope.id).filter(\.$card == card).first()
        else { throw Problem.notFound }
        return household
    }

    /// Registers a household's proof against the grid in force today, and gives it a card
    /// (the one typed, or a new code).
    func registerHousehold(card rawCard: String?, proof: ProofDraft, today: CalendarDay) async throws -> Household {
        try scope.require(.registerHouseholds)
        var errors = FieldErrors()
        var card: String?
        if let typed = TextRules.clean(rawCard) {
            card = HouseholdCard.normalise(typed)
            if card == nil { errors.add("card", "Le numéro de carte compte 4 à 12 lettres ou chiffres.") }
        }
        let valid: ProofDraft.Valid?
        do {
            valid = try proof.validate(today: today)
        } catch {
            errors.merge(error)
            valid = nil
        }
        let grid = try await currentGrid(on: today)
        if grid == nil { errors.add("proof", "Aucune grille tarifaire n'est en vigueur aujourd'hui : la coordination doit en créer une.") }
        if let card, try await Household.query(on: db).filter(\.$cooperativeID == scope.id).filter(\.$card == card).count() > 0 {
            errors.add("card", "Cette carte est déjà attribuée.")
        }
        try errors.throwIfAny()
        if card == nil {
            var generator = SystemRandomNumberGenerator()
            repeat {
                card = HouseholdCard.generate(using: &generator)
            } while try await Household.query(on: db).filter(\.$cooperativeID == scope.id).filter(\.$card == card!).count() > 0
        }
        let tier = TariffRules.tier(familyQuotient: valid!.familyQuotient, hasProof: true, grid: grid!.grid)
        let household = Household()
        household.cooperativeID = scope.id
        household.card = card!
        household.proofKind = valid!.kind.rawValue
        household.issuedOn = valid!.issuedOn.date
        household.validUntil = valid!.validUntil.date
        household.tier = tier.description
        let keep = try await settings().keepFamilyQuotient
        household.familyQuotient = tier == .effortRate || keep ? valid!.familyQuotient : nil
        household.gridID = grid!.id
        household.verifiedByLabel = scope.principal.name
        try await household.create(on: db)
        return household
    }

    // MARK: Settings

    func settings() async throws -> TradeSettings {
        if let stored = try await TradeSettings.find(scope.id, on: db) { return stored }
        let settings = TradeSettings()
        settings.id = scope.id
        settings.keepFamilyQuotient = false
        return settings
    }

    /// Turns the keeping of quotients on or off. Off, the quotients kept so far are erased,
    /// except those an effort-rate price is computed from.
    func saveSettings(keepFamilyQuotient: Bool) async throws -> TradeSettings {
        try scope.require(.manageCatalogue)
        let settings = try await settings()
        let cooperativeID = scope.id
        try await db.transaction { db in
            settings.keepFamilyQuotient = keepFamilyQuotient
            try await settings.save(on: db)
            if !keepFamilyQuotient {
                try await Household.query(on: db).filter(\.$cooperativeID == cooperativeID).filter(\.$tier != Tier.effortRate.description)
                    .set(\.$familyQuotient, to: nil).update()
            }
        }
        return settings
    }
}

extension Request {
    func tradeRepository(_ permission: Permission) async throws -> TradeRepository {
        TradeRepository(db: db, scope: try await cooperativeScope(permission))
    }
}
