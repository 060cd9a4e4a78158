import Fluent
import Foundation
@testable import MaillageApp
import NIOCore
import Testing
import VaporTesting

@Suite("Network: territories, cooperatives, invitations")
struct NetworkTests {
    @Test func adminCreatesTerritoryAndCooperativeThroughTheAPI() async throws {
        try await withMaillage { app in
            let api = try await APIClient.forDemo("admin@maillage.example", app: app)
            let created = try await api.send(.POST, "/api/v1/territories", json: #"{"name":"Blois — Quartiers Nord","kind":"qpv","qpvCode":"QN04104M","communeCodes":["41018"]}"#)
            #expect(created.status == .created)
            let territory = try #require(created.problem)
            let territoryID = try #require(territory["id"] as? String)
            #expect(territory["qpvCode"] as? String == "QN04104M")
            #expect(territory["communeCodes"] as? [String] == ["41018"])

            let coop = try await api.send(.POST, "/api/v1/coops", json: #"{"name":"Coopérative des Quartiers Nord","territoryID":"\#(territoryID)","legalForm":"association"}"#)
            #expect(coop.status == .created)
            let coopBody = try #require(coop.problem)
            #expect(coopBody["stage"] as? String == "emergence")
            let coopID = try #require(coopBody["id"] as? String)

            let patched = try await api.json(.PATCH, "/api/v1/coops/\(coopID)", json: #"{"stage":"prefiguration","siret":"88412345000014","address":null}"#)
            #expect(patched["stage"] as? String == "prefiguration")
            #expect(patched["siret"] as? String == "88412345000014")
            #expect(patched["name"] as? String == "Coopérative des Quartiers Nord")
            let cleared = try await api.json(.PATCH, "/api/v1/coops/\(coopID)", json: #"{"siret":null}"#)
            #expect(cleared["siret"] == nil)
            // The article its name takes in a sentence: « de la Coopérative des Quartiers Nord ».
            let article = try await api.json(.PATCH, "/api/v1/coops/\(coopID)", json: #"{"nameArticle":"la"}"#)
            #expect(article["nameArticle"] as? String == "la")
            let wrongArticle = try await api.send(.PATCH, "/api/v1/coops/\(coopID)", json: #"{"nameArticle":"une"}"#)
            #expect((wrongArticle.problem?["errors"] as? [String: String])?["nameArticle"] != nil)

            let territories = try await api.json(.GET, "/api/v1/territories")
            #expect((territories["items"] as? [Any])?.count == 4)
        }
    }

    @Test func listsArePagedWithACursor() async throws {
        try await withMaillage { app in
            let api = try await APIClient.forDemo("admin@maillage.example", app: app)
            let first = try await api.json(.GET, "/api/v1/coops?limit=2")
            #expect((first["items"] as? [Any])?.count == 2)
            let cursor = try #require(first["nextCursor"] as? String)
            let second = try await api.json(.GET, "/api/v1/coops?limit=2&cursor=\(cursor)")
            #expect((second["items"] as? [Any])?.count == 1)
            #expect(second["nextCursor"] == nil)
            let ids = ((first["items"] as? [[String: Any]]) ?? []) + ((second["items"] as? [[String: Any]]) ?? [])
            #expect(Set(ids.compactMap { $0["id"] as? String }).count == 3)
            let bad = try await api.send(.GET, "/api/v1/coops?limit=0")
            #expect(bad.status == .unprocessableEntity)
            #expect((bad.problem?["errors"] as? [String: String])?["limit"] != nil)
        }
    }

    @Test func badBodiesGetProblemDocuments() async throws {
        try await withMaillage { app in
            let api = try await APIClient.forDemo("admin@maillage.example", app: app)
            let malformed = try await api.send(.POST, "/api/v1/territories", json: #"{"name": "Blois","#)
            #expect(malformed.status == .badRequest)
            #expect(malformed.headers.contentType?.description.hasPrefix("application/problem+json") == true)
            #expect(malformed.problem?["status"] as? Int == 400)

            let invalid = try await api.send(.POST, "/api/v1/territories", json: #"{"name":"","kind":"qpv","communeCodes":["1"]}"#)
            #expect(invalid.status == .unprocessableEntity)
            let errors = try #require(invalid.problem?["errors"] as? [String: String])
            #expect(errors["name"] == "Ce champ est obligatoire.")
            #expect(errors["qpvCode"] != nil)
            #expect(errors["communeCodes"] != nil)
            #expect(invalid.problem?["title"] as? String == "Données invalides")

            let wrongType = try await api.send(.POST, "/api/v1/coops", json: #"{"name":12,"territoryID":"x","legalForm":"scic"}"#)
            #expect(wrongType.status == .unprocessableEntity)
            #expect((wrongType.problem?["errors"] as? [String: String])?["name"] != nil)

            let badSiret = try await api.send(.PATCH, "/api/v1/coops/\(try await Demo.cooperative(Demo.caillols, app: app).id!)", json: #"{"siret":"12345678901234"}"#)
            #expect(badSiret.status == .unprocessableEntity)
            #expect((badSiret.problem?["errors"] as? [String: String])?["siret"] == "Le SIRET doit compter 14 chiffres avec une clé valide.")

            let anonymous = try await app.testing().sendRequest(.GET, "/api/v1/me")
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.headers.contentType?.subType == "problem+json")
            var headers = HTTPHeaders()
            headers.bearerAuthorization = BearerAuthorization(token: "mlg_faux")
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/me", headers: headers).status == .unauthorized)
            #expect(try await api.send(.GET, "/api/v1/coops/pas-un-uuid").status == .notFound)
        }
    }

    @Test func idempotencyKeyReplaysTheFirstAnswer() async throws {
        try await withMaillage { app in
            let api = try await APIClient.forDemo("admin@maillage.example", app: app)
            let body = #"{"name":"Tours — Sanitas","kind":"qpv","qpvCode":"QN03702M"}"#
            let key: HTTPHeaders = ["Idempotency-Key": "essai-1"]
            let first = try await api.send(.POST, "/api/v1/territories", json: body, headers: key)
            let second = try await api.send(.POST, "/api/v1/territories", json: body, headers: key)
            #expect(first.status == .created)
            #expect(second.status == .created)
            #expect(second.headers.first(name: "Idempotency-Replayed") == "true")
            #expect(first.problem?["id"] as? String == second.problem?["id"] as? String)
            #expect(try await Territory.query(on: app.db).filter(\.$name == "Tours — Sanitas").count() == 1)

            let reused = try await api.send(.POST, "/api/v1/territories", json: #"{"name":"Autre","kind":"rural"}"#, headers: key)
            #expect(reused.status == .unprocessableEntity)
            #expect(try await Territory.query(on: app.db).filter(\.$name == "Autre").count() == 0)
            // Keys belong to one user: another admin's same key is a new request.
            #expect(try await IdempotencyRecord.query(on: app.db).count() == 1)
        }
    }

    @Test func meDescribesTheUserAndTheirRoles() async throws {
        try await withMaillage { app in
            let caillols = try await Demo.cooperative(Demo.caillols, app: app)
            let me = try await APIClient.forDemo("coordination@maillage.example", app: app).json(.GET, "/api/v1/me")
            #expect(me["email"] as? String == "coordination@maillage.example")
            #expect(me["locale"] as? String == "fr")
            let roles = try #require(me["roles"] as? [[String: Any]])
            #expect(roles.count == 1)
            #expect(roles.first?["role"] as? String == "coordinator")
            let scope = try #require(roles.first?["scope"] as? [String: String])
            #expect(scope["kind"] == "cooperative")
            #expect(scope["id"]?.lowercased() == caillols.id!.uuidString.lowercased())
        }
    }

    @Test func adminCreatesATerritoryThroughTheFormWithFrenchErrors() async throws {
        try await withMaillage { app in
            var browser = Browser(app)
            try await browser.login("admin@maillage.example")
            #expect(try await browser.get("/territories/new").status == .ok)
            let bad = try await browser.post("/territories/new", form: ["name": "Vendôme — Les Rottes", "kind": "qpv", "qpvCode": "123"])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("Le code QPV doit ressembler à QN01306M"))
            #expect(bad.body.string.contains("value=\"Vendôme — Les Rottes\""))
            let good = try await browser.post("/territories/new", form: ["name": "Vendôme — Les Rottes", "kind": "qpv", "qpvCode": "QN04101M", "communeCodes": "41269"])
            #expect(good.status == .seeOther)
            let page = try await browser.get(try #require(good.headers.first(name: .location)))
            #expect(page.body.string.contains("QN04101M"))
        }
    }

    @Test func coordinatorEditsTheirCooperativeCard() async throws {
        try await withMaillage { app in
            let caillols = try await Demo.cooperative(Demo.caillols, app: app)
            var browser = Browser(app)
            try await browser.login("coordination@maillage.example")
            try await browser.get("/coops/\(caillols.id!)/edit")
            let saved = try await browser.post("/coops/\(caillols.id!)/edit", form: [
                "name": Demo.caillols, "territoryID": caillols.$territory.id.uuidString, "legalForm": "scic",
                "stage": "creation", "siret": "91234567500009", "address": "Centre social des Caillols, 13012 Marseille",
            ])
            #expect(saved.status == .seeOther)
            #expect(try await Demo.cooperative(Demo.caillols, app: app).stage == "creation")
            let update = try #require(try await AuditEvent.query(on: app.db).filter(\.$action == "cooperative.updated").first())
            #expect(update.details == "stage")
        }
    }

    @Test func anInvitationBecomesAnAccountWithItsRole() async throws {
        try await withMaillage { app in
            let caillols = try await Demo.cooperative(Demo.caillols, app: app)
            var coordinator = Browser(app)
            try await coordinator.login("coordination@maillage.example")
            try await coordinator.get("/coops/\(caillols.id!)/access")
            let invited = try await coordinator.post("/coops/\(caillols.id!)/access", form: [
                "email": "amina.kone@exemple.fr", "name": "Amina Koné", "role": "staff",
            ])
            #expect(invited.status == .created)
            let html = invited.body.string
            let start = try #require(html.range(of: "/invitations/"))
            let token = String(html[start.upperBound...].prefix { $0 != "<" && $0 != "\"" })
            #expect(token.count == 43)
            // A coordinator cannot hand out network administration.
            let escalation = try await coordinator.post("/coops/\(caillols.id!)/access", form: ["email": "x@exemple.fr", "name": "X", "role": "network-admin"])
            #expect(escalation.status == .unprocessableEntity)

            var newcomer = Browser(app)
            let page = try await newcomer.get("/invitations/\(token)")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("amina.kone@exemple.fr"))
            let mismatch = try await newcomer.post("/invitations/\(token)", form: ["name": "Amina Koné", "password": "le marché du samedi", "confirmation": "autre chose"])
            #expect(mismatch.status == .unprocessableEntity)
            let accepted = try await newcomer.post("/invitations/\(token)", form: ["name": "Amina Koné", "password": "le marché du samedi", "confirmation": "le marché du samedi"])
            #expect(accepted.status == .seeOther)
            #expect(try await newcomer.get("/").body.string.contains("Bonjour, Amina Koné"))
            var stranger = Browser(app)
            #expect(try await stranger.get("/invitations/\(token)").status == .notFound)

            let user = try #require(try await User.query(on: app.db).filter(\.$email == "amina.kone@exemple.fr").first())
            let grants = try await PrincipalLoader.resolveGrants(userID: user.id!, db: app.db)
            #expect(grants.map(\.role) == [.staff])
            #expect(grants.first?.scope.id == caillols.id!.uuidString)
        }
    }

    @Test func expiredInvitationsAreRefused() async throws {
        try await withMaillage { app in
            let admin = try #require(try await User.query(on: app.db).filter(\.$email == "admin@maillage.example").first())
            let principal = try #require(try await PrincipalLoader.load(userID: admin.id!, db: app.db, viaBearerToken: false))
            let caillols = try await Demo.cooperative(Demo.caillols, app: app)
            let request = Request(application: app, on: app.eventLoopGroup.next())
            let token = try await AccessService(db: app.db).invite(email: "tard@exemple.fr", name: "Trop Tard", role: "member", scope: "cooperative:\(caillols.id!.uuidString)", by: principal, request: request)
            let invitation = try #require(try await Invitation.query(on: app.db).filter(\.$email == "tard@exemple.fr").first())
            invitation.expiresAt = Date().addingTimeInterval(-60)
            try await invitation.save(on: app.db)
            var stranger = Browser(app)
            #expect(try await stranger.get("/invitations/\(token)").status == .notFound)
        }
    }

    @Test func sessionAuthenticatedAPIWritesNeedTheCSRFHeader() async throws {
        try await withMaillage { app in
            let caillols = try await Demo.cooperative(Demo.caillols, app: app)
            var browser = Browser(app)
            try await browser.login("coordination@maillage.example")
            var headers = HTTPHeaders()
            headers.contentType = .json
            let body = ByteBuffer(string: #"{"stage":"creation"}"#)
            // Reading with the cookie is fine; writing needs the session's token too.
            #expect(try await browser.send(.GET, "/api/v1/me").status == .ok)
            let refused = try await browser.send(.PATCH, "/api/v1/coops/\(caillols.id!)", headers: headers, body: body)
            #expect(refused.status == .forbidden)
            #expect(refused.headers.contentType?.subType == "problem+json")
            #expect(try await Demo.cooperative(Demo.caillols, app: app).stage == "prefiguration")
            headers.replaceOrAdd(name: "X-CSRF-Token", value: try #require(browser.csrf))
            #expect(try await browser.send(.PATCH, "/api/v1/coops/\(caillols.id!)", headers: headers, body: body).status == .ok)
            #expect(try await Demo.cooperative(Demo.caillols, app: app).stage == "creation")
        }
    }
}
