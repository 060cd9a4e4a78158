import Fluent
import Foundation
@testable import MaillageApp
import MaillageCore
import Testing
import VaporTesting

/// The everyday pages (issue 22): a home page that is a to-do list, forms that forgive,
/// tables that become cards on a phone, coloured statuses.
@Suite("Everyday pages: home to-do, forms that forgive, tables and badges")
struct EverydayPagesTests {
    /// The count shown on a to-do line, nil when the line is absent.
    static func todoCount(_ html: String, _ id: String) -> Int? {
        guard let line = html.range(of: "<li id=\"\(id)\">") else { return nil }
        let rest = html[line.upperBound...]
        guard let badge = rest.range(of: "todo-count\">"), let end = rest[badge.upperBound...].firstIndex(of: "<") else { return nil }
        return Int(rest[badge.upperBound..<end].filter(\.isNumber))
    }

    @Test func theCoordinationsHomeCountsWhatWaitsAndFollowsTheData() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let waiting = try await Referral.query(on: app.db).filter(\.$cooperativeID == coop.id!)
                .filter(\.$status ~~ ["sent", "received", "interview"]).all()
            let submitted = try await WorkHoursEntry.query(on: app.db).join(Pathway.self, on: \WorkHoursEntry.$pathway.$id == \Pathway.$id)
                .filter(Pathway.self, \.$cooperativeID == coop.id!).filter(\.$status == "submitted").count()
            var coordinator = Browser(app)
            try await coordinator.login("coordination@maillage.example")
            var home = try await coordinator.get("/").body.string
            #expect(waiting.count > 1)
            #expect(Self.todoCount(home, "todo-referrals") == waiting.count)
            #expect(Self.todoCount(home, "todo-hours") == (submitted == 0 ? nil : submitted))
            #expect(home.contains("href=\"\(SiteURL.referrals(coop.id!).path)\""))
            #expect(Self.todoCount(home, "todo-proofs") == nil)

