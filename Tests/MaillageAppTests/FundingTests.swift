import Fluent
import Foundation
@testable import MaillageApp
import MaillageCore
import Testing
import VaporTesting

/// Funding agreements: the funder, the amount and period, the indicators committed against
/// what the areas compute, reporting deadlines reminded on the coordinator's home page.
@Suite("Partners: funding agreements")
struct FundingTests {
    static func errors(_ response: TestingHTTPResponse) -> [String: String] {
        response.problem?["errors"] as? [String: String] ?? [:]
    }

    @Test func anAgreementShowsItsTargetsAgainstTheFiguresAndRemindsItsDeadline() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let coordinator = try await APIClient.forDemo("coordination@maillage.example", app: app)
            let funder = try await coordinator.json(.POST, "/api/v1/territories/\(coop.$territory.id)/partners", json: #"{"name":"Préfecture des Bouches-du-Rhône","kind":"etat"}"#)
            let funderID = try #require(funder["id"] as? String)
            // Two associates admitted last year: the "members" figure counts them.
            #expect(try await coordinator.send(.POST, "/api/v1/coops/\(coop.id!)/member-categories", json: #"{"name":"Habitant·es","kind":"beneficiaries"}"#).status == .created)
            for name in ["Fatou Diallo", "Omar Benali"] {
                #expect(try await coordinator.send(.POST, "/api/v1/coops/\(coop.id!)/members", json: #"{"displayName":"\#(name)","kind":"person","category":"Habitant·es","admittedOn":"2025-09-01"}"#).status == .created)
            }
            let base = "/api/v1/coops/\(coop.id!)/funding-agreements"
            let bad = try await coordinator.send(.POST, base, json: #"""
            {"funderID":"\#(UUID())","programme":"","amountCents":0,"startsOn":"2026-12-31","endsOn":"2026-01-01",
             "targets":[{"indicator":"happiness","target":3},{"indicator":"egalim-share","target":150}],
             "instalments":[{"dueOn":"2026-03-01","amountCents":-5}]}
            """#)
            #expect(Set(Self.errors(bad).keys) == ["funderID", "programme", "amountCents", "endsOn", "targets[0].indicator", "targets[1].target", "instalments[0].amountCents"])
            let tooMuch = try await coordinator.send(.POST, base, json: #"""
            {"funderID":"\#(funderID)","programme":"Politique de la ville","amountCents":1000000,"startsOn":"2026-01-01","endsOn":"2026-12-31",
             "instalments":[{"dueOn":"2026-03-01","amountCents":600000},{"dueOn":"2026-09-01","amountCents":600000}]}
            """#)
            #expect(Self.errors(tooMuch)["instalments"]?.contains("dépassent") == true)

            let start = CalendarDay.today.adding(months: -6), end = CalendarDay.today.adding(months: 6)
            let due = CalendarDay.today.adding(days: 5)
            let created = try await coordinator.json(.POST, base, json: #"""
            {"funderID":"\#(funderID)","programme":"Politique de la ville","amountCents":2500000,"startsOn":"\#(start)","endsOn":"\#(end)",
             "purpose":"Accompagner les habitant·es vers l'emploi par la cantine solidaire.",
             "targets":[{"indicator":"members","target":40},{"indicator":"meals-sold","target":12000}],
             "deadlines":[{"dueOn":"\#(due)","label":"Bilan intermédiaire"}],
             "instalments":[{"dueOn":"\#(start)","amountCents":1500000,"receivedOn":"\#(start)"},{"dueOn":"\#(end)","amountCents":1000000}]}
            """#)
            #expect(created["receivedCents"] as? Int == 1_500_000)
            let targets = try #require(created["targets"] as? [[String: Any]])
            #expect(targets.first { $0["indicator"] as? String == "members" }?["achieved"] as? Double == 2)
            #expect(targets.first { $0["indicator"] as? String == "meals-sold" }?["achieved"] as? Double == 0)

            // The funder reads it; a cashier does not; another cooperative finds nothing.
            let financeur = try await APIClient.forDemo("financeur@maillage.example", app: app)
            #expect((try await financeur.json(.GET, base)["items"] as? [[String: Any]])?.count == 1)
            #expect(try await financeur.send(.POST, base, json: "{}").status == .forbidden)
            #expect(try await APIClient.forDemo("caisse@maillage.example", app: app).send(.GET, base).status == .forbidden)
            #expect(try await APIClient.forDemo("coordination.avignon@maillage.example", app: app).send(.GET, base).status == .notFound)

            // Five days before the report: on the coordinator's home page, urgent.
            var browser = Browser(app)
            try await browser.login("coordination@maillage.example")
            let home = try await browser.get("/")
            #expect(home.body.string.contains("id=\"reminders\""))
            #expect(home.body.string.contains("Bilan intermédiaire"))
            #expect(home.body.string.contains("dans moins de 7 jours"))
            let agreement = try #require(try await FundingAgreement.query(on: app.db).first())
            let page = try await browser.get("/coops/\(coop.id!)/funding-agreements/\(agreement.id!)")
            #expect(page.body.string.contains("Associé·es"))
            #expect(page.body.string.contains(Euros.french(1_500_000)))
            var member = Browser(app)
            try await member.login("societaire@maillage.example")
            #expect(!(try await member.get("/").body.string.contains("id=\"reminders\"")))

            // The second instalment arrives and the report is sent: the figures follow, the reminder goes.
            let agreementPath = "\(base)/\(agreement.id!)"
            let detail = try await coordinator.json(.GET, agreementPath)
            let pending = try #require((detail["instalments"] as? [[String: Any]])?.first { $0["receivedOn"] == nil }?["id"] as? String)
            let deadline = try #require((detail["deadlines"] as? [[String: Any]])?.first?["id"] as? String)
            #expect(Self.errors(try await coordinator.send(.POST, "\(agreementPath)/instalments/\(pending)/received", json: #"{"date":"2099-01-01"}"#))["date"] != nil)
            #expect(try await financeur.send(.POST, "\(agreementPath)/instalments/\(pending)/received", json: "{}").status == .forbidden)
            let received = try await coordinator.json(.POST, "\(agreementPath)/instalments/\(pending)/received", json: "{}")
            #expect(received["receivedCents"] as? Int == 2_500_000)
            #expect(try await browser.post("/coops/\(coop.id!)/funding-agreements/\(agreement.id!)/deadlines/\(deadline)/reported", form: [:]).status == .seeOther)
            #expect(!(try await browser.get("/").body.string.contains("Bilan intermédiaire")))
            #expect(try await coordinator.send(.POST, "\(agreementPath)/deadlines/\(UUID())/reported", json: "{}").status == .notFound)
        }
    }

    @Test func theFormRecordsAnAgreementWithOneTargetAndOneDeadline() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let territory = try #require(try await Territory.find(coop.$territory.id, on: app.db))
            let scope = try await TestActors.scope("coordination@maillage.example", coop: coop, app: app)
            let funder = try await PartnerRepository(db: app.db, territory: territory, principal: scope.principal).save(PartnerDraft(name: "Région Sud", kind: "region"), roles: nil)
            var browser = Browser(app)
            try await browser.login("coordination@maillage.example")
            let pages = "/coops/\(coop.id!)/funding-agreements"
            let refused = try await browser.post(pages, form: ["funderID": funder.partner.id!.uuidString, "programme": "Région emploi", "amount": "30 000",
                                                               "startsOn": "2026-01-01", "endsOn": "2026-12-31", "indicator": "egalim-share", "target": "cinquante"])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("en chiffres"))
            let created = try await browser.post(pages, form: ["funderID": funder.partner.id!.uuidString, "programme": "Région emploi", "amount": "30 000",
                                                               "startsOn": "2026-01-01", "endsOn": "2026-12-31", "indicator": "egalim-share", "target": "50",
                                                               "deadlineOn": "2027-01-31", "deadlineLabel": "Bilan final"])
            #expect(created.status == .seeOther)
            let page = try await browser.get(try #require(created.headers.first(name: .location)))
            #expect(page.body.string.contains("Part des achats EGAlim (%)"))
            #expect(page.body.string.contains("Bilan final"))
            #expect(page.body.string.contains(Euros.french(3_000_000)))
        }
    }

    @Test func aJointAgreementCoversTwoCooperativesAndShowsEachOneOnlyToWhoMayReadIt() async throws {
        try await withMaillage { app in
            let caillols = try await Demo.cooperative(Demo.caillols, app: app)
            let avignon = try await Demo.cooperative(Demo.avignon, app: app)
            let admin = try await APIClient.forDemo("admin@maillage.example", app: app)
            let region = try #require(try await admin.json(.POST, "/api/v1/territories/\(caillols.$territory.id)/partners", json: #"{"name":"Région Sud","kind":"region"}"#)["id"] as? String)
            // Two associates in Marseille, one in Avignon.
            for (coop, names) in [(caillols, ["Fatou Diallo", "Omar Benali"]), (avignon, ["Leïla Mansouri"])] {
                #expect(try await admin.send(.POST, "/api/v1/coops/\(coop.id!)/member-categories", json: #"{"name":"Habitant·es","kind":"beneficiaries"}"#).status == .created)
                for name in names {
                    #expect(try await admin.send(.POST, "/api/v1/coops/\(coop.id!)/members", json: #"{"displayName":"\#(name)","kind":"person","category":"Habitant·es","admittedOn":"2025-09-01"}"#).status == .created)
                }
            }
            let start = CalendarDay.today.adding(months: -3), end = CalendarDay.today.adding(months: 21)
            let body = #"""
            {"funderID":"\#(region)","programme":"Région emploi","amountCents":6000000,"startsOn":"\#(start)","endsOn":"\#(end)",
             "targets":[{"indicator":"members","target":80}],"coopIDs":["\#(avignon.id!)"]}
            """#
            // The Marseille coordinator does not manage Avignon's agreements: refused, nothing written.
            let coordinator = try await APIClient.forDemo("coordination@maillage.example", app: app)
            let refused = try await coordinator.send(.POST, "/api/v1/coops/\(caillols.id!)/funding-agreements", json: body)
            #expect(Self.errors(refused)["coopIDs[0]"] != nil)
            #expect(try await FundingAgreement.query(on: app.db).count() == 0)

            let created = try await admin.json(.POST, "/api/v1/coops/\(caillols.id!)/funding-agreements", json: body)
            let id = try #require(created["id"] as? String)
            #expect((created["coopIDs"] as? [String])?.count == 2)
            let target = try #require((created["targets"] as? [[String: Any]])?.first)
            #expect(target["achieved"] as? Double == 3)
            #expect((target["byCoop"] as? [[String: Any]])?.compactMap { $0["achieved"] as? Double } == [2, 1])

            // Each cooperative lists it; each coordinator sees their own figure, not the other's nor the total.
            let karim = try await APIClient.forDemo("coordination.avignon@maillage.example", app: app)
            let inAvignon = try #require((try await karim.json(.GET, "/api/v1/coops/\(avignon.id!)/funding-agreements")["items"] as? [[String: Any]])?.first)
            #expect(inAvignon["id"] as? String == id)
            let seen = try #require((inAvignon["targets"] as? [[String: Any]])?.first)
            #expect(seen["achieved"] == nil)
            #expect((seen["byCoop"] as? [[String: Any]])?.map { $0["coopID"] as? String } == [avignon.id!.uuidString])
            #expect((try await coordinator.json(.GET, "/api/v1/coops/\(caillols.id!)/funding-agreements/\(id)")["targets"] as? [[String: Any]])?.first?["achieved"] == nil)
            // The Vendômois, not covered, finds nothing; nor through Avignon's path with Marseille's coordinator.
            let vendomois = try await Demo.cooperative(Demo.vendomois, app: app)
            #expect(try await APIClient.forDemo("coordination.vendomois@maillage.example", app: app).send(.GET, "/api/v1/coops/\(vendomois.id!)/funding-agreements/\(id)").status == .notFound)
            #expect(try await coordinator.send(.GET, "/api/v1/coops/\(avignon.id!)/funding-agreements/\(id)").status == .notFound)

            // What the agreement holds is the recording cooperative's (Marseille) to change:
            // Avignon's coordination reads it, changes none of it; each change is audited.
            let fromAvignon = try await karim.send(.PUT, "/api/v1/coops/\(avignon.id!)/funding-agreements/\(id)/report", json: #"{"text":"Réécrit par Avignon"}"#)
            #expect(fromAvignon.status == .forbidden)
            #expect(try await FundingAgreement.find(UUID(uuidString: id), on: app.db)?.reportText == nil)
            let fromMarseille = try await admin.send(.PUT, "/api/v1/coops/\(caillols.id!)/funding-agreements/\(id)/report", json: #"{"text":"Bilan commun"}"#)
            #expect(fromMarseille.status.code < 300, "\(fromMarseille.body.string)")
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "funding.report").filter(\.$entityID == UUID(uuidString: id)).count() == 1)

            // The agreement's page shows both cooperatives, side by side, to the network admin.
            var browser = Browser(app)
            try await browser.login("admin@maillage.example")
            let page = try await browser.get("/coops/\(avignon.id!)/funding-agreements/\(id)")
            #expect(page.body.string.contains("Réalisé à ce jour, ensemble"))
            #expect(page.body.string.contains("Coopératives couvertes"))
        }
    }

    /// The funder's report: the commitments against the achieved, the coordinator's words,
    /// every indicator of the period; a count of fewer than five people reads "< 5" to the funder.
    @Test func theFundersReportShowsTheCommitmentsTheTextAndTheIndicatorsUnderTheSecret() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let coordinator = try await APIClient.forDemo("coordination@maillage.example", app: app)
            let funder = try #require(try await coordinator.json(.POST, "/api/v1/territories/\(coop.$territory.id)/partners", json: #"{"name":"Ville de Marseille","kind":"commune"}"#)["id"] as? String)
            // Started yesterday: the people accompanied are those whose pathway is open now.
            let start = CalendarDay.today.adding(days: -1), end = CalendarDay.today.adding(months: 6)
            let created = try await coordinator.json(.POST, "/api/v1/coops/\(coop.id!)/funding-agreements", json: #"""
            {"funderID":"\#(funder)","programme":"Politique de la ville","amountCents":2000000,"startsOn":"\#(start)","endsOn":"\#(end)",
             "targets":[{"indicator":"people-accompanied","target":12},{"indicator":"meals-sold","target":5000}]}
            """#)
            let id = try #require(created["id"] as? String)
            let path = "/api/v1/coops/\(coop.id!)/funding-agreements/\(id)"
            // The demo's open pathways: the coordination sees the exact count, between 1 and 4.
            let exact = try #require((created["targets"] as? [[String: Any]])?.first { $0["indicator"] as? String == "people-accompanied" }?["achieved"] as? Double)
            #expect((1...4).contains(exact))

            // The coordinator writes the text; too long is refused.
            #expect(try await coordinator.send(.PUT, "\(path)/report", json: #"{"text":"\#(String(repeating: "a", count: 4_001))"}"#).status == .unprocessableEntity)
            let saved = try await coordinator.json(.PUT, "\(path)/report", json: #"{"text":"Une année de démarrage : la cantine a ouvert en mars."}"#)
            #expect(saved["reportText"] as? String == "Une année de démarrage : la cantine a ouvert en mars.")

            // The funder reads it over whole calendar years (so that no two periods can be
            // subtracted): the people count masked where the coordination counts 1 to 4 over
            // the same year, the meals shown.
            let financeur = try await APIClient.forDemo("financeur@maillage.example", app: app)
            let report = try await financeur.json(.GET, "\(path)/report")
            let year = CalendarDay.today.year
            #expect(report["from"] as? String == "\(start.year)-01-01" && report["to"] as? String == "\(year)-12-31")
            let rows = try await coordinator.send(.GET, "/api/v1/coops/\(coop.id!)/indicators?from=\(start.year)-01-01&to=\(year)-12-31")
            let exactRows = try #require(try JSONSerialization.jsonObject(with: Data(rows.body.readableBytesView)) as? [[String: Any]])
            let exactYear = try #require(exactRows.first { $0["key"] as? String == "people-accompanied" }?["value"] as? Double)
            let small = exactYear > 0 && exactYear < 5
            let targets = try #require((report["agreement"] as? [String: Any])?["targets"] as? [[String: Any]])
            let people = try #require(targets.first { $0["indicator"] as? String == "people-accompanied" })
            #expect((people["masked"] as? Bool == true) == small, "\(people), exact \(exactYear)")
            #expect(small ? people["achieved"] == nil : people["achieved"] as? Double == exactYear)
            #expect(targets.first { $0["indicator"] as? String == "meals-sold" }?["achieved"] != nil)
            let total = try #require((report["indicators"] as? [String: Any])?["total"] as? [[String: Any]])
            #expect((total.first { $0["key"] as? String == "people-accompanied" }?["masked"] as? Bool == true) == small)
            #expect(try await financeur.send(.PUT, "\(path)/report", json: #"{"text":"x"}"#).status == .forbidden)
            #expect(try await APIClient.forDemo("caisse@maillage.example", app: app).send(.GET, "\(path)/report").status == .forbidden)
            #expect(try await APIClient.forDemo("coordination.avignon@maillage.example", app: app).send(.GET, "\(path)/report").status == .notFound)
            let csv = try await financeur.send(.GET, "\(path)/report.csv")
            #expect(csv.body.string.contains("Engagements,people-accompanied"))
            let commitment = csv.body.string.split(separator: "\n").first { $0.hasPrefix("Engagements,people-accompanied") } ?? ""
            #expect(commitment.contains("< 5") == small, "\(commitment)")
            #expect(!csv.body.string.contains("Engagements,people-accompanied,Personnes accompagnées dans un parcours,cible 12,,\(Int(exact))"))

            // The printable page, for the funder and for the coordination.
            var browser = Browser(app)
            try await browser.login("financeur@maillage.example")
            let page = try await browser.get("/coops/\(coop.id!)/funding-agreements/\(id)/report")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("la cantine a ouvert en mars"))
            #expect(page.body.string.contains("&lt; 5"))
            #expect(!page.body.string.contains("id=\"report-form\""))
            var coordination = Browser(app)
            try await coordination.login("coordination@maillage.example")
            let refused = try await coordination.post("/coops/\(coop.id!)/funding-agreements/\(id)/report", form: ["text": String(repeating: "b", count: 4_001)])
            #expect(refused.status == .unprocessableEntity)
            // Typed in a browser, lines come with CR LF: each one is a paragraph.
            #expect(try await coordination.post("/coops/\(coop.id!)/funding-agreements/\(id)/report", form: ["text": "Deuxième version.\r\nLa suite."]).status == .seeOther)
            #expect(try await coordination.get("/coops/\(coop.id!)/funding-agreements/\(id)/report").body.string.contains("<p>Deuxième version.</p><p>La suite.</p>"))
        }
    }

    /// A funder with two agreements: one report for both, their commitments side by side and the
    /// indicators from the first start, under the secret for the funder.
    @Test func aFundersReportGathersAllItsAgreements() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let coordinator = try await APIClient.forDemo("coordination@maillage.example", app: app)
            let funder = try #require(try await coordinator.json(.POST, "/api/v1/territories/\(coop.$territory.id)/partners", json: #"{"name":"Région Sud","kind":"region"}"#)["id"] as? String)
            let other = try #require(try await coordinator.json(.POST, "/api/v1/territories/\(coop.$territory.id)/partners", json: #"{"name":"Ville de Marseille","kind":"commune"}"#)["id"] as? String)
            let base = "/api/v1/coops/\(coop.id!)/funding-agreements"
            for (funderID, programme, start, amount) in [(funder, "Région emploi", CalendarDay.today.adding(days: -1), 3_000_000), (funder, "Région formation", CalendarDay.today.adding(months: -2), 1_000_000),
                                                         (other, "Politique de la ville", CalendarDay.today.adding(months: -8), 500_000)] {
                #expect(try await coordinator.send(.POST, base, json: #"""
                {"funderID":"\#(funderID)","programme":"\#(programme)","amountCents":\#(amount),"startsOn":"\#(start)","endsOn":"\#(CalendarDay.today.adding(months: 10))",
                 "targets":[{"indicator":"people-accompanied","target":10}]}
                """#).status == .created)
            }
            let path = "/api/v1/coops/\(coop.id!)/funders/\(funder)/report"
            let report = try await coordinator.json(.GET, path)
            #expect((report["agreements"] as? [[String: Any]])?.compactMap { $0["programme"] as? String } == ["Région formation", "Région emploi"])
            #expect(report["from"] as? String == CalendarDay.today.adding(months: -2).description)
            #expect(report["funder"] as? String == "Région Sud")
            // The funder reads the same report over whole calendar years, the people under the
            // secret where the coordination counts 1 to 4 over those years.
            let financeur = try await APIClient.forDemo("financeur@maillage.example", app: app)
            let seen = try await financeur.json(.GET, path)
            let firstYear = CalendarDay.today.adding(months: -2).year, lastYear = CalendarDay.today.year
            #expect(seen["from"] as? String == "\(firstYear)-01-01")
            let rows = try await coordinator.send(.GET, "/api/v1/coops/\(coop.id!)/indicators?from=\(firstYear)-01-01&to=\(lastYear)-12-31")
            let exactRows = try #require(try JSONSerialization.jsonObject(with: Data(rows.body.readableBytesView)) as? [[String: Any]])
            let value = try #require(exactRows.first { $0["key"] as? String == "people-accompanied" }?["value"] as? Double)
            let seenTargets = (seen["agreements"] as? [[String: Any]] ?? []).flatMap { $0["targets"] as? [[String: Any]] ?? [] }
            #expect(seenTargets.count == 2)
            for shown in seenTargets {
                #expect((shown["masked"] as? Bool == true) == (value > 0 && value < 5), "\(shown), exact \(value)")
            }
            #expect(try await financeur.send(.GET, path + ".csv").body.string.contains("Région formation,people-accompanied"))
            #expect(try await coordinator.send(.GET, "/api/v1/coops/\(coop.id!)/funders/\(UUID())/report").status == .notFound)
            #expect(try await APIClient.forDemo("caisse@maillage.example", app: app).send(.GET, path).status == .forbidden)
            #expect(try await APIClient.forDemo("coordination.avignon@maillage.example", app: app).send(.GET, path).status == .notFound)
            var browser = Browser(app)
            try await browser.login("financeur@maillage.example")
            let page = try await browser.get("/coops/\(coop.id!)/funders/\(funder)/report")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("Région formation") && page.body.string.contains("Région emploi"))
            #expect(!page.body.string.contains("Politique de la ville"))
        }
    }
}
