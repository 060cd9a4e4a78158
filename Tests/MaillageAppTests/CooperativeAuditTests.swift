import Fluent
import Foundation
@testable import MaillageApp
import MaillageCore
import Testing
import VaporTesting

/// The cooperative's audit log: every read of a person's file, seen by the coordination and
/// the network admin, by nobody else.
@Suite struct CooperativeAuditTests {
    @Test func everyReadOfAPersonsFileIsListedForTheCoordinationAndTheAdmin() async throws {
        try await withMaillage { app in
            let f = try await PathwayFileTests.fixture(app)
            let coordinator = try await APIClient.forDemo("coordination@maillage.example", app: app)
            let admin = try await APIClient.forDemo("admin@maillage.example", app: app)
            let personID = f.fatou.$person.id.uuidString.lowercased()
            let log = "\(f.base)/audit?entityID=\(personID)"
            #expect(try await coordinator.json(.GET, log)["items"] as? [Any] != nil)
            let before = try #require(try await coordinator.json(.GET, log)["items"] as? [[String: Any]]).count

            // Read through the API, the page and the export.
            #expect(try await coordinator.send(.GET, f.file(f.fatou)).status == .ok)
            var browser = Browser(app)
            try await browser.login("coordination@maillage.example")
            let page = try await browser.get("/coops/\(f.coop.id!)/pathways/\(f.fatou.id!)")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("id=\"audit-link\""))
            #expect(try await admin.send(.GET, "\(f.file(f.fatou))/export").status == .ok)

            let items = try #require(try await coordinator.json(.GET, log)["items"] as? [[String: Any]])
            // The export reads the file, then hands it over: four events, newest first.
            #expect(items.count == before + 4)
            let newest = Array(items.prefix(4))
            let pairs = newest.map { "\($0["action"] as? String ?? "?") \($0["actor"] as? String ?? "?")" }.sorted()
            #expect(pairs == ["person.exported admin@maillage.example", "person.read admin@maillage.example",
                              "person.read coordination@maillage.example", "person.read coordination@maillage.example"])
            #expect(newest.allSatisfy { ($0["entityID"] as? String)?.lowercased() == personID })
            #expect(newest.compactMap { $0["actionLabel"] as? String }.contains("Données d'une personne exportées"))

            // The whole log of the cooperative, paged back with `before`.
            let firstPage = try await coordinator.json(.GET, "\(f.base)/audit?limit=2")
            #expect((firstPage["items"] as? [Any])?.count == 2)
            let next = try #require(firstPage["nextBefore"] as? String)
            let older = try await coordinator.json(.GET, "\(f.base)/audit?limit=200&before=\(next.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)")
            #expect((older["items"] as? [[String: Any]])?.isEmpty == false)

            // The admin reads it too; the page lists the reads.
            #expect(try await admin.send(.GET, log).status == .ok)
            let html = try await browser.get("/coops/\(f.coop.id!)/audit?entityID=\(personID)").body.string
            // In sentences, people by their names; times the French way.
            #expect(html.contains("Claire Martin a consulté le dossier d&#39;une personne") || html.contains("Claire Martin a consulté le dossier d'une personne"))
            #expect(html.contains("Nadia Benali a exporté les données d&#39;une personne") || html.contains("Nadia Benali a exporté les données d'une personne"))
            #expect(html.contains(CalendarDay.today.french + " à "))
            var adminBrowser = Browser(app)
            try await adminBrowser.login("admin@maillage.example")
            let roles = try await adminBrowser.get("/admin/audit").body.string
            #expect(roles.contains("a donné le rôle Coordination à Claire Martin"), "no sentence for a role given")

            // Wrong parameters: 422 per field.
            let wrong = try await coordinator.send(.GET, "\(f.base)/audit?entityID=fatou&before=hier&limit=0")
            #expect(wrong.status == .unprocessableEntity)
            #expect(Set((wrong.problem?["errors"] as? [String: String] ?? [:]).keys) == ["entityID", "before", "limit"])

            // Nobody else: another cooperative's coordinator (404), a funder or a cashier (403).
            let avignon = try await APIClient.forDemo("coordination.avignon@maillage.example", app: app)
            #expect(try await avignon.send(.GET, log).status == .notFound)
            for email in ["financeur@maillage.example", "caisse@maillage.example", "cooperant@maillage.example"] {
                let other = try await APIClient.forDemo(email, app: app)
                #expect(try await other.send(.GET, log).status == .forbidden, "\(email)")
            }
        }
    }
}
