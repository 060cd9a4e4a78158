import Fluent
import Foundation
import MaillageCore
import Vapor

/// Reads and writes the network tree (networks, territories, cooperatives) within what a
/// principal may see. Every method takes the principal or an authorised location: there is
/// no way to list another network's rows through it.
struct NetworkRepository: Sendable {
    let db: any Database

    // MARK: Visibility

    /// The networks, territories and cooperatives a principal's roles reach.
    struct Reach: Sendable {
        var networks: [UUID] = []
        var territories: [UUID] = []
        var cooperatives: [UUID] = []

        init(_ principal: Principal) {
            for grant in principal.grants {
                guard let id = UUID(uuidString: grant.scope.id) else { continue }
                switch grant.scope.kind {
                case .network: networks.append(id)
                case .territory: territories.append(id)
                case .cooperative: cooperatives.append(id)
                }
            }
        }
    }

    func visibleTerritories(for principal: Principal, page: PageRequest) async throws -> (rows: [Territory], nextCursor: String?) {
        let reach = Reach(principal)
        // A cooperative's people see their cooperative's territory.
        let coopTerritories = reach.cooperatives.isEmpty ? [] : try await Cooperative.query(on: db)
            .filter(\.$id ~~ reach.cooperatives).all().map { $0.$territory.id }
        let territoryIDs = reach.territories + coopTerritories
        guard !reach.networks.isEmpty || !territoryIDs.isEmpty else { return ([], nil) }
        let query = Territory.query(on: db).group(.or) { group in
            if !reach.networks.isEmpty { group.filter(\.$network.$id ~~ reach.networks) }
            if !territoryIDs.isEmpty { group.filter(\.$id ~~ territoryIDs) }
        }
        return try await page.fetch(query)
    }

    func visibleCooperatives(for principal: Principal, page: PageRequest) async throws -> (rows: [Cooperative], nextCursor: String?) {
        let reach = Reach(principal)
        guard !reach.networks.isEmpty || !reach.territories.isEmpty || !reach.cooperatives.isEmpty else { return ([], nil) }
        let query = Cooperative.query(on: db).group(.or) { group in
            if !reach.networks.isEmpty { group.filter(\.$networkID ~~ reach.networks) }
            if !reach.territories.isEmpty { group.filter(\.$territory.$id ~~ reach.territories) }
            if !reach.cooperatives.isEmpty { group.filter(\.$id ~~ reach.cooperatives) }
        }
        return try await page.fetch(query)
    }

    /// Every visible row, for the pages' lists and selects (a network holds dozens of
    /// territories and cooperatives, not thousands).
    func allVisibleTerritories(for principal: Principal) async throws -> [Territory] {
        try await visibleTerritories(for: principal, page: PageRequest(limit: 10_000)).rows.sorted { $0.name < $1.name }
    }

    func allVisibleCooperatives(for principal: Principal) async throws -> [Cooperative] {
        try await visibleCooperatives(for: principal, page: PageRequest(limit: 10_000)).rows.sorted { $0.name < $1.name }
    }

    /// One network's territories and cooperatives as the principal sees them, with every
    /// scope a role can be held on inside it.
    struct Tree: Sendable {
        var territories: [Territory]
        var cooperatives: [Cooperative]
        var scopes: [(ScopeKind, UUID)]
    }

    func tree(of networkID: UUID, for principal: Principal) async throws -> Tree {
        let territories = try await allVisibleTerritories(for: principal).filter { $0.$network.id == networkID }
        let coops = try await allVisibleCooperatives(for: principal).filter { $0.networkID == networkID }
        let scopes: [(ScopeKind, UUID)] = [(.network, networkID)] + territories.map { (.territory, $0.id!) } + coops.map { (.cooperative, $0.id!) }
        return Tree(territories: territories, cooperatives: coops, scopes: scopes)
    }

    // MARK: Single rows, authorised

    func territory(_ id: UUID, for principal: Principal, permission: Permission = .viewTerritory) async throws -> Territory {
        guard let territory = try await Territory.find(id, on: db) else { throw Problem.notFound }
        try Self.check(principal, permission, at: territory.location)
        return territory
    }

    func cooperative(_ id: UUID, for principal: Principal, permission: Permission = .viewCooperative) async throws -> Cooperative {
        guard let coop = try await Cooperative.find(id, on: db) else { throw Problem.notFound }
        try Self.check(principal, permission, at: coop.location)
        return coop
    }

    static func check(_ principal: Principal, _ permission: Permission, at location: ResourceLocation) throws {
        switch principal.decide(permission, at: location) {
        case .allowed: return
        case .forbidden: throw Problem.forbidden
        case .notFound: throw Problem.notFound
        }
    }

    /// The network a network admin acts in: the one named, or their only one.
    func adminNetwork(for principal: Principal, named requested: String?) throws -> UUID {
        let networks = Reach(principal).networks.filter { id in
            principal.grants.contains { $0.role == .networkAdmin && $0.scope == .network(id.uuidString) }
        }
        if let requested {
            guard let id = UUID(uuidString: requested), networks.contains(id) else {
                throw Problem.invalid(FieldErrors(["networkID": "Ce réseau n'existe pas ou vous n'en êtes pas administrateur·rice."]))
            }
            return id
        }
        guard let only = networks.first else { throw Problem.forbidden }
        return only
    }

