import Fluent
import Foundation
import MaillageCore
import Vapor

/// The demo network: three territories taken from the field (Marseille 12e, a rural part of
/// Loir-et-Cher, Avignon), one cooperative in each, one account per role. The people are
/// fictional.
enum DemoData {
    static let networkName = "Réseau Maillage (démo)"
    static let password = "maillage-demo-2026"

    struct Account {
        var email: String
        var name: String
        var role: Role
        /// Index into `cooperatives`, or nil for the network.
        var cooperative: Int?
    }

    static let accounts: [Account] = [
        Account(email: "admin@maillage.example", name: "Nadia Benali", role: .networkAdmin, cooperative: nil),
        Account(email: "coordination@maillage.example", name: "Claire Martin", role: .coordinator, cooperative: 0),
        Account(email: "caisse@maillage.example", name: "Samir Ouali", role: .staff, cooperative: 0),
        Account(email: "cooperant@maillage.example", name: "Fatou Diallo", role: .cooperant, cooperative: 0),
        Account(email: "societaire@maillage.example", name: "Jeanne Roux", role: .member, cooperative: 0),
        Account(email: "orientation@maillage.example", name: "Mehdi Belkacem", role: .referrer, cooperative: 0),
        Account(email: "financeur@maillage.example", name: "Hélène Garnier", role: .funder, cooperative: 0),
        Account(email: "coordination.avignon@maillage.example", name: "Karim Haddad", role: .coordinator, cooperative: 2),
        Account(email: "coordination.vendomois@maillage.example", name: "Lucie Moreau", role: .coordinator, cooperative: 1),
    ]

    static let territories: [TerritoryDraft] = [
        TerritoryDraft(name: "Marseille 12e — quartiers Est", kind: "qpv", qpvCode: "QN01306M", communeCodes: ["13212"]),
        TerritoryDraft(name: "Vendômois rural (Loir-et-Cher)", kind: "rural", communeCodes: ["41269"]),
        TerritoryDraft(name: "Avignon", kind: "urban", communeCodes: ["84007"]),
    ]

    static let cooperatives: [(name: String, territory: Int, legalForm: LegalForm, stage: CooperativeStage, siret: String?, address: String)] = [
        ("Coopérative d'habitants des Caillols", 0, .scic, .prefiguration, "91234567500009", "Centre social des Caillols, 13012 Marseille"),
        ("Coopérative rurale du Vendômois", 1, .association, .emergence, nil, "Tiers-lieu de la vallée, 41100 Vendôme"),
        ("Coopérative d'habitants d'Avignon", 2, .scic, .creation, "88412345000014", "Quartier Nord, 84000 Avignon"),
    ]

    static var accountsTable: String {
        var lines = ["Comptes de démonstration (mot de passe pour tous : \(password)) :"]
        for account in accounts {
            let place = account.cooperative.map { cooperatives[$0].name } ?? networkName
            lines.append("  \(account.email.padding(toLength: 40, withPad: " ", startingAt: 0)) \(account.role.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0)) \(place)")
        }
        return lines.joined(separator: "\n")
    }

    /// The network new admins join when none is named: the demo's, or the first one.
    static func defaultNetwork(on db: any Database) async throws -> Network {
        if let network = try await Network.query(on: db).sort(\.$createdAt).first() { return network }
        let network = Network(name: "Réseau Maillage")
        try await network.create(on: db)
        return network
    }

    /// Loads the demo unless it is there already. Returns whether anything was created.
    @discardableResult
    /// `history` adds three months of past sales (the `seed --demo` command); tests start
    /// from an empty journal.
    static func load(on db: any Database, history: Bool = false) async throws -> Bool {
        if try await Network.query(on: db).filter(\.$name == networkName).first() != nil { return false }
        try await db.transaction { tx in
            let network = Network(name: networkName)
            try await network.create(on: tx)
            var territoryRows: [Territory] = []
            for draft in territories {
                let territory = Territory(networkID: network.id!, valid: try draft.validate())
                try await territory.create(on: tx)
                territoryRows.append(territory)
            }
            var coopRows: [Cooperative] = []
            for spec in cooperatives {
                let territory = territoryRows[spec.territory]
                let valid = try CooperativeDraft(
                    name: spec.name, territoryID: territory.id!.uuidString, legalForm: spec.legalForm.rawValue,
                    siret: spec.siret, address: spec.address, stage: spec.stage.rawValue, nameArticle: NameArticle.la.rawValue
                ).validate()
                let coop = Cooperative()
                coop.apply(valid, territoryID: territory.id!, networkID: network.id!)
                try await coop.create(on: tx)
                coopRows.append(coop)
            }
            let accountService = AccountService(db: tx)
            let hash = try AccountService.hash(password)
            var users: [String: User] = [:]
            for account in accounts {
                let user: User
                if let existing = try await User.query(on: tx).filter(\.$email == account.email).first() {
                    user = existing
                } else {
                    user = User(email: account.email, name: account.name, passwordHash: hash)
                    try await user.create(on: tx)
                }
                users[account.email] = user
                if let index = account.cooperative {
                    try await accountService.grant(account.role, on: .cooperative, id: coopRows[index].id!, to: user.id!, by: nil, request: nil)
                } else {
                    try await accountService.grant(account.role, on: .network, id: network.id!, to: user.id!, by: nil, request: nil)
                }
            }
            if let referrer = users["orientation@maillage.example"], let coordinator = users["coordination@maillage.example"],
               let cooperant = users["cooperant@maillage.example"] {
                try await DemoPathways.load(on: tx, cooperative: coopRows[0], referrer: referrer, coordinator: coordinator)
                try await DemoPathways.loadFiles(on: tx, cooperative: coopRows[0], coordinator: coordinator, cooperant: cooperant)
                try await DemoTrade.load(on: tx, cooperative: coopRows[0], coordinator: coordinator)
                if history, let cashier = users["caisse@maillage.example"] {
                    try await DemoTrade.loadHistory(on: tx, cooperative: coopRows[0], cashier: cashier, coordinator: coordinator)
                    try await DemoSourcing.load(on: tx, cooperative: coopRows[0], coordinator: coordinator)
                    // The cooperant and the sociétaire are associates too, with their accounts.
                    var associates = [cooperant.name: cooperant]
                    if let societaire = users["societaire@maillage.example"] { associates[societaire.name] = societaire }
                    try await DemoGovernance.load(on: tx, cooperative: coopRows[0], accounts: associates, coordinator: coordinator)
                    if let admin = users["admin@maillage.example"] {
                        var firstCoop: [UUID: Cooperative] = [:]
                        for coop in coopRows where firstCoop[coop.$territory.id] == nil { firstCoop[coop.$territory.id] = coop }
                        try await DemoPartners.load(on: tx, territories: territoryRows, cooperatives: firstCoop, admin: admin)
                        try await DemoPartners.linkReferrer(on: tx, referrer: referrer, territory: territoryRows[0])
                        try await DemoPartners.agreements(on: tx, cooperatives: coopRows, admin: admin)
                        try await DemoPartners.resources(on: tx, territories: territoryRows, cooperatives: firstCoop, admin: admin)
                        try await DemoEssaimage.load(on: tx, cooperatives: coopRows, admin: admin)
                    }
                }
            }
        }
        return true
    }
}
