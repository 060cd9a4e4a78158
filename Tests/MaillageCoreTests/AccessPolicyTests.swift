import MaillageCore
import Testing

/// The demo's shape: one network, Marseille 12e and Avignon, one cooperative in each.
private let network = "N-1"
private let marseille = ResourceLocation(networkID: network, territoryID: "T-13212")
private let avignon = ResourceLocation(networkID: network, territoryID: "T-84007")
private let caillols = ResourceLocation(networkID: network, territoryID: "T-13212", cooperativeID: "C-caillols")
private let avignonCoop = ResourceLocation(networkID: network, territoryID: "T-84007", cooperativeID: "C-avignon")
private let networkRoot = ResourceLocation(networkID: network)

private func grant(_ role: Role, on location: ResourceLocation) -> RoleGrant {
    let scope: Scope
    if let coop = location.cooperativeID { scope = .cooperative(coop) }
    else if let territory = location.territoryID { scope = .territory(territory) }
    else { scope = .network(location.networkID) }
    return RoleGrant(role: role, scope: scope, location: location)
}

@Suite("Access policy")
struct AccessPolicyTests {
    @Test func coordinatorWorksInOwnCooperativeOnly() {
        let grants = [grant(.coordinator, on: caillols)]
        #expect(AccessPolicy.decide(grants: grants, permission: .editCooperative, at: caillols) == .allowed)
        #expect(AccessPolicy.decide(grants: grants, permission: .manageCooperativeAccess, at: caillols) == .allowed)
        // Another cooperative does not exist for them.
        #expect(AccessPolicy.decide(grants: grants, permission: .viewCooperative, at: avignonCoop) == .notFound)
        #expect(AccessPolicy.decide(grants: grants, permission: .viewTerritory, at: avignon) == .notFound)
        // Network administration is known to be there, and refused.
        #expect(AccessPolicy.decide(grants: grants, permission: .administerNetwork, at: networkRoot) == .forbidden)
    }

    @Test func funderMaySeeButNotChangeTheCooperative() {
        let grants = [grant(.funder, on: caillols)]
        #expect(AccessPolicy.decide(grants: grants, permission: .viewCooperative, at: caillols) == .allowed)
        #expect(AccessPolicy.decide(grants: grants, permission: .editCooperative, at: caillols) == .forbidden)
        #expect(AccessPolicy.decide(grants: grants, permission: .viewCooperativeAudit, at: caillols) == .forbidden)
    }

    @Test func cooperativePeopleSeeTheirTerritoryButCannotActOnIt() {
        let grants = [grant(.staff, on: caillols)]
        #expect(AccessPolicy.decide(grants: grants, permission: .viewTerritory, at: marseille) == .allowed)
        #expect(AccessPolicy.decide(grants: grants, permission: .administerNetwork, at: marseille) == .forbidden)
    }

    @Test func aCoordinatorOfACooperativeGainsNothingOverItsTerritory() {
        // Rights flow down from a scope, never up: coordinating a cooperative does not give
        // its territory's other cooperatives.
        let grants = [grant(.coordinator, on: caillols)]
        let neighbour = ResourceLocation(networkID: network, territoryID: "T-13212", cooperativeID: "C-other")
        #expect(AccessPolicy.decide(grants: grants, permission: .viewCooperative, at: neighbour) == .notFound)
    }

    @Test func territoryCoordinatorReachesEveryCooperativeOfTheTerritory() {
        let grants = [grant(.coordinator, on: marseille)]
        #expect(AccessPolicy.decide(grants: grants, permission: .editCooperative, at: caillols) == .allowed)
        #expect(AccessPolicy.decide(grants: grants, permission: .editCooperative, at: avignonCoop) == .notFound)
    }

    @Test func networkAdminReachesItsNetworkOnly() {
        let grants = [grant(.networkAdmin, on: networkRoot)]
        #expect(AccessPolicy.decide(grants: grants, permission: .administerNetwork, at: networkRoot) == .allowed)
        #expect(AccessPolicy.decide(grants: grants, permission: .editCooperative, at: avignonCoop) == .allowed)
        let elsewhere = ResourceLocation(networkID: "N-2", territoryID: "T-x", cooperativeID: "C-x")
        #expect(AccessPolicy.decide(grants: grants, permission: .viewCooperative, at: elsewhere) == .notFound)
        #expect(AccessPolicy.decide(grants: grants, permission: .administerNetwork, at: ResourceLocation(networkID: "N-2")) == .notFound)
    }

    @Test func nobodyWithoutRolesSeesAnything() {
        #expect(AccessPolicy.decide(grants: [], permission: .viewCooperative, at: caillols) == .notFound)
        #expect(AccessPolicy.decide(grants: [], permission: .administerNetwork, at: networkRoot) == .notFound)
    }

    @Test func rolesAreGivenOnlyWhereTheyMakeSense() {
        #expect(Role.networkAdmin.allowedScopeKinds == [.network])
        #expect(Role.staff.allowedScopeKinds == [.cooperative])
        #expect(Role.coordinator.allowedScopeKinds.contains(.territory))
        #expect(Set(Role.allCases.map(\.rawValue)) == ["network-admin", "coordinator", "staff", "cooperant", "member", "referrer", "funder"])
    }
}
