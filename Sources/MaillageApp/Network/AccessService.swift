import Fluent
import SQLKit
import Foundation
import MaillageCore
import Vapor

/// Who holds which role where, invitations, and their acceptance. Every write checks that
/// the acting principal may manage access at the scope concerned.
struct AccessService: Sendable {
    let db: any Database

    /// One line of an access list.
    struct Holder: Sendable {
        var assignmentID: UUID
        var userID: UUID
        var userName: String
        var email: String
        var role: Role
        var scope: Scope
    }

    /// The location of a scope, to authorise against it.
    func location(of kind: ScopeKind, id: UUID) async throws -> ResourceLocation {
        switch kind {
        case .network:
            guard try await Network.find(id, on: db) != nil else { throw Problem.notFound }
            return ResourceLocation(networkID: id.uuidString)
        case .territory:
            guard let territory = try await Territory.find(id, on: db) else { throw Problem.notFound }
            return territory.location
        case .cooperative:
            guard let coop = try await Cooperative.find(id, on: db) else { throw Problem.notFound }
            return coop.location
        }
    }

    /// Network and territory roles are given by network admins; cooperative roles also by the
    /// cooperative's coordinators.
    static func permission(for kind: ScopeKind) -> Permission {
        kind == .cooperative ? .manageCooperativeAccess : .administerNetwork
    }

    func authorize(_ principal: Principal, toManage kind: ScopeKind, id: UUID) async throws -> ResourceLocation {
        let location = try await location(of: kind, id: id)
        try NetworkRepository.check(principal, Self.permission(for: kind), at: location)
        return location
    }

    /// Role holders in the given scopes, by name.
    func holders(scopes: [(ScopeKind, UUID)]) async throws -> [Holder] {
        guard !scopes.isEmpty else { return [] }
        let assignments = try await RoleAssignment.query(on: db).with(\.$user).group(.or) { group in
            for (kind, id) in scopes {
                group.group(.and) { $0.filter(\.$scopeKind == kind.rawValue).filter(\.$scopeID == id) }
            }
        }.all()
        return assignments.compactMap { assignment in
            guard let role = Role(rawValue: assignment.role), let kind = ScopeKind(rawValue: assignment.scopeKind) else { return nil }
            return Holder(assignmentID: assignment.id!, userID: assignment.$user.id, userName: assignment.user.name, email: assignment.user.email, role: role,
                          scope: Scope(kind: kind, id: assignment.scopeID.uuidString))
        }.sorted { ($0.userName, $0.role.rawValue) < ($1.userName, $1.role.rawValue) }
    }

    /// Invites someone to a role and returns the secret of the link to send them (shown once).
    /// An existing account gets an invitation too, which its owner accepts once logged in:
    /// nobody receives a role without consenting, and the answer is the same whether the
    /// address has an account or not (it tells no other cooperative who uses Maillage).
    func invite(email rawEmail: String?, name rawName: String?, role rawRole: String?, scope rawScope: String?, by principal: Principal, request: Request) async throws -> String {
        var errors = FieldErrors()
        let email = User.normalise(email: rawEmail ?? "")
        if !FrenchIdentifiers.isPlausibleEmail(email) { errors.add("email", "Cette adresse électronique n'est pas valide.") }
        let name = TextRules.requireName(rawName, into: &errors)
        let role = Role(rawValue: rawRole ?? "")
        if role == nil { errors.add("role", "Choisissez un rôle.") }
        let scope = Self.parseScope(rawScope)
        if scope == nil { errors.add("scope", "Choisissez où ce rôle s'applique.") }
        if let role, let scope, !role.allowedScopeKinds.contains(scope.kind) {
            errors.add("role", "Ce rôle ne peut pas être donné à ce niveau (\(Self.scopeKindLabel(scope.kind))).")
        }
        try errors.throwIfAny()
        let location = try await authorize(principal, toManage: scope!.kind, id: scope!.id)
        let networkID = UUID(uuidString: location.networkID)!

        let secret = Secrets.make()
        let invitation = Invitation()
        invitation.networkID = networkID
        invitation.email = email
        invitation.name = name
        invitation.role = role!.rawValue
        invitation.scopeKind = scope!.kind.rawValue
        invitation.scopeID = scope!.id
        invitation.tokenHash = Secrets.digest(secret)
        invitation.expiresAt = Date().addingTimeInterval(Invitation.validity)
        invitation.invitedByID = principal.userID
        try await db.transaction { tx in
            try await invitation.create(on: tx)
            try await request.audit(.invitationCreated, on: tx, subject: AuditSubject(
                entityType: "invitation", entityID: invitation.id, networkID: networkID,
                cooperativeID: scope!.kind == .cooperative ? scope!.id : nil
            ), details: "\(email) \(role!.rawValue) @ \(scope!.kind.rawValue)")
        }
        return secret
    }

