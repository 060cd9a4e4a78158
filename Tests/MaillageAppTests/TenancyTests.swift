import Fluent
import Foundation
@testable import MaillageApp
import Testing
import VaporTesting

@Suite("Tenancy and roles")
struct TenancyTests {
    @Test func coordinatorOfACooperativeGets404OnAnotherAnd403OnNetworkAdministration() async throws {
        try await withMaillage { app in
            let caillols = try await Demo.cooperative(Demo.caillols, app: app)
            let avignon = try await Demo.cooperative(Demo.avignon, app: app)
            let api = try await APIClient.forDemo("coordination@maillage.example", app: app)

            #expect(try await api.send(.GET, "/api/v1/coops/\(caillols.id!)").status == .ok)
            let other = try await api.send(.GET, "/api/v1/coops/\(avignon.id!)")
            #expect(other.status == .notFound)
            #expect(other.headers.contentType?.subType == "problem+json")
            #expect(try await api.send(.PATCH, "/api/v1/coops/\(avignon.id!)", json: #"{"stage":"consolidation"}"#).status == .notFound)
            #expect(try await api.send(.GET, "/api/v1/territories/\(avignon.$territory.id)").status == .notFound)
            #expect(try await api.send(.POST, "/api/v1/territories", json: #"{"name":"Nouveau","kind":"rural"}"#).status == .forbidden)
            #expect(try await api.send(.POST, "/api/v1/coops", json: #"{"name":"Nouvelle","territoryID":"\#(caillols.$territory.id)","legalForm":"scic"}"#).status == .forbidden)

            // Lists hold only what the role reaches.
            let list = try await api.json(.GET, "/api/v1/coops")
            let names = (list["items"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
            #expect(names == [Demo.caillols])

            var browser = Browser(app)
            try await browser.login("coordination@maillage.example")
            #expect(try await browser.get("/coops/\(avignon.id!)").status == .notFound)
            #expect(try await browser.get("/coops/\(avignon.id!)/access").status == .notFound)
            #expect(try await browser.get("/admin/users").status == .forbidden)
            #expect(try await browser.get("/admin/audit").status == .forbidden)
            #expect(try await browser.get("/territories/new").status == .forbidden)
            #expect(try await browser.get("/coops/\(caillols.id!)/access").status == .ok)
        }
    }

    @Test func aFunderMaySeeButNotChangeTheCooperative() async throws {
        try await withMaillage { app in
            let caillols = try await Demo.cooperative(Demo.caillols, app: app)
            let api = try await APIClient.forDemo("financeur@maillage.example", app: app)
            #expect(try await api.send(.GET, "/api/v1/coops/\(caillols.id!)").status == .ok)
            let patch = try await api.send(.PATCH, "/api/v1/coops/\(caillols.id!)", json: #"{"stage":"consolidation"}"#)
            #expect(patch.status == .forbidden)
            #expect(patch.problem?["detail"] as? String == "Votre rôle ne permet pas cette action.")
            let stored = try await Demo.cooperative(Demo.caillols, app: app)
            #expect(stored.stage == "prefiguration")

            var browser = Browser(app)
            try await browser.login("financeur@maillage.example")
            #expect(try await browser.get("/coops/\(caillols.id!)/edit").status == .forbidden)
            #expect(try await browser.get("/coops/\(caillols.id!)/access").status == .forbidden)
        }
    }

    @Test func rolesWithoutTheRightAreRefusedOnEveryWriteRoute() async throws {
        try await withMaillage { app in
            let caillols = try await Demo.cooperative(Demo.caillols, app: app)
            for email in ["caisse@maillage.example", "cooperant@maillage.example", "societaire@maillage.example", "orientation@maillage.example", "financeur@maillage.example"] {
                let api = try await APIClient.forDemo(email, app: app)
                #expect(try await api.send(.PATCH, "/api/v1/coops/\(caillols.id!)", json: #"{"name":"Piratée"}"#).status == .forbidden, "\(email)")
                #expect(try await api.send(.POST, "/api/v1/territories", json: #"{"name":"T","kind":"rural"}"#).status == .forbidden, "\(email)")
                var browser = Browser(app)
                try await browser.login(email)
                #expect(try await browser.post("/coops/\(caillols.id!)/edit", form: ["name": "Piratée"]).status == .forbidden, "\(email)")
                #expect(try await browser.post("/coops/\(caillols.id!)/access", form: ["email": "x@exemple.fr", "name": "X", "role": "coordinator"]).status == .forbidden, "\(email)")
                #expect(try await browser.post("/admin/invitations", form: ["email": "x@exemple.fr", "name": "X", "role": "staff"]).status == .forbidden, "\(email)")
            }
            #expect(try await Demo.cooperative(Demo.caillols, app: app).name == Demo.caillols)
        }
    }

    @Test func eachRoleLandsOnItsOwnHome() async throws {
        try await withMaillage { app in
            var admin = Browser(app)
            try await admin.login("admin@maillage.example")
            let adminHome = try await admin.get("/").body.string
            #expect(adminHome.contains("Bonjour, Nadia Benali"))
            #expect(adminHome.contains("/admin/users"))
            #expect(adminHome.contains("/territories"))
            #expect(adminHome.contains("Le réseau"))

            var staff = Browser(app)
            try await staff.login("caisse@maillage.example")
            let staffHome = try await staff.get("/").body.string
            #expect(staffHome.contains("Bonjour, Samir Ouali"))
            #expect(!staffHome.contains("/admin/users"))
            #expect(!staffHome.contains("/territories\""))
            #expect(!staffHome.contains("Accès et invitations"))
        }
    }

    @Test func anotherCooperativeCannotGiveARoleToAnAccountWithoutItsConsentNorLearnWhoHasOne() async throws {
        try await withMaillage { app in
            let avignon = try await Demo.cooperative(Demo.avignon, app: app)
            var coordinator = Browser(app)
            try await coordinator.login("coordination.avignon@maillage.example")
            func invite(_ email: String) async throws -> (status: UInt, text: String) {
                let response = try await coordinator.post("/coops/\(avignon.id!)/access", form: ["email": email, "name": "Quelqu'un", "role": "coordinator"])
                // The page differs only by the link's secret.
                let text = response.body.string.replacing(/\/invitations\/[A-Za-z0-9_\-]+/, with: "/invitations/…")
                    .replacing(/name="_csrf" value="[^"]*"/, with: "")
                return (response.status.code, text)
            }
            let known = try await invite("societaire@maillage.example")
            let unknown = try await invite("personne.inconnue@exemple.fr")
            #expect(known.status == 201 && unknown.status == 201)
            #expect(known.text.replacingOccurrences(of: "societaire@maillage.example", with: "") == unknown.text.replacingOccurrences(of: "personne.inconnue@exemple.fr", with: ""))
            // Jeanne has no role in Avignon until she accepts.
            let jeanne = try #require(try await User.query(on: app.db).filter(\.$email == "societaire@maillage.example").first())
            let roles = try await RoleAssignment.query(on: app.db).filter(\.$user.$id == jeanne.id!).filter(\.$scopeID == avignon.id!).count()
            #expect(roles == 0)
            // Someone else holding the link cannot accept for her.
            let invitation = try #require(try await Invitation.query(on: app.db).filter(\.$email == "societaire@maillage.example").first())
            #expect(invitation.acceptedAt == nil)
        }
    }

    @Test func theAuditLogRecordsLoginsAndRoleChanges() async throws {
        try await withMaillage { app in
            var browser = Browser(app)
            try await browser.login("admin@maillage.example")
            let caillols = try await Demo.cooperative(Demo.caillols, app: app)
            let invite = try await browser.post("/admin/invitations", form: [
                "email": "financeur@maillage.example", "name": "Hélène Garnier", "role": "funder",
                "scope": "cooperative:\(try await Demo.cooperative(Demo.avignon, app: app).id!.uuidString)",
            ])
            #expect(invite.status == .created)
            // The role waits for its owner's consent: she accepts it once logged in.
            let path = try #require(invite.body.string.firstMatch(of: /\/invitations\/[A-Za-z0-9_\-]+/)).output
            var funder = Browser(app)
            try await funder.login("financeur@maillage.example")
            #expect(try await funder.get(String(path)).body.string.contains("Accepter ce rôle"))
            #expect(try await funder.post(String(path), form: [:]).status == .seeOther)
            let holders = try await AccessService(db: app.db).holders(scopes: [(.cooperative, caillols.id!)])
            let staff = try #require(holders.first { $0.email == "caisse@maillage.example" })
            let revoke = try await browser.post("/admin/roles/\(staff.assignmentID)/revoke", form: [:])
            #expect(revoke.status == .seeOther)

            let audit = try await browser.get("/admin/audit")
            #expect(audit.status == .ok)
            // In sentences, people by their names.
            for sentence in ["Nadia Benali s&#39;est connecté·e", "a donné le rôle", "Nadia Benali a retiré le rôle Équipe (caisse, cuisine, achats) à Samir Ouali"] {
                #expect(audit.body.string.contains(sentence) || audit.body.string.contains(sentence.replacingOccurrences(of: "&#39;", with: "'")), "\(sentence)")
            }
            #expect(try await RoleAssignment.find(staff.assignmentID, on: app.db) == nil)
        }
    }

    @Test func anotherNetworkSeesNothingOfTheDemoNetwork() async throws {
        try await withMaillage { app in
            let other = Network(name: "Réseau de Bretagne")
            try await other.create(on: app.db)
            let accounts = AccountService(db: app.db)
            let admin = try await accounts.createUser(email: "admin@bretagne.example", name: "Yann Le Gall", password: "les crêpes du mardi")
            try await accounts.grant(.networkAdmin, on: .network, id: other.id!, to: admin.id!, by: nil, request: nil)

            let api = try await APIClient.forDemo("admin@bretagne.example", app: app)
            #expect((try await api.json(.GET, "/api/v1/coops")["items"] as? [Any])?.isEmpty == true)
            #expect((try await api.json(.GET, "/api/v1/territories")["items"] as? [Any])?.isEmpty == true)
            let caillols = try await Demo.cooperative(Demo.caillols, app: app)
            #expect(try await api.send(.GET, "/api/v1/coops/\(caillols.id!)").status == .notFound)
            #expect(try await api.send(.PATCH, "/api/v1/coops/\(caillols.id!)", json: #"{"stage":"creation"}"#).status == .notFound)
            // Their new territory lands in their own network.
            let created = try await api.send(.POST, "/api/v1/territories", json: #"{"name":"Rennes — Le Blosne","kind":"qpv","qpvCode":"QN03501M"}"#)
            #expect(created.status == .created)
            #expect((created.problem?["networkID"] as? String)?.lowercased() == other.id!.uuidString.lowercased())

            var breton = Browser(app)
            try await breton.login("admin@bretagne.example")
            let home = try await breton.get("/").body.string
            #expect(!home.contains("Caillols"))
            // The demo admin's audit log shows neither their login nor their territory.
            var demoAdmin = Browser(app)
            try await demoAdmin.login("admin@maillage.example")
            let audit = try await demoAdmin.get("/admin/audit").body.string
            #expect(audit.contains("Nadia Benali"))
            #expect(!audit.contains("admin@bretagne.example") && !audit.contains("Yann Le Gall"))
            let brittanyAudit = try await breton.get("/admin/audit").body.string
            #expect(!brittanyAudit.contains("admin@maillage.example") && !brittanyAudit.contains("Nadia Benali"))
        }
    }
}