            // A referral answered, a proof expiring this month, a day of sales left open:
            // the list follows.
            let referral = waiting[0]
            referral.status = ReferralStatus.refused.rawValue
            try await referral.save(on: app.db)
            let household = try #require(try await Household.query(on: app.db).filter(\.$cooperativeID == coop.id!).first())
            let today = CalendarDay.today
            let lastOfMonth = CalendarDay(year: today.year, month: today.month, day: 1).adding(months: 1).adding(days: -1)
            household.validUntil = lastOfMonth.date
            try await household.save(on: app.db)
            let cashier = try await APIClient.forDemo("caisse@maillage.example", app: app)
            let coffee = try #require(try await Product.query(on: app.db).filter(\.$cooperativeID == coop.id!).filter(\.$name == "Café").first())
            let sale = try await cashier.send(.POST, "/api/v1/coops/\(coop.id!)/sales",
                                              json: #"{"lines":[{"productID":"\#(coffee.id!)","quantity":1}],"payments":[{"method":"cash","amountCents":200}]}"#)
            #expect(sale.status == .created)

            home = try await coordinator.get("/").body.string
            #expect(Self.todoCount(home, "todo-referrals") == waiting.count - 1)
            #expect((Self.todoCount(home, "todo-proofs") ?? 0) >= 1)
            #expect((Self.todoCount(home, "todo-till") ?? 0) >= 1)
            // The cashier sees today's sales: a coffee at the public price (the demo holds no sale today).
            var cashierPage = Browser(app)
            try await cashierPage.login("caisse@maillage.example")
            #expect(try await cashierPage.get("/").body.string.contains(Euros.french(coffee.publicPriceCents) + " de ventes — ouvrir la caisse"))
        }
    }

    @Test func eachRoleSeesItsOwnList() async throws {
        try await withMaillage { app in
            var cashier = Browser(app)
            try await cashier.login("caisse@maillage.example")
            let till = try await cashier.get("/").body.string
            #expect(Self.todoCount(till, "todo-till") != nil)
            #expect(Self.todoCount(till, "todo-referrals") == nil)
            #expect(Self.todoCount(till, "todo-subscriptions") == nil)

            var referrer = Browser(app)
            try await referrer.login("orientation@maillage.example")
            let own = try await referrer.get("/").body.string
            let referrerID = try #require(try await User.query(on: app.db).filter(\.$email == "orientation@maillage.example").first()?.id)
            let sent = try await Referral.query(on: app.db).filter(\.$referrerUserID == referrerID).all()
            let shown = ReferralStatus.allCases.compactMap { Self.todoCount(own, "todo-own-referrals-\($0.rawValue)") }.reduce(0, +)
            #expect(!sent.isEmpty)
            #expect(shown == sent.count)
            #expect(Self.todoCount(own, "todo-referrals") == nil)
        }
    }

    @Test func anAssociateIsToldWhatAwaitsHerVoteAndTheNextAssembly() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let user = { (email: String) async throws -> User in try #require(try await User.query(on: app.db).filter(\.$email == email).first()) }
            let (cooperant, societaire) = (try await user("cooperant@maillage.example"), try await user("societaire@maillage.example"))
            try await DemoGovernance.load(on: app.db, cooperative: coop, accounts: [cooperant.name: cooperant, societaire.name: societaire],
                                          coordinator: try await user("coordination@maillage.example"))
            var associate = Browser(app)
            try await associate.login("societaire@maillage.example")
            // The demo's associates voted on every open decision.
            #expect(Self.todoCount(try await associate.get("/").body.string, "todo-decisions") == nil)
            let coordinator = try await APIClient.forDemo("coordination@maillage.example", app: app)
            let nextWeek = CalendarDay.today.adding(days: 7).description + "T18:00"
            let created = try await coordinator.json(.POST, "/api/v1/coops/\(coop.id!)/decisions",
                                                     json: #"{"kind":"proposal","title":"Repeindre la salle commune","closesAt":"\#(nextWeek)"}"#)
            let id = try #require(created["id"] as? String, "\(created)")
            var home = try await associate.get("/").body.string
            #expect(Self.todoCount(home, "todo-decisions") == 1)
            #expect(home.contains("la première se ferme le \(CalendarDay.today.adding(days: 7).french)"))
            let assemblies = try await Assembly.query(on: app.db).filter(\.$cooperativeID == coop.id!).filter(\.$heldOn >= CalendarDay.today.date)
                .filter(\.$lockedAt == nil).count()
            #expect(Self.todoCount(home, "todo-assembly") == (assemblies == 0 ? nil : assemblies))
            // Once she has voted, the line is gone.
            let member = try await APIClient.forDemo("societaire@maillage.example", app: app)
            #expect(try await member.send(.POST, "/api/v1/coops/\(coop.id!)/decisions/\(id)/votes", json: #"{"stance":"agree"}"#).status == .created)
            home = try await associate.get("/").body.string
            #expect(Self.todoCount(home, "todo-decisions") == nil)
        }
    }

    @Test func aFunderSeesHerAgreementsAndTheNetworkAdminWhatEachCooperativeIsLateOn() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            // The territory's partners and the cooperative's agreements, as the demo's history has them.
            let admin = try #require(try await User.query(on: app.db).filter(\.$email == "admin@maillage.example").first())
            let territory = try #require(try await Territory.find(coop.$territory.id, on: app.db))
            try await DemoPartners.load(on: app.db, territories: [territory], cooperatives: [territory.id!: coop], admin: admin)
            try await DemoPartners.agreements(on: app.db, cooperatives: [coop], admin: admin)
            var funder = Browser(app)
            try await funder.login("financeur@maillage.example")
            let home = try await funder.get("/").body.string
            let funderID = try #require(try await User.query(on: app.db).filter(\.$email == "financeur@maillage.example").first()?.id)
            let principal = try #require(try await PrincipalLoader.load(userID: funderID, db: app.db, viaBearerToken: false))
            let agreements = try await FundingRepository(db: app.db, scope: CooperativeScope(cooperative: coop, principal: principal)).agreements()
            #expect(!agreements.isEmpty)
            #expect(Self.todoCount(home, "todo-agreements") == agreements.count)
            #expect(Self.todoCount(home, "todo-referrals") == nil)

            // A day of sales left open a week ago: the network admin sees it against the cooperative.
            var network = Browser(app)
            try await network.login("admin@maillage.example")
            let before = try await network.get("/").body.string
            #expect(before.contains(#"id="network-todo""#))
            #expect(Self.todoCount(before, "todo-referrals") == nil, "the network admin gets one table, not every cooperative's list")
            let row = try #require(before.components(separatedBy: SiteURL.cooperative(coop.id!).path + "\">").dropFirst().first?.components(separatedBy: "</tr>").first)
            #expect(row.contains("badge"))
            let late = try await Referral.query(on: app.db).filter(\.$cooperativeID == coop.id!).filter(\.$status == "sent").first()
            let referral = try #require(late)
            referral.statusChangedAt = Date().addingTimeInterval(-20 * 86_400)
            try await referral.save(on: app.db)
            let after = try await network.get("/").body.string
            let lateRow = try #require(after.components(separatedBy: SiteURL.cooperative(coop.id!).path + "\">").dropFirst().first?.components(separatedBy: "</tr>").first)
            #expect(lateRow.contains("orientations à traiter") || lateRow.contains("orientation à traiter"), "\(lateRow)")
        }
    }

    @Test func hoursTypedAsPeopleWriteThemAreKeptAndARefusalOpensOnItsSummary() async throws {
        try await withMaillage { app in
            let f = try await PathwayFileTests.fixture(app)
            var cooperant = Browser(app)
            try await cooperant.login("cooperant@maillage.example")
            let path = "/coops/\(f.coop.id!)/pathways/\(f.fatou.id!)/hours"
            let week = CalendarDay.today.adding(days: -7 * 30).description
            let refused = try await cooperant.post(path, form: ["week": week, "role": "kitchen", "hours": "7h10"])
            #expect(refused.status == .unprocessableEntity)
            let html = refused.body.string
            // The summary is focused when the page opens, links to the field, and the typed
            // value is kept.
            #expect(html.contains(#"class="error-summary" role="alert" tabindex="-1" autofocus="autofocus""#))
            #expect(html.contains(##"<a href="#hours">Les heures se comptent par quart d'heure"##))
            #expect(html.contains(#"value="7h10""#))
            let before = try await WorkHoursEntry.query(on: app.db).filter(\.$pathway.$id == f.fatou.id!).count()
            // One line per role and week.
            for (typed, role) in [("7h30", "purchasing"), ("7 h 30", "delivery"), ("7:30", "maintenance")] {
                let sent = try await cooperant.post(path, form: ["week": week, "role": role, "hours": typed])
                #expect(sent.status == .seeOther, "\(typed): \(sent.body.string.components(separatedBy: "error-summary").dropFirst().first?.prefix(400) ?? "")")
            }
            let entries = try await WorkHoursEntry.query(on: app.db).filter(\.$pathway.$id == f.fatou.id!).filter(\.$role ~~ ["purchasing", "delivery", "maintenance"]).all()
            #expect(try await WorkHoursEntry.query(on: app.db).filter(\.$pathway.$id == f.fatou.id!).count() == before + 3)
            #expect(entries.filter { $0.minutes == 450 }.count >= 3)
        }
    }

    @Test func tablesLabelEveryValueAndStatusesCarryTheirColour() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            var coordinator = Browser(app)
            try await coordinator.login("coordination@maillage.example")
            let referrals = try await coordinator.get(SiteURL.referrals(coop.id!).path).body.string
            #expect(referrals.contains(#"<table class="stack">"#))
            #expect(referrals.contains(#"<td data-label="Personne">"#))
            #expect(referrals.contains(#"<td data-label="État"><span class="badge badge-warning">Envoyée</span>"#))

            var admin = Browser(app)
            try await admin.login("admin@maillage.example")
            let guide = try await admin.get(SiteURL.styleguide.path)
            #expect(guide.status == .ok)
            for tone in Tone.allCases { #expect(guide.body.string.contains("badge badge-\(tone.rawValue)")) }
            // The example summary does not steal the focus.
            #expect(!guide.body.string.contains("autofocus"))
            #expect(try await coordinator.get(SiteURL.styleguide.path).status == .forbidden)
        }
    }

    @Test func residentsAreNotOfferedAPITokens() async throws {
        try await withMaillage { app in
            var resident = Browser(app)
            try await resident.login("cooperant@maillage.example")
            let own = try await resident.get("/profile").body.string
            #expect(own.contains("Mon profil"))
            #expect(!own.contains("token-form"))
            #expect(try await resident.post("/profile/tokens", form: ["tokenName": "Mon script"]).status == .forbidden)
            var funder = Browser(app)
            try await funder.login("financeur@maillage.example")
            #expect(try await funder.get("/profile").body.string.contains("token-form"))
        }
    }

    @Test func insideACooperativeTheNavigationShowsWhatTheRoleMayUse() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            var resident = Browser(app)
            try await resident.login("cooperant@maillage.example")
            let own = try await resident.get(SiteURL.ownPathway(coop.id!).path).body.string
            let nav = try #require(own.components(separatedBy: "<details class=\"coop-menu\">").dropFirst().first?.components(separatedBy: "</details>").first)
            // The resident's own space first, in the first person; nothing of the coordination.
            #expect(nav.contains("Mon espace"))
            #expect(nav.range(of: "Mon parcours")!.lowerBound < nav.range(of: "Mes heures")!.lowerBound)
            #expect(nav.contains("/me/pathway?onglet=formations"))
            #expect(!nav.contains("Orientations reçues") && !nav.contains("Caisse") && !nav.contains("Journal d&#39;audit"))
            var coordinator = Browser(app)
            try await coordinator.login("coordination@maillage.example")
            let referrals = try await coordinator.get(SiteURL.referrals(coop.id!).path).body.string
            for area in ["Parcours", "Activité", "Approvisionnement", "Gouvernance", "Partenaires", "Impact"] {
                #expect(referrals.contains("<p class=\"coop-nav-area\">\(area)</p>"), "\(area)")
            }
            #expect(referrals.contains(#"<a href="\#(SiteURL.referrals(coop.id!).path)" aria-current="page">"#))
            #expect(!referrals.contains("Mon espace"))
        }
    }

    @Test func referralsAreSearchedAndFilteredOnThePageAndInTheAPI() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let all = try await Referral.query(on: app.db).filter(\.$cooperativeID == coop.id!).with(\.$person).all()
            let sent = all.filter { $0.status == "sent" }
            let someone = try #require(sent.first?.person)
            var coordinator = Browser(app)
            try await coordinator.login("coordination@maillage.example")
            let path = SiteURL.referrals(coop.id!).path
            // Searched without accents or case, the address keeps the filter.
            let typed = SearchText.fold(someone.lastName).uppercased()
            let found = try await coordinator.get(path + "?q=" + Browser.encode(typed)).body.string
            #expect(found.contains(someone.fullName))
            #expect(found.contains(#"value="\#(typed)""#))
            let others = all.filter { !SearchText.fold($0.person.fullName + " " + $0.referrerLabel).contains(SearchText.fold(someone.lastName)) }
            #expect(!others.isEmpty)
            for other in others { #expect(!found.contains(">\(other.person.fullName)<")) }
            let onlySent = try await coordinator.get(path + "?status=sent").body.string
            #expect(onlySent.components(separatedBy: "badge badge-warning").count - 1 == sent.count)
            #expect(!onlySent.contains("badge-success\">Acceptée<"))
            let bad = try await coordinator.get(path + "?status=envoyee")
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("n&#39;est pas un état") || bad.body.string.contains("n'est pas un état"))

            let api = try await APIClient.forDemo("coordination@maillage.example", app: app)
            // Without a limit, every referral in one answer, as before the filters.
            let everything = try await api.json(.GET, "/api/v1/coops/\(coop.id!)/referrals")
            #expect((everything["items"] as? [[String: Any]])?.count == all.count && (everything["nextCursor"] as? String) == nil)
            let listed = try await api.json(.GET, "/api/v1/coops/\(coop.id!)/referrals?status=sent")
            #expect((listed["items"] as? [[String: Any]])?.count == sent.count)
            let firstPage = try await api.json(.GET, "/api/v1/coops/\(coop.id!)/referrals?limit=2")
            #expect((firstPage["items"] as? [[String: Any]])?.count == 2)
            let cursor = try #require(firstPage["nextCursor"] as? String)
            let secondPage = try await api.json(.GET, "/api/v1/coops/\(coop.id!)/referrals?limit=2&cursor=\(cursor)")
            let ids = { (page: [String: Any]) in Set((page["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }) }
            #expect(ids(firstPage).isDisjoint(with: ids(secondPage)) && ids(secondPage).count == 2)
            #expect(try await api.send(.GET, "/api/v1/coops/\(coop.id!)/referrals?status=envoyee").status == .unprocessableEntity)
        }
    }

    @Test func pathwaysAreSearchedByNameAndFilteredByExit() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let pathways = try await Pathway.query(on: app.db).filter(\.$cooperativeID == coop.id!).with(\.$person).all()
            let exited = pathways.filter { $0.exitCategory != nil }
            #expect(!exited.isEmpty && exited.count < pathways.count)
            var coordinator = Browser(app)
            try await coordinator.login("coordination@maillage.example")
            let path = SiteURL.pathways(coop.id!).path
            let fatou = try await coordinator.get(path + "?q=FATOU").body.string
            #expect(fatou.contains(">Fatou Diallo<"))
            #expect(fatou.contains("Parcours 1 à 1 sur 1"))
            let out = try await coordinator.get(path + "?status=exited").body.string
            #expect(out.contains("sur \(exited.count),"))
            for pathway in pathways where pathway.exitCategory == nil { #expect(!out.contains(">\(pathway.person.fullName)<")) }
            #expect(try await coordinator.get(path + "?status=parti").status == .unprocessableEntity)
        }
    }

    @Test func theRegisterIsSearchedOnThePageAndInTheAPI() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let api = try await APIClient.forDemo("coordination@maillage.example", app: app)
            for (name, kind) in [("Habitant·es bénéficiaires", "beneficiaries"), ("Partenaires", "supporters")] {
                #expect(try await api.send(.POST, "/api/v1/coops/\(coop.id!)/member-categories", json: #"{"name":"\#(name)","kind":"\#(kind)"}"#).status == .created)
            }
            for (name, category) in [("Amélie Poulain", "beneficiaries"), ("Centre social des Caillols", "supporters"), ("Jean Dupont", "beneficiaries")] {
                let organisation = name.hasPrefix("Centre")
                let admitted = try await api.send(.POST, "/api/v1/coops/\(coop.id!)/members", json: #"""
                    {"displayName":"\#(name)","kind":"\#(organisation ? "organisation" : "person")",\#(organisation ? #""representative":"Mireille Ouali","# : "")"category":"\#(category)","admittedOn":"2025-06-21"}
                    """#)
                #expect(admitted.status == .created, "\(admitted.body.string)")
            }
            let members = try await Member.query(on: app.db).filter(\.$cooperativeID == coop.id!).all()
            let someone = try #require(members.first { $0.displayName == "Amélie Poulain" })
            var coordinator = Browser(app)
            try await coordinator.login("coordination@maillage.example")
            let word = "AMELIE"
            let found = try await coordinator.get(SiteURL.members(coop.id!).path + "?q=" + Browser.encode(SearchText.fold(word))).body.string
            #expect(found.contains(">\(someone.displayName)<"))
            let expected = members.filter { SearchText.fold($0.displayName + " " + ($0.representative ?? "") + " \($0.number)").contains(SearchText.fold(word)) }
            #expect(found.contains(FrenchText.count(expected.count, "résultat", "résultats")))
            let all = try await api.json(.GET, "/api/v1/coops/\(coop.id!)/members")
            #expect((all["items"] as? [[String: Any]])?.count == members.count)
            let current = try await api.json(.GET, "/api/v1/coops/\(coop.id!)/members?status=member")
            #expect((current["items"] as? [[String: Any]])?.count == members.filter { $0.status == "member" }.count)
        }
    }

    @Test func householdsAreFoundByCardAndByTheStateOfTheirProof() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let households = try await Household.query(on: app.db).filter(\.$cooperativeID == coop.id!).all()
            let today = CalendarDay.today
            let expired = households.filter { CalendarDay(date: $0.validUntil) < today }
            #expect(!expired.isEmpty)
            var cashier = Browser(app)
            try await cashier.login("caisse@maillage.example")
            let path = SiteURL.households(coop.id!).path
            let card = try #require(households.first?.card)
            let found = try await cashier.get(path + "?q=" + card.lowercased()).body.string
            #expect(found.contains("<code>\(card)</code>"))
            #expect(found.contains(FrenchText.count(households.filter { $0.card.lowercased().contains(card.lowercased()) }.count, "foyer", "foyers")))
            let out = try await cashier.get(path + "?status=expired").body.string
            #expect(out.contains(FrenchText.count(expired.count, "foyer", "foyers")))
            let api = try await APIClient.forDemo("caisse@maillage.example", app: app)
            let listed = try await api.json(.GET, "/api/v1/coops/\(coop.id!)/households?status=expired")
            #expect((listed["items"] as? [[String: Any]])?.count == expired.count)
            #expect((try await api.json(.GET, "/api/v1/coops/\(coop.id!)/households")["items"] as? [[String: Any]])?.count == households.count)
        }
    }

    @Test func aPersonReferredTwiceIsFlaggedToTheCoordinatorOnly() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let referrer = try await APIClient.forDemo("orientation@maillage.example", app: app)
            func send(_ first: String, _ last: String, _ year: Int) async throws -> String {
                let body = #"{"person":{"firstName":"\#(first)","lastName":"\#(last)","birthYear":\#(year),"contact":"06 11 22 33 44"},"#
                    + #""reason":"Cuisine","preferredContact":"SMS le matin","consent":{"given":true,"date":"2026-11-02"}}"#
                let created = try await referrer.send(.POST, "/api/v1/coops/\(coop.id!)/referrals", json: body)
                #expect(created.status == .created)
                return try #require(created.problem?["id"] as? String)
            }
            let first = try await send("Aïcha", "Ben-Saïd", 1994)
            let second = try await send("aicha", "BEN SAID", 1994)
            let other = try await send("Aïcha", "Ben-Saïd", 1995)
            let coordinator = try await APIClient.forDemo("coordination@maillage.example", app: app)
            let read = try await coordinator.json(.GET, "/api/v1/coops/\(coop.id!)/referrals/\(second)")
            #expect((read["possibleDuplicateIDs"] as? [String])?.map { $0.lowercased() } == [first.lowercased()])
            #expect((try await coordinator.json(.GET, "/api/v1/coops/\(coop.id!)/referrals/\(other)")["possibleDuplicateIDs"] as? [String]) == [])
            // The referrer is not told about referrals others sent.
            #expect(try await referrer.json(.GET, "/api/v1/coops/\(coop.id!)/referrals/\(second)")["possibleDuplicateIDs"] == nil)

            var browser = Browser(app)
            try await browser.login("coordination@maillage.example")
            let page = try await browser.get(SiteURL.referral(coop.id!, try #require(UUID(uuidString: second))).path).body.string
            #expect(page.contains(#"id="duplicates""#) && page.contains(SiteURL.referral(coop.id!, try #require(UUID(uuidString: first))).path))
            // Everything the referrer sent is on the page.
            #expect(page.contains("06 11 22 33 44") && page.contains("SMS le matin") && page.contains("Cuisine"))
            var sender = Browser(app)
            try await sender.login("orientation@maillage.example")
            #expect(!(try await sender.get(SiteURL.referral(coop.id!, try #require(UUID(uuidString: second))).path).body.string.contains(#"id="duplicates""#)))
        }
    }

    @Test func pathwaysAreFilteredByReferentAndSortedByNameOnThePageAndInTheAPI() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let claire = try #require(try await User.query(on: app.db).filter(\.$email == "coordination@maillage.example").first())
            // One file followed by nobody.
            let followed = try #require(try await Pathway.query(on: app.db).filter(\.$cooperativeID == coop.id!).first())
            followed.referentUserID = nil
            try await followed.save(on: app.db)
            let pathways = try await Pathway.query(on: app.db).filter(\.$cooperativeID == coop.id!).with(\.$person).all()
            let hers = pathways.filter { $0.referentUserID == claire.id }
            #expect(!hers.isEmpty && hers.count < pathways.count)
            let api = try await APIClient.forDemo("coordination@maillage.example", app: app)
            let base = "/api/v1/coops/\(coop.id!)/pathways"
            let all = try await api.json(.GET, base)
            #expect((all["items"] as? [[String: Any]])?.count == pathways.count)
            let mine = try #require(try await api.json(.GET, base + "?referent=\(claire.id!)")["items"] as? [[String: Any]])
            #expect(Set(mine.compactMap { $0["id"] as? String }.map { $0.lowercased() }) == Set(hers.map { $0.id!.uuidString.lowercased() }))
            #expect(mine.allSatisfy { $0["referentName"] as? String == "Claire Martin" })
            // By last name, then first name.
            let byName = try #require(try await api.json(.GET, base + "?sort=nom")["items"] as? [[String: Any]])
            let expected = pathways.sorted { ($0.person.lastName, $0.person.firstName) < ($1.person.lastName, $1.person.firstName) }.map(\.person.fullName)
            #expect(byName.compactMap { $0["personName"] as? String } == expected)
            // Unknown values: a 422 naming the parameter.
            let wrong = try await api.send(.GET, base + "?referent=claire&sort=age")
            #expect(wrong.status == .unprocessableEntity)
            #expect(Set((wrong.problem?["errors"] as? [String: String] ?? [:]).keys) == ["referent", "sort"])
            // The page: the referent's column and filter, kept in the address.
            var browser = Browser(app)
            try await browser.login("coordination@maillage.example")
            let page = try await browser.get(SiteURL.pathways(coop.id!).path + "?referent=\(claire.id!.uuidString.lowercased())&sort=nom").body.string
            #expect(page.contains(#"<option value="\#(claire.id!.uuidString.lowercased())" selected="selected">Claire Martin</option>"#))
            #expect(page.contains(#"<option value="nom" selected="selected">"#))
            let others = pathways.filter { $0.referentUserID != claire.id }.map(\.person.fullName)
            #expect(!others.contains { page.contains(">\($0)</a>") })
        }
    }
}
