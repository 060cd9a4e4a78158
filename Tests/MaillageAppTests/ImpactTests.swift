import Fluent
import Foundation
@testable import MaillageApp
import MaillageCore
import Testing
import VaporTesting

/// Impact: every indicator is the figure the other areas compute from the same records, and
/// the statistical secret holds for whoever is outside the cooperative.
@Suite("Impact: indicators, dashboards and the statistical secret")
struct ImpactTests {
    static func rows(_ response: TestingHTTPResponse) throws -> [String: [String: Any]] {
        let array = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: array.map { ($0["key"] as! String, $0) })
    }

    /// Sales, purchases and governance history for the Caillols cooperative, as `seed --demo` loads it.
    static func loadHistory(_ app: Application) async throws -> Cooperative {
        let coop = try await Demo.cooperative(Demo.caillols, app: app)
        let user = { (email: String) async throws -> User in try #require(try await User.query(on: app.db).filter(\.$email == email).first()) }
        let coordinator = try await user("coordination@maillage.example")
        try await DemoTrade.loadHistory(on: app.db, cooperative: coop, cashier: try await user("caisse@maillage.example"), coordinator: coordinator, days: 20)
        try await DemoSourcing.load(on: app.db, cooperative: coop, coordinator: coordinator, weeks: 10)
        let cooperant = try await user("cooperant@maillage.example"), societaire = try await user("societaire@maillage.example")
        try await DemoGovernance.load(on: app.db, cooperative: coop, accounts: [cooperant.name: cooperant, societaire.name: societaire], coordinator: coordinator)
        return coop
    }

    @Test func everyFigureIsWhatTheOtherAreasComputeFromTheSameRecords() async throws {
        try await withMaillage { app in
            let coop = try await Self.loadHistory(app)
            let coordinator = try await APIClient.forDemo("coordination@maillage.example", app: app)
            let to = CalendarDay.today, from = CalendarDay.today.adding(days: -364)
            let query = "?from=\(from)&to=\(to)"
            let base = "/api/v1/coops/\(coop.id!)"
            let response = try await coordinator.send(.GET, "\(base)/indicators\(query)")
            #expect(response.status == .ok)
            let rows = try Self.rows(response)
            #expect(Set(rows.keys) == Set(Indicator.allCases.map(\.rawValue)))
            func value(_ key: String) -> Double? { rows[key]?["value"] as? Double }
            #expect(rows.values.allSatisfy { $0["masked"] == nil }, "the coordination sees exact figures")

            // Pathways: the year's summary of the pathways area.
            let summary = try await coordinator.json(.GET, "\(base)/pathways/summary\(query)")
            #expect(value("people-accompanied") == Double(summary["accompanied"] as? Int ?? -1))
            #expect(value("hours-worked") == summary["hoursWorked"] as? Double)
            #expect(value("training-hours") == summary["trainingHours"] as? Double)
            #expect(value("exits") == Double((summary["exitsByCategory"] as? [String: Int])?.values.reduce(0, +) ?? -1))
            if let rate = summary["dynamicExitRate"] as? Double { #expect(abs((value("dynamic-exit-rate") ?? -1) - rate * 100) < 0.0001) } else { #expect(value("dynamic-exit-rate") == nil) }
            let referrals = try await Referral.query(on: app.db).filter(\.$cooperativeID == coop.id!).all()
                .filter { DayPeriod(from: from, to: to).contains(CalendarDay(date: $0.createdAt!)) }.count
            #expect(value("people-referred") == Double(referrals))
            #expect(referrals > 0)

            // Trade: the figures page of the same period.
            let trade = try await coordinator.json(.GET, "\(base)/trade-figures\(query)")
            #expect(value("solidarity-value") == Double(trade["solidarityCents"] as? Int ?? -1))
            #expect((trade["solidarityCents"] as? Int ?? 0) > 0)
            let reduced = (trade["byTier"] as? [[String: Any]] ?? []).filter { $0["tier"] as? String != "public" }.reduce(0) { $0 + ($1["meals"] as? Int ?? 0) }
            #expect(value("reduced-price-meals") == Double(reduced))
            let households = try await Sale.query(on: app.db).filter(\.$cooperativeID == coop.id!).filter(\.$refundOf == nil).all().compactMap(\.householdID)
            #expect(value("households-served") == Double(Set(households).count))

            // Purchases: the EGAlim page's shares.
            let sourcing = try await coordinator.json(.GET, "\(base)/sourcing/indicators\(query)")
            let egalim = try #require(sourcing["egalimShare"] as? Double)
            #expect(abs(try #require(value("egalim-share")) - egalim * 100) < 0.0001)
            #expect(abs(try #require(value("local-purchase-share")) - (sourcing["localShare"] as? Double ?? -1) * 100) < 0.0001)
            for (key, share) in [("short-circuit-share", "shortCircuitShare"), ("qpv-purchase-share", "qpvShare"), ("organic-share", "bioShare")] {
                #expect(abs(try #require(value(key)) - (sourcing[share] as? Double ?? -1) * 100) < 0.0001, "\(key)")
            }

            // Governance: the register's capital and the members who have a vote today.
            let capital = try await coordinator.json(.GET, "\(base)/capital")
            #expect(value("capital") == Double(capital["totalCents"] as? Int ?? -1))
            let members = try await Member.query(on: app.db).filter(\.$cooperativeID == coop.id!).all().filter { $0.hadVote(on: to) }.count
            #expect(value("members") == Double(members))
            #expect(members > 0)
            // By college: the same associates, each in their college.
            let byCollege = (rows["members-by-college"]?["parts"] as? [[String: Any]] ?? []).reduce(0.0) { $0 + ($1["value"] as? Double ?? 0) }
            #expect(byCollege == Double(members))
            let colleges = Set(try await VotingCollege.query(on: app.db).filter(\.$cooperativeID == coop.id!).all().map(\.name))
            let shownColleges = Set((rows["members-by-college"]?["parts"] as? [[String: Any]] ?? []).compactMap { $0["key"] as? String })
            #expect(shownColleges.isSubset(of: colleges.union(["sans-collège"])) && !shownColleges.isEmpty)

            // The CSV carries the same figures, money in euros.
            let csv = try await coordinator.send(.GET, "\(base)/indicators.csv\(query)")
            #expect(csv.headers.contentType?.subType == "csv")
            let lines = csv.body.string.split(separator: "\n").map(String.init)
            let capitalLine = try #require(lines.first { $0.contains(",capital,") })
            #expect(capitalLine.contains(String(format: "%.2f", (value("capital") ?? 0) / 100)))

            // The dashboard shows them, with the period before beside.
            var browser = Browser(app)
            try await browser.login("coordination@maillage.example")
            let page = try await browser.get("/coops/\(coop.id!)/impact\(query)")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("row-solidarity-value"))
            #expect(page.body.string.contains(Euros.french(Int(value("solidarity-value") ?? 0))))
            #expect(page.body.string.contains("<svg"))
            #expect(!page.body.string.contains("secret-note"))
            // Month by month: the last twelve months of the year asked, a line and a table each.
            #expect(page.body.string.contains("id=\"months-reduced-price-meals\""))
            #expect(page.body.string.contains("<polyline"))
            #expect(page.body.string.contains(String(format: "%02d/%02d", to.month, to.year % 100)))
            let bad = try await browser.get("/coops/\(coop.id!)/impact?from=2026-13-01&to=hier")
            #expect(bad.status == .unprocessableEntity)
            #expect(try await coordinator.send(.GET, "\(base)/indicators?from=2026-06-01&to=2026-01-01").status == .unprocessableEntity)
        }
    }

    /// Three people accompanied and six referred in the Vendômois: the funder sees "< 5" for the
    /// three, and neither part of the referrals, while the coordination sees everything.
    @Test func aFunderSeesAggregatesUnderTheStatisticalSecret() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.vendomois, app: app)
            let opened = CalendarDay.today.adding(days: -30)
            try await app.db.transaction { tx in
                for index in 0..<6 {
                    let person = Person()
                    person.cooperativeID = coop.id!
                    person.firstName = "Personne \(index)"
                    person.lastName = "Test"
                    person.lastContactAt = Date()
                    try await person.create(on: tx)
                    let referral = Referral()
                    referral.cooperativeID = coop.id!
                    referral.$person.id = person.id!
                    referral.referrerLabel = "Julien Perrin"
                    referral.referrerKind = index < 4 ? PartnerKind.missionLocale.rawValue : nil
                    referral.status = ReferralStatus.accepted.rawValue
                    referral.reason = "Emploi"
                    referral.barriers = []
                    referral.consentDate = opened.date
                    referral.consentPurpose = ReferralDraft.consentPurpose
                    referral.shareReason = false
                    referral.statusChangedAt = opened.date
                    try await referral.create(on: tx)
                    guard index < 3 else { continue }
                    let pathway = Pathway()
                    pathway.cooperativeID = coop.id!
                    pathway.$person.id = person.id!
                    pathway.referralID = referral.id
                    pathway.openedOn = opened.date
                    try await pathway.create(on: tx)
                }
            }
            let financeur = try #require(try await User.query(on: app.db).filter(\.$email == "financeur@maillage.example").first())
            try await AccountService(db: app.db).grant(.funder, on: .cooperative, id: coop.id!, to: financeur.id!, by: nil, request: nil)

            let path = "/api/v1/coops/\(coop.id!)/indicators"
            let exact = try Self.rows(try await APIClient.forDemo("coordination.vendomois@maillage.example", app: app).send(.GET, path))
            #expect(exact["people-accompanied"]?["value"] as? Double == 3)
            #expect(exact["people-referred"]?["value"] as? Double == 6)

            let funder = try await APIClient.forDemo("financeur@maillage.example", app: app)
            let shown = try Self.rows(try await funder.send(.GET, path))
            #expect(shown["people-accompanied"]?["masked"] as? Bool == true)
            #expect(shown["people-accompanied"]?["value"] == nil)
            #expect(shown["people-referred"]?["value"] as? Double == 6)
            // 4 by the Mission Locale and 2 without an organisation: both hidden, 6 − ? gives nothing.
            let parts = try #require(shown["people-referred"]?["parts"] as? [[String: Any]])
            #expect(parts.count == 2 && parts.allSatisfy { $0["masked"] as? Bool == true && $0["value"] == nil })
            #expect(shown["qpv-share"]?["masked"] as? Bool == true)
            let csv = try await funder.send(.GET, path.replacingOccurrences(of: "indicators", with: "indicators.csv"))
            #expect(csv.body.string.contains("people-accompanied,Personnes accompagnées,,personnes,< 5"))
            #expect(!csv.body.string.contains("people-accompanied,Personnes accompagnées,,personnes,3"))

            // The network admin lowers the threshold to 3: the funder now reads the 3, still not the 2.
            let networkAdmin = try await APIClient.forDemo("admin@maillage.example", app: app)
            #expect(try await networkAdmin.json(.GET, "/api/v1/network/settings")["secretThreshold"] as? Int == 5)
            #expect(try await networkAdmin.send(.PUT, "/api/v1/network/settings", json: #"{"secretThreshold":2}"#).problem?["errors"] as? [String: String]
                    == ["secretThreshold": "Le seuil du secret statistique va de 3 à 20 personnes."])
            #expect(try await funder.send(.PUT, "/api/v1/network/settings", json: #"{"secretThreshold":3}"#).status == .forbidden)
            #expect(try await networkAdmin.json(.PUT, "/api/v1/network/settings", json: #"{"secretThreshold":3}"#)["secretThreshold"] as? Int == 3)
            let lowered = try Self.rows(try await funder.send(.GET, path))
            #expect(lowered["people-accompanied"]?["value"] as? Double == 3)
            #expect((lowered["people-referred"]?["parts"] as? [[String: Any]])?.first { $0["key"] as? String == "sans-structure" }?["masked"] as? Bool == true)
            #expect(try await funder.send(.GET, path.replacingOccurrences(of: "indicators", with: "indicators.csv")).body.string.contains("< 3"))
            var settingsBrowser = Browser(app)
            try await settingsBrowser.login("admin@maillage.example")
            let refusedThreshold = try await settingsBrowser.post("/network/settings", form: ["secretThreshold": "25"])
            #expect(refusedThreshold.status == .unprocessableEntity)
            #expect(refusedThreshold.body.string.contains("de 3 à 20 personnes"))
            #expect(try await settingsBrowser.post("/network/settings", form: ["secretThreshold": "5"]).status == .seeOther)
            #expect(try await networkAdmin.json(.GET, "/api/v1/network/settings")["secretThreshold"] as? Int == 5)

            // The network side by side: the Vendômois coordinator knows their own 3, so the total
            // may not leave the others' small remainder; the admin sees every exact figure.
            let network = try await APIClient.forDemo("coordination.vendomois@maillage.example", app: app).json(.GET, "/api/v1/network/indicators")
            let coops = try #require(network["cooperatives"] as? [[String: Any]])
            #expect(coops.count == 3)
            let own = try #require(coops.first { $0["coopID"] as? String == coop.id!.uuidString })
            #expect(own["exact"] as? Bool == true)
            #expect((own["indicators"] as? [[String: Any]])?.first { $0["key"] as? String == "people-accompanied" }?["value"] as? Double == 3)
            let admin = try await APIClient.forDemo("admin@maillage.example", app: app).json(.GET, "/api/v1/network/indicators")
            let total = try #require((admin["total"] as? [[String: Any]])?.first { $0["key"] as? String == "people-accompanied" })
            let each = (admin["cooperatives"] as? [[String: Any]] ?? []).compactMap { ($0["indicators"] as? [[String: Any]])?.first { $0["key"] as? String == "people-accompanied" }?["value"] as? Double }
            #expect(total["value"] as? Double == each.reduce(0, +))
            let territory = try await funder.send(.GET, "/api/v1/territories/\(coop.$territory.id)/indicators")
            #expect(territory.status == .ok)

            // Pages: the funder's dashboard says "< 5" and why; the network page opens for the admin.
            var browser = Browser(app)
            try await browser.login("financeur@maillage.example")
            let page = try await browser.get("/coops/\(coop.id!)/impact")
            #expect(page.body.string.contains("secret-note"))
            #expect(page.body.string.contains("&lt; 5"))
            var adminBrowser = Browser(app)
            try await adminBrowser.login("admin@maillage.example")
            #expect(try await adminBrowser.get("/network/impact").status == .ok)
            #expect(try await adminBrowser.get("/territories/\(coop.$territory.id)/impact").status == .ok)
            #expect(try await adminBrowser.get("/indicators").body.string.contains("1 607 heures"))

            // Refused: a cashier (no right), another cooperative's coordinator (not found).
            #expect(try await APIClient.forDemo("caisse@maillage.example", app: app).send(.GET, "/api/v1/coops/\(try await Demo.cooperative(Demo.caillols, app: app).id!)/indicators").status == .forbidden)
            #expect(try await APIClient.forDemo("coordination.avignon@maillage.example", app: app).send(.GET, path).status == .notFound)
            let cashier = try await APIClient.forDemo("caisse@maillage.example", app: app)
            #expect(try await cashier.send(.GET, "/api/v1/network/indicators").status == .forbidden)
            #expect(try await cashier.send(.GET, "/api/v1/network/indicators.csv").status == .forbidden)
            #expect(try await APIClient.forDemo("societaire@maillage.example", app: app).send(.GET, "/api/v1/territories/\(coop.$territory.id)/indicators").status == .notFound)
            var cashierBrowser = Browser(app)
            try await cashierBrowser.login("caisse@maillage.example")
            #expect(try await cashierBrowser.get("/network/impact").status == .forbidden)
        }
    }

    /// The figures no other area computes yet, against records written by hand in the Vendômois:
    /// a barrier lifted, skills gained, 35 hours, an assembly, two partners, a booking.
    @Test func barriersSkillsJobsAssembliesPartnersAndBookingsFollowTheRecords() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.vendomois, app: app)
            let admin = try await APIClient.forDemo("admin@maillage.example", app: app)
            let today = CalendarDay.today
            @Sendable func ago(_ days: Int) -> Date { today.adding(days: -days).date }
            let pathwayID = try await app.db.transaction { tx -> UUID in
                let person = Person()
                person.cooperativeID = coop.id!
                person.firstName = "Inès"
                person.lastName = "Moreau"
                person.qpvCode = nil
                person.lastContactAt = Date()
                try await person.create(on: tx)
                let referral = Referral()
                referral.cooperativeID = coop.id!
                referral.$person.id = person.id!
                referral.referrerLabel = "Julien Perrin"
                referral.status = ReferralStatus.accepted.rawValue
                referral.reason = "Maraîchage"
                referral.barriers = [Barrier.mobility.rawValue, Barrier.digital.rawValue]
                referral.consentDate = ago(70)
                referral.consentPurpose = ReferralDraft.consentPurpose
                referral.shareReason = false
                referral.statusChangedAt = ago(70)
                try await referral.create(on: tx)
                let pathway = Pathway()
                pathway.cooperativeID = coop.id!
                pathway.$person.id = person.id!
                pathway.referralID = referral.id
                pathway.openedOn = ago(60)
                try await pathway.create(on: tx)
                // Mobility moderate, then lifted ten days ago; digital still there.
                for (barrier, level, days) in [(Barrier.mobility, BarrierLevel.moderate, 50), (.mobility, .none, 10), (.digital, .severe, 50)] {
                    let check = BarrierAssessment()
                    check.$pathway.id = pathway.id!
                    check.barrier = barrier.rawValue
                    check.level = level.rawValue
                    check.assessedOn = ago(days)
                    check.authorLabel = "Lucie Moreau"
                    try await check.create(on: tx)
                }
                let competence = Competence()
                competence.cooperativeID = coop.id!
                competence.label = "Conduire une serre"
                competence.position = 1
                competence.active = true
                try await competence.create(on: tx)
                // By the coordination: discovered, then autonomous (two gains), then a lower level
                // (none). The resident's own word, however high, gains nothing (issue 21).
                for (level, days, source) in [(SkillLevel.discovered, 40, SkillSource.coordinator), (.autonomous, 5, .coordinator),
                                              (.practisedWithHelp, 2, .coordinator), (SkillLevel.allCases.last!, 1, .selfAssessment)] {
                    let assessment = SkillAssessment()
                    assessment.$pathway.id = pathway.id!
                    assessment.$competence.id = competence.id!
                    assessment.source = source.rawValue
                    assessment.level = level.rawValue
                    assessment.assessedOn = ago(days)
                    assessment.authorLabel = "Lucie Moreau"
                    try await assessment.create(on: tx)
                }
                // 35 hours validated, 10 awaiting validation.
                for (minutes, status, days) in [(2_100, HoursStatus.validated, 30), (600, .submitted, 23)] {
                    let entry = WorkHoursEntry()
                    entry.$pathway.id = pathway.id!
                    entry.week = ago(days)
                    entry.role = "Maraîchage"
                    entry.minutes = minutes
                    entry.status = status.rawValue
                    entry.enteredByLabel = "Inès Moreau"
                    try await entry.create(on: tx)
                }
                return pathway.id!
            }
            // Four associates; three present or represented at the assembly twenty days ago.
            #expect(try await admin.send(.POST, "/api/v1/coops/\(coop.id!)/member-categories", json: #"{"name":"Habitant·es","kind":"beneficiaries"}"#).status == .created)
            var memberIDs: [UUID] = []
            for name in ["Inès Moreau", "Paul Besnard", "Lucie Roux", "Marc Petit"] {
                let member = try await admin.json(.POST, "/api/v1/coops/\(coop.id!)/members", json: #"{"displayName":"\#(name)","kind":"person","category":"Habitant·es","admittedOn":"2026-01-15"}"#)
                memberIDs.append(try #require(UUID(uuidString: member["id"] as? String ?? "")))
            }
            let assembly = Assembly()
            assembly.cooperativeID = coop.id!
            assembly.kind = "ordinary"
            assembly.convocation = "first"
            assembly.heldOn = ago(20)
            assembly.agenda = "Approbation des comptes"
            try await assembly.create(on: app.db)
            for (memberID, mode) in zip(memberIDs.prefix(3), ["present", "remote", "represented"]) {
                let attendance = AssemblyAttendance()
                attendance.assemblyID = assembly.id!
                attendance.memberID = memberID
                attendance.mode = mode
                attendance.proxyHolderID = mode == "represented" ? memberIDs[0] : nil
                attendance.recordedAt = ago(20)
                try await attendance.create(on: app.db)
            }
            // Two partners with a role toward the cooperative, one without.
            let partners = "/api/v1/territories/\(coop.$territory.id)/partners"
            for (name, kind, role) in [("Mission Locale du Vendômois", "mission-locale", "referrer"), ("Ferme des Coteaux", "entreprise", "supplier")] {
                #expect(try await admin.send(.POST, partners, json: #"{"name":"\#(name)","kind":"\#(kind)","roles":[{"coopID":"\#(coop.id!)","role":"\#(role)"}]}"#).status == .created)
            }
            #expect(try await admin.send(.POST, partners, json: #"{"name":"Bibliothèque de Vendôme","kind":"association"}"#).status == .created)
            // A booking of the minibus for the cooperative three days ago, another for nobody.
            let resource = try await admin.json(.POST, "/api/v1/territories/\(coop.$territory.id)/resources", json: #"{"name":"Minibus","kind":"vehicle","maxDurationMinutes":600}"#)
            let resourceID = try #require(UUID(uuidString: resource["id"] as? String ?? ""))
            for coopID in [coop.id, nil] {
                let booking = ResourceBooking()
                booking.resourceID = resourceID
                booking.startsAt = LocalDateTime(day: today.adding(days: coopID == nil ? -4 : -3), hour: 9, minute: 0).description
                booking.endsAt = LocalDateTime(day: today.adding(days: coopID == nil ? -4 : -3), hour: 12, minute: 0).description
                booking.cooperativeID = coopID
                booking.purpose = "Livraison"
                booking.bookedBy = try #require(try await User.query(on: app.db).filter(\.$email == "admin@maillage.example").first()).id!
                booking.bookedByName = "Nadia Benali"
                try await booking.create(on: app.db)
            }

            let period = "?from=\(today.adding(days: -364))&to=\(today)"
            let rows = try Self.rows(try await APIClient.forDemo("coordination.vendomois@maillage.example", app: app).send(.GET, "/api/v1/coops/\(coop.id!)/indicators\(period)"))
            func value(_ key: String) -> Double? { rows[key]?["value"] as? Double }
            func parts(_ key: String) -> [String: Double] {
                Dictionary(uniqueKeysWithValues: (rows[key]?["parts"] as? [[String: Any]] ?? []).map { ($0["key"] as! String, $0["value"] as? Double ?? -1) })
            }
            #expect(value("barriers-at-entry") == 1)
            #expect(parts("barriers-at-entry") == ["mobility": 1, "digital": 1])
            #expect(value("barriers-resolved") == 1)
            #expect(parts("barriers-resolved") == ["mobility": 1])
            #expect(value("skills-gained") == 2)
            #expect(parts("skills-gained") == ["discovered": 1, "autonomous": 1])
            #expect(value("hours-worked") == 35)
            // 35 h over 1 607 h × 365 / 365: 0,02 FTE.
            #expect(value("fte-jobs") == 0.02)
            #expect(value("assemblies-held") == 1)
            #expect(value("attendance-rate") == 75)
            #expect(value("partners") == 2)
            #expect(parts("partners") == ["mission-locale": 1, "entreprise": 1])
            #expect(value("resource-bookings") == 1)
            #expect(value("people-accompanied") == 1)
            #expect(value("qpv-share") == 0)
            _ = pathwayID
        }
    }
}
