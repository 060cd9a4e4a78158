import Fluent
import Foundation
@testable import MaillageApp
import MaillageCore
import Testing
import VaporTesting

/// Statutes, member categories, voting colleges and members of the Caillols SCIC, through the
/// API and the pages.
@Suite("Governance: statutes, colleges, members")
struct GovernanceTests {
    static func errors(_ response: TestingHTTPResponse) -> [String: String] {
        response.problem?["errors"] as? [String: String] ?? [:]
    }

    @Test func aSCICGetsItsThreeCategoriesAndCollegesWeighingAHundredPercent() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let base = "/api/v1/coops/\(coop.id!)"
            let coordinator = try await APIClient.forDemo("coordination@maillage.example", app: app)
            let start = try await coordinator.json(.GET, "\(base)/statutes")
            // The Code de commerce until the statutes say otherwise.
            #expect((start["quorum"] as? [String: Any])?["ordinaryFirst"] as? String == "1/5")
            #expect((start["quorum"] as? [String: Any])?["ordinarySecond"] == nil)
            #expect((start["quorum"] as? [String: Any])?["extraordinaryFirst"] as? String == "1/4")
            #expect((start["majority"] as? [String: Any])?["extraordinary"] as? String == "2/3")
            #expect(start["collegesEnabled"] as? Bool == false)
            if start["legalForm"] as? String == "scic" {
                #expect((start["warnings"] as? [String])?.contains { $0.contains("trois catégories") } == true)
            }

