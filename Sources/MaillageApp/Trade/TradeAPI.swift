import Fluent
import Foundation
import MaillageCore
import Vapor

// MARK: JSON shapes (binding names: see docs/openapi.yaml)

struct ProductDTO: Content {
    var id: UUID
    var name: String
    var category: String
    var publicPriceCents: Int
    /// `5.5`, `10` or `20`.
    var vatRate: Double
    var active: Bool

    init(_ product: Product) {
        id = product.id!
        name = product.name
        category = product.category
        publicPriceCents = product.publicPriceCents
        vatRate = Double(product.vatRate) / 10
        active = product.active
    }
}

struct TariffGridDTO: Content {
    struct Effort: Content {
        var permille: Int
        var minCents: Int
        var maxCents: Int
    }
    var id: UUID
    var name: String
    var validFrom: String
    var validTo: String?
    var brackets: [TariffBracketDTO]
    var effortRate: Effort?
    /// The named funder of the grid's reductions; absent: the cooperative's own margin.
    var funder: String?
    var createdBy: String

    init(_ record: TariffGridRecord) {
        id = record.id!
        name = record.name
        validFrom = CalendarDay(date: record.validFrom).description
        validTo = record.validTo.map { CalendarDay(date: $0).description }
        brackets = record.draftBrackets.map(TariffBracketDTO.init)
        effortRate = record.effortPermille.map { Effort(permille: $0, minCents: record.effortMinCents ?? 0, maxCents: record.effortMaxCents ?? 0) }
        funder = record.funderName
        createdBy = record.authorLabel
    }
}

struct HouseholdDTO: Content {
    var id: UUID
    var card: String
    /// The tier on file (`public`, `T1`…, `effort`).
    var tier: String
    /// The tier that applies today: the public price once the proof has expired.
    var tierToday: String
    var expired: Bool
    var proofKind: String
    var issuedOn: String
    var validUntil: String
    var verifiedBy: String
    /// The quotient on the proof, when the cooperative keeps it (`trade-settings`) or an
    /// effort-rate price is computed from it.
    var familyQuotient: Int?
    /// Each product's price for this household today (`?prices=today`), keyed by product id.
    var prices: [String: Int]?

    init(_ household: Household, today: CalendarDay) {
        id = household.id!
        card = household.card
        tier = household.tier
        let stored = Tier(code: household.tier) ?? .publicPrice
        let applied = Eligibility.tier(stored: stored, validUntil: CalendarDay(date: household.validUntil), on: today)
        tierToday = applied.tier.description
        expired = applied.expired
        proofKind = household.proofKind
        issuedOn = CalendarDay(date: household.issuedOn).description
        validUntil = CalendarDay(date: household.validUntil).description
        verifiedBy = household.verifiedByLabel
        familyQuotient = household.familyQuotient
    }
}

struct TradeSettingsDTO: Content {
    /// Keep each household's quotient familial (off by default: only the tier is kept).
    var keepFamilyQuotient: Bool
}

struct TradeSettingsBody: Decodable {
    var keepFamilyQuotient: Bool?
}

struct ProductBody: Decodable {
    var name: String?
    var category: String?
    var publicPriceCents: Int?
    /// A number (`5.5`) or a string (`"5,5"`).
    var vatRate: String?
    var active: Bool?

    enum CodingKeys: String, CodingKey { case name, category, publicPriceCents, vatRate, active }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        category = try container.decodeIfPresent(String.self, forKey: .category)
        publicPriceCents = try container.decodeIfPresent(Int.self, forKey: .publicPriceCents)
        active = try container.decodeIfPresent(Bool.self, forKey: .active)
        if let number = try? container.decodeIfPresent(Double.self, forKey: .vatRate) {
            vatRate = number == number.rounded() ? String(Int(number)) : String(number)
        } else {
            vatRate = try container.decodeIfPresent(String.self, forKey: .vatRate)
        }
    }
}

struct TariffGridBody: Decodable {
    struct Effort: Decodable {
        var permille: Int?
        var minCents: Int?
        var maxCents: Int?
    }
    var name: String?
    var validFrom: String?
    var validTo: String?
    var brackets: [TariffBracketDTO]?
    var effortRate: Effort?
    var funder: String?

    var draft: TariffGridDraft {
        TariffGridDraft(
            name: name, validFrom: validFrom, validTo: validTo,
            brackets: (brackets ?? []).map(\.draft),
            effortRate: effortRate.map { TariffGrid.EffortRate(permille: $0.permille ?? 0, minCents: $0.minCents ?? 0, maxCents: $0.maxCents ?? -1) }
        )
    }
}

struct HouseholdBody: Decodable {
    struct Proof: Decodable {
        var kind: String?
        var familyQuotient: Int?
        var issuedOn: String?
        var validUntil: String?
    }
    var card: String?
    var proof: Proof?
}

// MARK: Routes

