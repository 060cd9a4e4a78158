import Fluent
import Foundation
import MaillageCore
import SQLKit
import Vapor

/// A product or service of the catalogue. Prices are VAT included, in cents; the VAT rate in
/// tenths of a percent (55, 100, 200).
final class Product: Model, @unchecked Sendable {
    static let schema = "products"

    @ID(key: .id) var id: UUID?
    @Field(key: "cooperative_id") var cooperativeID: UUID
    @Field(key: "name") var name: String
    @Field(key: "category") var category: String
    @Field(key: "public_price_cents") var publicPriceCents: Int
    @Field(key: "vat_rate") var vatRate: Int
    @Field(key: "active") var active: Bool
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    var rate: VATRate { VATRate(rawValue: vatRate) ?? .standard }
}

/// A tariff grid, never edited once created: a change is a new grid, so past sales keep the
/// prices they were made at.
final class TariffGridRecord: Model, @unchecked Sendable {
    static let schema = "tariff_grids"

    @ID(key: .id) var id: UUID?
    @Field(key: "cooperative_id") var cooperativeID: UUID
    @Field(key: "name") var name: String
    @Field(key: "valid_from") var validFrom: Date
    @OptionalField(key: "valid_to") var validTo: Date?
    /// The brackets, in order, as JSON (`[{maxFamilyQuotient, priceCents | percentOfPublic,
    /// categories?: [{category, priceCents | percentOfPublic}]}]`).
    @Field(key: "brackets") var brackets: String
    @OptionalField(key: "effort_permille") var effortPermille: Int?
    @OptionalField(key: "effort_min_cents") var effortMinCents: Int?
    @OptionalField(key: "effort_max_cents") var effortMaxCents: Int?
    @Field(key: "author_label") var authorLabel: String
    /// Who pays for the reductions this grid gives (a named funder); nil: the cooperative's own margin.
    @OptionalField(key: "funder_name") var funderName: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    var draftBrackets: [TariffGridDraft.BracketDraft] {
        (try? JSONDecoder().decode([TariffBracketDTO].self, from: Data(brackets.utf8)))?.map(\.draft) ?? []
    }

    /// The grid as the core computes with it.
    var grid: TariffGrid {
        func rule(_ priceCents: Int?, _ percentOfPublic: Int?) -> TariffGrid.Rule {
            priceCents.map { .fixedPrice(cents: $0) } ?? .percentOfPublic(percentOfPublic ?? 100)
        }
        let rules: [TariffGrid.Bracket] = draftBrackets.map { bracket in
            .init(maxFamilyQuotient: bracket.maxFamilyQuotient, rule: rule(bracket.priceCents, bracket.percentOfPublic),
                  categoryRules: Dictionary(bracket.categories.map { (TariffGrid.categoryKey($0.category ?? ""), rule($0.priceCents, $0.percentOfPublic)) },
                                            uniquingKeysWith: { first, _ in first }))
        }
        let effort = effortPermille.map { TariffGrid.EffortRate(permille: $0, minCents: effortMinCents ?? 0, maxCents: effortMaxCents ?? 0) }
        return TariffGrid(brackets: rules, effortRate: effort, validFrom: CalendarDay(date: validFrom), validTo: validTo.map { CalendarDay(date: $0) })
    }
}

/// A household's card: a short code for the counter, the kind and dates of its proof, who
/// verified it and the tier it gives. No name, no income, no document.
final class Household: Model, @unchecked Sendable {
    static let schema = "households"

