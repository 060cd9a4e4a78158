import Fluent
import Foundation
@testable import MaillageApp
import MaillageCore
import Testing
import VaporTesting

/// The territory's partner directory: who helps with what, contacts with their consent, what
/// each partner is to each cooperative.
@Suite("Partners: the territory's directory")
struct PartnerTests {
    static func errors(_ response: TestingHTTPResponse) -> [String: String] {
        response.problem?["errors"] as? [String: String] ?? [:]
    }

    @Test func theCoordinationListsPartnersAndACashierFindsWhoHelpsWithChildcare() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let base = "/api/v1/territories/\(coop.$territory.id)/partners"
            let coordinator = try await APIClient.forDemo("coordination@maillage.example", app: app)
            let bad = try await coordinator.send(.POST, base, json: #"""
            {"name":"","kind":"club","siret":"12345678901234","postalCode":"1301","website":"www.exemple.fr","services":["garde"],
             "contacts":[{"name":"","email":"pas-une-adresse"}],"roles":[{"coopID":"\#(UUID())","role":"sponsor"}]}
            """#)
            #expect(Set(Self.errors(bad).keys) == ["name", "kind", "siret", "postalCode", "website", "services", "contacts[0].name", "contacts[0].email",
                                                   "roles[0].coopID", "roles[0].role"])
            let created = try await coordinator.json(.POST, base, json: #"""
            {"name":"Centre social des Caillols","kind":"centre-social","siret":"78467169500087","postalCode":"13012","commune":"Marseille",
             "services":["childcare","french","rights"],"contacts":[{"name":"Mireille Ouali","function":"Directrice","email":"direction@cs-caillols.example","phone":"04 91 00 00 00","listed":true},
             {"name":"Paul Ferrand","email":"paul@cs-caillols.example","listed":false}],
             "roles":[{"coopID":"\#(coop.id!)","role":"referrer"},{"coopID":"\#(coop.id!)","role":"host"}]}
            """#)
            let id = try #require(created["id"] as? String)
            #expect((created["roles"] as? [[String: Any]])?.count == 2)
            #expect(try await coordinator.send(.POST, base, json: #"{"name":"centre social des caillols","kind":"association"}"#).status == .unprocessableEntity)
            #expect(try await coordinator.send(.POST, base, json: #"{"name":"Mission Locale Marseille","kind":"mission-locale","services":["employment","training","mobility"]}"#).status == .created)

            // A cashier of the cooperative reads the directory, filtered by theme; the contact who
            // did not agree to be listed stays with the coordination.
            let cashier = try await APIClient.forDemo("caisse@maillage.example", app: app)
            let childcare = try await cashier.json(.GET, base + "?service=childcare")
            let items = try #require(childcare["items"] as? [[String: Any]])
            #expect(items.map { $0["name"] as? String } == ["Centre social des Caillols"])
            #expect((items[0]["contacts"] as? [[String: Any]])?.map { $0["name"] as? String } == ["Mireille Ouali"])
            #expect(((try await coordinator.json(.GET, base + "/\(id)"))["contacts"] as? [[String: Any]])?.count == 2)
            #expect((try await cashier.json(.GET, base + "?service=mobility")["items"] as? [[String: Any]])?.count == 1)
            #expect(try await cashier.send(.GET, base + "?service=garde").status == .unprocessableEntity)
            #expect(try await cashier.send(.PATCH, base + "/\(id)", json: #"{"services":[]}"#).status == .forbidden)

            // PATCH replaces what it names and keeps the rest.
            let patched = try await coordinator.json(.PATCH, base + "/\(id)", json: #"{"services":["childcare","housing"],"roles":[{"coopID":"\#(coop.id!)","role":"member"}]}"#)
            #expect(patched["services"] as? [String] == ["childcare", "housing"])
            #expect(patched["siret"] as? String == "78467169500087")
            #expect((patched["roles"] as? [[String: Any]])?.map { $0["role"] as? String } == ["member"])
            #expect((patched["contacts"] as? [[String: Any]])?.count == 2)

            // Another territory's coordinator finds nothing here; ours may not be given another
            // territory's cooperative.
            let avignon = try await APIClient.forDemo("coordination.avignon@maillage.example", app: app)
            #expect(try await avignon.send(.GET, base).status == .notFound)
            let other = try await Demo.cooperative(Demo.avignon, app: app)
            #expect(Self.errors(try await coordinator.send(.PATCH, base + "/\(id)", json: #"{"roles":[{"coopID":"\#(other.id!)","role":"funder"}]}"#))["roles[0].coopID"] != nil)
        }
    }

    @Test func thePagesFilterByThemeAndTheCoordinationAddsAPartner() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let pages = "/territories/\(coop.$territory.id.uuidString.lowercased())/partners"
            var coordinator = Browser(app)
            try await coordinator.login("coordination@maillage.example")
            let refused = try await coordinator.post(pages, form: ["name": "Crèche Les Lucioles", "kind": "association", "contactEmail": "lucioles@"])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("nom@domaine.fr"))
            let created = try await coordinator.post(pages, form: ["name": "Crèche Les Lucioles", "kind": "association", "services[]": "childcare",
                                                                   "contactName": "Awa Sow", "contactEmail": "lucioles@exemple.fr", "contactListed": "on",
                                                                   "roles[]": "\(coop.id!):referrer"])
            #expect(created.status == .seeOther)
            var member = Browser(app)
            try await member.login("societaire@maillage.example")
            let childcare = try await member.get(pages + "?service=childcare")
            #expect(childcare.status == .ok)
            #expect(childcare.body.string.contains("Crèche Les Lucioles"))
            #expect(childcare.body.string.contains("Awa Sow"))
            #expect(!childcare.body.string.contains("partner-form"))
            let housing = try await member.get(pages + "?service=housing")
            #expect(housing.body.string.contains("no-partner"))
            #expect(try await member.post(pages, form: ["name": "X", "kind": "association"]).status == .forbidden)
            let home = try await member.get("/coops/\(coop.id!)")
            #expect(home.body.string.contains(pages))
            // The territory's map: the partner and what it is to the cooperative, in its column.
            let map = try await member.get("/territories/\(coop.$territory.id.uuidString.lowercased())")
            #expect(map.status == .ok)
            #expect(map.body.string.contains("Crèche Les Lucioles"))
            #expect(map.body.string.contains("<th>\(coop.name.replacingOccurrences(of: "'", with: "&#39;"))</th>") || map.body.string.contains("<th>\(coop.name)</th>"))
            #expect(map.body.string.contains("oriente des habitant·es"))
        }
    }

    @Test func aReferrerBelongsToTheirOrganisationAndTheirReferralsCarryIt() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let base = "/api/v1/territories/\(coop.$territory.id)/partners"
            let coordinator = try await APIClient.forDemo("coordination@maillage.example", app: app)
            let missionLocale = try #require(try await coordinator.json(.POST, base, json: #"{"name":"Mission Locale de Marseille","kind":"mission-locale"}"#)["id"] as? String)
            let centre = try #require(try await coordinator.json(.POST, base, json: #"{"name":"Centre social des Caillols","kind":"centre-social"}"#)["id"] as? String)
            let members = "\(base)/\(missionLocale)/members"

            // Only an account of the territory can be linked, to one organisation at a time.
            #expect(FundingTests.errors(try await coordinator.send(.POST, members, json: #"{"email":"personne@ailleurs.example"}"#))["email"]?.contains("Aucun compte du territoire") == true)
            #expect(FundingTests.errors(try await coordinator.send(.POST, members, json: #"{"email":"coordination.avignon@maillage.example"}"#))["email"] != nil)
            #expect(FundingTests.errors(try await coordinator.send(.POST, members, json: #"{}"#))["email"] != nil)
            let linked = try await coordinator.json(.POST, members, json: #"{"email":"Orientation@maillage.example"}"#)
            #expect((linked["members"] as? [[String: Any]])?.map { $0["name"] as? String } == ["Mehdi Belkacem"])
            #expect(FundingTests.errors(try await coordinator.send(.POST, "\(base)/\(centre)/members", json: #"{"email":"orientation@maillage.example"}"#))["email"]?
                .contains("Mission Locale de Marseille") == true)

            // A cashier may not link accounts; another territory's coordinator finds nothing.
            #expect(try await APIClient.forDemo("caisse@maillage.example", app: app).send(.POST, members, json: #"{"email":"caisse@maillage.example"}"#).status == .forbidden)
            #expect(try await APIClient.forDemo("coordination.avignon@maillage.example", app: app).send(.POST, members, json: #"{"email":"caisse@maillage.example"}"#).status == .notFound)

            // The referral now says who sent it and for which kind of organisation.
            let referrer = try await APIClient.forDemo("orientation@maillage.example", app: app)
            let referral = try await referrer.json(.POST, "/api/v1/coops/\(coop.id!)/referrals", json: PathwaysTests.referral)
            #expect(referral["referrer"] as? String == "Mehdi Belkacem — Mission Locale de Marseille")
            #expect(referral["referrerKind"] as? String == "mission-locale")
            #expect(referral["referrerPartnerID"] as? String == missionLocale.uppercased() || referral["referrerPartnerID"] as? String == missionLocale)

            // Removed from it, the next referrals are theirs alone; the earlier one keeps its organisation.
            let userID = try #require((linked["members"] as? [[String: Any]])?.first?["userID"] as? String)
            #expect(try await coordinator.send(.DELETE, "\(members)/\(UUID())").status == .notFound)
            let removed = try await coordinator.json(.DELETE, "\(members)/\(userID)")
            #expect((removed["members"] as? [[String: Any]])?.isEmpty == true)
            let later = try await referrer.json(.POST, "/api/v1/coops/\(coop.id!)/referrals", json: PathwaysTests.referral.replacingOccurrences(of: "Aïcha", with: "Nora"))
            #expect(later["referrer"] as? String == "Mehdi Belkacem")
            #expect(later["referrerKind"] == nil)
            let first = try await coordinator.json(.GET, "/api/v1/coops/\(coop.id!)/referrals/\(try #require(referral["id"] as? String))")
            #expect(first["referrerKind"] as? String == "mission-locale")

            // The partner's page links an account with a form.
            var browser = Browser(app)
            try await browser.login("coordination@maillage.example")
            let page = "/territories/\(coop.$territory.id)/partners/\(centre)"
            let refused = try await browser.post(page + "/members", form: ["email": "inconnu@maillage.example"])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("Aucun compte du territoire"))
            #expect(try await browser.post(page + "/members", form: ["email": "orientation@maillage.example"]).status == .seeOther)
            let shown = try await browser.get(page)
            #expect(shown.body.string.contains("id=\"members\""))
            #expect(shown.body.string.contains("Mehdi Belkacem"))
        }
    }
}
