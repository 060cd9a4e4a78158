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

    @Test func theCapitalRegisterIsNumberedWithoutGapAndKeepsPublicBodiesUnderHalf() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let base = "/api/v1/coops/\(coop.id!)"
            let coordinator = try await APIClient.forDemo("coordination@maillage.example", app: app)
            for (name, kind) in [("Habitant·es", "beneficiaries"), ("Collectivités", "public-bodies")] {
                #expect(try await coordinator.send(.POST, "\(base)/member-categories", json: #"{"name":"\#(name)","kind":"\#(kind)"}"#).status == .created)
            }
            func admit(_ name: String, _ category: String) async throws -> String {
                let response = try await coordinator.send(.POST, "\(base)/members", json: #"{"displayName":"\#(name)","kind":"person","category":"\#(category)","admittedOn":"2025-09-01"}"#)
                return try #require(response.problem?["id"] as? String)
            }
            let fatou = try await admit("Fatou Diallo", "Habitant·es")
            let jonathan = try await admit("Jonathan Petit", "Habitant·es")
            let ville = try await admit("Ville de Marseille", "Collectivités")
            let shareClass = try await coordinator.send(.POST, "\(base)/share-classes", json: #"{"name":"Part sociale","nominalCents":2000,"minimumQuantity":1}"#)
            #expect(shareClass.status == .created)
            let classID = try #require(shareClass.problem?["id"] as? String)
            #expect(Set(Self.errors(try await coordinator.send(.POST, "\(base)/share-classes", json: #"{"name":"part sociale","nominalCents":0}"#)).keys) == ["name", "nominalCents"])

            func operation(_ json: String, key: String? = nil) async throws -> TestingHTTPResponse {
                var headers = HTTPHeaders()
                if let key { headers.add(name: "Idempotency-Key", value: key) }
                return try await coordinator.send(.POST, "\(base)/capital/operations", json: json, headers: headers)
            }
            let subscription = #"{"kind":"subscription","memberID":"\#(fatou)","shareClassID":"\#(classID)","quantity":5,"date":"2025-09-01"}"#
            let first = try await operation(subscription, key: "capital-0001")
            #expect(first.status == .created)
            #expect(first.problem?["number"] as? Int == 1)
            #expect(first.problem?["amountCents"] as? Int == 10_000)
            // The same request again with its key: the first answer, not a second entry.
            let retried = try await operation(subscription, key: "capital-0001")
            #expect(retried.problem?["number"] as? Int == 1)
            #expect(retried.headers.first(name: "Idempotency-Replayed") == "true")
            #expect(try await operation(#"{"kind":"subscription","memberID":"\#(jonathan)","shareClassID":"\#(classID)","quantity":5}"#).status == .created)

            // The Ville may hold half of the capital, not more: 200 € of 400 €, then 220 € of 420 €.
            #expect(try await operation(#"{"kind":"subscription","memberID":"\#(ville)","shareClassID":"\#(classID)","quantity":10}"#).status == .created)
            let over = try await operation(#"{"kind":"subscription","memberID":"\#(ville)","shareClassID":"\#(classID)","quantity":1}"#)
            #expect(over.status == .unprocessableEntity)
            #expect(Self.errors(over)["memberID"]?.contains("moitié du capital") == true)
            let tooMany = try await operation(#"{"kind":"transfer","memberID":"\#(fatou)","toMemberID":"\#(jonathan)","shareClassID":"\#(classID)","quantity":6}"#)
            #expect(Self.errors(tooMany)["quantity"] != nil)
            let transfer = try await operation(#"{"kind":"transfer","memberID":"\#(fatou)","toMemberID":"\#(jonathan)","shareClassID":"\#(classID)","quantity":2}"#)
            #expect(transfer.problem?["number"] as? Int == 4) // the refusals took no number

            // Six subscriptions at once on PostgreSQL (several app instances write there): six
            // numbers, none shared, none skipped. SQLite serialises writers anyway, and the
            // in-memory test database livelocks under the whole suite's parallel load
            // (sqlite-nio's busy handler spins on the two pool threads): one after the other there.
            let together = ProcessInfo.processInfo.environment["DATABASE_URL"]?.hasPrefix("postgres") == true
            let subscribe = { @Sendable (index: Int) async throws -> Int in
                let response = try await coordinator.send(.POST, "\(base)/capital/operations",
                                                          json: #"{"kind":"subscription","memberID":"\#(index % 2 == 0 ? fatou : jonathan)","shareClassID":"\#(classID)","quantity":1}"#)
                return response.status == .created ? 1 : 0
            }
            var created = 0
            if together {
                created = try await withThrowingTaskGroup(of: Int.self) { group in
                    for index in 0..<6 { group.addTask { try await subscribe(index) } }
                    return try await group.reduce(0, +)
                }
            } else {
                for index in 0..<6 { created += try await subscribe(index) }
            }
            #expect(created == 6)
            let capital = try await coordinator.json(.GET, "\(base)/capital")
            let register = try #require(capital["register"] as? [[String: Any]])
            #expect(register.compactMap { $0["number"] as? Int } == Array(1...10))
            #expect(CapitalRules.firstGap(in: register.compactMap { $0["number"] as? Int }) == nil)
            // 5 + 5 + 10 + 6 parts of 20 €, the Ville's 200 € among them.
            #expect(capital["totalCents"] as? Int == 52_000)
            #expect(capital["publicBodiesCents"] as? Int == 20_000)

            let cashier = try await APIClient.forDemo("caisse@maillage.example", app: app)
            #expect(try await cashier.send(.POST, "\(base)/capital/operations", json: subscription).status == .forbidden)
            #expect(try await cashier.send(.GET, "\(base)/capital").status == .ok)
            let avignon = try await APIClient.forDemo("coordination.avignon@maillage.example", app: app)
            #expect(try await avignon.send(.POST, "\(base)/capital/operations", json: subscription).status == .notFound)

            var browser = Browser(app)
            try await browser.login("coordination@maillage.example")
            let bad = try await browser.post("/coops/\(coop.id!)/capital/operations", form: ["kind": "reimbursement", "memberID": ville, "shareClassID": classID, "quantity": "deux"])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("nombre entier de parts"))
            let reimbursed = try await browser.post("/coops/\(coop.id!)/capital/operations", form: ["kind": "reimbursement", "memberID": ville, "shareClassID": classID, "quantity": "10"])
            #expect(reimbursed.status == .seeOther)
            let page = try await browser.get("/coops/\(coop.id!)/capital")
            #expect(page.body.string.contains("Remboursement"))
            #expect(page.body.string.contains("320,00 €")) // 520 € less the Ville's 200 €
        }
    }
}
