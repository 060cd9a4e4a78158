import Fluent
import Foundation
import MaillageCore
import Vapor

/// A local actor of a territory: an institution, a social centre, an association, a business…
/// Shared by the territory's cooperatives.
final class Partner: Model, @unchecked Sendable {
    static let schema = "partners"

    @ID(key: .id) var id: UUID?
    @Field(key: "territory_id") var territoryID: UUID
    @Field(key: "name") var name: String
    @Field(key: "kind") var kind: String
    @OptionalField(key: "siret") var siret: String?
    @OptionalField(key: "address") var address: String?
    @OptionalField(key: "postal_code") var postalCode: String?
    @OptionalField(key: "commune") var commune: String?
    @OptionalField(key: "website") var website: String?
    @OptionalField(key: "description") var presentation: String?
    /// Service themes, separated by commas, for the "who helps with…" filter.
    @Field(key: "services") var services: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    var partnerKind: PartnerKind { PartnerKind(rawValue: kind) ?? .other }
    var serviceThemes: [ServiceTheme] { services.split(separator: ",").compactMap { ServiceTheme(rawValue: String($0)) } }
}

final class PartnerContact: Model, @unchecked Sendable {
    static let schema = "partner_contacts"

    @ID(key: .id) var id: UUID?
    @Field(key: "partner_id") var partnerID: UUID
    @Field(key: "name") var name: String
    @OptionalField(key: "function") var function: String?
    @OptionalField(key: "email") var email: String?
    @OptionalField(key: "phone") var phone: String?
    /// The person agreed to appear in the directory; otherwise only the coordination sees them.
    @Field(key: "listed") var listed: Bool

    init() {}
}

/// What a partner is to one cooperative (it refers residents, funds, supplies, is an associate, hosts).
final class PartnerRole: Model, @unchecked Sendable {
    static let schema = "partner_roles"

    @ID(key: .id) var id: UUID?
    @Field(key: "partner_id") var partnerID: UUID
    @Field(key: "cooperative_id") var cooperativeID: UUID
    @Field(key: "role") var role: String

    init() {}
}

struct CreatePartners: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Partner.schema)
            .id()
            .field("territory_id", .uuid, .required, .references(Territory.schema, "id"))
            .field("name", .string, .required)
            .field("kind", .string, .required)
            .field("siret", .string)
            .field("address", .string)
            .field("postal_code", .string)
            .field("commune", .string)
            .field("website", .string)
            .field("description", .string)
            .field("services", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "territory_id", "name")
            .create()
        try await database.schema(PartnerContact.schema)
            .id()
            .field("partner_id", .uuid, .required, .references(Partner.schema, "id"))
            .field("name", .string, .required)
            .field("function", .string)
            .field("email", .string)
            .field("phone", .string)
            .field("listed", .bool, .required)
            .create()
        try await database.schema(PartnerRole.schema)
            .id()
            .field("partner_id", .uuid, .required, .references(Partner.schema, "id"))
            .field("cooperative_id", .uuid, .required, .references(Cooperative.schema, "id"))
            .field("role", .string, .required)
            .unique(on: "partner_id", "cooperative_id", "role")
            .create()
    }

    func revert(on database: any Database) async throws {
        for schema in [PartnerRole.schema, PartnerContact.schema, Partner.schema] { try await database.schema(schema).delete() }
    }
}

/// A user account that works for the partner (a counsellor of the Mission Locale, a social
/// centre's family worker…). Their referrals carry the partner, so the figures can count
/// people referred by kind of referrer.
final class PartnerMember: Model, @unchecked Sendable {
    static let schema = "partner_members"

    @ID(key: .id) var id: UUID?
    @Field(key: "partner_id") var partnerID: UUID
    @Field(key: "user_id") var userID: UUID
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

/// Partner members, and the referrer's organisation on each referral (a snapshot taken when
/// the referral is sent: the figures of a past year do not move when someone changes employer).
struct CreatePartnerMembers: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(PartnerMember.schema)
            .id()
            .field("partner_id", .uuid, .required, .references(Partner.schema, "id", onDelete: .cascade))
            .field("user_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("created_at", .datetime)
            .unique(on: "partner_id", "user_id")
            .create()
        try await database.schema(Referral.schema).field("referrer_partner_id", .uuid).update()
        try await database.schema(Referral.schema).field("referrer_kind", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Referral.schema).deleteField("referrer_kind").update()
        try await database.schema(Referral.schema).deleteField("referrer_partner_id").update()
        try await database.schema(PartnerMember.schema).delete()
    }
}

