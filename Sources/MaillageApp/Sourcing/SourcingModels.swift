import Fluent
import Foundation
import MaillageCore
import SQLKit

/// A supplier of the cooperative: a producer, a neighbourhood shop, a wholesaler or a social
/// and solidarity economy structure. Its labels and local definition pre-fill its lines.
final class Supplier: Model, @unchecked Sendable {
    static let schema = "suppliers"

    @ID(key: .id) var id: UUID?
    @Field(key: "cooperative_id") var cooperativeID: UUID
    @Field(key: "name") var name: String
    @OptionalField(key: "siret") var siret: String?
    /// Nil for a supplier created by an import, until someone completes it.
    @OptionalField(key: "kind") var kind: String?
    @OptionalField(key: "address") var address: String?
    @OptionalField(key: "postal_code") var postalCode: String?
    @OptionalField(key: "commune") var commune: String?
    @OptionalField(key: "departement") var departement: String?
    @OptionalField(key: "region") var region: String?
    @OptionalField(key: "distance_km") var distanceKm: Double?
    @OptionalField(key: "latitude") var latitude: Double?
    @OptionalField(key: "longitude") var longitude: Double?
    @OptionalField(key: "qpv_code") var qpvCode: String?
    @OptionalField(key: "intermediaries") var intermediaries: Int?
    /// Characteristic codes, comma-separated (`BIO,LOCAL`).
    @Field(key: "labels") var labels: String
    @OptionalField(key: "local_kind") var localKind: String?
    @OptionalField(key: "local_km") var localKm: Int?
    @OptionalField(key: "default_family") var defaultFamily: String?
    @OptionalField(key: "contact_name") var contactName: String?
    @OptionalField(key: "contact_email") var contactEmail: String?
    @OptionalField(key: "contact_phone") var contactPhone: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    var supplierKind: SupplierKind? { kind.flatMap(SupplierKind.init(rawValue:)) }
    var labelList: [PurchaseCharacteristic] { labels.split(separator: ",").compactMap { PurchaseCharacteristic(rawValue: String($0)) } }
    var localDefinition: LocalDefinition? { localKind.flatMap(LocalDefinitionKind.init(rawValue:)).map { LocalDefinition(kind: $0, km: localKm) } }
    var inQpv: Bool { qpvCode != nil }

    var defaults: SupplierDefaults {
        SupplierDefaults(labels: labelList, localDefinition: localDefinition, family: defaultFamily.flatMap(ProductFamily.init(rawValue:)))
    }

    /// The supplier as a form or a PATCH starts from.
    var draft: SupplierDraft {
        SupplierDraft(name: name, siret: siret, kind: kind, address: address, postalCode: postalCode, commune: commune, distanceKm: distanceKm,
                      latitude: latitude, longitude: longitude, qpvCode: qpvCode, intermediaries: intermediaries, labels: labelList.map(\.rawValue),
                      localDefinition: localDefinition.map { LocalDefinitionDraft(kind: $0.kind.rawValue, km: $0.km) }, defaultFamily: defaultFamily,
                      contactName: contactName, contactEmail: contactEmail, contactPhone: contactPhone)
    }

    var indicatorSupplier: SourcingIndicators.Supplier {
        .init(id: id!.uuidString, name: name, inQpv: inQpv, kind: supplierKind)
    }
}

/// A supplier's invoice: its date, its lines, and possibly the invoice's file.
final class Purchase: Model, @unchecked Sendable {
    static let schema = "purchases"

    @ID(key: .id) var id: UUID?
    @Field(key: "cooperative_id") var cooperativeID: UUID
    @Field(key: "supplier_id") var supplierID: UUID
    @Field(key: "date") var date: Date
    @OptionalField(key: "reference") var reference: String?
    @Field(key: "total_cents") var totalCents: Int
    /// `form`, `api` or `import`.
    @Field(key: "source") var source: String
    @Field(key: "author_label") var authorLabel: String
    @OptionalField(key: "attachment_name") var attachmentName: String?
    @OptionalField(key: "attachment_type") var attachmentType: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

/// One line of a purchase, with the supplier and date copied so the indicators add lines up
/// without a join.
final class PurchaseLine: Model, @unchecked Sendable {
    static let schema = "purchase_lines"

    @ID(key: .id) var id: UUID?
    @Field(key: "purchase_id") var purchaseID: UUID
    @Field(key: "cooperative_id") var cooperativeID: UUID
    @Field(key: "supplier_id") var supplierID: UUID
    @Field(key: "date") var date: Date
    @Field(key: "position") var position: Int
    @Field(key: "description") var description: String
    @Field(key: "family") var family: String
    @Field(key: "price_cents") var priceCents: Int
    @OptionalField(key: "quantity") var quantity: Double?
    @OptionalField(key: "unit") var unit: String?
    @Field(key: "characteristics") var characteristics: String
    @OptionalField(key: "local_kind") var localKind: String?
    @OptionalField(key: "local_km") var localKm: Int?
    /// `bio`, `official-quality`, `other-egalim` or `none`: the EGAlim class, by precedence.
    @Field(key: "egalim") var egalim: String

    init() {}

    var characteristicList: [PurchaseCharacteristic] { Self.characteristics(characteristics) }
    var localDefinition: LocalDefinition? { Self.localDefinition(kind: localKind, km: localKm) }

