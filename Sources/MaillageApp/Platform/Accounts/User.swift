import Fluent
import MaillageCore
import Vapor

/// Somebody who logs in. Emails are stored in lower case so that they are unique whatever
/// the typing.
final class User: Model, @unchecked Sendable {
    static let schema = "users"

    @ID(key: .id) var id: UUID?
    @Field(key: "email") var email: String
    @Field(key: "name") var name: String
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "locale") var locale: String
    @Field(key: "is_active") var isActive: Bool
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(id: UUID? = nil, email: String, name: String, passwordHash: String, locale: AppLanguage = .french) {
        self.id = id
        self.email = User.normalise(email: email)
        self.name = name
        self.passwordHash = passwordHash
        self.locale = locale.rawValue
        self.isActive = true
    }

    static func normalise(email: String) -> String {
        email.trimmingWhitespace().lowercased()
    }

    var language: AppLanguage { AppLanguage(rawValue: locale) ?? .french }
}

/// A role given to a user on the network, a territory or a cooperative. `scopeID` points to
/// a row of the table named by `scopeKind`; the foreign key cannot be declared for such a
/// polymorphic pointer, so deleting a scope deletes its assignments in the same transaction.
final class RoleAssignment: Model, @unchecked Sendable {
    static let schema = "role_assignments"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @Field(key: "role") var role: String
    @Field(key: "scope_kind") var scopeKind: String
    @Field(key: "scope_id") var scopeID: UUID
    @OptionalField(key: "granted_by_id") var grantedByID: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(userID: UUID, role: Role, scope: ScopeKind, scopeID: UUID, grantedByID: UUID?) {
        self.$user.id = userID
        self.role = role.rawValue
        self.scopeKind = scope.rawValue
        self.scopeID = scopeID
        self.grantedByID = grantedByID
    }
}

struct CreateUsers: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(User.schema)
            .id()
            .field("email", .string, .required)
            .field("name", .string, .required)
            .field("password_hash", .string, .required)
            .field("locale", .string, .required)
            .field("is_active", .bool, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "email")
            .create()
        try await database.schema(RoleAssignment.schema)
            .id()
            .field("user_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("role", .string, .required)
            .field("scope_kind", .string, .required)
            .field("scope_id", .uuid, .required)
            .field("granted_by_id", .uuid)
            .field("created_at", .datetime)
            .unique(on: "user_id", "role", "scope_kind", "scope_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(RoleAssignment.schema).delete()
        try await database.schema(User.schema).delete()
    }
}
