import Fluent
import Foundation
@testable import MaillageApp
import MaillageCore
import Testing
import VaporTesting

/// The person's file beyond the referral: plan, agenda, notes, skills, trainings, hours, the
/// cooperant's own view and the RGPD rights, through the API and the pages.
@Suite("Pathways: the person's file")
struct PathwayFileTests {
    struct Fixture {
        var coop: Cooperative
        var fatou: Pathway
        var jonathan: Pathway
        var base: String { "/api/v1/coops/\(coop.id!)" }
        func file(_ pathway: Pathway) -> String { "\(base)/pathways/\(pathway.id!)" }
    }

    static func fixture(_ app: Application) async throws -> Fixture {
        let coop = try await Demo.cooperative(Demo.caillols, app: app)
        let pathways = try await Pathway.query(on: app.db).filter(\.$cooperativeID == coop.id!).with(\.$person).all()
        return Fixture(coop: coop, fatou: try #require(pathways.first { $0.person.firstName == "Fatou" }),
                       jonathan: try #require(pathways.first { $0.person.firstName == "Jonathan" }))
    }

    static func errors(_ response: TestingHTTPResponse) -> [String: String] {
        response.problem?["errors"] as? [String: String] ?? [:]
    }

    @Test func theCoordinatorBuildsThePlan() async throws {
        try await withMaillage { app in
            let f = try await Self.fixture(app)
            let coordinator = try await APIClient.forDemo("coordination@maillage.example", app: app)
            let created = try await coordinator.send(.POST, "\(f.file(f.jonathan))/objectives", json: #"""
            {"focus":"Logistique","kind":"employment","title":"Poste de préparateur de commandes","actions":["Visite de l'entrepôt","  ","Permis cariste"]}
            """#)
            #expect(created.status == .created)
            let objective = try #require(created.problem)
            let actions = try #require(objective["actions"] as? [[String: Any]])
            #expect(actions.map { $0["label"] as? String } == ["Visite de l'entrepôt", "Permis cariste"])
            #expect(actions.allSatisfy { $0["status"] as? String == "in_progress" })
            #expect(objective["reached"] as? Bool == false)
            let objectiveID = try #require(objective["id"] as? String)
            for action in actions {
                let done = try await coordinator.send(.PATCH, "\(f.file(f.jonathan))/actions/\(action["id"] as! String)", json: #"{"status":"done"}"#)
                #expect(done.status == .ok)
            }
            let file = try await coordinator.json(.GET, f.file(f.jonathan))
            let plan = try #require(file["plan"] as? [[String: Any]])
            #expect(plan.first { $0["id"] as? String == objectiveID }?["reached"] as? Bool == true)
            let added = try await coordinator.send(.POST, "\(f.file(f.jonathan))/objectives/\(objectiveID)/actions", json: #"{"label":"Inscription à l'AFPA"}"#)
            #expect((added.problem?["actions"] as? [[String: Any]])?.count == 3)
            #expect(added.problem?["reached"] as? Bool == false)

            let bad = try await coordinator.send(.POST, "\(f.file(f.jonathan))/objectives", json: #"{"focus":"","kind":"loisirs","title":"x"}"#)
            #expect(bad.status == .unprocessableEntity)
            #expect(Set(Self.errors(bad).keys) == ["focus", "kind"])
            let badStatus = try await coordinator.send(.PATCH, "\(f.file(f.jonathan))/actions/\(actions[0]["id"] as! String)", json: #"{"status":"fini"}"#)
            #expect(badStatus.status == .unprocessableEntity)
            // An action of another person's plan is not found through this file.
            #expect(try await coordinator.send(.PATCH, "\(f.file(f.fatou))/actions/\(actions[0]["id"] as! String)", json: #"{"status":"done"}"#).status == .notFound)
        }
    }

    @Test func confidentialNotesStayWithTheCoordinationAndTheReferent() async throws {
        try await withMaillage { app in
            let f = try await Self.fixture(app)
            let coordinator = try await APIClient.forDemo("coordination@maillage.example", app: app)
            let admin = try await APIClient.forDemo("admin@maillage.example", app: app)
            let cooperant = try await APIClient.forDemo("cooperant@maillage.example", app: app)
            let note = try await coordinator.send(.POST, "\(f.file(f.fatou))/notes", json: #"{"body":"Difficultés de logement : rendez-vous avec l'assistante sociale."}"#)
            #expect(note.status == .created)
            let seen = try await coordinator.json(.GET, f.file(f.fatou))
            #expect((seen["notes"] as? [[String: Any]])?.contains { ($0["body"] as? String)?.hasPrefix("Difficultés") == true } == true)

            // The network admin works on pathways but is not Fatou's referent: no notes.
            let byAdmin = try await admin.json(.GET, f.file(f.fatou))
            #expect(byAdmin["notes"] == nil)
            #expect(byAdmin["plan"] != nil)
            #expect(try await admin.send(.POST, "\(f.file(f.fatou))/notes", json: #"{"body":"x"}"#).status == .forbidden)
            let export = try await admin.send(.GET, "\(f.file(f.fatou))/export")
            #expect(export.status == .ok)
            #expect(!export.body.string.contains("assistante sociale"))

            // Named referent, the admin reads them.
            let adminID = try #require(try await User.query(on: app.db).filter(\.$email == "admin@maillage.example").first()?.id)
            #expect(try await coordinator.send(.PATCH, f.file(f.fatou), json: #"{"referentUserID":"\#(adminID)"}"#).status == .ok)
            #expect((try await admin.json(.GET, f.file(f.fatou))["notes"] as? [[String: Any]])?.isEmpty == false)

            // The cooperant never sees them, even on her own file.
            let own = try await cooperant.json(.GET, "\(f.base)/me/pathway")
            #expect(own["id"] as? String == f.fatou.id!.uuidString)
            #expect(own["notes"] == nil)
            #expect(own["account"] == nil)
            #expect(try await cooperant.send(.POST, "\(f.file(f.fatou))/notes", json: #"{"body":"x"}"#).status == .forbidden)

            // Only a coordinator or admin may be named referent; only a cooperant of the coop linked.
            let referrerID = try #require(try await User.query(on: app.db).filter(\.$email == "orientation@maillage.example").first()?.id)
            let refused = try await coordinator.send(.PATCH, f.file(f.jonathan), json: #"{"referentUserID":"\#(referrerID)","cooperantUserID":"\#(referrerID)"}"#)
            #expect(refused.status == .unprocessableEntity)
            #expect(Set(Self.errors(refused).keys) == ["referentUserID", "cooperantUserID"])
            // Fatou's account is already linked to her own file.
            let cooperantID = try #require(f.fatou.person.userID)
            let twice = try await coordinator.send(.PATCH, f.file(f.jonathan), json: #"{"cooperantUserID":"\#(cooperantID)"}"#)
            #expect(Self.errors(twice)["cooperantUserID"] != nil)
        }
    }

    @Test func theCooperantAssessesHerselfAndTypesHerHours() async throws {
        try await withMaillage { app in
            let f = try await Self.fixture(app)
            let cooperant = try await APIClient.forDemo("cooperant@maillage.example", app: app)
            let coordinator = try await APIClient.forDemo("coordination@maillage.example", app: app)
            let grid = try await coordinator.json(.GET, "\(f.base)/competences")
            let labels = (grid["items"] as? [[String: Any]])?.compactMap { $0["label"] as? String }
            #expect(labels == DemoPathways.grid)
            let till = try #require((grid["items"] as? [[String: Any]])?.first { $0["label"] as? String == "Tenue de caisse" }?["id"] as? String)

            let assessed = try await cooperant.send(.POST, "\(f.file(f.fatou))/skills", json: #"{"competenceID":"\#(till)","level":"discovered"}"#)
            #expect(assessed.status == .created)
            let row = try #require((assessed.problem?["skills"] as? [[String: Any]])?.first { $0["competenceID"] as? String == till })
            #expect((row["self"] as? [String: Any])?["level"] as? String == "discovered")
            #expect(row["coordinator"] == nil)
            // The demo: the coordination says "autonome" in cooking, Fatou "pratiqué avec aide": one level apart.
            let cooking = try #require((assessed.problem?["skills"] as? [[String: Any]])?.first { $0["competence"] as? String == "Cuisine" })
            #expect((cooking["coordinator"] as? [String: Any])?["level"] as? String == "autonomous")
            #expect(cooking["needsDiscussion"] as? Bool == false)
            let service = try #require((assessed.problem?["skills"] as? [[String: Any]])?.first { $0["competence"] as? String == "Service en salle" })
            #expect(service["needsDiscussion"] as? Bool == true)

            // Hours typed by the cooperant wait for validation.
            let monday = CalendarDay.today.weekStart.adding(days: -35)
            let typed = try await cooperant.send(.POST, "\(f.file(f.fatou))/hours", json: #"{"week":"\#(monday.adding(days: 2))","role":"till","hours":6.5}"#)
            #expect(typed.status == .created)
            #expect(typed.problem?["status"] as? String == "submitted")
            #expect(typed.problem?["week"] as? String == monday.description)
            let before = try await coordinator.json(.GET, f.file(f.fatou))["hoursWorked"] as? Double
            let entryID = try #require(typed.problem?["id"] as? String)
            let validated = try await coordinator.send(.POST, "\(f.file(f.fatou))/hours/\(entryID)/validation")
            #expect(validated.problem?["status"] as? String == "validated")
            #expect(try await coordinator.json(.GET, f.file(f.fatou))["hoursWorked"] as? Double == (before ?? 0) + 6.5)
            #expect(try await coordinator.send(.POST, "\(f.file(f.fatou))/hours/\(entryID)/validation").status == .conflict)
            // Once validated, only the coordination corrects it.
            let again = try await cooperant.send(.POST, "\(f.file(f.fatou))/hours", json: #"{"week":"\#(monday)","role":"till","hours":7}"#)
            #expect(again.status == .unprocessableEntity)
            // 18 h + 8 h already that week (demo), 23 h more is past the legal 48.
            let demoWeek = CalendarDay.today.weekStart.adding(days: -7)
            let tooMuch = try await coordinator.send(.POST, "\(f.file(f.fatou))/hours", json: #"{"week":"\#(demoWeek)","role":"delivery","hours":23}"#)
            #expect(Self.errors(tooMuch)["hours"]?.contains("48") == true)
            #expect(try await coordinator.send(.POST, "\(f.file(f.fatou))/hours", json: #"{"week":"\#(demoWeek)","role":"delivery","hours":22}"#).status == .created)
            // Absurd numbers are a field error, never a crash.
            for absurd in ["1e300", "5e17", "-3"] {
                let refused = try await cooperant.send(.POST, "\(f.file(f.fatou))/hours", json: #"{"week":"\#(monday)","role":"kitchen","hours":\#(absurd)}"#)
                #expect(Self.errors(refused)["hours"] != nil, "\(absurd)")
            }

            // Her file and nobody else's.
            #expect(try await cooperant.send(.GET, f.file(f.jonathan)).status == .notFound)
            #expect(try await cooperant.send(.POST, "\(f.file(f.jonathan))/hours", json: #"{"week":"\#(monday)","role":"till","hours":1}"#).status == .notFound)
            #expect(try await cooperant.send(.POST, "\(f.file(f.fatou))/objectives", json: #"{"focus":"a","kind":"social","title":"b"}"#).status == .forbidden)
            #expect(try await cooperant.send(.GET, "\(f.base)/competences").status == .forbidden)
        }
    }

    @Test func workshopsAndTrainingsCountAttendanceAndHours() async throws {
        try await withMaillage { app in
            let f = try await Self.fixture(app)
            let coordinator = try await APIClient.forDemo("coordination@maillage.example", app: app)
            let individual = try await coordinator.send(.POST, "\(f.file(f.jonathan))/appointments", json: #"""
            {"kind":"appointment","title":"Point d'étape","startsAt":"2026-12-02T10:00","durationMinutes":45,"place":"Bureau"}
            """#)
            #expect(individual.status == .created)
            #expect((individual.problem?["participants"] as? [[String: Any]])?.first?["status"] as? String == "registered")
            // RFC 3339 with an offset or Z is read as Paris time (UTC+1 in December).
            let utc = try await coordinator.send(.POST, "\(f.file(f.jonathan))/appointments", json: #"""
            {"kind":"appointment","title":"Point téléphonique","startsAt":"2026-12-03T09:30:00Z","durationMinutes":30}
            """#)
            #expect(utc.status == .created)
            #expect(utc.problem?["startsAt"] as? String == "2026-12-03T10:30")
            let offset = try await coordinator.send(.POST, "\(f.file(f.jonathan))/appointments", json: #"""
            {"kind":"appointment","title":"Point en visio","startsAt":"2026-12-04T16:00:00+01:00","durationMinutes":30}
            """#)
            #expect(offset.problem?["startsAt"] as? String == "2026-12-04T16:00")
            let bad = try await coordinator.send(.POST, "\(f.file(f.jonathan))/appointments", json: #"{"kind":"training_session","title":"","startsAt":"2/12/2026","durationMinutes":2}"#)
            #expect(Set(Self.errors(bad).keys) == ["kind", "title", "startsAt", "durationMinutes"])

            let training = try await coordinator.send(.POST, "\(f.base)/trainings", json: #"{"title":"Service en salle","provider":"GRETA Marseille"}"#)
            #expect(training.status == .created)
            let trainingID = try #require(training.problem?["id"] as? String)
            for pathway in [f.fatou, f.jonathan] {
                #expect(try await coordinator.send(.POST, "\(f.base)/trainings/\(trainingID)/trainees", json: #"{"pathwayID":"\#(pathway.id!)"}"#).status == .created)
            }
            #expect(try await coordinator.send(.POST, "\(f.base)/trainings/\(trainingID)/trainees", json: #"{"pathwayID":"\#(f.fatou.id!)"}"#).status == .unprocessableEntity)
            let sessionDay = CalendarDay.today.adding(days: -1)
            let withSession = try await coordinator.send(.POST, "\(f.base)/trainings/\(trainingID)/sessions", json: #"{"startsAt":"\#(sessionDay)T09:00","durationMinutes":210}"#)
            let session = try #require((withSession.problem?["sessions"] as? [[String: Any]])?.first)
            // Sessions added after enrolment put every trainee on the sheet.
            #expect((session["participants"] as? [[String: Any]])?.count == 2)
            let sessionID = try #require(session["id"] as? String)
            let marked = try await coordinator.send(.POST, "\(f.base)/appointments/\(sessionID)/attendance", json: #"""
            {"attendance":[{"pathwayID":"\#(f.fatou.id!)","status":"attended"},{"pathwayID":"\#(f.jonathan.id!)","status":"absent"}]}
            """#)
            #expect(marked.status == .ok)
            let unknown = try await coordinator.send(.POST, "\(f.base)/appointments/\(sessionID)/attendance", json: #"{"attendance":[{"pathwayID":"\#(UUID())","status":"attended"}]}"#)
            #expect(unknown.status == .unprocessableEntity)
            // A training session is joined through its training; an individual appointment is one person's.
            let viaSession = try await coordinator.send(.POST, "\(f.base)/appointments/\(sessionID)/participants", json: #"{"pathwayIDs":["\#(f.fatou.id!)"]}"#)
            #expect(Self.errors(viaSession)["pathwayIDs"] != nil)
            let individualID = try #require(individual.problem?["id"] as? String)
            let intruder = try await coordinator.send(.POST, "\(f.base)/appointments/\(individualID)/participants", json: #"{"pathwayIDs":["\#(f.fatou.id!)"]}"#)
            #expect(Self.errors(intruder)["pathwayIDs"] != nil)
            // Nobody attends a session that has not happened yet.
            let future = try await coordinator.send(.POST, "\(f.base)/trainings/\(trainingID)/sessions", json: #"{"startsAt":"\#(CalendarDay.today.adding(days: 3))T09:00","durationMinutes":60}"#)
            let futureID = try #require((future.problem?["sessions"] as? [[String: Any]])?.first { ($0["startsAt"] as? String)?.hasPrefix(CalendarDay.today.adding(days: 3).description) == true }?["id"] as? String)
            let tooEarly = try await coordinator.send(.POST, "\(f.base)/appointments/\(futureID)/attendance", json: #"{"attendance":[{"pathwayID":"\#(f.fatou.id!)","status":"attended"}]}"#)
            #expect(tooEarly.status == .unprocessableEntity)
            #expect(try await coordinator.send(.POST, "\(f.base)/appointments/\(futureID)/attendance", json: #"{"attendance":[{"pathwayID":"\#(f.fatou.id!)","status":"excused"}]}"#).status == .ok)
            let evaluated = try await coordinator.send(.POST, "\(f.base)/trainings/\(trainingID)/trainees/\(f.fatou.id!)/evaluation", json: #"{"evaluation":"acquired","satisfaction":4}"#)
            #expect(evaluated.problem?["meanSatisfaction"] as? Double == 4)
            let trainees = try #require(evaluated.problem?["trainees"] as? [[String: Any]])
            #expect(trainees.first { $0["pathwayID"] as? String == f.fatou.id!.uuidString }?["hours"] as? Double == 3.5)
            #expect(trainees.first { $0["pathwayID"] as? String == f.jonathan.id!.uuidString }?["hours"] as? Double == 0)
            #expect(try await coordinator.send(.POST, "\(f.base)/trainings/\(trainingID)/trainees/\(f.fatou.id!)/evaluation", json: #"{"evaluation":"acquired","satisfaction":9}"#).status == .unprocessableEntity)

            // The summary adds validated hours and signed-in training hours of the period:
            // demo HACCP sessions (Fatou 2 × 3 h 30, Jonathan 1 × 3 h 30) and this one (3 h 30).
            let year = CalendarDay.today.adding(days: -60)
            let summary = try await coordinator.json(.GET, "\(f.base)/pathways/summary?from=\(year)&to=\(CalendarDay.today)")
            #expect(summary["trainingHours"] as? Double == 14)
            // Demo hours: Fatou 26 h and Jonathan 20 h over the 4 last weeks, validated; Fatou's
            // 14.5 h of this week wait for validation.
            #expect(summary["hoursWorked"] as? Double == 184)
        }
    }

    @Test func theExportHoldsTheAccountTheSharesAndTheVotesOfTheSamePerson() async throws {
        try await withMaillage { app in
            let f = try await Self.fixture(app)
            let users = try await User.query(on: app.db).all()
            let cooperant = try #require(users.first { $0.email == "cooperant@maillage.example" })
            let coordination = try #require(users.first { $0.email == "coordination@maillage.example" })
            try await DemoGovernance.load(on: app.db, cooperative: f.coop, accounts: [cooperant.name: cooperant], coordinator: coordination)
            let member = try #require(try await Member.query(on: app.db).filter(\.$userID == cooperant.id!).first())
            let operations = try await CapitalOperation.query(on: app.db).filter(\.$memberID == member.id!).count()
            let votes = try await DecisionVote.query(on: app.db).filter(\.$userID == cooperant.id!).count()

            let coordinator = try await APIClient.forDemo("coordination@maillage.example", app: app)
            let export = try await coordinator.json(.GET, "\(f.file(f.fatou))/export")
            let account = try #require(export["account"] as? [String: Any])
            #expect(account["email"] as? String == "cooperant@maillage.example")
            #expect(account["roles"] as? [String] == ["cooperant"])
            let membership = try #require(export["membership"] as? [String: Any])
            #expect(membership["number"] as? Int == member.number)
            #expect(operations > 0)
            #expect((membership["capitalOperations"] as? [Any])?.count == operations)
            #expect((membership["decisionVotes"] as? [Any])?.count == votes)
            // Jonathan has no account: nothing beyond his file.
            let other = try await coordinator.json(.GET, "\(f.file(f.jonathan))/export")
            #expect(other["account"] == nil && other["membership"] == nil)
        }
    }

    @Test func erasureKeepsTheFiguresAndDropsTheIdentity() async throws {
        try await withMaillage { app in
            let f = try await Self.fixture(app)
            let coordinator = try await APIClient.forDemo("coordination@maillage.example", app: app)
            let export = try await coordinator.json(.GET, "\(f.file(f.fatou))/export")
            #expect((export["person"] as? [String: Any])?["lastName"] as? String == "Diallo")
            #expect((export["referrals"] as? [[String: Any]])?.count == 1)
            #expect(((export["pathway"] as? [String: Any])?["notes"] as? [[String: Any]])?.count == 1)

            let erased = try await coordinator.send(.POST, "\(f.file(f.fatou))/erasure")
            #expect(erased.status == .ok)
            let person = try #require(try await Person.find(f.fatou.$person.id, on: app.db))
            #expect(person.firstName == "Personne")
            #expect(person.contact == nil && person.userID == nil && person.anonymisedAt != nil)
            #expect(person.qpvCode == "QN01306M")
            #expect(try await PathwayNote.query(on: app.db).filter(\.$pathway.$id == f.fatou.id!).count() == 0)
            #expect(try await WorkHoursEntry.query(on: app.db).filter(\.$pathway.$id == f.fatou.id!).count() == 9)
            #expect(try await Referral.query(on: app.db).filter(\.$person.$id == person.id!).first()?.reason == PersonalDataEraser.erasedText)
            // Her name as the author of her self-assessments and of the hours she typed goes too.
            #expect(try await SkillAssessment.query(on: app.db).filter(\.$authorLabel == "Fatou Diallo").count() == 0)
            #expect(try await WorkHoursEntry.query(on: app.db).filter(\.$enteredByLabel == "Fatou Diallo").count() == 0)
            #expect(try await SkillAssessment.query(on: app.db).filter(\.$pathway.$id == f.fatou.id!).count() == 7)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == AuditAction.personErased.rawValue).count() == 1)
            #expect(try await coordinator.send(.POST, "\(f.file(f.fatou))/erasure").status == .conflict)
            // Her account no longer opens a file.
            let cooperant = try await APIClient.forDemo("cooperant@maillage.example", app: app)
            #expect(try await cooperant.send(.GET, "\(f.base)/me/pathway").status == .notFound)
        }
    }

    @Test func thePrivacySweepAnonymisesFilesWithoutContactForTwoYears() async throws {
        try await withMaillage { app in
            let f = try await Self.fixture(app)
            let now = Date()
            let today = CalendarDay(date: now)
            // Jonathan: last contact exactly two years ago; Fatou: one day less.
            try await Person.query(on: app.db).filter(\.$id == f.jonathan.$person.id).set(\.$lastContactAt, to: today.adding(months: -24).date).update()
            try await Person.query(on: app.db).filter(\.$id == f.fatou.$person.id).set(\.$lastContactAt, to: today.adding(months: -24).adding(days: 1).date).update()
            // A referral untouched for 31 days.
            let stale = try #require(try await Referral.query(on: app.db).filter(\.$status == "sent").first())
            stale.statusChangedAt = now.addingTimeInterval(-31 * 86_400)
            try await stale.save(on: app.db)

            let outcome = try await PrivacySweep.run(on: app.db, now: now)
            #expect(outcome.anonymised == 1)
            #expect(try await Person.find(f.jonathan.$person.id, on: app.db)?.anonymisedAt != nil)
            #expect(try await Person.find(f.fatou.$person.id, on: app.db)?.anonymisedAt == nil)
            #expect(try await Referral.find(stale.id!, on: app.db)?.status == "expired")
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == AuditAction.personAnonymised.rawValue).count() == 1)
            // Running it again changes nothing.
            #expect(try await PrivacySweep.run(on: app.db, now: now).anonymised == 0)
        }
    }

    @Test func thePagesShowEachViewerTheirPart() async throws {
        try await withMaillage { app in
            let f = try await Self.fixture(app)
            var coordinator = Browser(app)
            try await coordinator.login("coordination@maillage.example")
            let file = SiteURL.pathway(f.coop.id!, f.fatou.id!).path
            // The file opens on its summary: state, contact, and the tabs, not every section.
            let summary = try await coordinator.get(file)
            #expect(summary.status == .ok)
            let synthesis = summary.body.string
            #expect(synthesis.contains(#"id="synthese""#) && synthesis.contains("En cours") && synthesis.contains("Prochain rendez-vous"))
            #expect(!synthesis.contains(#"id="plan""#) && !synthesis.contains("crèche à partir de janvier"))
            for tab in PathwayTab.allCases where tab != .synthese {
                #expect(synthesis.contains("href=\"\(file)?onglet=\(tab.rawValue)\""), "no \(tab) tab")
            }
            // Each tab is its own address, with its section and its form closed behind "Ajouter…".
            let sections: [(PathwayTab, String, String)] = [
                (.plan, "Plan d'action", #"<details class="add-form no-print" id="objective-add"><summary"#),
                (.notes, "crèche à partir de janvier", #"<details class="add-form no-print" id="note-add"><summary"#),
                (.heures, "Heures travaillées", #"<details class="add-form no-print" id="hours-add"><summary"#),
                (.formations, "Hygiène alimentaire en restauration (HACCP)", #"id="formations""#),
                (.competences, "Compétences", #"id="skill-add""#),
                (.sortie, "La personne est toujours dans son parcours.", #"id="exit-add""#),
            ]
            for (tab, text, marker) in sections {
                let page = try await coordinator.get("\(file)?onglet=\(tab.rawValue)").body.string
                #expect(page.contains(text) && page.contains(marker), "\(tab)")
                #expect(page.contains("href=\"\(file)?onglet=\(tab.rawValue)\" aria-current=\"page\""), "\(tab) not current")
                #expect(!page.contains(#"id="synthese""#), "\(tab) shows the summary")
            }
            // An unknown tab opens the summary.
            #expect(try await coordinator.get("\(file)?onglet=nimporte").body.string.contains(#"id="synthese""#))
            // A refused form opens its tab, the form open, the values kept.
            let refused = try await coordinator.post("\(file)/hours", form: ["week": "2026-11-23", "role": "kitchen", "hours": "abc"])
            #expect(refused.status == .unprocessableEntity)
            let refusedPage = refused.body.string
            #expect(refusedPage.contains("en chiffres"))
            #expect(refusedPage.contains(#"<details class="add-form no-print" id="hours-add" open="open">"#))
            #expect(refusedPage.contains("href=\"\(file)?onglet=heures\" aria-current=\"page\""))
            #expect(refusedPage.contains(#"value="abc""#))
            // A saved form comes back to its tab.
            let noted = try await coordinator.post("\(file)/notes", form: ["noteBody": "Rappeler mardi."])
            #expect(noted.headers.first(name: .location) == "\(file)?onglet=notes#notes")
            let saved = try await coordinator.post("/coops/\(f.coop.id!)/pathways/\(f.fatou.id!)/hours", form: ["week": CalendarDay.today.adding(days: -14).description, "role": "till", "hours": "3,75"])
            #expect(saved.status == .seeOther)
            #expect(try await WorkHoursEntry.query(on: app.db).filter(\.$role == "till").first()?.minutes == 225)

            var cooperant = Browser(app)
            try await cooperant.login("cooperant@maillage.example")
            let own = try await cooperant.get("/coops/\(f.coop.id!)/me/pathway")
            #expect(own.status == .ok)
            #expect(own.body.string.contains("Mon parcours"))
            #expect(!own.body.string.contains("Notes confidentielles"))
            #expect(!own.body.string.contains("crèche à partir de janvier"))
            // No Notes tab for the person, and asking for it opens her summary.
            #expect(!own.body.string.contains("onglet=notes"))
            let asked = try await cooperant.get("/coops/\(f.coop.id!)/me/pathway?onglet=notes").body.string
            #expect(asked.contains(#"id="synthese""#) && !asked.contains("crèche à partir de janvier") && !asked.contains("Notes confidentielles"))
            // Her hours form is open on her Hours tab: it is what she comes for.
            #expect(try await cooperant.get("/coops/\(f.coop.id!)/me/pathway?onglet=heures").body.string
                .contains(#"<details class="add-form no-print" id="hours-add" open="open">"#))
            let passport = try await cooperant.get("/coops/\(f.coop.id!)/pathways/\(f.fatou.id!)/passport")
            #expect(passport.body.string.contains("Passeport de compétences"))
            #expect(passport.body.string.contains("Cuisine"))
            let sent = try await cooperant.post("/coops/\(f.coop.id!)/pathways/\(f.fatou.id!)/hours", form: ["week": CalendarDay.today.description, "role": "service", "hours": "4"])
            #expect(sent.headers.first(name: .location)?.hasSuffix("/me/pathway?onglet=heures#heures") == true)
            #expect(try await cooperant.get("/coops/\(f.coop.id!)/pathways/\(f.jonathan.id!)").status == .notFound)
        }
    }
}