    /// Takes a role back. Nobody removes their own network administration, so that a
    /// network always keeps an administrator who can act.
    func revoke(assignmentID: UUID, by principal: Principal, request: Request) async throws -> RoleAssignment {
        guard let assignment = try await RoleAssignment.find(assignmentID, on: db),
              let kind = ScopeKind(rawValue: assignment.scopeKind) else { throw Problem.notFound }
        let location = try await authorize(principal, toManage: kind, id: assignment.scopeID)
        if assignment.$user.id == principal.userID && assignment.role == Role.networkAdmin.rawValue {
            throw Problem.invalid(FieldErrors(["role": "Vous ne pouvez pas retirer votre propre rôle d'administration du réseau."]))
        }
        try await db.transaction { tx in
            try await assignment.delete(on: tx)
            try await request.audit(.roleRevoked, on: tx, subject: AuditSubject(
                entityType: "user", entityID: assignment.$user.id, networkID: UUID(uuidString: location.networkID),
                cooperativeID: location.cooperativeID.flatMap(UUID.init(uuidString:))
            ), details: "\(assignment.role) @ \(assignment.scopeKind):\(assignment.scopeID.uuidString.lowercased())")
        }
        return assignment
    }

    func pendingInvitation(token: String) async throws -> Invitation? {
        guard let invitation = try await Invitation.query(on: db).filter(\.$tokenHash == Secrets.digest(token)).first(),
              invitation.acceptedAt == nil, invitation.expiresAt > Date() else { return nil }
        return invitation
    }

    /// The account an invitation is for, when its address already has one.
    func invitee(of invitation: Invitation) async throws -> User? {
        try await User.query(on: db).filter(\.$email == invitation.email).first()
    }

    /// The owner of an existing account, logged in, takes the role offered.
    func accept(_ invitation: Invitation, as user: User, request: Request) async throws {
        guard let role = Role(rawValue: invitation.role), let kind = ScopeKind(rawValue: invitation.scopeKind) else { throw Problem.notFound }
        try await db.transaction { tx in
            try await Self.claim(invitation, on: tx)
            try await AccountService(db: tx).grant(role, on: kind, id: invitation.scopeID, to: user.id!, by: invitation.invitedByID, request: request)
            try await AuditLog.record(.invitationAccepted, on: tx, actor: user.id, actorLabel: user.email,
                                      subject: AuditSubject(entityType: "invitation", entityID: invitation.id, networkID: invitation.networkID),
                                      requestID: request.requestID)
        }
    }

    /// Creates the account of an invited person and gives the invitation's role, at once.
    func accept(_ invitation: Invitation, name: String?, password: String, confirmation: String?, request: Request) async throws -> User {
        if password != confirmation {
            throw Problem.invalid(FieldErrors(["confirmation": "Les deux mots de passe ne sont pas identiques."]))
        }
        guard let role = Role(rawValue: invitation.role), let kind = ScopeKind(rawValue: invitation.scopeKind) else { throw Problem.notFound }
        return try await db.transaction { tx in
            try await Self.claim(invitation, on: tx)
            let user = try await AccountService(db: tx).createUser(email: invitation.email, name: name ?? invitation.name, password: password)
            try await AccountService(db: tx).grant(role, on: kind, id: invitation.scopeID, to: user.id!, by: invitation.invitedByID, request: request)
            try await AuditLog.record(.invitationAccepted, on: tx, actor: user.id, actorLabel: user.email,
                                      subject: AuditSubject(entityType: "invitation", entityID: invitation.id, networkID: invitation.networkID),
                                      requestID: request.requestID)
            return user
        }
    }

    static let alreadyUsed = Problem(status: .gone, title: "Invitation déjà utilisée",
                                     detail: "Ce lien d'invitation vient de servir. Connectez-vous avec le compte créé, ou demandez un nouveau lien.")

    /// Marks the invitation used, first thing in the acceptance's transaction: of ten people
    /// accepting at once, one claims it (the row is locked until it commits) and the others
    /// find it used (410), whatever the database.
    private static func claim(_ invitation: Invitation, on tx: any Database) async throws {
        let now = Date()
        if let sql = tx as? any SQLDatabase {
            let claimed = try await sql.raw("""
                UPDATE invitations SET accepted_at = \(bind: now) WHERE id = \(bind: invitation.id!) AND accepted_at IS NULL RETURNING id
                """).all()
            guard !claimed.isEmpty else { throw alreadyUsed }
        } else {
            guard try await Invitation.find(invitation.id, on: tx)?.acceptedAt == nil else { throw alreadyUsed }
            invitation.acceptedAt = now
            try await invitation.save(on: tx)
        }
        invitation.acceptedAt = now
    }

    static func parseScope(_ raw: String?) -> (kind: ScopeKind, id: UUID)? {
        guard let raw else { return nil }
        let parts = raw.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, let kind = ScopeKind(rawValue: parts[0]), let id = UUID(uuidString: parts[1]) else { return nil }
        return (kind, id)
    }

    static func scopeValue(_ kind: ScopeKind, _ id: UUID) -> String { "\(kind.rawValue):\(id.uuidString)" }

    static func scopeKindLabel(_ kind: ScopeKind) -> String {
        switch kind {
        case .network: "réseau"
        case .territory: "territoire"
        case .cooperative: "coopérative"
        }
    }
}
