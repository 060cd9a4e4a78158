import Fluent
import Foundation
@testable import MaillageApp
import MaillageCore
import Testing
import VaporTesting

/// Essaimage: the network admin saves a cooperative's setup as a template and starts a new
/// cooperative in a new territory from it, with its road to the SCIC.
@Suite("Essaimage: templates and the road to the SCIC")
struct EssaimageTests {
    @Test func aNewCooperativeStartsFromTheTemplateOfAnother() async throws {
        try await withMaillage { app in
            let caillols = try await Demo.cooperative(Demo.caillols, app: app)
            let admin = try await APIClient.forDemo("admin@maillage.example", app: app)
            let base = "/api/v1/coops/\(caillols.id!)"
            // The Caillols setup: three categories, two colleges, a share class for the residents,
            // statutes, a grid and its catalogue (the demo's), a competence.
            for (name, kind) in [("Habitant·es", "beneficiaries"), ("Salarié·es", "employees"), ("Partenaires", "supporters")] {
                #expect(try await admin.send(.POST, "\(base)/member-categories", json: #"{"name":"\#(name)","kind":"\#(kind)"}"#).status == .created)
            }
            for (name, weight) in [("Habitant·es", 50), ("Autres", 50)] {
                #expect(try await admin.send(.POST, "\(base)/colleges", json: #"{"name":"\#(name)","weightPercent":\#(weight)}"#).status == .created)
            }
            let categories = try await MemberCategory.query(on: app.db).filter(\.$cooperativeID == caillols.id!).all()
            let residents = try #require(categories.first { $0.name == "Habitant·es" }).id!
            #expect(try await admin.send(.POST, "\(base)/share-classes", json: #"{"name":"Part A","nominalCents":2000,"minimumQuantity":1,"eligibleCategories":["\#(residents)"]}"#).status == .created)
            #expect(try await admin.send(.POST, "\(base)/competences", json: #"{"label":"Respecter la marche en avant"}"#).status == .created)

            // Saving: a name is required and unique, the cooperative must be of the network.
            let bad = try await admin.send(.POST, "/api/v1/templates", json: #"{"coopID":"\#(UUID())","name":""}"#)
            #expect(bad.status == .unprocessableEntity)
            #expect(Set((bad.problem?["errors"] as? [String: String] ?? [:]).keys) == ["coopID", "name"])
            let saved = try await admin.json(.POST, "/api/v1/templates", json: #"{"coopID":"\#(caillols.id!)","name":"Cantine solidaire de quartier","description":"Le modèle des Caillols"}"#)
            let templateID = try #require(saved["id"] as? String)
            let setup = try #require(saved["setup"] as? [String: Any])
            #expect((setup["categories"] as? [[String: Any]])?.count == 3)
            #expect((setup["shareClasses"] as? [[String: Any]])?.first?["eligibleCategories"] as? [String] == ["Habitant·es"])
            #expect((setup["onboarding"] as? [[String: Any]])?.count == 6)
            #expect(try await admin.send(.POST, "/api/v1/templates", json: #"{"coopID":"\#(caillols.id!)","name":"Cantine solidaire de quartier"}"#).status == .unprocessableEntity)
            #expect(((try await admin.json(.GET, "/api/v1/templates"))["items"] as? [[String: Any]])?.count == 1)

            // Only the network admin: a coordinator is refused.
            let coordinator = try await APIClient.forDemo("coordination@maillage.example", app: app)
            #expect(try await coordinator.send(.POST, "/api/v1/templates", json: #"{"coopID":"\#(caillols.id!)","name":"Copie"}"#).status == .forbidden)
            #expect(try await coordinator.send(.GET, "/api/v1/templates").status == .forbidden)

            // A new territory, a new cooperative from the template: everything in one go.
            let territory = try await admin.json(.POST, "/api/v1/territories", json: #"{"name":"Roubaix — L'Épeule","kind":"qpv","qpvCode":"QN05934M","communeCodes":["59512"]}"#)
            let territoryID = try #require(territory["id"] as? String)
            let wrong = try await admin.send(.POST, "/api/v1/coops", json: #"{"name":"Coopérative de l'Épeule","territoryID":"\#(territoryID)","legalForm":"scic","stage":"emergence","templateID":"\#(UUID())"}"#)
            #expect(wrong.problem?["errors"] as? [String: String] == ["templateID": "Choisissez un modèle du réseau."])
            #expect(try await Cooperative.query(on: app.db).filter(\.$name == "Coopérative de l'Épeule").count() == 0)
            let created = try await admin.json(.POST, "/api/v1/coops", json: #"{"name":"Coopérative de l'Épeule","territoryID":"\#(territoryID)","legalForm":"scic","stage":"emergence","templateID":"\#(templateID)"}"#)
            let newID = try #require(created["id"] as? String).lowercased()
            let newCoop = try #require(try await Cooperative.find(UUID(uuidString: newID), on: app.db))
            #expect(try await MemberCategory.query(on: app.db).filter(\.$cooperativeID == newCoop.id!).all().map(\.name).sorted() == ["Habitant·es", "Partenaires", "Salarié·es"])
            #expect(try await VotingCollege.query(on: app.db).filter(\.$cooperativeID == newCoop.id!).count() == 2)
            let shareClass = try #require(try await ShareClass.query(on: app.db).filter(\.$cooperativeID == newCoop.id!).first())
            let newResidents = try #require(try await MemberCategory.query(on: app.db).filter(\.$cooperativeID == newCoop.id!).filter(\.$name == "Habitant·es").first())
            #expect(shareClass.eligibleCategories == newResidents.id!.uuidString)
            #expect(try await Product.query(on: app.db).filter(\.$cooperativeID == newCoop.id!).count() == Product.query(on: app.db).filter(\.$cooperativeID == caillols.id!).filter(\.$active == true).count())
            #expect(try await TariffGridRecord.query(on: app.db).filter(\.$cooperativeID == newCoop.id!).count() > 0)
            let grid = try await Competence.query(on: app.db).filter(\.$cooperativeID == caillols.id!).filter(\.$active == true).sort(\.$position).all().map(\.label)
            #expect(grid.contains("Respecter la marche en avant"))
            #expect(try await Competence.query(on: app.db).filter(\.$cooperativeID == newCoop.id!).sort(\.$position).all().map(\.label) == grid)

            // Its road to the SCIC: six steps, the first one done today moves the progress.
            let onboarding = try await admin.json(.GET, "/api/v1/coops/\(newID)/onboarding")
            #expect(onboarding["total"] as? Int == 6 && onboarding["done"] as? Int == 0)
            let first = try #require((onboarding["steps"] as? [[String: Any]])?.first)
            #expect(first["key"] as? String == "opportunity-study")
            let moved = try await admin.json(.POST, "/api/v1/coops/\(newID)/onboarding/\(first["id"] as! String)/done", json: "{}")
            #expect(moved["done"] as? Int == 1)
            #expect(try await coordinator.send(.POST, "/api/v1/coops/\(newID)/onboarding/\(first["id"] as! String)/done", json: "{}").status == .notFound)
            #expect(try await APIClient.forDemo("caisse@maillage.example", app: app).send(.POST, "\(base)/onboarding/\(UUID())/done", json: "{}").status == .forbidden)

            // The network view shows where each cooperative stands on its road.
            let network = try await admin.json(.GET, "/api/v1/network/indicators")
            let epeule = try #require((network["cooperatives"] as? [[String: Any]])?.first { ($0["coopID"] as? String)?.lowercased() == newID })
            #expect((epeule["onboarding"] as? [String: Any])?["done"] as? Int == 1)

            // Through the pages: the template list, the new cooperative form with the template.
            var browser = Browser(app)
            try await browser.login("admin@maillage.example")
            let page = try await browser.get("/templates")
            #expect(page.body.string.contains("Cantine solidaire de quartier"))
            let form = try await browser.get(SiteURL.newCooperative.path + "?templateID=" + templateID)
            #expect(form.body.string.contains("name=\"templateID\""))
            let refused = try await browser.post("/templates", form: ["coopID": caillols.id!.uuidString, "name": "Cantine solidaire de quartier"])
            #expect(refused.status == .unprocessableEntity)
            let fromPage = try await browser.post(SiteURL.newCooperative.path, form: ["templateID": templateID, "name": "Coopérative du Pile", "territoryID": territoryID,
                                                                              "legalForm": "scic", "stage": "emergence"])
            #expect(fromPage.status == .seeOther)
            let coopPage = try await browser.get(try #require(fromPage.headers.first(name: .location)))
            #expect(coopPage.body.string.contains("id=\"onboarding\""))
            #expect(coopPage.body.string.contains("0 / 6 étapes"))
        }
    }
}
