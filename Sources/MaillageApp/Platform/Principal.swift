import Fluent
import Foundation
import MaillageCore
import Vapor

/// The authenticated user of a request, with every role resolved to where it applies.
struct Principal: Sendable {
    var userID: UUID
    var email: String
    var name: String
    var language: AppLanguage
    var grants: [RoleGrant]
    /// How the request proved who it is: a bearer token is not exposed to CSRF.
    var viaBearerToken: Bool

    var roles: Set<Role> { Set(grants.map(\.role)) }

    func has(_ role: Role) -> Bool { grants.contains { $0.role == role } }

    /// Networks this user has any role in.
    var networkIDs: Set<UUID> { Set(grants.compactMap { UUID(uuidString: $0.location.networkID) }) }

    func decide(_ permission: Permission, at location: ResourceLocation) -> AccessDecision {
        AccessPolicy.decide(grants: grants, permission: permission, at: location)
    }
}

extension Request {
    private struct PrincipalKey: StorageKey { typealias Value = Principal }

    var principal: Principal? {
        get { storage[PrincipalKey.self] }
        set { storage[PrincipalKey.self] = newValue }
    }

    /// The principal, or a 401 that the error middleware turns into a redirect to the login
    /// page (HTML) or a problem document (API).
    func requirePrincipal() throws -> Principal {
        guard let principal else { throw Problem.unauthenticated }
        return principal
    }

    /// Throws 404 or 403 unless the policy allows `permission` at `location`.
    func authorize(_ permission: Permission, at location: ResourceLocation) throws {
        switch try requirePrincipal().decide(permission, at: location) {
        case .allowed: return
        case .forbidden: throw Problem.forbidden
        case .notFound: throw Problem.notFound
        }
    }
}

/// Loads the principal of a request from its bearer token or its session, once, before any
/// route runs. It never refuses: routes that need a user ask for one.
struct PrincipalMiddleware: AsyncMiddleware {
    static let sessionUserKey = "userID"

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let bearer = request.headers.bearerAuthorization {
            guard let principal = try await PrincipalLoader.fromToken(bearer.token, db: request.db) else {
                throw Problem.invalidToken
            }
            request.principal = principal
        } else if request.hasSession, let raw = request.session.data[Self.sessionUserKey], let userID = UUID(uuidString: raw) {
            if let principal = try await PrincipalLoader.load(userID: userID, db: request.db, viaBearerToken: false) {
                request.principal = principal
            } else {
                // The account was removed or disabled since: forget the stale session.
                request.session.data[Self.sessionUserKey] = nil
            }
        }
        return try await next.respond(to: request)
    }
}

enum PrincipalLoader {
    static func fromToken(_ token: String, db: any Database) async throws -> Principal? {
        guard let stored = try await ApiToken.query(on: db).filter(\.$tokenHash == Secrets.digest(token)).first() else {
            return nil
        }
        if let expiresAt = stored.expiresAt, expiresAt < Date() { return nil }
        return try await load(userID: stored.$user.id, db: db, viaBearerToken: true)
    }

    static func load(userID: UUID, db: any Database, viaBearerToken: Bool) async throws -> Principal? {
        guard let user = try await User.find(userID, on: db), user.isActive else { return nil }
        let grants = try await resolveGrants(userID: userID, db: db)
        return Principal(
            userID: userID, email: user.email, name: user.name, language: user.language,
            grants: grants, viaBearerToken: viaBearerToken
        )
    }

    /// Places each role assignment in the network → territory → cooperative tree.
    static func resolveGrants(userID: UUID, db: any Database) async throws -> [RoleGrant] {
        let assignments = try await RoleAssignment.query(on: db).filter(\.$user.$id == userID).all()
        let territoryIDs = assignments.filter { $0.scopeKind == ScopeKind.territory.rawValue }.map(\.scopeID)
        let coopIDs = assignments.filter { $0.scopeKind == ScopeKind.cooperative.rawValue }.map(\.scopeID)
        let territories = territoryIDs.isEmpty ? [] : try await Territory.query(on: db).filter(\.$id ~~ territoryIDs).all()
        let coops = coopIDs.isEmpty ? [] : try await Cooperative.query(on: db).filter(\.$id ~~ coopIDs).all()
        let territoryNetwork = Dictionary(uniqueKeysWithValues: territories.map { ($0.id!, $0.$network.id) })
        let coopLocation = Dictionary(uniqueKeysWithValues: coops.map { ($0.id!, ($0.networkID, $0.$territory.id)) })

        return assignments.compactMap { assignment in
            guard let role = Role(rawValue: assignment.role), let kind = ScopeKind(rawValue: assignment.scopeKind) else { return nil }
            let scope = Scope(kind: kind, id: assignment.scopeID.uuidString)
            let location: ResourceLocation
            switch kind {
            case .network:
                location = ResourceLocation(networkID: assignment.scopeID.uuidString)
            case .territory:
                guard let network = territoryNetwork[assignment.scopeID] else { return nil }
                location = ResourceLocation(networkID: network.uuidString, territoryID: assignment.scopeID.uuidString)
            case .cooperative:
                guard let (network, territory) = coopLocation[assignment.scopeID] else { return nil }
                location = ResourceLocation(networkID: network.uuidString, territoryID: territory.uuidString, cooperativeID: assignment.scopeID.uuidString)
            }
            return RoleGrant(role: role, scope: scope, location: location)
        }
    }
}