    // MARK: Writes

    func createTerritory(_ valid: TerritoryDraft.Valid, networkID: UUID, request: Request) async throws -> Territory {
        try Self.check(try request.requirePrincipal(), .administerNetwork, at: ResourceLocation(networkID: networkID.uuidString))
        if try await Territory.query(on: db).filter(\.$network.$id == networkID).filter(\.$name == valid.name).count() > 0 {
            throw Problem.invalid(FieldErrors(["name": "Un territoire porte déjà ce nom dans le réseau."]))
        }
        let territory = Territory(networkID: networkID, valid: valid)
        try await db.transaction { tx in
            try await territory.create(on: tx)
            try await request.audit(.territoryCreated, on: tx, subject: AuditSubject(entityType: "territory", entityID: territory.id, networkID: networkID))
        }
        return territory
    }

    /// Creates a cooperative in a territory the principal administers, from a template of the
    /// network when `templateID` names one, with its road from the collective to the SCIC, all
    /// in one transaction.
    func createCooperative(_ draft: CooperativeDraft, templateID: String? = nil, request: Request) async throws -> Cooperative {
        let principal = try request.requirePrincipal()
        let valid = try draft.validate()
        let territory = try await territoryForCooperative(valid.territoryID, principal: principal)
        try Self.check(principal, .administerNetwork, at: ResourceLocation(networkID: territory.$network.id.uuidString))
        try await ensureUniqueName(valid.name, networkID: territory.$network.id, except: nil)
        let template = try await TemplateRepository(db: db, principal: principal).template(templateID, networkID: territory.$network.id)
        let coop = Cooperative()
        coop.apply(valid, territoryID: territory.id!, networkID: territory.$network.id)
        let setup = template?.setup
        try await db.transaction { tx in
            try await coop.create(on: tx)
            if let setup {
                try await TemplateRepository.apply(setup, to: coop, start: .today, authorLabel: principal.name, on: tx)
            } else {
                try await TemplateRepository.startOnboarding(OnboardingStep.fromCollectiveToSCIC, for: coop, start: .today, on: tx)
            }
            try await request.audit(.cooperativeCreated, on: tx, subject: coop.auditSubject)
        }
        return coop
    }

    /// Applies a change to a cooperative's card; moving it to another territory is for network
    /// admins only.
    func updateCooperative(_ coop: Cooperative, with merged: CooperativeDraft, request: Request) async throws -> Cooperative {
        let principal = try request.requirePrincipal()
        let valid = try merged.validate()
        var territoryID = coop.$territory.id
        if valid.territoryID.lowercased() != coop.$territory.id.uuidString.lowercased() {
            let territory = try await territoryForCooperative(valid.territoryID, principal: principal)
            guard territory.$network.id == coop.networkID else {
                throw Problem.invalid(FieldErrors(["territoryID": "Ce territoire n'appartient pas au réseau de la coopérative."]))
            }
            try Self.check(principal, .administerNetwork, at: ResourceLocation(networkID: coop.networkID.uuidString))
            territoryID = territory.id!
        }
        try await ensureUniqueName(valid.name, networkID: coop.networkID, except: coop.id)
        let before = coop.draft
        coop.apply(valid, territoryID: territoryID, networkID: coop.networkID)
        try await db.transaction { tx in
            try await coop.save(on: tx)
            try await request.audit(.cooperativeUpdated, on: tx, subject: coop.auditSubject, details: Self.describeChange(from: before, to: coop.draft))
        }
        return coop
    }

    private func territoryForCooperative(_ raw: String, principal: Principal) async throws -> Territory {
        guard let id = UUID(uuidString: raw), let territory = try await Territory.find(id, on: db),
              principal.decide(.viewTerritory, at: territory.location) != .notFound
        else {
            throw Problem.invalid(FieldErrors(["territoryID": "Ce territoire n'existe pas."]))
        }
        return territory
    }

    private func ensureUniqueName(_ name: String, networkID: UUID, except id: UUID?) async throws {
        let query = Cooperative.query(on: db).filter(\.$networkID == networkID).filter(\.$name == name)
        if let id { query.filter(\.$id != id) }
        if try await query.count() > 0 {
            throw Problem.invalid(FieldErrors(["name": "Une coopérative porte déjà ce nom dans le réseau."]))
        }
    }

    static func describeChange(from before: CooperativeDraft, to after: CooperativeDraft) -> String {
        let pairs: [(String, String?, String?)] = [
            ("name", before.name, after.name), ("territoryID", before.territoryID, after.territoryID),
            ("legalForm", before.legalForm, after.legalForm), ("siret", before.siret, after.siret),
            ("address", before.address, after.address), ("stage", before.stage, after.stage),
        ]
        return pairs.filter { $0.1 != $0.2 }.map(\.0).joined(separator: ", ")
    }
}

extension Territory {
    var location: ResourceLocation {
        ResourceLocation(networkID: $network.id.uuidString, territoryID: id!.uuidString)
    }
}

extension Cooperative {
    var location: ResourceLocation {
        ResourceLocation(networkID: networkID.uuidString, territoryID: $territory.id.uuidString, cooperativeID: id!.uuidString)
    }

    var auditSubject: AuditSubject {
        AuditSubject(entityType: "cooperative", entityID: id, networkID: networkID, cooperativeID: id)
    }
}