/// `/api/v1/coops/:coopID/products`, `…/tariff-grids`, `…/households`.
struct TradeAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let coop = routes.grouped("coops", ":coopID")
        coop.get("products", use: products)
        coop.post("products", use: createProduct)
        coop.patch("products", ":productID", use: setProduct)
        coop.get("tariff-grids", use: grids)
        coop.post("tariff-grids", use: createGrid)
        coop.get("households", use: households)
        coop.post("households", use: registerHousehold)
        coop.get("households", ":card", use: household)
        coop.get("trade-settings", use: settings)
        coop.put("trade-settings", use: saveSettings)
    }

    func settings(request: Request) async throws -> Response {
        let repository = try await request.tradeRepository(.viewCatalogue)
        return try Idempotency.encode(status: .ok, body: TradeSettingsDTO(keepFamilyQuotient: try await repository.settings().keepFamilyQuotient))
    }

    func saveSettings(request: Request) async throws -> Response {
        let repository = try await request.tradeRepository(.manageCatalogue)
        let body = try request.decodeJSON(TradeSettingsBody.self)
        guard let keep = body.keepFamilyQuotient else {
            throw Problem.invalid(FieldErrors(["keepFamilyQuotient": "Indiquez true (garder le quotient familial des foyers) ou false (ne garder que la tranche)."]))
        }
        let settings = try await repository.saveSettings(keepFamilyQuotient: keep)
        return try Idempotency.encode(status: .ok, body: TradeSettingsDTO(keepFamilyQuotient: settings.keepFamilyQuotient))
    }

    func products(request: Request) async throws -> Response {
        let repository = try await request.tradeRepository(.viewCatalogue)
        return try Idempotency.encode(status: .ok, body: Page(items: try await repository.products().map(ProductDTO.init), nextCursor: nil))
    }

    func createProduct(request: Request) async throws -> Response {
        let repository = try await request.tradeRepository(.manageCatalogue)
        let body = try request.decodeJSON(ProductBody.self)
        let product = try await repository.createProduct(ProductDraft(name: body.name, category: body.category, publicPriceCents: body.publicPriceCents,
                                                                      vatRate: body.vatRate, active: body.active))
        return try Idempotency.encode(status: .created, body: ProductDTO(product))
    }

    func setProduct(request: Request) async throws -> Response {
        let repository = try await request.tradeRepository(.manageCatalogue)
        let body = try request.decodeJSON(ProductBody.self)
        guard let active = body.active else { throw Problem.invalid(FieldErrors(["active": "Indiquez true (en vente) ou false (retiré de la caisse)."])) }
        return try Idempotency.encode(status: .ok, body: ProductDTO(try await repository.setProductActive(try request.uuidParameter("productID"), active: active)))
    }

    func grids(request: Request) async throws -> Response {
        let repository = try await request.tradeRepository(.viewCatalogue)
        return try Idempotency.encode(status: .ok, body: Page(items: try await repository.grids().map(TariffGridDTO.init), nextCursor: nil))
    }

    func createGrid(request: Request) async throws -> Response {
        let repository = try await request.tradeRepository(.manageCatalogue)
        let body = try request.decodeJSON(TariffGridBody.self)
        return try Idempotency.encode(status: .created, body: TariffGridDTO(try await repository.createGrid(body.draft, funder: body.funder, request: request)))
    }

    func households(request: Request) async throws -> Response {
        let repository = try await request.tradeRepository(.viewCatalogue)
        let today = CalendarDay.today
        // Every card in one answer (the till's offline list) unless a `limit` is asked for.
        let page = HouseholdsPage.page(try await repository.households(), try request.apiListFilter(states: HouseholdsPage.states), today: today)
        var items = page.rows.map { HouseholdDTO($0, today: today) }
        // With `?prices=today`, each card's prices: the till prices a card from them offline.
        if request.query[String.self, at: "prices"] != nil {
            let prices = try await repository.prices(for: page.rows, today: today)
            for index in items.indices {
                items[index].prices = prices[items[index].id].map { Dictionary(uniqueKeysWithValues: $0.map { ($0.key.uuidString, $0.value) }) }
            }
        }
        return try Idempotency.encode(status: .ok, body: Page(items: items, nextCursor: page.hasNext ? String(page.page + 1) : nil))
    }

    func household(request: Request) async throws -> Response {
        let repository = try await request.tradeRepository(.viewCatalogue)
        let household = try await repository.household(card: request.parameters.get("card") ?? "")
        var dto = HouseholdDTO(household, today: .today)
        if request.query[String.self, at: "prices"] != nil {
            dto.prices = Dictionary(uniqueKeysWithValues: try await repository.prices(for: household, today: .today).map { ($0.key.uuidString, $0.value) })
        }
        return try Idempotency.encode(status: .ok, body: dto)
    }

    func registerHousehold(request: Request) async throws -> Response {
        let repository = try await request.tradeRepository(.registerHouseholds)
        let body = try request.decodeJSON(HouseholdBody.self)
        let proof = ProofDraft(kind: body.proof?.kind, familyQuotient: body.proof?.familyQuotient, issuedOn: body.proof?.issuedOn, validUntil: body.proof?.validUntil)
        let household = try await repository.registerHousehold(card: body.card, proof: proof, today: .today)
        return try Idempotency.encode(status: .created, body: HouseholdDTO(household, today: .today))
    }
}
