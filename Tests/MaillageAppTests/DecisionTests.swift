import Fluent
import Foundation
@testable import MaillageApp
import MaillageCore
import Testing
import VaporTesting

/// Everyday decisions between assemblies: proposals and polls, their electorate, quorum,
/// anonymity and outcome.
@Suite("Governance: everyday decisions")
struct DecisionTests {
    static func errors(_ response: TestingHTTPResponse) -> [String: String] {
        response.problem?["errors"] as? [String: String] ?? [:]
    }

    /// Three residents: the sociétaire's and the cooperant's accounts, and one without.
    static func members(_ app: Application, base: String, coordinator: APIClient) async throws {
        #expect(try await coordinator.send(.POST, "\(base)/member-categories", json: #"{"name":"Habitant·es","kind":"beneficiaries"}"#).status == .created)
        for (name, email) in [("Jeanne Roux", "societaire@maillage.example"), ("Fatou Diallo", "cooperant@maillage.example"), ("Omar Benali", nil)] {
            var account = ""
            if let email, let user = try await User.query(on: app.db).filter(\.$email == email).first() { account = #","userID":"\#(user.id!)""# }
            #expect(try await coordinator.send(.POST, "\(base)/members", json: #"{"displayName":"\#(name)","kind":"person","category":"Habitant·es","admittedOn":"2025-09-01"\#(account)}"#).status == .created)
        }
    }

    @Test func membersDecideAProposalAndTheCooperantsAPoll() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let base = "/api/v1/coops/\(coop.id!)"
            let coordinator = try await APIClient.forDemo("coordination@maillage.example", app: app)
            try await Self.members(app, base: base, coordinator: coordinator)
            let jeanne = try await APIClient.forDemo("societaire@maillage.example", app: app)
            let fatou = try await APIClient.forDemo("cooperant@maillage.example", app: app)
            let cashier = try await APIClient.forDemo("caisse@maillage.example", app: app)
            let nextWeek = CalendarDay.today.adding(days: 7).description + "T18:00"

            let bad = try await jeanne.send(.POST, "\(base)/decisions", json: #"{"kind":"poll","title":"Jour","options":["Lundi","lundi"],"closesAt":"2020-01-01T10:00","electorate":"college:inconnu","quorumPercent":150}"#)
            #expect(Set(Self.errors(bad).keys) == ["options", "closesAt", "quorumPercent"])
            let unknownCollege = try await jeanne.send(.POST, "\(base)/decisions", json: #"{"kind":"proposal","title":"X","closesAt":"\#(nextWeek)","electorate":"college:\#(UUID())"}"#)
            #expect(Self.errors(unknownCollege)["electorate"] != nil)

            // A resident proposes; every member with an account must take part.
            let proposal = try await jeanne.json(.POST, "\(base)/decisions", json: #"""
            {"kind":"proposal","title":"Ouvrir l'épicerie le samedi matin","details":"À l'essai pendant trois mois.","closesAt":"\#(nextWeek)","quorumPercent":100}
            """#)
            let id = try #require(proposal["id"] as? String)
            // Omar has no account: he votes at the assembly, and does not count here.
            #expect(proposal["electorateSize"] as? Int == 2)
            #expect(proposal["open"] as? Bool == true)
            #expect(try await jeanne.json(.POST, "\(base)/decisions/\(id)/votes", json: #"{"stance":"agree"}"#)["voters"] as? Int == 1)
            // Changing her mind replaces her vote.
            let changed = try await jeanne.json(.POST, "\(base)/decisions/\(id)/votes", json: #"{"stance":"disagree"}"#)
            #expect(changed["voters"] as? Int == 1)
            #expect((changed["stances"] as? [String: Int])?["disagree"] == 1)
            #expect((changed["stances"] as? [String: Int])?["agree"] == 0)
            #expect(changed["quorumReached"] as? Bool == false)
            #expect(Self.errors(try await fatou.send(.POST, "\(base)/decisions/\(id)/votes", json: #"{"stance":"oui"}"#))["stance"] != nil)
            let agreed = try await fatou.json(.POST, "\(base)/decisions/\(id)/votes", json: #"{"stance":"agree"}"#)
            #expect(agreed["quorumReached"] as? Bool == true) // 2 of 2
            #expect(agreed["carried"] as? Bool == false) // one agrees, one does not
            #expect((agreed["ballots"] as? [[String: Any]])?.map { $0["voter"] as? String } == ["Jeanne Roux", "Fatou Diallo"])
            // Not associates: the coordinator and the cashier read, they do not vote.
            #expect(try await coordinator.send(.POST, "\(base)/decisions/\(id)/votes", json: #"{"stance":"block"}"#).status == .forbidden)
            #expect(try await cashier.send(.POST, "\(base)/decisions/\(id)/votes", json: #"{"stance":"agree"}"#).status == .forbidden)
            #expect(try await cashier.send(.GET, "\(base)/decisions/\(id)").status == .ok)
            // The author concludes; nobody else but the coordination.
            #expect(try await fatou.send(.POST, "\(base)/decisions/\(id)/close", json: #"{"outcome":"Adopté"}"#).status == .forbidden)
            #expect(Self.errors(try await jeanne.send(.POST, "\(base)/decisions/\(id)/close", json: #"{"outcome":" "}"#))["outcome"] != nil)
            let closed = try await jeanne.json(.POST, "\(base)/decisions/\(id)/close", json: #"{"outcome":"Pas d'accord assez large : on en reparle à l'assemblée."}"#)
            #expect(closed["open"] as? Bool == false)
            #expect(closed["outcome"] as? String == "Pas d'accord assez large : on en reparle à l'assemblée.")
            #expect(try await fatou.send(.POST, "\(base)/decisions/\(id)/votes", json: #"{"stance":"block"}"#).status == .conflict)
            #expect(try await jeanne.send(.POST, "\(base)/decisions/\(id)/close", json: #"{"outcome":"Autre"}"#).status == .conflict)

            // A poll for the cooperants only, anonymous, one choice.
            let poll = try await coordinator.json(.POST, "\(base)/decisions", json: #"""
            {"kind":"poll","title":"Quel jour pour la formation HACCP ?","options":["Lundi","Mardi","Jeudi"],"closesAt":"\#(CalendarDay.today.adding(days: 3))","electorate":"cooperants","anonymous":true}
            """#)
            let pollID = try #require(poll["id"] as? String)
            #expect(poll["electorateSize"] as? Int == 1)
            #expect(try await jeanne.send(.POST, "\(base)/decisions/\(pollID)/votes", json: #"{"options":["Mardi"]}"#).status == .forbidden)
            #expect(Self.errors(try await fatou.send(.POST, "\(base)/decisions/\(pollID)/votes", json: #"{"options":["Lundi","Mardi"]}"#))["options"]?.contains("qu'un choix") == true)
            #expect(Self.errors(try await fatou.send(.POST, "\(base)/decisions/\(pollID)/votes", json: #"{"options":["Dimanche"]}"#))["options"] != nil)
            let voted = try await fatou.json(.POST, "\(base)/decisions/\(pollID)/votes", json: #"{"options":["mardi"]}"#)
            #expect(voted["leading"] as? [String] == ["Mardi"])
            #expect(voted["ballots"] == nil) // anonymous
            #expect(voted["ownChoices"] as? [String] == ["Mardi"])
            #expect((voted["options"] as? [[String: Any]])?.compactMap { $0["votes"] as? Int } == [0, 1, 0])

            // Who may not: a funder reads no decision, another cooperative finds none.
            #expect(try await APIClient.forDemo("financeur@maillage.example", app: app).send(.GET, "\(base)/decisions").status == .forbidden)
            #expect(try await APIClient.forDemo("coordination.avignon@maillage.example", app: app).send(.GET, "\(base)/decisions/\(pollID)").status == .notFound)
            let list = try await cashier.json(.GET, "\(base)/decisions")
            #expect((list["items"] as? [[String: Any]])?.count == 2)
        }
    }

    @Test func aResidentAsksAndVotesFromThePages() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let coordinator = try await APIClient.forDemo("coordination@maillage.example", app: app)
            try await Self.members(app, base: "/api/v1/coops/\(coop.id!)", coordinator: coordinator)
            var phone = Browser(app)
            try await phone.login("societaire@maillage.example")
            let pages = "/coops/\(coop.id!)/decisions"
            let refused = try await phone.post(pages, form: ["kind": "poll", "title": "Couleur du local", "options": "Vert", "closesAt": CalendarDay.today.adding(days: 5).description + "T12:00"])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("au moins deux choix"))
            let created = try await phone.post(pages, form: ["kind": "poll", "title": "Couleur du local", "options": "Vert\nJaune\nBleu", "multipleChoice": "on",
                                                             "closesAt": CalendarDay.today.adding(days: 5).description + "T12:00", "electorate": "members"])
            #expect(created.status == .seeOther)
            let page = try #require(created.headers.first(name: .location))
            let options = try await DecisionOption.query(on: app.db).sort(\.$position).all()
            #expect(options.map(\.label) == ["Vert", "Jaune", "Bleu"])
            #expect(try await phone.post(page + "/votes", form: ["options[]": options[0].id!.uuidString]).status == .seeOther)
            let shown = try await phone.get(page)
            #expect(shown.body.string.contains("Jeanne Roux : Vert"))
            #expect(shown.body.string.contains("poll-form"))
            #expect(try await phone.post(page + "/close", form: ["outcome": "Vert."]).status == .seeOther)
            let closed = try await phone.get(page)
            #expect(closed.body.string.contains("id=\"outcome\""))
            #expect(!closed.body.string.contains("poll-form"))
            var cashier = Browser(app)
            try await cashier.login("caisse@maillage.example")
            #expect(try await cashier.get(pages).status == .ok)
            #expect(try await cashier.post(page + "/close", form: ["outcome": "Jaune."]).status == .forbidden)
        }
    }
}