    @ID(key: .id) var id: UUID?
    @Field(key: "cooperative_id") var cooperativeID: UUID
    @Field(key: "card") var card: String
    @Field(key: "proof_kind") var proofKind: String
    @Field(key: "issued_on") var issuedOn: Date
    @Field(key: "valid_until") var validUntil: Date
    @Field(key: "tier") var tier: String
    /// Kept only when an effort-rate grid needs it to compute the price.
    @OptionalField(key: "family_quotient") var familyQuotient: Int?
    @OptionalField(key: "grid_id") var gridID: UUID?
    @Field(key: "verified_by_label") var verifiedByLabel: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

struct CreateTradeCatalogue: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Product.schema)
            .id()
            .field("cooperative_id", .uuid, .required, .references(Cooperative.schema, "id"))
            .field("name", .string, .required)
            .field("category", .string, .required)
            .field("public_price_cents", .int, .required)
            .field("vat_rate", .int, .required)
            .field("active", .bool, .required)
            .field("created_at", .datetime)
            .unique(on: "cooperative_id", "name")
            .create()
        try await database.schema(TariffGridRecord.schema)
            .id()
            .field("cooperative_id", .uuid, .required, .references(Cooperative.schema, "id"))
            .field("name", .string, .required)
            .field("valid_from", .datetime, .required)
            .field("valid_to", .datetime)
            .field("brackets", .string, .required)
            .field("effort_permille", .int)
            .field("effort_min_cents", .int)
            .field("effort_max_cents", .int)
            .field("author_label", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await database.schema(Household.schema)
            .id()
            .field("cooperative_id", .uuid, .required, .references(Cooperative.schema, "id"))
            .field("card", .string, .required)
            .field("proof_kind", .string, .required)
            .field("issued_on", .datetime, .required)
            .field("valid_until", .datetime, .required)
            .field("tier", .string, .required)
            .field("family_quotient", .int)
            .field("grid_id", .uuid, .references(TariffGridRecord.schema, "id"))
            .field("verified_by_label", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "cooperative_id", "card")
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "products_coop").on(Product.schema).column("cooperative_id").column("category").run()
            try await sql.create(index: "tariff_grids_coop").on(TariffGridRecord.schema).column("cooperative_id").column("valid_from").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Household.schema).delete()
        try await database.schema(TariffGridRecord.schema).delete()
        try await database.schema(Product.schema).delete()
    }
}

/// A bracket as the API and the stored grid write it.
struct TariffBracketDTO: Content, Equatable {
    /// A bracket's own price for the products of one category.
    struct CategoryPrice: Content, Equatable {
        var category: String?
        var priceCents: Int?
        var percentOfPublic: Int?
    }

    var maxFamilyQuotient: Int?
    var priceCents: Int?
    var percentOfPublic: Int?
    /// Absent when every category follows the bracket's rule.
    var categories: [CategoryPrice]?

    init(maxFamilyQuotient: Int?, priceCents: Int? = nil, percentOfPublic: Int? = nil, categories: [CategoryPrice]? = nil) {
        self.maxFamilyQuotient = maxFamilyQuotient
        self.priceCents = priceCents
        self.percentOfPublic = percentOfPublic
        self.categories = categories
    }

    init(_ draft: TariffGridDraft.BracketDraft) {
        self.init(maxFamilyQuotient: draft.maxFamilyQuotient, priceCents: draft.priceCents, percentOfPublic: draft.percentOfPublic,
                  categories: draft.categories.isEmpty ? nil : draft.categories.map {
                      CategoryPrice(category: TextRules.clean($0.category), priceCents: $0.priceCents, percentOfPublic: $0.percentOfPublic)
                  })
    }

    var draft: TariffGridDraft.BracketDraft {
        .init(maxFamilyQuotient: maxFamilyQuotient, priceCents: priceCents, percentOfPublic: percentOfPublic,
              categories: (categories ?? []).map { .init(category: $0.category, priceCents: $0.priceCents, percentOfPublic: $0.percentOfPublic) })
    }
}

/// The cooperative's choices about its households' data. By default Maillage keeps a
/// household's tier, never its income; a cooperative whose funder asks for the quotients it
/// served may keep them.
final class TradeSettings: Model, @unchecked Sendable {
    static let schema = "trade_settings"

    @ID(custom: "cooperative_id", generatedBy: .user) var id: UUID?
    @Field(key: "keep_family_quotient") var keepFamilyQuotient: Bool

    init() {}
}

struct CreateTradeSettings: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(TradeSettings.schema)
            .field("cooperative_id", .uuid, .identifier(auto: false), .references(Cooperative.schema, "id"))
            .field("keep_family_quotient", .bool, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(TradeSettings.schema).delete()
    }
}
