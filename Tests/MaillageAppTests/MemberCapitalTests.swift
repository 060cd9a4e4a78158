import Fluent
import Foundation
@testable import MaillageApp
import MaillageCore
import Testing
import VaporTesting

/// Subscription requests from the form to the register, a member's exit and reimbursement,
/// the certificate, and the capital month after month.
@Suite("Governance: subscriptions, exits and certificates")
struct MemberCapitalTests {
    static func errors(_ response: TestingHTTPResponse) -> [String: String] {
        response.problem?["errors"] as? [String: String] ?? [:]
    }

    @Test func aRequestGoesFromTheFormToTheRegisterAndAdmitsTheCandidate() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let base = "/api/v1/coops/\(coop.id!)"
            let coordinator = try await APIClient.forDemo("coordination@maillage.example", app: app)
            #expect(try await coordinator.send(.POST, "\(base)/member-categories", json: #"{"name":"Habitant·es","kind":"beneficiaries"}"#).status == .created)
            let classID = try #require(try await coordinator.json(.POST, "\(base)/share-classes", json: #"{"name":"Part sociale","nominalCents":2000,"minimumQuantity":1}"#)["id"] as? String)
            let societaire = try #require(try await User.query(on: app.db).filter(\.$email == "societaire@maillage.example").first())
            // Jeanne applies: a candidate with her account, then a request of 3 shares of 20 €.
            let jeanne = try #require(try await coordinator.json(.POST, "\(base)/members", json: #"""
            {"displayName":"Jeanne Roux","kind":"person","category":"Habitant·es","status":"candidate","userID":"\#(societaire.id!)"}
            """#)["id"] as? String)
            let other = try #require(try await coordinator.json(.POST, "\(base)/members", json: #"{"displayName":"Omar Benali","kind":"person","category":"Habitant·es","admittedOn":"2025-09-01"}"#)["id"] as? String)
            let member = try await APIClient.forDemo("societaire@maillage.example", app: app)
            let bad = try await member.send(.POST, "\(base)/subscription-requests", json: #"{"memberID":"\#(jeanne)","quantity":0}"#)
            #expect(Self.errors(bad)["quantity"] != nil)
            // Her own request only.
            #expect(try await member.send(.POST, "\(base)/subscription-requests", json: #"{"memberID":"\#(other)","quantity":1}"#).status == .forbidden)
            let created = try await member.json(.POST, "\(base)/subscription-requests", json: #"{"memberID":"\#(jeanne)","quantity":3,"consents":{"statutes":true}}"#)
            let id = try #require(created["id"] as? String)
            #expect(created["status"] as? String == "draft")
            #expect(created["amountCents"] as? Int == 6_000)
            #expect(created["statutesAcceptedAt"] != nil)
            #expect(created["privacyAcceptedAt"] == nil)
            #expect(created["shareClassID"] as? String == classID) // the only class

            func move(_ to: String, date: String? = nil) async throws -> TestingHTTPResponse {
                try await coordinator.send(.POST, "\(base)/subscription-requests/\(id)/transitions", json: #"{"to":"\#(to)"\#(date.map { #","date":"\#($0)""# } ?? "")}"#)
            }
            // Not validated before she accepts the processing of her data; no skipping steps.
            #expect(Self.errors(try await move("validated"))["consents"]?.contains("traitement de ses données") == true)
            #expect(try await move("paid").status == .conflict)
            #expect(try await member.send(.POST, "\(base)/subscription-requests/\(id)/transitions", json: #"{"to":"validated"}"#).status == .forbidden)
            let consented = try await member.json(.POST, "\(base)/subscription-requests/\(id)/consents", json: #"{"privacy":true}"#)
            #expect(consented["privacyAcceptedAt"] != nil)
            #expect(consented["consentsRecordedBy"] as? String == "Jeanne Roux")
            #expect(try await move("validated").status == .ok)
            #expect(try await move("called").status == .ok)
            let paid = try await move("paid", date: CalendarDay.today.description)
            #expect(paid.status == .ok)
            #expect(paid.problem?["status"] as? String == "paid")
            #expect(paid.problem?["operationID"] as? String != nil)
            #expect(try await move("cancelled").status == .conflict)
            // A payment is dated on or after the request.
            let another = try #require(try await member.json(.POST, "\(base)/subscription-requests", json: #"{"memberID":"\#(jeanne)","quantity":1,"consents":{"statutes":true,"privacy":true}}"#)["id"] as? String)
            for step in ["validated", "called"] {
                #expect(try await coordinator.send(.POST, "\(base)/subscription-requests/\(another)/transitions", json: #"{"to":"\#(step)"}"#).status == .ok)
            }
            let backdated = try await coordinator.send(.POST, "\(base)/subscription-requests/\(another)/transitions", json: #"{"to":"paid","date":"2020-01-01"}"#)
            #expect(Self.errors(backdated)["date"]?.contains("ne précède pas la demande") == true)
            #expect(try await member.send(.POST, "\(base)/subscription-requests/\(id)/consents", json: #"{"privacy":true}"#).status == .conflict)

            let detail = try await coordinator.json(.GET, "\(base)/members/\(jeanne)")
            #expect((detail["member"] as? [String: Any])?["status"] as? String == "member")
            #expect((detail["member"] as? [String: Any])?["admittedOn"] as? String == CalendarDay.today.description)
            #expect(detail["totalCents"] as? Int == 6_000)
            #expect((detail["operations"] as? [[String: Any]])?.first?["number"] as? Int == 1)
            let capital = try await coordinator.json(.GET, "\(base)/capital")
            #expect(capital["totalCents"] as? Int == 6_000)

            // A cashier reads the requests, moves none; another cooperative finds none.
            let cashier = try await APIClient.forDemo("caisse@maillage.example", app: app)
            #expect(try await cashier.send(.GET, "\(base)/subscription-requests").status == .ok)
            #expect(try await cashier.send(.POST, "\(base)/subscription-requests/\(id)/transitions", json: #"{"to":"cancelled"}"#).status == .forbidden)
            #expect(try await cashier.send(.POST, "\(base)/subscription-requests", json: #"{"memberID":"\#(jeanne)","quantity":1}"#).status == .forbidden)
            #expect(try await APIClient.forDemo("coordination.avignon@maillage.example", app: app).send(.GET, "\(base)/members/\(jeanne)").status == .notFound)
            #expect(try await APIClient.forDemo("financeur@maillage.example", app: app).send(.GET, "\(base)/subscription-requests").status == .forbidden)
            // Her exit ends her pending request; the paid one stays.
            #expect(try await coordinator.send(.POST, "\(base)/members/\(jeanne)/exit", json: #"{"reason":"resignation"}"#).status == .ok)
            #expect(try await SubscriptionRequest.find(UUID(uuidString: another), on: app.db)?.status == "cancelled")
            #expect(try await SubscriptionRequest.find(UUID(uuidString: id), on: app.db)?.status == "paid")
        }
    }

    @Test func aMemberLeavesIsReimbursedAtNominalValueAndTheCapitalFollowsMonthByMonth() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let base = "/api/v1/coops/\(coop.id!)"
            let coordinator = try await APIClient.forDemo("coordination@maillage.example", app: app)
            #expect(try await coordinator.send(.POST, "\(base)/member-categories", json: #"{"name":"Salarié·es","kind":"employees"}"#).status == .created)
            let classID = try #require(try await coordinator.json(.POST, "\(base)/share-classes", json: #"{"name":"Part sociale","nominalCents":2000,"minimumQuantity":1}"#)["id"] as? String)
            let admitted = CalendarDay.today.adding(months: -3)
            let karim = try #require(try await coordinator.json(.POST, "\(base)/members", json: #"{"displayName":"Karim Haddad","kind":"person","category":"Salarié·es","admittedOn":"\#(admitted)"}"#)["id"] as? String)
            let subscribed = try await coordinator.send(.POST, "\(base)/capital/operations", json: #"""
            {"kind":"subscription","memberID":"\#(karim)","shareClassID":"\#(classID)","quantity":10,"date":"\#(admitted)"}
            """#)
            #expect(subscribed.status == .created)

            // His account, so that he votes from his phone: only someone with a role here, once.
            let fatou = try #require(try await User.query(on: app.db).filter(\.$email == "cooperant@maillage.example").first())
            let karim2 = try #require(try await coordinator.json(.POST, "\(base)/members", json: #"{"displayName":"Nadia Ferhat","kind":"person","category":"Salarié·es","admittedOn":"\#(admitted)"}"#)["id"] as? String)
            let linked = try await coordinator.json(.PUT, "\(base)/members/\(karim)/account", json: #"{"userID":"\#(fatou.id!)"}"#)
            #expect((linked["member"] as? [String: Any])?["userID"] as? String == fatou.id!.uuidString)
            #expect(Self.errors(try await coordinator.send(.PUT, "\(base)/members/\(karim2)/account", json: #"{"userID":"\#(fatou.id!)"}"#))["userID"]?.contains("Karim Haddad") == true)
            let outsider = try #require(try await User.query(on: app.db).filter(\.$email == "coordination.avignon@maillage.example").first())
            #expect(Self.errors(try await coordinator.send(.PUT, "\(base)/members/\(karim2)/account", json: #"{"userID":"\#(outsider.id!)"}"#))["userID"] != nil)
            #expect(try await APIClient.forDemo("caisse@maillage.example", app: app).send(.PUT, "\(base)/members/\(karim2)/account", json: #"{"userID":null}"#).status == .forbidden)
            let unlinked = try await coordinator.json(.PUT, "\(base)/members/\(karim)/account", json: #"{"userID":null}"#)
            #expect((unlinked["member"] as? [String: Any])?["userID"] == nil)

            let early = try await coordinator.send(.POST, "\(base)/members/\(karim)/exit", json: #"{"date":"\#(admitted.adding(days: -1))","reason":"resignation"}"#)
            #expect(Self.errors(early)["date"]?.contains("ne précède pas l'admission") == true)
            #expect(Self.errors(try await coordinator.send(.POST, "\(base)/members/\(karim)/exit", json: #"{"reason":"départ"}"#))["reason"] != nil)
            let left = try await coordinator.json(.POST, "\(base)/members/\(karim)/exit", json: #"{"date":"\#(CalendarDay.today)","reason":"loss-of-quality"}"#)
            #expect((left["member"] as? [String: Any])?["status"] as? String == "former")
            #expect(left["exitReason"] as? String == "loss-of-quality")
            #expect(left["totalCents"] as? Int == 20_000) // the shares stay until reimbursed
            #expect(try await coordinator.send(.POST, "\(base)/members/\(karim)/exit", json: #"{"reason":"resignation"}"#).status == .conflict)
            // Gone: no new shares, but the reimbursement of his at nominal value.
            let more = try await coordinator.send(.POST, "\(base)/capital/operations", json: #"{"kind":"subscription","memberID":"\#(karim)","shareClassID":"\#(classID)","quantity":1}"#)
            #expect(Self.errors(more)["memberID"]?.contains("sorti") == true)
            let reimbursed = try await coordinator.send(.POST, "\(base)/capital/operations", json: #"{"kind":"reimbursement","memberID":"\#(karim)","shareClassID":"\#(classID)","quantity":10}"#)
            #expect(reimbursed.status == .created)
            #expect(reimbursed.problem?["amountCents"] as? Int == 20_000)

            // 200 € from three months ago until this month, when it was paid back.
            let history = try await coordinator.json(.GET, "\(base)/capital/history?months=5")
            let months = try #require(history["months"] as? [[String: Any]])
            #expect(months.count == 5)
            #expect(months.compactMap { $0["totalCents"] as? Int } == [0, 20_000, 20_000, 20_000, 0])
            #expect(months.last?["month"] as? String == String(CalendarDay.today.description.prefix(7)))
            #expect(try await coordinator.send(.GET, "\(base)/capital/history?months=0").status == .unprocessableEntity)

            // The certificate: the coordination prints it, the member prints their own, nobody else.
            var browser = Browser(app)
            try await browser.login("coordination@maillage.example")
            let certificate = try await browser.get("/coops/\(coop.id!)/members/\(karim)/certificate")
            #expect(certificate.status == .ok)
            #expect(certificate.body.string.contains("sous le n° 1"))
            // The cooperative named with its article at the start of the sentence.
            #expect(certificate.body.string.contains("La Coopérative d&#39;habitants des Caillols atteste que") ||
                    certificate.body.string.contains("La Coopérative d'habitants des Caillols atteste que"))
            #expect(certificate.body.string.contains("ne détient aucune part sociale"))
            let page = try await browser.get("/coops/\(coop.id!)/members/\(karim)")
            #expect(page.body.string.contains("Perte de la qualité requise"))
            #expect(!page.body.string.contains("exit-form"))
            var cashier = Browser(app)
            try await cashier.login("caisse@maillage.example")
            #expect(try await cashier.get("/coops/\(coop.id!)/members/\(karim)/certificate").status == .forbidden)
            #expect(try await cashier.get("/coops/\(coop.id!)/members/\(karim)").status == .ok)
            let capitalPage = try await browser.get("/coops/\(coop.id!)/capital")
            #expect(capitalPage.body.string.contains("capital-history"))
        }
    }

    @Test func theCoordinationTypesAPaperFormAndMovesItFromTheCapitalPage() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let base = "/api/v1/coops/\(coop.id!)"
            let coordinator = try await APIClient.forDemo("coordination@maillage.example", app: app)
            #expect(try await coordinator.send(.POST, "\(base)/member-categories", json: #"{"name":"Partenaires","kind":"supporters"}"#).status == .created)
            #expect(try await coordinator.send(.POST, "\(base)/share-classes", json: #"{"name":"Part sociale","nominalCents":5000,"minimumQuantity":2}"#).status == .created)
            let centre = try #require(try await coordinator.json(.POST, "\(base)/members", json: #"""
            {"displayName":"Centre social des Caillols","kind":"organisation","representative":"Mireille Ouali","category":"Partenaires","status":"candidate"}
            """#)["id"] as? String)
            var browser = Browser(app)
            try await browser.login("coordination@maillage.example")
            let page = "/coops/\(coop.id!)"
            let few = try await browser.post("\(page)/subscription-requests", form: ["requestMemberID": centre, "requestQuantity": "1", "statutes": "on", "privacy": "on"])
            #expect(few.status == .unprocessableEntity)
            #expect(few.body.string.contains("par 2 au moins"))
            #expect(try await browser.post("\(page)/subscription-requests", form: ["requestMemberID": centre, "requestQuantity": "4", "statutes": "on", "privacy": "on"]).status == .seeOther)
            let request = try #require(try await SubscriptionRequest.query(on: app.db).first())
            #expect(request.consentsRecordedBy == "Claire Martin")
            for step in ["validated", "called", "paid"] {
                #expect(try await browser.post("\(page)/subscription-requests/\(request.id!)/transitions", form: ["to": step]).status == .seeOther)
            }
            let capital = try await browser.get("\(page)/capital")
            #expect(capital.body.string.contains("Payée, inscrite au registre"))
            #expect(capital.body.string.contains("200,00 €"))
            #expect(try await Member.find(UUID(uuidString: centre), on: app.db)?.status == "member")
        }
    }
}

extension MemberCapitalTests {
    /// Founders' shares at 100 €, reserved to the partners; ordinary shares at 20 €. A partner
    /// converts 2 founders' shares into 10 ordinary ones; a resident may hold no founders' share.
    @Test func aClassMayBeReservedAndSharesConvertAtEqualValue() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let base = "/api/v1/coops/\(coop.id!)"
            let coordinator = try await APIClient.forDemo("coordination@maillage.example", app: app)
            for (name, kind) in [("Habitant·es", "beneficiaries"), ("Partenaires", "supporters")] {
                #expect(try await coordinator.send(.POST, "\(base)/member-categories", json: #"{"name":"\#(name)","kind":"\#(kind)"}"#).status == .created)
            }
            let unknown = try await coordinator.send(.POST, "\(base)/share-classes", json: #"{"name":"Fondateurs","nominalCents":10000,"eligibleCategories":["Amis"]}"#)
            #expect(Self.errors(unknown)["eligibleCategories"]?.contains("Amis") == true)
            let founders = try await coordinator.json(.POST, "\(base)/share-classes", json: #"{"name":"Parts de fondateur","nominalCents":10000,"eligibleCategories":["Partenaires"]}"#)
            let foundersID = try #require(founders["id"] as? String)
            #expect((founders["eligibleCategories"] as? [String])?.count == 1)
            let ordinaryID = try #require(try await coordinator.json(.POST, "\(base)/share-classes", json: #"{"name":"Part sociale","nominalCents":2000}"#)["id"] as? String)
            let thirdID = try #require(try await coordinator.json(.POST, "\(base)/share-classes", json: #"{"name":"Part à 30 €","nominalCents":3000}"#)["id"] as? String)
            let centre = try #require(try await coordinator.json(.POST, "\(base)/members", json: #"{"displayName":"Centre social","kind":"organisation","representative":"Mireille Ouali","category":"Partenaires","admittedOn":"2025-06-21"}"#)["id"] as? String)
            let resident = try #require(try await coordinator.json(.POST, "\(base)/members", json: #"{"displayName":"Omar Benali","kind":"person","category":"Habitant·es","admittedOn":"2025-06-21"}"#)["id"] as? String)
            func operation(_ json: String) async throws -> TestingHTTPResponse { try await coordinator.send(.POST, "\(base)/capital/operations", json: json) }

            let refused = try await operation(#"{"kind":"subscription","memberID":"\#(resident)","shareClassID":"\#(foundersID)","quantity":1}"#)
            #expect(Self.errors(refused)["shareClassID"]?.contains("réservées") == true)
            #expect(Self.errors(try await coordinator.send(.POST, "\(base)/subscription-requests", json: #"{"memberID":"\#(resident)","shareClassID":"\#(foundersID)","quantity":1}"#))["shareClassID"] != nil)
            #expect(try await operation(#"{"kind":"subscription","memberID":"\#(centre)","shareClassID":"\#(foundersID)","quantity":3}"#).status == .created)
            // 2 × 100 € is not a whole number of 30 € shares; it is 10 shares of 20 €.
            #expect(Self.errors(try await operation(#"{"kind":"conversion","memberID":"\#(centre)","shareClassID":"\#(foundersID)","toShareClassID":"\#(thirdID)","quantity":2}"#))["quantity"]?.contains("200,00 €") == true)
            #expect(Self.errors(try await operation(#"{"kind":"conversion","memberID":"\#(centre)","shareClassID":"\#(foundersID)","quantity":2}"#))["toShareClassID"] != nil)
            let converted = try await operation(#"{"kind":"conversion","memberID":"\#(centre)","shareClassID":"\#(foundersID)","toShareClassID":"\#(ordinaryID)","quantity":2}"#)
            #expect(converted.status == .created)
            #expect(converted.problem?["toQuantity"] as? Int == 10)
            #expect(converted.problem?["amountCents"] as? Int == 20_000)
            // The capital is the same; the holdings moved from one class to the other.
            let capital = try await coordinator.json(.GET, "\(base)/capital")
            #expect(capital["totalCents"] as? Int == 30_000)
            let detail = try await coordinator.json(.GET, "\(base)/members/\(centre)")
            let holdings = try #require(detail["holdings"] as? [[String: Any]])
            #expect(Set(holdings.map { "\($0["shareClass"] as? String ?? ""):\($0["quantity"] as? Int ?? 0)" }) == ["Parts de fondateur:1", "Part sociale:10"])
            // Nobody transfers founders' shares to a resident either.
            let transfer = try await operation(#"{"kind":"transfer","memberID":"\#(centre)","toMemberID":"\#(resident)","shareClassID":"\#(foundersID)","quantity":1}"#)
            #expect(Self.errors(transfer)["toMemberID"]?.contains("réservées") == true)
            let history = try await coordinator.json(.GET, "\(base)/capital/history?months=1")
            #expect((history["months"] as? [[String: Any]])?.last?["totalCents"] as? Int == 30_000)
        }
    }
}