            for (name, kind) in [("Habitant·es bénéficiaires", "beneficiaries"), ("Salarié·es et coopérant·es", "employees"), ("Partenaires", "supporters")] {
                #expect(try await coordinator.send(.POST, "\(base)/member-categories", json: #"{"name":"\#(name)","kind":"\#(kind)"}"#).status == .created)
            }
            let badCategory = try await coordinator.send(.POST, "\(base)/member-categories", json: #"{"name":"partenaires","kind":"friends"}"#)
            #expect(Set(Self.errors(badCategory).keys) == ["name", "kind"])

            var collegeIDs: [String: String] = [:]
            for (name, weight) in [("Habitant·es", 40), ("Salarié·es", 35)] {
                let created = try await coordinator.send(.POST, "\(base)/colleges", json: #"{"name":"\#(name)","weightPercent":\#(weight)}"#)
                #expect(created.status == .created)
                collegeIDs[name] = created.problem?["id"] as? String
            }
            // Two colleges only: weighted votes cannot be turned on yet.
            let early = try await coordinator.send(.PUT, "\(base)/statutes", json: #"{"collegesEnabled":true}"#)
            #expect(early.status == .unprocessableEntity)
            #expect(Self.errors(early)["collegesEnabled"] != nil)
            #expect(Self.errors(try await coordinator.send(.POST, "\(base)/colleges", json: #"{"name":"Grand","weightPercent":60}"#))["weightPercent"]?.contains("10 à 50") == true)
            let over = try await coordinator.send(.POST, "\(base)/colleges", json: #"{"name":"Partenaires","weightPercent":30}"#)
            #expect(Self.errors(over)["weightPercent"]?.contains("il reste 25 %") == true)
            let partners = try await coordinator.send(.POST, "\(base)/colleges", json: #"{"name":"Partenaires","weightPercent":25}"#)
            #expect(partners.status == .created)
            collegeIDs["Partenaires"] = partners.problem?["id"] as? String

            let enabled = try await coordinator.json(.PUT, "\(base)/statutes", json: #"{"collegesEnabled":true,"maxProxiesPerHolder":3,"quorum":{"ordinaryFirst":"1/3"}}"#)
            #expect(enabled["collegesEnabled"] as? Bool == true)
            #expect(enabled["collegesTotalPercent"] as? Int == 100)
            #expect(enabled["maxProxiesPerHolder"] as? Int == 3)
            #expect((enabled["quorum"] as? [String: Any])?["ordinaryFirst"] as? String == "1/3")
            #expect((enabled["quorum"] as? [String: Any])?["extraordinaryFirst"] as? String == "1/4")
            #expect((enabled["warnings"] as? [String])?.isEmpty == true)
            let badRules = try await coordinator.send(.PUT, "\(base)/statutes", json: #"{"quorum":{"ordinarySecond":"un cinquième"},"majority":{"ordinary":"1/3"},"maxProxiesPerHolder":40}"#)
            #expect(Set(Self.errors(badRules).keys) == ["quorum.ordinarySecond", "majority.ordinary", "maxProxiesPerHolder"])

            // Members are numbered in the order of admission; their college is required now.
            let first = try await coordinator.send(.POST, "\(base)/members", json: #"""
            {"displayName":"Fatou Diallo","kind":"person","category":"Habitant·es bénéficiaires","collegeID":"\#(collegeIDs["Habitant·es"]!)","admittedOn":"2025-06-21"}
            """#)
            #expect(first.status == .created)
            #expect(first.problem?["number"] as? Int == 1)
            #expect(first.problem?["college"] as? String == "Habitant·es")
            let centre = try await coordinator.send(.POST, "\(base)/members", json: #"""
            {"displayName":"Centre social des Caillols","kind":"organisation","representative":"Mireille Ouali","category":"supporters","collegeID":"Partenaires","admittedOn":"2025-06-21"}
            """#)
            #expect(centre.problem?["number"] as? Int == 2)
            #expect(centre.problem?["category"] as? String == "Partenaires")
            let refused = try await coordinator.send(.POST, "\(base)/members", json: #"{"displayName":"Asso","kind":"organisation","category":"inconnue","admittedOn":"2099-01-01"}"#)
            #expect(Set(Self.errors(refused).keys) == ["representative", "category", "collegeID", "admittedOn"])

            let member = try await APIClient.forDemo("societaire@maillage.example", app: app)
            #expect((try await member.json(.GET, "\(base)/members")["items"] as? [[String: Any]])?.count == 2)
            #expect(try await member.send(.POST, "\(base)/members", json: #"{"displayName":"X","kind":"person","category":"Partenaires","collegeID":"Partenaires","admittedOn":"2025-01-01"}"#).status == .forbidden)
            let funder = try await APIClient.forDemo("financeur@maillage.example", app: app)
            #expect(try await funder.send(.GET, "\(base)/members").status == .forbidden)
            let avignon = try await APIClient.forDemo("coordination.avignon@maillage.example", app: app)
            #expect(try await avignon.send(.GET, "\(base)/statutes").status == .notFound)
        }
    }

    @Test func thePagesSetTheRulesAndRecordAMember() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            var coordinator = Browser(app)
            try await coordinator.login("coordination@maillage.example")
            let page = "/coops/\(coop.id!)"
            #expect(try await coordinator.post("\(page)/governance/categories", form: ["categoryName": "Salarié·es", "categoryKind": "employees"]).status == .seeOther)
            let badCollege = try await coordinator.post("\(page)/governance/colleges", form: ["collegeName": "Salarié·es", "weightPercent": "quarante"])
            #expect(badCollege.status == .unprocessableEntity)
            #expect(badCollege.body.string.contains("pourcentage entier"))
            #expect(try await coordinator.post("\(page)/governance/colleges", form: ["collegeName": "Salarié·es", "weightPercent": "40 %"]).status == .seeOther)
            let statutes = try await coordinator.get("\(page)/governance")
            #expect(statutes.body.string.contains("Salarié·es — 40 %"))
            #expect(statutes.body.string.contains("Total des collèges : 40 %"))
            let refused = try await coordinator.post("\(page)/governance", form: ["collegesEnabled": "on", "ordinaryFirst": "1/3"])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("au moins trois"))
            #expect(try await coordinator.post("\(page)/governance", form: ["ordinaryFirst": "1/3", "maxProxiesPerHolder": "1"]).status == .seeOther)
            let stored = try #require(try await Statutes.find(coop.id, on: app.db))
            #expect(stored.rules.ordinaryFirstQuorum == Fraction(1, 3))
            #expect(stored.maxProxies == 1)

            let missing = try await coordinator.post("\(page)/members", form: ["displayName": "", "kind": "person"])
            #expect(missing.status == .unprocessableEntity)
            let category = try #require(try await MemberCategory.query(on: app.db).filter(\.$cooperativeID == coop.id!).first())
            let admitted = try await coordinator.post("\(page)/members", form: ["displayName": "Jonathan Petit", "kind": "person", "category": category.id!.uuidString,
                                                                                  "admittedOn": "2026-01-15", "status": "member"])
            #expect(admitted.status == .seeOther)
            var member = Browser(app)
            try await member.login("societaire@maillage.example")
            let list = try await member.get("\(page)/members")
            #expect(list.body.string.contains("Jonathan Petit"))
            #expect(!list.body.string.contains("member-form"))
        }
    }
}