/// A partner with its contacts, roles and member accounts, as shown.
struct PartnerRecord: Sendable {
    var partner: Partner
    var contacts: [PartnerContact]
    var roles: [PartnerRole]
    var members: [User] = []
}

/// The partner directory of one territory.
struct PartnerRepository: Sendable {
    let db: any Database
    let territory: Territory
    let principal: Principal

    var canManage: Bool { principal.decide(.managePartners, at: territory.location) == .allowed }

    /// Partners, filtered by service theme, kind or words of their name; with contacts (the
    /// unlisted ones for the coordination only) and roles.
    func partners(service: ServiceTheme? = nil, kind: PartnerKind? = nil, search: String? = nil) async throws -> [PartnerRecord] {
        var query = Partner.query(on: db).filter(\.$territoryID == territory.id!)
        if let kind { query = query.filter(\.$kind == kind.rawValue) }
        var partners = try await query.sort(\.$name).all()
        if let service { partners = partners.filter { $0.serviceThemes.contains(service) } }
        if let words = TextRules.clean(search)?.lowercased() { partners = partners.filter { $0.name.lowercased().contains(words) || ($0.commune ?? "").lowercased().contains(words) } }
        return try await records(partners)
    }

    func records(_ partners: [Partner]) async throws -> [PartnerRecord] {
        let ids = partners.map { $0.id! }
        guard !ids.isEmpty else { return [] }
        var contacts = try await PartnerContact.query(on: db).filter(\.$partnerID ~~ ids).sort(\.$name).all()
        if !canManage { contacts = contacts.filter(\.listed) }
        let roles = try await PartnerRole.query(on: db).filter(\.$partnerID ~~ ids).all()
        let memberships = try await PartnerMember.query(on: db).filter(\.$partnerID ~~ ids).all()
        let users = memberships.isEmpty ? [] : try await User.query(on: db).filter(\.$id ~~ memberships.map(\.userID)).sort(\.$name).all()
        return partners.map { partner in
            let memberIDs = Set(memberships.filter { $0.partnerID == partner.id }.map(\.userID))
            return PartnerRecord(partner: partner, contacts: contacts.filter { $0.partnerID == partner.id }, roles: roles.filter { $0.partnerID == partner.id },
                                 members: users.filter { memberIDs.contains($0.id!) })
        }
    }

    // MARK: Member accounts

    /// Links the account with this email to the partner. The account must hold a role in the
    /// territory or one of its cooperatives, and belongs to one partner of a territory at most.
    func addMember(_ record: PartnerRecord, email: String?) async throws -> PartnerRecord {
        guard canManage else { throw Problem.forbidden }
        guard let address = TextRules.clean(email)?.lowercased() else { throw Problem.invalid(FieldErrors(["email": "Indiquez le courriel du compte à rattacher."])) }
        let coopIDs = try await cooperatives().map { $0.id! }
        guard let user = try await User.query(on: db).filter(\.$email == address).first(),
              try await RoleAssignment.query(on: db).filter(\.$user.$id == user.id!).all().contains(where: {
                  ($0.scopeKind == ScopeKind.territory.rawValue && $0.scopeID == territory.id) || ($0.scopeKind == ScopeKind.cooperative.rawValue && coopIDs.contains($0.scopeID))
              }) else {
            throw Problem.invalid(FieldErrors(["email": "Aucun compte du territoire n'a ce courriel : invitez d'abord la personne dans une coopérative du territoire."]))
        }
        if let current = try await Self.organisation(of: user.id!, in: territory.id!, on: db) {
            if current.id == record.partner.id { return record }
            throw Problem.invalid(FieldErrors(["email": "Ce compte est déjà rattaché à « \(current.name) » : retirez-l'en d'abord."]))
        }
        let member = PartnerMember()
        member.partnerID = record.partner.id!
        member.userID = user.id!
        try await member.create(on: db)
        return try await records([record.partner])[0]
    }

    func removeMember(_ record: PartnerRecord, userID: UUID?) async throws -> PartnerRecord {
        guard canManage else { throw Problem.forbidden }
        guard let userID, record.members.contains(where: { $0.id == userID }) else { throw Problem.notFound }
        try await PartnerMember.query(on: db).filter(\.$partnerID == record.partner.id!).filter(\.$userID == userID).delete()
        return try await records([record.partner])[0]
    }

