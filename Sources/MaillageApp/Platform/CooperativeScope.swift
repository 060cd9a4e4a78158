import Fluent
import Foundation
import MaillageCore
import Vapor

/// The cooperative a request works in, once the principal's right to be there has been
/// checked. Repositories of the cooperative's areas take one: they cannot be built for a
/// cooperative the user does not reach.
struct CooperativeScope: Sendable {
    let cooperative: Cooperative
    let principal: Principal

    var id: UUID { cooperative.id! }

    func allows(_ permission: Permission) -> Bool {
        principal.decide(permission, at: cooperative.location) == .allowed
    }

    /// Throws 403 unless the principal may use `permission` here.
    func require(_ permission: Permission) throws {
        guard allows(permission) else { throw Problem.forbidden }
    }
}

extension Request {
    /// The cooperative named by the `coopID` path parameter, for a principal who may use
    /// `permission` there: 404 outside their scopes, 403 for a role without the right.
    func cooperativeScope(_ permission: Permission) async throws -> CooperativeScope {
        let principal = try requirePrincipal()
        let coop = try await NetworkRepository(db: db).cooperative(try uuidParameter("coopID"), for: principal, permission: permission)
        return CooperativeScope(cooperative: coop, principal: principal)
    }

    /// Like `cooperativeScope(_:)` when any one of several permissions is enough.
    func cooperativeScope(anyOf permissions: [Permission]) async throws -> CooperativeScope {
        let principal = try requirePrincipal()
        let coop = try await NetworkRepository(db: db).cooperative(try uuidParameter("coopID"), for: principal, permission: .viewCooperative)
        let scope = CooperativeScope(cooperative: coop, principal: principal)
        guard permissions.contains(where: scope.allows) else { throw Problem.forbidden }
        return scope
    }
}
