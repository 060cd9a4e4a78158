import Fluent
import Foundation
@testable import MaillageApp
import MaillageCore
import Testing
import VaporTesting

/// A general assembly of a SCIC with three colleges, from the convocation to the locked
/// minutes, through the API and the pages.
@Suite("Governance: general assemblies")
struct AssemblyTests {
    static func errors(_ response: TestingHTTPResponse) -> [String: String] {
        response.problem?["errors"] as? [String: String] ?? [:]
    }

    /// Residents 40 %, workers 35 %, partners 25 %; seven residents (the first is the demo
    /// sociétaire's account), two workers, two partners, and a candidate without a vote.
    struct SCIC {
        var base: String
        var members: [String: String]
    }

    static func scic(_ app: Application, coordinator: APIClient, maxProxies: Int = 1) async throws -> SCIC {
        let coop = try await Demo.cooperative(Demo.caillols, app: app)
        let base = "/api/v1/coops/\(coop.id!)"
        for (name, kind) in [("Habitant·es", "beneficiaries"), ("Salarié·es", "employees"), ("Partenaires", "supporters")] {
            #expect(try await coordinator.send(.POST, "\(base)/member-categories", json: #"{"name":"\#(name)","kind":"\#(kind)"}"#).status == .created)
        }
        for (name, weight) in [("Habitant·es", 40), ("Salarié·es", 35), ("Partenaires", 25)] {
            #expect(try await coordinator.send(.POST, "\(base)/colleges", json: #"{"name":"\#(name)","weightPercent":\#(weight)}"#).status == .created)
        }
        #expect(try await coordinator.send(.PUT, "\(base)/statutes", json: #"{"collegesEnabled":true,"maxProxiesPerHolder":\#(maxProxies)}"#).status == .ok)
        let societaire = try #require(try await User.query(on: app.db).filter(\.$email == "societaire@maillage.example").first())
        var members: [String: String] = [:]
        let roster = (1...7).map { ("H\($0)", "Habitant·es") } + [("S1", "Salarié·es"), ("S2", "Salarié·es"), ("P1", "Partenaires"), ("P2", "Partenaires")]
        for (name, college) in roster {
            let account = name == "H1" ? #","userID":"\#(societaire.id!)""# : ""
            let response = try await coordinator.send(.POST, "\(base)/members", json: #"""
            {"displayName":"\#(name)","kind":"person","category":"\#(college)","collegeID":"\#(college)","admittedOn":"2025-06-21"\#(account)}
            """#)
            #expect(response.status == .created)
            members[name] = try #require(response.problem?["id"] as? String)
        }
        let candidate = try await coordinator.send(.POST, "\(base)/members", json: #"{"displayName":"Candidate","kind":"person","category":"Habitant·es","collegeID":"Habitant·es","status":"candidate"}"#)
        members["candidate"] = try #require(candidate.problem?["id"] as? String)
        return SCIC(base: base, members: members)
    }

    @Test func anAssemblyCountsTheQuorumChecksProxiesAndWeighsTheVoteByCollege() async throws {
        try await withMaillage { app in
            let coordinator = try await APIClient.forDemo("coordination@maillage.example", app: app)
            let scic = try await Self.scic(app, coordinator: coordinator)
            let (base, m) = (scic.base, scic.members)

            // Too close: the convocation leaves at least fifteen days before.
            let soon = try await coordinator.json(.POST, "\(base)/assemblies", json: #"{"kind":"ordinary","date":"\#(CalendarDay.today.adding(days: 10))"}"#)
            let late = try await coordinator.send(.POST, "\(base)/assemblies/\(soon["id"] as! String)/convocation")
            #expect(late.status == .unprocessableEntity)
            #expect(Self.errors(late)["date"]?.contains("il en reste 10") == true)
            let bad = try await coordinator.send(.POST, "\(base)/assemblies", json: #"{"kind":"annual","date":"12 juin 2027","remoteLink":"visio"}"#)
            #expect(Set(Self.errors(bad).keys) == ["kind", "date", "remoteLink"])

            let assembly = try await coordinator.json(.POST, "\(base)/assemblies", json: #"""
            {"kind":"ordinary","convocation":"first","date":"\#(CalendarDay.today.adding(days: 20))T18:30","place":"Centre social des Caillols","agenda":["Approbation des comptes","Affectation du résultat"]}
            """#)
            let id = try #require(assembly["id"] as? String)
            let path = "\(base)/assemblies/\(id)"
            let convened = try await coordinator.json(.POST, "\(path)/convocation")
            #expect(convened["convenedOn"] as? String == CalendarDay.today.description)
            #expect(convened["emailsQueued"] as? Int == 1) // H1 has an account: the others get the letter
            #expect(try await OutboxMessage.query(on: app.db).filter(\.$recipient == "societaire@maillage.example").first()?.subject.contains("Convocation") == true)
            #expect(try await coordinator.send(.POST, "\(path)/convocation").status == .conflict)

            func attend(_ member: String, _ mode: String, holder: String? = nil) async throws -> TestingHTTPResponse {
                let proxy = holder.map { #","proxyHolderID":"\#(m[$0]!)""# } ?? ""
                return try await coordinator.send(.POST, "\(path)/attendance", json: #"{"memberID":"\#(m[member]!)","mode":"\#(mode)"\#(proxy)}"#)
            }
            let present = try await attend("H2", "present")
            #expect(present.status == .created)
            // Every creation answers its own id.
            #expect((present.problem?["id"] as? String).flatMap(UUID.init(uuidString:)) != nil)
            // 1 of 11 members with a vote; the quorum of 1/5 needs 3.
            var detail = try await coordinator.json(.GET, path)
            #expect(detail["membersWithVote"] as? Int == 11)
            #expect(detail["quorumReached"] as? Bool == false)
            #expect(Self.errors(try await attend("H3", "represented", holder: "H4"))["proxyHolderID"]?.contains("présent") == true)
            #expect(try await attend("H4", "present").status == .created)
            #expect(try await attend("H3", "represented", holder: "H4").status == .created)
            // The statutes allow one proxy per holder.
            #expect(Self.errors(try await attend("H5", "represented", holder: "H4"))["proxyHolderID"]?.contains("déjà 1 pouvoir") == true)
            #expect(Self.errors(try await attend("H4", "remote"))["mode"]?.contains("porte 1 pouvoir") == true)
            #expect(Self.errors(try await attend("candidate", "present"))["memberID"]?.contains("pas de voix") == true)
            #expect(Self.errors(try await attend("H6", "represented", holder: "H6"))["proxyHolderID"] != nil)
            for (member, mode) in [("H1", "remote"), ("H5", "present"), ("H6", "present"), ("H7", "present"), ("S1", "present"), ("S2", "present"),
                                   ("P1", "postal"), ("P2", "present")] {
                #expect(try await attend(member, mode).status == .created)
            }
            detail = try await coordinator.json(.GET, path)
            #expect(detail["participating"] as? Int == 11)
            #expect(detail["quorumReached"] as? Bool == true)

            // Resolution 1: every resident against, every worker and partner for.
            let first = try await coordinator.json(.POST, "\(path)/resolutions", json: #"{"title":"Approbation des comptes","text":"L'assemblée approuve les comptes 2026."}"#)
            let r1 = try #require(first["resolutionID"] as? String)
            #expect(first["id"] as? String == r1)
            #expect(first["majority"] as? String == "ordinary")
            let member = try await APIClient.forDemo("societaire@maillage.example", app: app)
            // H1 votes from their phone, changes their mind (the same vote, changed), and may not vote for H2.
            let voted = try await member.send(.POST, "\(path)/resolutions/\(r1)/votes", json: #"{"memberID":"\#(m["H1"]!)","choice":"for"}"#)
            #expect(voted.status == .created)
            let voteID = try #require(voted.problem?["id"] as? String)
            let changed = try await member.send(.POST, "\(path)/resolutions/\(r1)/votes", json: #"{"memberID":"\#(m["H1"]!)","choice":"against"}"#)
            #expect(changed.status == .created)
            #expect(changed.problem?["id"] as? String == voteID)
            #expect(try await member.send(.POST, "\(path)/resolutions/\(r1)/votes", json: #"{"memberID":"\#(m["H2"]!)","choice":"for"}"#).status == .forbidden)
            for name in ["H2", "H3", "H4", "H5", "H6", "H7"] {
                #expect(try await coordinator.send(.POST, "\(path)/resolutions/\(r1)/votes", json: #"{"memberID":"\#(m[name]!)","choice":"against"}"#).status == .created)
            }
            for name in ["S1", "S2", "P1", "P2"] {
                #expect(try await coordinator.send(.POST, "\(path)/resolutions/\(r1)/votes", json: #"{"memberID":"\#(m[name]!)","choice":"for"}"#).status == .created)
            }
            #expect(Self.errors(try await coordinator.send(.POST, "\(path)/resolutions/\(r1)/votes", json: #"{"memberID":"\#(m["candidate"]!)","choice":"for"}"#))["memberID"] != nil)
            let result = try await coordinator.json(.GET, "\(path)/resolutions/\(r1)/result")
            // Head count: 4 for, 7 against, rejected. Weighted: 0 × 40 + 1 × 35 + 1 × 25 = 60 %, adopted.
            #expect(result["for"] as? Int == 4)
            #expect(result["against"] as? Int == 7)
            #expect(result["votesCast"] as? Int == 11)
            #expect(result["weightedForPercent"] as? Double == 60)
            #expect(result["adopted"] as? Bool == true)
            #expect(result["adoptedByHeadCount"] as? Bool == false)
            #expect(result["quorumReached"] as? Bool == true)
            let residents = try #require((result["byCollege"] as? [[String: Any]])?.first { $0["name"] as? String == "Habitant·es" })
            #expect(residents["forPercent"] as? Double == 0)
            #expect(residents["against"] as? Int == 7)

            // Resolution 2, at two thirds: partners all abstain, so their college is left out
            // and the others' weights scale up: 40/75 × 100 % + 35/75 × 50 % = 76,67 %.
            let second = try await coordinator.json(.POST, "\(path)/resolutions", json: #"{"title":"Réserves","text":"L'excédent va aux réserves impartageables.","majority":"2/3"}"#)
            let r2 = try #require(second["resolutionID"] as? String)
            for (name, choice) in [("H1", "for"), ("H2", "for"), ("H3", "for"), ("H4", "for"), ("H5", "for"), ("H6", "for"), ("H7", "for"),
                                   ("S1", "for"), ("S2", "against"), ("P1", "abstain"), ("P2", "abstain")] {
                #expect(try await coordinator.send(.POST, "\(path)/resolutions/\(r2)/votes", json: #"{"memberID":"\#(m[name]!)","choice":"\#(choice)"}"#).status == .created)
            }
            let weighted = try await coordinator.json(.GET, "\(path)/resolutions/\(r2)/result")
            #expect(weighted["weightedForPercent"] as? Double == 76.67)
            #expect(weighted["abstain"] as? Int == 2)
            #expect(weighted["adopted"] as? Bool == true)
            #expect(Self.errors(try await coordinator.send(.POST, "\(path)/resolutions", json: #"{"title":"X","text":"Y","majority":"1/3"}"#))["majority"] != nil)

            let closed = try await coordinator.json(.POST, "\(path)/resolutions/\(r1)/close")
            #expect(closed["closed"] as? Bool == true)
            #expect(try await member.send(.POST, "\(path)/resolutions/\(r1)/votes", json: #"{"memberID":"\#(m["H1"]!)","choice":"for"}"#).status == .conflict)

            // Who may not: a cashier types no vote, a funder reads no assembly, another
            // cooperative's coordinator finds none.
            let cashier = try await APIClient.forDemo("caisse@maillage.example", app: app)
            #expect(try await cashier.send(.POST, "\(path)/resolutions/\(r2)/votes", json: #"{"memberID":"\#(m["H2"]!)","choice":"for"}"#).status == .forbidden)
            #expect(try await cashier.send(.POST, "\(path)/attendance", json: #"{"memberID":"\#(m["H2"]!)","mode":"present"}"#).status == .forbidden)
            #expect(try await APIClient.forDemo("financeur@maillage.example", app: app).send(.GET, path).status == .forbidden)
            #expect(try await APIClient.forDemo("coordination.avignon@maillage.example", app: app).send(.GET, path).status == .notFound)

            // The minutes: a draft, then locked; the assembly is frozen from then on.
            let draft = try await coordinator.send(.GET, "\(path)/minutes")
            #expect(draft.headers.contentType == .html)
            #expect(draft.body.string.contains("minutes-draft"))
            let locked = try await coordinator.json(.POST, "\(path)/minutes/lock")
            #expect(locked["locked"] as? Bool == true)
            let minutes = try await coordinator.send(.GET, "\(path)/minutes").body.string
            #expect(!minutes.contains("minutes-draft"))
            #expect(minutes.contains("Sur 11 associé·es ayant voix, 11 ont pris part : 8 présent·es, 1 à distance, 1 par correspondance, 1 représenté·es."))
            #expect(minutes.contains("soit 3 ; il est atteint"))
            #expect(minutes.contains("Résultat pondéré par collège : 60,00 % pour. Au décompte par tête, la résolution aurait été rejetée"))
            #expect(minutes.contains("Résultat pondéré par collège : 76,67 % pour."))
            #expect(minutes.contains("H3, par n° 4 H4"))
            #expect(minutes.contains("verrouillé le " + CalendarDay.today.french + "."))
            #expect(try await attend("H2", "remote").status == .conflict)
            #expect(try await coordinator.send(.POST, "\(path)/resolutions/\(r2)/votes", json: #"{"memberID":"\#(m["H2"]!)","choice":"against"}"#).status == .conflict)
            // A member admitted later changes nothing in what was locked.
            _ = try await coordinator.send(.POST, "\(base)/members", json: #"{"displayName":"Nouvelle","kind":"person","category":"Habitant·es","collegeID":"Habitant·es","admittedOn":"\#(CalendarDay.today)"}"#)
            #expect(try await coordinator.send(.GET, "\(path)/minutes").body.string == minutes)
            let r2Closed = try await coordinator.json(.GET, "\(path)/resolutions/\(r2)/result")
            #expect(r2Closed["closed"] as? Bool == true)
            // Neither a member leaving nor the statutes changing afterwards move a locked result.
            #expect(try await coordinator.send(.POST, "\(base)/members/\(m["S1"]!)/exit", json: #"{"reason":"resignation"}"#).status == .ok)
            #expect(try await coordinator.send(.PUT, "\(base)/statutes", json: #"{"collegesEnabled":false}"#).status == .ok)
            let frozen = try await coordinator.json(.GET, "\(path)/resolutions/\(r1)/result")
            #expect(frozen["weightedForPercent"] as? Double == 60)
            #expect(frozen["adopted"] as? Bool == true)
            #expect(frozen["membersWithVote"] as? Int == 11)
            #expect(frozen["participating"] as? Int == 11)
        }
    }

    @Test func theSecretaryRunsTheRoomFromThePagesAndAMemberVotesFromTheirPhone() async throws {
        try await withMaillage { app in
            let coordinator = try await APIClient.forDemo("coordination@maillage.example", app: app)
            let scic = try await Self.scic(app, coordinator: coordinator, maxProxies: 2)
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let pages = "/coops/\(coop.id!)/assemblies"
            var secretary = Browser(app)
            try await secretary.login("coordination@maillage.example")
            let refused = try await secretary.post(pages, form: ["kind": "ordinary", "convocation": "first", "date": "", "remoteLink": "zoom"])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("Indiquez la date de l&#39;assemblée") || refused.body.string.contains("Indiquez la date de l'assemblée"))
            let created = try await secretary.post(pages, form: ["kind": "extraordinary", "convocation": "second", "date": CalendarDay.today.adding(days: 30).description,
                                                                 "time": "18:00", "place": "Maison de quartier", "agenda": "Modification des statuts"])
            #expect(created.status == .seeOther)
            let page = try #require(created.headers.first(name: .location))
            let assembly = try #require(try await Assembly.query(on: app.db).filter(\.$cooperativeID == coop.id!).first())
            #expect(assembly.time == "18:00")
            #expect(assembly.assemblyKind == .extraordinary)
            #expect(try await secretary.post(page + "/bureau", form: ["chair": "Mireille Ouali", "secretary": "Claire Martin", "tellers": "Paul Ferrand, Karima Diop"]).status == .seeOther)
            for (name, mode) in [("H1", "present"), ("H2", "present"), ("S1", "present"), ("P1", "present")] {
                #expect(try await secretary.post(page + "/attendance", form: ["memberID": scic.members[name]!, "mode": mode]).status == .seeOther)
            }
            let proxy = try await secretary.post(page + "/attendance", form: ["memberID": scic.members["H3"]!, "mode": "represented", "proxyHolderID": scic.members["H1"]!])
            #expect(proxy.status == .seeOther)
            let wrong = try await secretary.post(page + "/attendance", form: ["memberID": scic.members["H4"]!, "mode": "represented"])
            #expect(wrong.status == .unprocessableEntity)
            #expect(wrong.body.string.contains("nomme son mandataire"))
            // An extraordinary assembly decides at its own majority, never the ordinary one.
            let ordinary = try await secretary.post(page + "/resolutions", form: ["title": "Statuts", "text": "Article 12 modifié.", "majority": "ordinary"])
            #expect(ordinary.status == .unprocessableEntity)
            #expect(try await secretary.post(page + "/resolutions", form: ["title": "Statuts", "text": "L'article 12 des statuts est modifié."]).status == .seeOther)
            let resolution = try #require(try await Resolution.query(on: app.db).filter(\.$assemblyID == assembly.id!).first())
            #expect(resolution.majority == "extraordinary")
            let room = try await secretary.post(page + "/resolutions/\(resolution.id!)/votes", form: [
                "vote-1-\(scic.members["H2"]!)": "for", "vote-1-\(scic.members["S1"]!)": "for", "vote-1-\(scic.members["P1"]!)": "against",
            ])
            #expect(room.status == .seeOther)
            // A member absent from the assembly gets no vote: the whole form is refused.
            let absent = try await secretary.post(page + "/resolutions/\(resolution.id!)/votes", form: ["vote-1-\(scic.members["H2"]!)": "against", "vote-1-\(scic.members["H7"]!)": "for"])
            #expect(absent.status == .unprocessableEntity)
            #expect(try await ResolutionVote.query(on: app.db).filter(\.$memberID == UUID(uuidString: scic.members["H2"]!)!).first()?.choice == "for")
            // H2 changes her vote on her own (the coordination for her here, as the API does);
            // the secretary's page, loaded before, sends "for" back as it was: nothing is overwritten.
            #expect(try await coordinator.send(.POST, "/api/v1/coops/\(coop.id!)/assemblies/\(assembly.id!)/resolutions/\(resolution.id!)/votes",
                                               json: #"{"memberID":"\#(scic.members["H2"]!)","choice":"against"}"#).status == .created)
            let stale = try await secretary.post(page + "/resolutions/\(resolution.id!)/votes", form: [
                "vote-1-\(scic.members["H2"]!)": "for", "was-vote-1-\(scic.members["H2"]!)": "for",
                "vote-1-\(scic.members["S1"]!)": "against", "was-vote-1-\(scic.members["S1"]!)": "for",
            ])
            #expect(stale.status == .seeOther)
            #expect(try await ResolutionVote.query(on: app.db).filter(\.$memberID == UUID(uuidString: scic.members["H2"]!)!).first()?.choice == "against")
            #expect(try await ResolutionVote.query(on: app.db).filter(\.$memberID == UUID(uuidString: scic.members["S1"]!)!).first()?.choice == "against")
            // Back as the room voted, for the weighted result below.
            #expect(try await secretary.post(page + "/resolutions/\(resolution.id!)/votes", form: ["vote-1-\(scic.members["H2"]!)": "for", "vote-1-\(scic.members["S1"]!)": "for"]).status == .seeOther)

            // The sociétaire (H1) votes from their phone for themselves and for H3, whose proxy they carry.
            var phone = Browser(app)
            try await phone.login("societaire@maillage.example")
            let ballot = try await phone.get(page + "/vote")
            #expect(ballot.body.string.contains("Mon vote"))
            #expect(ballot.body.string.contains("Pour H3 (pouvoir)"))
            #expect(try await phone.post(page + "/vote", form: ["resolutionID": resolution.id!.uuidString, "memberID": scic.members["H1"]!, "choice": "for"]).status == .seeOther)
            #expect(try await phone.post(page + "/vote", form: ["resolutionID": resolution.id!.uuidString, "memberID": scic.members["H3"]!, "choice": "for"]).status == .seeOther)
            #expect(try await phone.post(page + "/vote", form: ["resolutionID": resolution.id!.uuidString, "memberID": scic.members["H2"]!, "choice": "against"]).status == .forbidden)
            #expect(try await phone.post(page + "/attendance", form: ["memberID": scic.members["H5"]!, "mode": "present"]).status == .forbidden)
            let shown = try await secretary.get(page)
            // Weighted: residents 3 for of 3 (40), workers 1 of 1 (35), partners 0 of 1 (25): 75 %, at least 2/3.
            #expect(shown.body.string.contains("75,00 % pour"))
            #expect(shown.body.string.contains("Adoptée"))
            #expect(try await secretary.post(page + "/minutes/lock", form: [:]).status == .seeOther)
            let minutes = try await phone.get(page + "/minutes")
            #expect(minutes.status == .ok)
            #expect(minutes.body.string.contains("Procès-verbal de l&#39;assemblée générale extraordinaire") || minutes.body.string.contains("Procès-verbal de l'assemblée générale extraordinaire"))
            #expect(minutes.body.string.contains("Présidence de séance : Mireille Ouali"))
            #expect(minutes.body.string.contains("quorum requis est de 1/5"))
            #expect(try await phone.post(page + "/vote", form: ["resolutionID": resolution.id!.uuidString, "memberID": scic.members["H1"]!, "choice": "against"]).status == .conflict)
            let letter = try await secretary.get(page + "/convocation")
            #expect(letter.body.string.contains("Modification des statuts"))
            let funder = try await { var b = Browser(app); try await b.login("financeur@maillage.example"); return try await b.get(page) }()
            #expect(funder.status == .forbidden)
        }
    }

    /// Two proxies for the same holder at once, with a cap of one: one is written, the other
    /// refused. On PostgreSQL (several app instances) they really race; SQLite serialises
    /// writers anyway, and its in-memory test database livelocks under the suite's parallel
    /// load, so they go one after the other there.
    @Test func twoProxiesAtOnceCannotPassTheCap() async throws {
        try await withMaillage { app in
            let coordinator = try await APIClient.forDemo("coordination@maillage.example", app: app)
            let scic = try await Self.scic(app, coordinator: coordinator, maxProxies: 1)
            let assembly = try await coordinator.json(.POST, "\(scic.base)/assemblies", json: #"{"kind":"ordinary","date":"\#(CalendarDay.today.adding(days: 30))"}"#)
            let path = "\(scic.base)/assemblies/\(try #require(assembly["id"] as? String))"
            #expect(try await coordinator.send(.POST, "\(path)/attendance", json: #"{"memberID":"\#(scic.members["H1"]!)","mode":"present"}"#).status == .created)
            let give = { @Sendable (giver: String) async throws -> HTTPStatus in
                try await coordinator.send(.POST, "\(path)/attendance", json: #"{"memberID":"\#(giver)","mode":"represented","proxyHolderID":"\#(scic.members["H1"]!)"}"#).status
            }
            let givers = ["H2", "H3", "H4", "H5"].map { scic.members[$0]! }
            var statuses: [HTTPStatus] = []
            if ProcessInfo.processInfo.environment["DATABASE_URL"]?.hasPrefix("postgres") == true {
                statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                    for giver in givers { group.addTask { try await give(giver) } }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
            } else {
                for giver in givers { statuses.append(try await give(giver)) }
            }
            #expect(statuses.filter { $0 == .created }.count == 1)
            #expect(statuses.filter { $0 == .unprocessableEntity }.count == 3)
            let detail = try await coordinator.json(.GET, path)
            let proxies = (detail["attendance"] as? [[String: Any]])?.filter { $0["mode"] as? String == "represented" }
            #expect(proxies?.count == 1)
        }
    }
}