    /// The partner of `territoryID` the user works for, if any.
    static func organisation(of userID: UUID, in territoryID: UUID, on db: any Database) async throws -> Partner? {
        let partnerIDs = try await PartnerMember.query(on: db).filter(\.$userID == userID).all().map(\.partnerID)
        guard !partnerIDs.isEmpty else { return nil }
        return try await Partner.query(on: db).filter(\.$id ~~ partnerIDs).filter(\.$territoryID == territoryID).sort(\.$name).first()
    }

    func partner(_ id: UUID?) async throws -> PartnerRecord {
        guard let id, let partner = try await Partner.query(on: db).filter(\.$id == id).filter(\.$territoryID == territory.id!).first() else { throw Problem.notFound }
        return try await records([partner])[0]
    }

    /// The territory's cooperatives, for the roles.
    func cooperatives() async throws -> [Cooperative] {
        try await Cooperative.query(on: db).filter(\.$territory.$id == territory.id!).sort(\.$name).all()
    }

    struct RoleDraft: Sendable { var coopID: String?, role: String? }

    /// Creates a partner, or replaces an existing one's fields, contacts and roles (`roles`
    /// nil keeps them), all in one transaction.
    func save(_ draft: PartnerDraft, roles: [RoleDraft]?, replacing existing: Partner? = nil) async throws -> PartnerRecord {
        guard canManage else { throw Problem.forbidden }
        var errors = FieldErrors()
        var valid: PartnerDraft.Valid?
        do { valid = try draft.validate() } catch { errors.merge(error) }
        if let name = TextRules.clean(draft.name)?.lowercased(),
           try await Partner.query(on: db).filter(\.$territoryID == territory.id!).all().contains(where: { $0.name.lowercased() == name && $0.id != existing?.id }) {
            errors.add("name", "Un partenaire du territoire porte déjà ce nom.")
        }
        let cooperatives = try await cooperatives()
        var checkedRoles: [(UUID, PartnerRoleKind)] = []
        for (index, role) in (roles ?? []).enumerated() {
            let coop = cooperatives.first { $0.id?.uuidString.lowercased() == TextRules.clean(role.coopID)?.lowercased() }
            let kind = PartnerRoleKind(rawValue: TextRules.clean(role.role) ?? "")
            if coop == nil { errors.add("roles[\(index)].coopID", "Cette coopérative n'est pas du territoire.") }
            if kind == nil { errors.add("roles[\(index)].role", "Le rôle est " + PartnerRoleKind.allCases.map(\.rawValue).joined(separator: ", ") + ".") }
            if let coop, let kind, !checkedRoles.contains(where: { $0 == (coop.id!, kind) }) { checkedRoles.append((coop.id!, kind)) }
        }
        try errors.throwIfAny()
        let (checked, territoryID, replaceRoles, newRoles) = (valid!, territory.id!, roles != nil, checkedRoles)
        let partner = try await db.transaction { tx -> Partner in
            let partner = existing ?? Partner()
            partner.territoryID = territoryID
            partner.name = checked.name
            partner.kind = checked.kind.rawValue
            partner.siret = checked.siret
            partner.address = checked.address
            partner.postalCode = checked.postalCode
            partner.commune = checked.commune
            partner.website = checked.website
            partner.presentation = checked.description
            partner.services = checked.services.map(\.rawValue).joined(separator: ",")
            try await partner.save(on: tx)
            try await PartnerContact.query(on: tx).filter(\.$partnerID == partner.id!).delete()
            for contact in checked.contacts {
                let row = PartnerContact()
                row.partnerID = partner.id!
                row.name = contact.name
                row.function = contact.function
                row.email = contact.email
                row.phone = contact.phone
                row.listed = contact.listed
                try await row.create(on: tx)
            }
            if replaceRoles {
                try await PartnerRole.query(on: tx).filter(\.$partnerID == partner.id!).delete()
                for (coopID, kind) in newRoles {
                    let row = PartnerRole()
                    row.partnerID = partner.id!
                    row.cooperativeID = coopID
                    row.role = kind.rawValue
                    try await row.create(on: tx)
                }
            }
            return partner
        }
        return try await records([partner])[0]
    }
}

extension Request {
    func partnerRepository(_ permission: Permission) async throws -> PartnerRepository {
        let principal = try requirePrincipal()
        let territory = try await NetworkRepository(db: db).territory(try uuidParameter("territoryID"), for: principal, permission: permission)
        return PartnerRepository(db: db, territory: territory, principal: principal)
    }
}
