import Fluent
import Foundation
import MaillageCore
import Vapor

/// The association that starts and supports cooperatives (tête de réseau).
final class Network: Model, @unchecked Sendable {
    static let schema = "networks"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    /// Counts of people below it are shown "< N" outside the cooperative (see `StatisticalSecret`).
    @Field(key: "secret_threshold") var secretThreshold: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(id: UUID? = nil, name: String) {
        self.id = id
        self.name = name
        self.secretThreshold = StatisticalSecret.defaultThreshold
    }
}

/// The network's threshold of the statistical secret, five people until the admin sets it.
struct AddNetworkSecretThreshold: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Network.schema).field("secret_threshold", .int, .required, .sql(.default(StatisticalSecret.defaultThreshold))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Network.schema).deleteField("secret_threshold").update()
    }
}

/// A QPV, a rural or an urban territory of the network.
final class Territory: Model, @unchecked Sendable {
    static let schema = "territories"

    @ID(key: .id) var id: UUID?
    @Parent(key: "network_id") var network: Network
    @Field(key: "name") var name: String
    @Field(key: "kind") var kind: String
    @OptionalField(key: "qpv_code") var qpvCode: String?
    @Field(key: "commune_codes") var communeCodes: [String]
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(networkID: UUID, valid: TerritoryDraft.Valid) {
        self.$network.id = networkID
        self.name = valid.name
        self.kind = valid.kind.rawValue
        self.qpvCode = valid.qpvCode
        self.communeCodes = valid.communeCodes
    }
}

/// A coopérative d'habitants.
final class Cooperative: Model, @unchecked Sendable {
    static let schema = "cooperatives"

    @ID(key: .id) var id: UUID?
    @Parent(key: "territory_id") var territory: Territory
    @Field(key: "network_id") var networkID: UUID
    @Field(key: "name") var name: String
    @Field(key: "legal_form") var legalForm: String
    @OptionalField(key: "siret") var siret: String?
    @OptionalField(key: "address") var address: String?
    @Field(key: "stage") var stage: String
    /// The article its name takes in a sentence (`NameArticle`): « de la Coopérative… ».
    @OptionalField(key: "name_article") var nameArticle: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    var article: NameArticle? { nameArticle.flatMap(NameArticle.init(rawValue:)) }
    /// « la Coopérative d'habitants des Caillols ».
    var namedInSentence: String { NameArticle.named(name, article) }
    /// « de la Coopérative d'habitants des Caillols ».
    var ofName: String { NameArticle.of(name, article) }
    /// « à la Coopérative d'habitants des Caillols ».
    var toName: String { NameArticle.to(name, article) }

    func apply(_ valid: CooperativeDraft.Valid, territoryID: UUID, networkID: UUID) {
        self.$territory.id = territoryID
        self.networkID = networkID
        self.name = valid.name
        self.legalForm = valid.legalForm.rawValue
        self.siret = valid.siret
        self.address = valid.address
        self.stage = valid.stage.rawValue
        self.nameArticle = valid.nameArticle?.rawValue
    }

    /// The card as the core's validator sees it, to merge a change into.
    var draft: CooperativeDraft {
        CooperativeDraft(name: name, territoryID: $territory.id.uuidString, legalForm: legalForm, siret: siret, address: address, stage: stage, nameArticle: nameArticle)
    }
}

/// An invitation link: whoever opens it before it expires chooses a password and receives
/// the role it carries. Only the digest of the link's secret is stored.
final class Invitation: Model, @unchecked Sendable {
    static let schema = "invitations"
    static let validity: TimeInterval = 7 * 24 * 3600

    @ID(key: .id) var id: UUID?
    @Field(key: "network_id") var networkID: UUID
    @Field(key: "email") var email: String
    @Field(key: "name") var name: String
    @Field(key: "role") var role: String
    @Field(key: "scope_kind") var scopeKind: String
    @Field(key: "scope_id") var scopeID: UUID
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "accepted_at") var acceptedAt: Date?
    @OptionalField(key: "invited_by_id") var invitedByID: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

struct CreateNetworkTables: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Network.schema)
            .id()
            .field("name", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "name")
            .create()
        try await database.schema(Territory.schema)
            .id()
            .field("network_id", .uuid, .required, .references(Network.schema, "id"))
            .field("name", .string, .required)
            .field("kind", .string, .required)
            .field("qpv_code", .string)
            .field("commune_codes", .array(of: .string), .required)
            .field("created_at", .datetime)
            .unique(on: "network_id", "name")
            .create()
        try await database.schema(Cooperative.schema)
            .id()
            .field("territory_id", .uuid, .required, .references(Territory.schema, "id"))
            .field("network_id", .uuid, .required, .references(Network.schema, "id"))
            .field("name", .string, .required)
            .field("legal_form", .string, .required)
            .field("siret", .string)
            .field("address", .string)
            .field("stage", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "network_id", "name")
            .create()
        try await database.schema(Invitation.schema)
            .id()
            .field("network_id", .uuid, .required, .references(Network.schema, "id"))
            .field("email", .string, .required)
            .field("name", .string, .required)
            .field("role", .string, .required)
            .field("scope_kind", .string, .required)
            .field("scope_id", .uuid, .required)
            .field("token_hash", .string, .required)
            .field("expires_at", .datetime, .required)
            .field("accepted_at", .datetime)
            .field("invited_by_id", .uuid, .references(User.schema, "id", onDelete: .setNull))
            .field("created_at", .datetime)
            .unique(on: "token_hash")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Invitation.schema).delete()
        try await database.schema(Cooperative.schema).delete()
        try await database.schema(Territory.schema).delete()
        try await database.schema(Network.schema).delete()
    }
}

/// The article of a cooperative's name, for the sentences that name it.
struct AddCooperativeNameArticle: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Cooperative.schema).field("name_article", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Cooperative.schema).deleteField("name_article").update()
    }
}