    /// The stored `characteristics` column (codes joined by commas) read back.
    static func characteristics(_ stored: String) -> [PurchaseCharacteristic] { stored.split(separator: ",").compactMap { PurchaseCharacteristic(rawValue: String($0)) } }
    static func localDefinition(kind: String?, km: Int?) -> LocalDefinition? { kind.flatMap(LocalDefinitionKind.init(rawValue:)).map { LocalDefinition(kind: $0, km: km) } }
    var productFamily: ProductFamily { ProductFamily(rawValue: family) ?? .other }

    var valid: PurchaseLineDraft.Valid {
        .init(description: description, family: productFamily, priceCents: priceCents, quantity: quantity, unit: unit,
              characteristics: characteristicList, localDefinition: localDefinition)
    }
}

/// The invoice's file, kept in the database so that backups carry it.
final class PurchaseAttachment: Model, @unchecked Sendable {
    static let schema = "purchase_attachments"

    @ID(custom: "purchase_id", generatedBy: .user) var id: UUID?
    @Field(key: "cooperative_id") var cooperativeID: UUID
    @Field(key: "bytes") var bytes: Data

    init() {}
}

/// A dish: its portions, its ingredients as JSON, and the catalogue product it is sold as.
final class Recipe: Model, @unchecked Sendable {
    static let schema = "recipes"

    @ID(key: .id) var id: UUID?
    @Field(key: "cooperative_id") var cooperativeID: UUID
    @Field(key: "name") var name: String
    @Field(key: "portions") var portions: Int
    @OptionalField(key: "product_id") var productID: UUID?
    /// `[{name, quantity, usageUnit, usagePerPurchaseUnit, yieldPercent, match?}]`.
    @Field(key: "ingredients") var ingredients: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

/// What the cooperative calls local (by default, its département).
final class SourcingSettings: Model, @unchecked Sendable {
    static let schema = "sourcing_settings"

    @ID(custom: "cooperative_id", generatedBy: .user) var id: UUID?
    @Field(key: "local_kind") var localKind: String
    @OptionalField(key: "local_km") var localKm: Int?

    init() {}

    var localDefinition: LocalDefinition { LocalDefinition(kind: LocalDefinitionKind(rawValue: localKind) ?? .departement, km: localKm) }
}

struct CreateSourcing: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Supplier.schema)
            .id()
            .field("cooperative_id", .uuid, .required, .references(Cooperative.schema, "id"))
            .field("name", .string, .required)
            .field("siret", .string)
            .field("kind", .string)
            .field("address", .string)
            .field("postal_code", .string)
            .field("commune", .string)
            .field("departement", .string)
            .field("region", .string)
            .field("distance_km", .double)
            .field("latitude", .double)
            .field("longitude", .double)
            .field("qpv_code", .string)
            .field("intermediaries", .int)
            .field("labels", .string, .required)
            .field("local_kind", .string)
            .field("local_km", .int)
            .field("default_family", .string)
            .field("contact_name", .string)
            .field("contact_email", .string)
            .field("contact_phone", .string)
            .field("created_at", .datetime)
            .unique(on: "cooperative_id", "name")
            .create()
        try await database.schema(Purchase.schema)
            .id()
            .field("cooperative_id", .uuid, .required, .references(Cooperative.schema, "id"))
            .field("supplier_id", .uuid, .required, .references(Supplier.schema, "id"))
            .field("date", .datetime, .required)
            .field("reference", .string)
            .field("total_cents", .int64, .required)
            .field("source", .string, .required)
            .field("author_label", .string, .required)
            .field("attachment_name", .string)
            .field("attachment_type", .string)
            .field("created_at", .datetime)
            .create()
        try await database.schema(PurchaseLine.schema)
            .id()
            .field("purchase_id", .uuid, .required, .references(Purchase.schema, "id"))
            .field("cooperative_id", .uuid, .required, .references(Cooperative.schema, "id"))
            .field("supplier_id", .uuid, .required, .references(Supplier.schema, "id"))
            .field("date", .datetime, .required)
            .field("position", .int, .required)
            .field("description", .string, .required)
            .field("family", .string, .required)
            .field("price_cents", .int64, .required)
            .field("quantity", .double)
            .field("unit", .string)
            .field("characteristics", .string, .required)
            .field("local_kind", .string)
            .field("local_km", .int)
            .field("egalim", .string, .required)
            .create()
        try await database.schema(PurchaseAttachment.schema)
            .field("purchase_id", .uuid, .identifier(auto: false), .references(Purchase.schema, "id"))
            .field("cooperative_id", .uuid, .required, .references(Cooperative.schema, "id"))
            .field("bytes", .data, .required)
            .create()
        try await database.schema(Recipe.schema)
            .id()
            .field("cooperative_id", .uuid, .required, .references(Cooperative.schema, "id"))
            .field("name", .string, .required)
            .field("portions", .int, .required)
            .field("product_id", .uuid, .references(Product.schema, "id"))
            .field("ingredients", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "cooperative_id", "name")
            .create()
        try await database.schema(SourcingSettings.schema)
            .field("cooperative_id", .uuid, .identifier(auto: false), .references(Cooperative.schema, "id"))
            .field("local_kind", .string, .required)
            .field("local_km", .int)
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "purchases_coop_date").on(Purchase.schema).column("cooperative_id").column("date").run()
            try await sql.create(index: "purchase_lines_coop_date").on(PurchaseLine.schema).column("cooperative_id").column("date").run()
            try await sql.create(index: "purchase_lines_purchase").on(PurchaseLine.schema).column("purchase_id").run()
        }
    }

    func revert(on database: any Database) async throws {
        for schema in [SourcingSettings.schema, Recipe.schema, PurchaseAttachment.schema, PurchaseLine.schema, Purchase.schema, Supplier.schema] {
            try await database.schema(schema).delete()
        }
    }
}
