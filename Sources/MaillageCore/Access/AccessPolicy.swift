/// Where a resource (or a role's scope) sits in the network → territory → cooperative tree.
public struct ResourceLocation: Hashable, Sendable {
    public var networkID: UUIDString
    public var territoryID: UUIDString?
    public var cooperativeID: UUIDString?

    public init(networkID: UUIDString, territoryID: UUIDString? = nil, cooperativeID: UUIDString? = nil) {
        self.networkID = networkID
        self.territoryID = territoryID
        self.cooperativeID = cooperativeID
    }

    /// True when `other` is this location or lies below it.
    public func contains(_ other: ResourceLocation) -> Bool {
        guard networkID == other.networkID else { return false }
        if let territoryID, territoryID != other.territoryID { return false }
        if let cooperativeID, cooperativeID != other.cooperativeID { return false }
        return true
    }
}

public enum AccessDecision: Equatable, Sendable {
    case allowed
    /// The user has a role where the resource lives, but not one that may do this: 403.
    case forbidden
    /// The resource is outside every scope of the user: answer as if it did not exist (404),
    /// so that nobody learns what other cooperatives hold.
    case notFound
}

/// The one place that answers "may this user, in this scope, do this action".
///
/// A role applies to its scope and everything below it. The places above a user's scope
/// (their cooperative's territory, their network) are known to them: they may read them when
/// the permission says so (`Permission.readableFromBelow`), and are otherwise refused with
/// 403 rather than told the place does not exist.
public enum AccessPolicy {
    public static func decide(
        grants: [RoleGrant],
        permission: Permission,
        at target: ResourceLocation
    ) -> AccessDecision {
        let holding = grants.filter { $0.location.contains(target) }
        let below = grants.filter { target.contains($0.location) && $0.location != target }
        if holding.isEmpty && below.isEmpty { return .notFound }
        let allowedRoles = permission.roles
        if holding.contains(where: { allowedRoles.contains($0.role) }) { return .allowed }
        if permission.readableFromBelow, below.contains(where: { allowedRoles.contains($0.role) }) {
            return .allowed
        }
        return .forbidden
    }
}
