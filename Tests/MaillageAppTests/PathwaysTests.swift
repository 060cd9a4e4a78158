import Fluent
import Foundation
@testable import MaillageApp
import MaillageCore
import NIOCore
import Testing
import VaporTesting

@Suite("Pathways: referrals, workflow, exits")
struct PathwaysTests {
    static let referral = #"""
    {"person":{"firstName":"Aïcha","lastName":"Benali","birthYear":1990,"contact":"06 12 34 56 78","commune":"Marseille 12e",
     "qpvCode":"QN01306M","situationAtEntry":"rsa","educationLevel":"cap_bep"},
     "reason":"Souhaite se former à la cuisine collective.","barriers":["childcare","mobility"],
     "consent":{"given":true,"date":"2026-11-02"}}
    """#

    @Test func theReferrerSendsAndFollowsOnlyTheirOwnReferrals() async throws {
        try await withMaillage { app in
            let caillols = try await Demo.cooperative(Demo.caillols, app: app)
            let referrer = try await APIClient.forDemo("orientation@maillage.example", app: app)
            // The demo's referrals were all sent by this referrer.
            let demoCount = try await Referral.query(on: app.db).count()
            #expect(demoCount >= 12)
            let created = try await referrer.send(.POST, "/api/v1/coops/\(caillols.id!)/referrals", json: Self.referral)
            #expect(created.status == .created)
            let body = try #require(created.problem)
            #expect(body["status"] as? String == "sent")
            #expect((body["consent"] as? [String: Any])?["date"] as? String == "2026-11-02")
            #expect((body["person"] as? [String: Any])?["qpvCode"] as? String == "QN01306M")

            // The coordinator sends one too; the referrer does not see it.
            let coordinator = try await APIClient.forDemo("coordination@maillage.example", app: app)
            #expect(try await coordinator.send(.POST, "/api/v1/coops/\(caillols.id!)/referrals", json: Self.referral.replacingOccurrences(of: "Aïcha", with: "Nora")).status == .created)
            let mine = try await referrer.json(.GET, "/api/v1/coops/\(caillols.id!)/referrals")
            #expect((mine["items"] as? [[String: Any]])?.count == demoCount + 1)
            let all = try await coordinator.json(.GET, "/api/v1/coops/\(caillols.id!)/referrals")
            #expect((all["items"] as? [[String: Any]])?.count == demoCount + 2)
            let noraID = try #require((all["items"] as? [[String: Any]])?.first { ($0["person"] as? [String: Any])?["firstName"] as? String == "Nora" }?["id"] as? String)
            #expect(try await referrer.send(.GET, "/api/v1/coops/\(caillols.id!)/referrals/\(noraID)").status == .notFound)
        }
    }

    @Test func noConsentIsA422() async throws {
        try await withMaillage { app in
            let caillols = try await Demo.cooperative(Demo.caillols, app: app)
            let referrer = try await APIClient.forDemo("orientation@maillage.example", app: app)
            let (referrals, persons) = (try await Referral.query(on: app.db).count(), try await Person.query(on: app.db).count())
            let refused = try await referrer.send(.POST, "/api/v1/coops/\(caillols.id!)/referrals", json: Self.referral.replacingOccurrences(of: #""given":true"#, with: #""given":false"#))
            #expect(refused.status == .unprocessableEntity)
            #expect((refused.problem?["errors"] as? [String: String])?["consent"] != nil)
            let missing = try await referrer.send(.POST, "/api/v1/coops/\(caillols.id!)/referrals", json: #"{"person":{"firstName":"A","lastName":"B"},"reason":"x"}"#)
            #expect(missing.status == .unprocessableEntity)
            #expect(try await Referral.query(on: app.db).count() == referrals)
            #expect(try await Person.query(on: app.db).count() == persons)
        }
    }

    @Test func theCoordinatorMovesTheReferralToAPathwayAndAnExit() async throws {
        try await withMaillage { app in
            let caillols = try await Demo.cooperative(Demo.caillols, app: app)
            let referrer = try await APIClient.forDemo("orientation@maillage.example", app: app)
            let id = try #require(try await referrer.json(.POST, "/api/v1/coops/\(caillols.id!)/referrals", json: Self.referral)["id"] as? String)
            let coordinator = try await APIClient.forDemo("coordination@maillage.example", app: app)
            let base = "/api/v1/coops/\(caillols.id!)/referrals/\(id)"

            // Skipping the interview is impossible: 409 with a French explanation.
            let skip = try await coordinator.send(.POST, base + "/transitions", json: #"{"to":"accepted"}"#)
            #expect(skip.status == .conflict)
            #expect((skip.problem?["detail"] as? String)?.contains("« reçue »") == true)
            // A referrer cannot move referrals.
            #expect(try await referrer.send(.POST, base + "/transitions", json: #"{"to":"received"}"#).status == .forbidden)

            #expect(try await coordinator.json(.POST, base + "/transitions", json: #"{"to":"received"}"#)["status"] as? String == "received")
            #expect(try await coordinator.json(.POST, base + "/transitions", json: #"{"to":"interview"}"#)["status"] as? String == "interview")
            let accepted = try await coordinator.json(.POST, base + "/transitions", json: #"{"to":"accepted"}"#)
            #expect(accepted["status"] as? String == "accepted")
            let pathwayID = try #require(accepted["pathwayID"] as? String)
            let steps = try #require(accepted["transitions"] as? [[String: Any]])
            #expect(steps.map { "\($0["from"]!)>\($0["to"]!)" } == ["sent>received", "received>interview", "interview>accepted"])
            #expect(steps.allSatisfy { $0["author"] as? String == "Claire Martin" })
            #expect(try await coordinator.send(.POST, base + "/transitions", json: #"{"to":"refused","reason":"trop tard"}"#).status == .conflict)

            let pathway = try await coordinator.json(.GET, "/api/v1/coops/\(caillols.id!)/pathways/\(pathwayID)")
            #expect((pathway["person"] as? [String: Any])?["lastName"] as? String == "Benali")
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "person.read").count() == 1)
            // Referrers and funders never open a person's file.
            #expect(try await referrer.send(.GET, "/api/v1/coops/\(caillols.id!)/pathways/\(pathwayID)").status == .forbidden)
            let funder = try await APIClient.forDemo("financeur@maillage.example", app: app)
            #expect(try await funder.send(.GET, "/api/v1/coops/\(caillols.id!)/pathways/\(pathwayID)").status == .forbidden)
            #expect(try await funder.send(.GET, "/api/v1/coops/\(caillols.id!)/referrals").status == .forbidden)

            let future = try await coordinator.send(.POST, "/api/v1/coops/\(caillols.id!)/pathways/\(pathwayID)/exit", json: #"{"date":"2999-01-01","destination":"cdi"}"#)
            #expect(future.status == .unprocessableEntity)
            let unknown = try await coordinator.send(.POST, "/api/v1/coops/\(caillols.id!)/pathways/\(pathwayID)/exit", json: #"{"date":"\#(CalendarDay.today)","destination":"cdd"}"#)
            #expect((unknown.problem?["errors"] as? [String: String])?["destination"] != nil)
            let exit = try await coordinator.json(.POST, "/api/v1/coops/\(caillols.id!)/pathways/\(pathwayID)/exit", json: #"{"date":"\#(CalendarDay.today)","destination":"cdd_under_6_months"}"#)
            #expect(exit["category"] as? String == "transitionalEmployment")
            #expect((exit["exit"] as? [String: Any])?["followUpDue"] as? String == CalendarDay.today.adding(months: 6).description)

            // Another cooperative's coordinator finds none of it.
            let avignon = try await APIClient.forDemo("coordination.avignon@maillage.example", app: app)
            #expect(try await avignon.send(.GET, "/api/v1/coops/\(caillols.id!)/pathways/\(pathwayID)").status == .notFound)
            #expect(try await avignon.send(.GET, base).status == .notFound)
            let avignonCoop = try await Demo.cooperative(Demo.avignon, app: app)
            #expect(try await avignon.send(.GET, "/api/v1/coops/\(avignonCoop.id!)/pathways/\(pathwayID)").status == .notFound)
            #expect(try await avignon.send(.GET, "/api/v1/coops/\(avignonCoop.id!)/referrals/\(id)").status == .notFound)
        }
    }

    @Test func refusingNeedsAReasonSharedOnlyWhenTheCoordinatorSaysSo() async throws {
        try await withMaillage { app in
            let caillols = try await Demo.cooperative(Demo.caillols, app: app)
            let referrer = try await APIClient.forDemo("orientation@maillage.example", app: app)
            let coordinator = try await APIClient.forDemo("coordination@maillage.example", app: app)
            let first = try #require(try await referrer.json(.POST, "/api/v1/coops/\(caillols.id!)/referrals", json: Self.referral)["id"] as? String)
            let second = try #require(try await referrer.json(.POST, "/api/v1/coops/\(caillols.id!)/referrals", json: Self.referral)["id"] as? String)
            let path = { (id: String) in "/api/v1/coops/\(caillols.id!)/referrals/\(id)" }

            let noReason = try await coordinator.send(.POST, path(first) + "/transitions", json: #"{"to":"refused"}"#)
            #expect(noReason.status == .unprocessableEntity)
            #expect((noReason.problem?["errors"] as? [String: String])?["reason"] == "Indiquez le motif du refus.")
            _ = try await coordinator.json(.POST, path(first) + "/transitions", json: #"{"to":"refused","reason":"Projet de création de commerce : orientée vers la CCI.","shareReason":true}"#)
            _ = try await coordinator.json(.POST, path(second) + "/transitions", json: #"{"to":"refused","reason":"Motif interne"}"#)

            let shared = try await referrer.json(.GET, path(first))
            #expect(shared["refusalReason"] as? String == "Projet de création de commerce : orientée vers la CCI.")
            let kept = try await referrer.json(.GET, path(second))
            #expect(kept["status"] as? String == "refused")
            #expect(kept["refusalReason"] == nil)
            #expect((kept["transitions"] as? [[String: Any]])?.allSatisfy { $0["reason"] == nil } == true)
        }
    }

    @Test func untouchedReferralsExpireAfterThirtyDays() async throws {
        try await withMaillage { app in
            let caillols = try await Demo.cooperative(Demo.caillols, app: app)
            let referrer = try await APIClient.forDemo("orientation@maillage.example", app: app)
            let id = try #require(try await referrer.json(.POST, "/api/v1/coops/\(caillols.id!)/referrals", json: Self.referral)["id"] as? String)
            let fresh = try #require(try await referrer.json(.POST, "/api/v1/coops/\(caillols.id!)/referrals", json: Self.referral)["id"] as? String)
            let stored = try #require(try await Referral.find(UUID(uuidString: id), on: app.db))
            stored.statusChangedAt = Date().addingTimeInterval(-31 * 86_400)
            try await stored.save(on: app.db)

            let coordinator = try await APIClient.forDemo("coordination@maillage.example", app: app)
            let items = try #require(try await coordinator.json(.GET, "/api/v1/coops/\(caillols.id!)/referrals")["items"] as? [[String: Any]])
            #expect(items.first { $0["id"] as? String == id }?["status"] as? String == "expired")
            #expect(items.first { $0["id"] as? String == fresh }?["status"] as? String == "sent")
            let expired = try await coordinator.json(.GET, "/api/v1/coops/\(caillols.id!)/referrals/\(id)")
            #expect((expired["transitions"] as? [[String: Any]])?.last?["author"] as? String == PathwaysRepository.systemLabel)
            #expect(try await coordinator.send(.POST, "/api/v1/coops/\(caillols.id!)/referrals/\(id)/transitions", json: #"{"to":"received"}"#).status == .conflict)
        }
    }

    @Test func theWholeJourneyThroughThePages() async throws {
        try await withMaillage { app in
            let caillols = try await Demo.cooperative(Demo.caillols, app: app)
            let coop = "/coops/\(caillols.id!.uuidString.lowercased())"
            var referrer = Browser(app)
            try await referrer.login("orientation@maillage.example")
            #expect(try await referrer.get(coop + "/referrals/new").status == .ok)
            let noConsent = try await referrer.post(coop + "/referrals/new", form: ["firstName": "Karima", "lastName": "Saïdi", "reason": "Cuisine"])
            #expect(noConsent.status == .unprocessableEntity)
            #expect(noConsent.body.string.contains("doit avoir donné son accord"))
            #expect(noConsent.body.string.contains("value=\"Karima\""))
            let sent = try await referrer.post(coop + "/referrals/new", form: [
                "firstName": "Karima", "lastName": "Saïdi", "birthYear": "1988", "reason": "Cuisine", "consent": "on",
                "situationAtEntry": "deld", "barriers[]": "digital",
            ])
            #expect(sent.status == .seeOther)
            let referralPath = try #require(sent.headers.first(name: .location))
            let page = try await referrer.get(referralPath)
            #expect(page.body.string.contains("Envoyée"))
            #expect(page.body.string.contains("Numérique"))
            #expect(!page.body.string.contains("id=\"to-received\""))

            var coordinator = Browser(app)
            try await coordinator.login("coordination@maillage.example")
            let inbox = try await coordinator.get(coop + "/referrals")
            #expect(inbox.body.string.contains("Karima Saïdi"))
            try await coordinator.get(referralPath)
            #expect(try await coordinator.post(referralPath + "/transitions", form: ["to": "received"]).status == .seeOther)
            try await coordinator.get(referralPath)
            let refuseWithoutReason = try await coordinator.post(referralPath + "/transitions", form: ["to": "refused", "reason": ""])
            #expect(refuseWithoutReason.status == .unprocessableEntity)
            #expect(refuseWithoutReason.body.string.contains("Indiquez le motif du refus."))
            #expect(try await coordinator.post(referralPath + "/transitions", form: ["to": "interview"]).status == .seeOther)
            let accepted = try await coordinator.post(referralPath + "/transitions", form: ["to": "accepted"])
            #expect(accepted.status == .seeOther)
            let pathwayPath = try #require(accepted.headers.first(name: .location))
            #expect(pathwayPath.contains("/pathways/"))
            let file = try await coordinator.get(pathwayPath)
            #expect(file.body.string.contains("Karima Saïdi"))
            #expect(file.body.string.contains("Demandeur d&#39;emploi de longue durée") || file.body.string.contains("Demandeur d'emploi de longue durée"))
            let exit = try await coordinator.post(pathwayPath + "/exit", form: ["destination": "qualifying_training", "date": CalendarDay.today.description])
            #expect(exit.status == .seeOther)
            #expect(exit.headers.first(name: .location) == pathwayPath + "?onglet=sortie#sortie")
            #expect(try await coordinator.get(pathwayPath + "?onglet=sortie").body.string.contains("Sortie positive"))
            // The referrer now sees "accepted", and no link into the file.
            let followed = try await referrer.get(referralPath).body.string
            #expect(followed.contains("Acceptée"))
            #expect(!followed.contains("/pathways/"))
        }
    }

    @Test func theDemoHoldsPeopleAtEveryStage() async throws {
        try await withMaillage { app in
            let statuses = Set(try await Referral.query(on: app.db).all().map(\.status))
            #expect(statuses == ["sent", "received", "interview", "refused", "accepted"])
            let pathways = try await Pathway.query(on: app.db).all()
            #expect(pathways.count == 5)
            let categories = pathways.compactMap(\.exitCategory).sorted()
            #expect(categories == ["durableEmployment", "otherExit", "transitionalEmployment"])
            // None of the open demo referrals is old enough to expire.
            let caillols = try await Demo.cooperative(Demo.caillols, app: app)
            let coordinator = try await APIClient.forDemo("coordination@maillage.example", app: app)
            let items = try #require(try await coordinator.json(.GET, "/api/v1/coops/\(caillols.id!)/referrals")["items"] as? [[String: Any]])
            #expect(!items.contains { $0["status"] as? String == "expired" })
        }
    }

    @Test func theSummaryCountsTheDemoYear() async throws {
        try await withMaillage { app in
            let caillols = try await Demo.cooperative(Demo.caillols, app: app)
            let coordinator = try await APIClient.forDemo("coordination@maillage.example", app: app)
            let today = CalendarDay.today
            let from = today.adding(months: -24)
            let summary = try await coordinator.json(.GET, "/api/v1/coops/\(caillols.id!)/pathways/summary?from=\(from)&to=\(today)")
            // Every demo referral was sent within the last two years; five were accepted.
            let byStatus = try #require(summary["referralsByStatus"] as? [String: Int])
            #expect(byStatus.values.reduce(0, +) == 12)
            #expect(byStatus["accepted"] == 5)
            #expect(summary["accompanied"] as? Int == 5)
            #expect((summary["byQpv"] as? [String: Int])?["QN01306M"] == 5)
            #expect(summary["exitsByCategory"] as? [String: Int] == ["durableEmployment": 1, "transitionalEmployment": 1, "positiveExit": 0, "otherExit": 1])
            let rate = try #require(summary["dynamicExitRate"] as? Double)
            #expect(abs(rate - 2.0 / 3.0) < 1e-9)

            let empty = try await coordinator.json(.GET, "/api/v1/coops/\(caillols.id!)/pathways/summary?from=2000-01-01&to=2000-12-31")
            #expect(empty["accompanied"] as? Int == 0)
            #expect(empty["dynamicExitRate"] is NSNull)
            let bad = try await coordinator.send(.GET, "/api/v1/coops/\(caillols.id!)/pathways/summary?from=2026-13-01")
            #expect(bad.status == .unprocessableEntity)
            let funder = try await APIClient.forDemo("financeur@maillage.example", app: app)
            #expect(try await funder.send(.GET, "/api/v1/coops/\(caillols.id!)/pathways/summary").status == .forbidden)
        }
    }

    @Test func theBarrierDiagnosticKeepsItsHistory() async throws {
        try await withMaillage { app in
            let caillols = try await Demo.cooperative(Demo.caillols, app: app)
            let pathway = try #require(try await Pathway.query(on: app.db).filter(\.$exitDate == nil).first())
            let coordinator = try await APIClient.forDemo("coordination@maillage.example", app: app)
            let base = "/api/v1/coops/\(caillols.id!)/pathways/\(pathway.id!)"
            let lastMonth = CalendarDay.today.adding(months: -1)
            let first = try await coordinator.send(.POST, base + "/barriers", json: #"{"barrier":"childcare","level":"severe","date":"\#(lastMonth)"}"#)
            #expect(first.status == .created)
            let resolved = try await coordinator.json(.POST, base + "/barriers", json: #"{"barrier":"childcare","level":"none"}"#)
            let current = try #require(resolved["barriers"] as? [[String: Any]])
            #expect(current.count == 1)
            #expect(current.first?["level"] as? String == "none")
            #expect(current.first?["assessedOn"] as? String == CalendarDay.today.description)
            #expect(try await BarrierAssessment.query(on: app.db).filter(\.$pathway.$id == pathway.id!).count() == 2)

            let bad = try await coordinator.send(.POST, base + "/barriers", json: #"{"barrier":"weather","level":"huge","date":"2999-01-01"}"#)
            #expect(bad.status == .unprocessableEntity)
            let errors = try #require(bad.problem?["errors"] as? [String: String])
            #expect(Set(errors.keys) == ["barrier", "level", "date"])
            let staff = try await APIClient.forDemo("caisse@maillage.example", app: app)
            #expect(try await staff.send(.POST, base + "/barriers", json: #"{"barrier":"childcare","level":"light"}"#).status == .forbidden)

            var browser = Browser(app)
            try await browser.login("coordination@maillage.example")
            let page = "/coops/\(caillols.id!.uuidString.lowercased())/pathways/\(pathway.id!.uuidString.lowercased())"
            let file = try await browser.get(page).body.string
            #expect(file.contains("Garde d&#39;enfants") || file.contains("Garde d'enfants"))
            #expect(file.contains("(levé)"))
            let missing = try await browser.post(page + "/barriers", form: ["barrier": "mobility"])
            #expect(missing.status == .unprocessableEntity)
            #expect(missing.body.string.contains("Choisissez le niveau"))
            #expect(try await browser.post(page + "/barriers", form: ["barrier": "mobility", "level": "moderate", "barrierDate": CalendarDay.today.description]).status == .seeOther)
            #expect(try await browser.get(page).body.string.contains("Important"))
        }
    }
}
