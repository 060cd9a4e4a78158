import Fluent
import Foundation
@testable import MaillageApp
import MaillageCore
import NIOCore
import Testing
import VaporTesting

/// Issue 21: what an attacker found on loopback, each reproduced, on SQLite and PostgreSQL
/// alike (the swift-postgres stage runs this suite again).
@Suite struct AttackerFindingsTests {
    static func errors(_ response: TestingHTTPResponse) -> [String: String] {
        response.problem?["errors"] as? [String: String] ?? [:]
    }

    /// Finding 5: a NUL answered 500 on PostgreSQL, even on the login form.
    @Test func controlCharactersAreRefusedWithA422NamingTheFieldNeverA500() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let coordinator = try await APIClient.forDemo("coordination@maillage.example", app: app)
            let before = try await Supplier.query(on: app.db).count()
            for text in [#"Ferme\u0000du Loup"#, #"\u001b[31mRouge"#, "Ferme \u{202E}puoL ud"] {
                let response = try await coordinator.send(.POST, "/api/v1/coops/\(coop.id!)/suppliers",
                                                          json: #"{"name":"\#(text)","kind":"producer","postalCode":"13400","commune":"Aubagne"}"#)
                #expect(response.status == .unprocessableEntity, "\(text): \(response.status)")
                #expect(Self.errors(response)["name"] != nil, "\(response.body.string)")
            }
            // Nor under another content type, which the API decodes as JSON all the same.
            for type in ["text/json", "text/plain"] {
                var headers = HTTPHeaders()
                headers.bearerAuthorization = BearerAuthorization(token: coordinator.token)
                headers.replaceOrAdd(name: .contentType, value: type)
                let response = try await app.testing().sendRequest(.POST, "/api/v1/coops/\(coop.id!)/suppliers", headers: headers,
                                                                   body: ByteBuffer(string: #"{"name":"Ferme\u0000du Loup","kind":"producer","postalCode":"13400","commune":"Aubagne"}"#))
                #expect(response.status == .unprocessableEntity, "\(type): \(response.status)")
            }
            #expect(try await Supplier.query(on: app.db).count() == before)
            // Tabs and line breaks are text.
            let fine = try await coordinator.send(.POST, "/api/v1/coops/\(coop.id!)/suppliers",
                                                  json: #"{"name":"Ferme du Loup","kind":"producer","postalCode":"13400","commune":"Aubagne","contactName":"Léa\tMartin"}"#)
            #expect(fine.status == .created, "\(fine.body.string)")

            var browser = Browser(app)
            _ = try await browser.get("/login")
            var headers = HTTPHeaders()
            headers.contentType = .urlEncodedForm
            let login = try await browser.send(.POST, "/login", headers: headers,
                                               body: ByteBuffer(string: "email=a%00b%40x.fr&password=x%00y&_csrf=\(Browser.encode(browser.csrf ?? ""))"))
            #expect(login.status == .unprocessableEntity, "\(login.status)")
            let query = try await coordinator.send(.GET, "/api/v1/coops/\(coop.id!)/suppliers?q=%00")
            #expect(query.status == .unprocessableEntity)
        }
    }

    /// Finding 9: `next=/\t/host/x` came back as `Location: /\t/host/x`.
    @Test func theLoginSendsNobodyToAnotherSite() async throws {
        try await withMaillage { app in
            for next in ["/\t/evil.example/x", "/\\evil.example", "//evil.example", "/%0a/evil"] {
                var browser = Browser(app)
                _ = try await browser.get("/login")
                let response = try await browser.post("/login", form: ["email": "caisse@maillage.example", "password": DemoData.password, "next": next])
                #expect(response.status == .seeOther)
                let location = try #require(response.headers.first(name: .location))
                #expect(location == "/" || location == "/%0a/evil", "\(next) → \(location)")
                #expect(!location.contains("\t") && !location.contains("\\") && !location.hasPrefix("//"))
            }
        }
    }

    /// Finding 10: year 0 and 9999, and a sale of 5 000 lines, were accepted.
    @Test func datesFallInAPlausibleRangeAndATicketHasBoundedLines() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let base = "/api/v1/coops/\(coop.id!)"
            let coordinator = try await APIClient.forDemo("coordination@maillage.example", app: app)
            let supplier = try #require(try await coordinator.json(.POST, "\(base)/suppliers",
                json: #"{"name":"Ferme des Bornes","kind":"producer","postalCode":"13400","commune":"Aubagne"}"#)["id"] as? String)
            for year in ["0000", "9999"] {
                let purchase = try await coordinator.send(.POST, "\(base)/purchases", json: #"""
                {"supplierID":"\#(supplier)","date":"\#(year)-03-02","lines":[{"description":"Courgettes bio","priceCents":4800,"quantity":20,"unit":"kg"}]}
                """#)
                #expect(purchase.status == .unprocessableEntity, "\(year): \(purchase.body.string)")
                #expect(Self.errors(purchase)["date"]?.contains("entre 1900 et 2100") == true, "\(purchase.body.string)")
            }
            let product = try #require(try await Product.query(on: app.db).filter(\.$cooperativeID == coop.id!).first())
            let line = #"{"productID":"\#(product.id!)","quantity":1}"#
            let lines = Array(repeating: line, count: 5_000).joined(separator: ",")
            let cashier = try await APIClient.forDemo("caisse@maillage.example", app: app)
            var headers = HTTPHeaders()
            headers.add(name: "Idempotency-Key", value: "bornes-1")
            let before = try await Sale.query(on: app.db).count()
            let sale = try await cashier.send(.POST, "\(base)/sales", json: #"{"lines":[\#(lines)],"payments":[{"method":"cash","amountCents":9999999}]}"#, headers: headers)
            #expect(sale.status == .unprocessableEntity)
            #expect(Self.errors(sale)["lines"] == "Un ticket compte au plus \(SaleRules.maximumLines) lignes.")
            #expect(try await Sale.query(on: app.db).count() == before)
        }
    }

    /// Finding 6: ten people accepting one invitation at once got 500s on SQLite.
    @Test func tenPeopleAcceptingOneInvitationAtOnceGetOneAccountAndNoError() async throws {
        try await withMaillage { app in
            let caillols = try await Demo.cooperative(Demo.caillols, app: app)
            var coordinator = Browser(app)
            try await coordinator.login("coordination@maillage.example")
            let invited = try await coordinator.post("/coops/\(caillols.id!)/access", form: ["email": "ensemble@exemple.fr", "name": "Nadia Ensemble", "role": "staff"])
            let path = String(try #require(invited.body.string.firstMatch(of: /\/invitations\/[A-Za-z0-9_\-]+/)).output)
            let statuses = try await withThrowingTaskGroup(of: UInt.self) { group in
                for index in 0..<10 {
                    group.addTask {
                        var person = Browser(app)
                        _ = try await person.get(path)
                        return try await person.post(path, form: ["name": "Nadia \(index)", "password": "le marché du samedi", "confirmation": "le marché du samedi"]).status.code
                    }
                }
                return try await group.reduce(into: [UInt]()) { $0.append($1) }
            }
            #expect(!statuses.contains { $0 >= 500 }, "\(statuses)")
            #expect(statuses.filter { $0 == 303 }.count == 1, "\(statuses)")
            // The others learn the link has just served (410), or no longer exists (404).
            #expect(statuses.filter { $0 != 303 }.allSatisfy { $0 == 404 || $0 == 410 }, "\(statuses)")
            #expect(try await User.query(on: app.db).filter(\.$email == "ensemble@exemple.fr").count() == 1)
        }
    }

    /// Finding 11: HSTS over HTTPS; the iCalendar feed's address is a secret no cache keeps.
    @Test func strictTransportSecurityWhenServedOverHTTPS() async throws {
        TestEnvironment.prepare()
        let app = try await Application.make(.testing)
        do {
            try await configure(app, options: MaillageOptions(database: .sqliteMemory, secureCookies: true))
            let response = try await app.testing().sendRequest(.GET, "/login")
            #expect(response.headers.first(name: "Strict-Transport-Security") == "max-age=63072000; includeSubDomains")
        } catch {
            try await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
        try await withMaillage { app in
            let plain = try await app.testing().sendRequest(.GET, "/login")
            #expect(plain.headers.first(name: "Strict-Transport-Security") == nil)
        }
    }
}
