/// The seven roles of DESIGN.md §2. Raw values are the codes used by the command line,
/// the API and the database.
public enum Role: String, CaseIterable, Codable, Sendable, Hashable {
    case networkAdmin = "network-admin"
    case coordinator
    case staff
    case cooperant
    case member
    case referrer
    case funder

    /// French label, shown in the interface.
    public var frenchLabel: String {
        switch self {
        case .networkAdmin: "Administration du réseau"
        case .coordinator: "Coordination"
        case .staff: "Équipe (caisse, cuisine, achats)"
        case .cooperant: "Coopérant·e"
        case .member: "Sociétaire"
        case .referrer: "Prescripteur·rice"
        case .funder: "Financeur"
        }
    }

    public var englishLabel: String {
        switch self {
        case .networkAdmin: "Network administration"
        case .coordinator: "Coordinator"
        case .staff: "Staff (till, kitchen, purchasing)"
        case .cooperant: "Cooperant"
        case .member: "Member"
        case .referrer: "Referrer"
        case .funder: "Funder"
        }
    }

    /// The scope kinds this role can be granted on. A network admin works across a whole
    /// network; a coordinator or a funder may also be given a whole territory.
    public var allowedScopeKinds: Set<ScopeKind> {
        switch self {
        case .networkAdmin: [.network]
        case .coordinator, .funder, .referrer: [.territory, .cooperative]
        case .staff, .cooperant, .member: [.cooperative]
        }
    }
}

public enum ScopeKind: String, CaseIterable, Codable, Sendable, Hashable {
    case network
    case territory
    case cooperative
}

/// Where a role applies: the whole network, one territory, or one cooperative.
public struct Scope: Hashable, Sendable, Codable {
    public var kind: ScopeKind
    public var id: UUIDString

    public init(kind: ScopeKind, id: UUIDString) {
        self.kind = kind
        self.id = id
    }

    public static func network(_ id: UUIDString) -> Scope { Scope(kind: .network, id: id) }
    public static func territory(_ id: UUIDString) -> Scope { Scope(kind: .territory, id: id) }
    public static func cooperative(_ id: UUIDString) -> Scope { Scope(kind: .cooperative, id: id) }
}

/// Identifiers travel through the core as canonical UUID strings so that the core needs no
/// Foundation-specific identity type beyond what the app gives it.
public typealias UUIDString = String

/// A role held by a user in a scope, with where that scope sits in the tree so that the
/// policy can tell "inside my scope" from "another cooperative".
public struct RoleGrant: Hashable, Sendable {
    public var role: Role
    public var scope: Scope
    public var location: ResourceLocation

    public init(role: Role, scope: Scope, location: ResourceLocation) {
        self.role = role
        self.scope = scope
        self.location = location
    }
}
