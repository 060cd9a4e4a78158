import Fluent
import Foundation
import MaillageCore
import SQLKit

/// The Caillols SCIC's governance: three categories and three voting colleges (residents
/// 40 %, workers 35 %, partners 25 %), and forty-two associates with fictional names.
/// `seed --demo` only; tests start without it.
enum DemoGovernance {
    static let firstNames = ["Amina", "Bernard", "Chloé", "Djamel", "Élodie", "Farid", "Gisèle", "Hakim", "Inès", "Jean-Marc", "Karima", "Léa", "Mohamed",
                             "Nathalie", "Omar", "Pascale", "Rachid", "Sophie", "Tarek", "Valérie", "Yasmina", "Zoé", "Kevin", "Samia", "Lucas", "Mireille", "Nordine", "Aïcha"]
    static let lastNames = ["Benali", "Martin", "Roux", "Haddad", "Garcia", "Mansouri", "Lopez", "Ferrand", "Cherif", "Blanc", "Diop", "Morel", "Saïdi", "Giraud"]

    /// `accounts`: demo users who are associates too (the cooperant, the sociétaire), by name.
    static func load(on db: any Database, cooperative coop: Cooperative, accounts: [String: User], coordinator: User) async throws {
        let statutes = Statutes()
        statutes.id = coop.id!
        statutes.collegesEnabled = true
        statutes.maxProxies = 2
        statutes.proxySameCollege = false
        try await statutes.create(on: db)
        var categories: [MemberCategoryKind: MemberCategory] = [:]
        for (name, kind) in [("Habitant·es bénéficiaires", MemberCategoryKind.beneficiaries), ("Salarié·es et coopérant·es", .employees),
                             ("Partenaires (centres sociaux, associations)", .supporters), ("Collectivités publiques", .publicBodies)] {
            let category = MemberCategory()
            category.cooperativeID = coop.id!
            category.name = name
            category.kind = kind.rawValue
            try await category.create(on: db)
            categories[kind] = category
        }
        var colleges: [MemberCategoryKind: VotingCollege] = [:]
        for (name, weight, kind) in [("Habitant·es", 40, MemberCategoryKind.beneficiaries), ("Salarié·es et coopérant·es", 35, .employees), ("Partenaires", 25, .supporters)] {
            let college = VotingCollege()
            college.cooperativeID = coop.id!
            college.name = name
            college.weightPercent = weight
            try await college.create(on: db)
            colleges[kind] = college
        }
        // The public bodies vote with the partners.
        colleges[.publicBodies] = colleges[.supporters]
        let today = CalendarDay(date: Date())
        var random = DemoRandom(seed: 1947)
        var number = 0
        // One class of shares at 20 €; each member subscribes on admission, in the register's order.
        let shareClass = ShareClass()
        shareClass.cooperativeID = coop.id!
        shareClass.name = "Part sociale"
        shareClass.nominalCents = 2_000
        shareClass.minimumQuantity = 1
        try await shareClass.create(on: db)
        var admitted: [(member: Member, kind: MemberCategoryKind)] = []
        func admit(_ name: String, _ kind: MemberCategoryKind, organisation representative: String? = nil, daysAgo: Int) async throws {
            number += 1
            let member = Member()
            member.cooperativeID = coop.id!
            member.number = number
            member.displayName = name
            member.kind = representative == nil ? MemberKind.person.rawValue : MemberKind.organisation.rawValue
            member.representative = representative
            member.categoryID = categories[kind]!.id!
            member.collegeID = colleges[kind]!.id!
            member.admittedOn = today.adding(days: -daysAgo).date
            member.status = MemberStatus.member.rawValue
            member.userID = accounts[name]?.id
            try await member.create(on: db)
            admitted.append((member, kind))
            let quantity = switch kind {
            case .beneficiaries: 1 + random.next(3)
            case .employees: 5 + random.next(6)
            default: representative == nil ? 5 : 10 + 5 * random.next(5)
            }
            let subscription = CapitalOperation()
            subscription.cooperativeID = coop.id!
            subscription.number = number
            subscription.kind = CapitalOperationKind.subscription.rawValue
            subscription.memberID = member.id!
            subscription.shareClassID = shareClass.id!
            subscription.quantity = quantity
            subscription.amountCents = quantity * shareClass.nominalCents
            subscription.date = today.adding(days: -daysAgo).date
            subscription.authorLabel = "Claire Martin"
            try await subscription.create(on: db)
        }
        // The founding assembly, then admissions month after month, numbered in date order.
        var admissions: [(name: String, kind: MemberCategoryKind, representative: String?, daysAgo: Int)] = [
            ("Centre social des Caillols", .supporters, "Mireille Ouali", 540),
            ("Association Les Jardins partagés de l'Est", .supporters, "Paul Ferrand", 540),
            ("Ville de Marseille (mairie des 11e-12e)", .publicBodies, "Élue déléguée à l'économie sociale", 480),
            ("Régie de quartier Est", .supporters, "Sandrine Morel", 200),
            ("Maison de l'Emploi de Marseille", .supporters, "Karim Benali", 120),
            ("Épicerie solidaire du Plan d'Aou", .supporters, "Nadia Ferhat", 60),
        ]
        for (name, account) in accounts.sorted(by: { $0.key < $1.key }) {
            let isCooperant = try await AccessService(db: db).holders(scopes: [(.cooperative, coop.id!)]).contains { $0.userID == account.id && $0.role == .cooperant }
            admissions.append((name, isCooperant ? .employees : .beneficiaries, nil, isCooperant ? 520 : 450))
        }
        for index in 0..<24 {
            admissions.append(("\(firstNames[random.next(firstNames.count)]) \(lastNames[random.next(lastNames.count)])", .beneficiaries, nil, 539 - index * 18))
        }
        for index in 0..<10 {
            admissions.append(("\(firstNames[random.next(firstNames.count)]) \(lastNames[random.next(lastNames.count)])", .employees, nil, 500 - index * 30))
        }
        for admission in admissions.enumerated().sorted(by: { ($0.element.daysAgo, -$0.offset) > ($1.element.daysAgo, -$1.offset) }).map(\.element) {
            try await admit(admission.name, admission.kind, organisation: admission.representative, daysAgo: admission.daysAgo)
        }
        // The register's counter carries on from the demo's last number.
        if let sql = db as? any SQLDatabase {
            try await sql.raw("INSERT INTO capital_counters (cooperative_id, last_number) VALUES (\(bind: coop.id!), \(bind: number))").run()
        }
        try await pastAssembly(on: db, cooperative: coop, coordinator: coordinator, members: admitted, today: today, random: &random)
        try await pendingRequests(on: db, cooperative: coop, coordinator: coordinator)
        try await everydayDecisions(on: db, cooperative: coop, coordinator: coordinator, associates: Array(accounts.values))
    }

    /// A poll the coordination concluded last month, and a resident's proposal open this week.
    static func everydayDecisions(on db: any Database, cooperative coop: Cooperative, coordinator: User, associates: [User]) async throws {
        func repository(_ user: User) async throws -> DecisionRepository? {
            guard let principal = try await PrincipalLoader.load(userID: user.id!, db: db, viaBearerToken: false) else { return nil }
            return DecisionRepository(db: db, scope: CooperativeScope(cooperative: coop, principal: principal))
        }
        guard let coordination = try await repository(coordinator) else { return }
        let poll = try await coordination.create(DecisionDraft(kind: "poll", title: "Quel soir pour l'atelier cuisine des habitant·es ?", options: ["Mardi", "Jeudi"],
                                                               closesAt: CalendarDay.today.adding(days: 2).description, anonymous: true), now: Date())
        for user in associates { _ = try await repository(user)?.vote(poll, stance: nil, options: ["Jeudi"], now: Date()) }
        _ = try await coordination.close(poll, outcome: "L'atelier cuisine a lieu le jeudi soir, de 18 h à 20 h, dans la cuisine du centre social.", now: Date())
        guard let resident = associates.sorted(by: { $0.email > $1.email }).first, let proposing = try await repository(resident) else { return }
        let proposal = try await proposing.create(DecisionDraft(kind: "proposal", title: "Ouvrir l'épicerie le samedi matin, à l'essai trois mois",
                                                                details: "De 9 h à 12 h 30, avec deux coopérant·es et un·e bénévole.",
                                                                closesAt: CalendarDay.today.adding(days: 6).description + "T20:00", quorumPercent: 20), now: Date())
        for user in associates { _ = try await repository(user)?.vote(proposal, stance: "agree", options: [], now: Date()) }
    }

    /// Two residents on their way in: one request waiting for the board, one whose capital is called.
    static func pendingRequests(on db: any Database, cooperative coop: Cooperative, coordinator: User) async throws {
        guard let principal = try await PrincipalLoader.load(userID: coordinator.id!, db: db, viaBearerToken: false) else { return }
        let scope = CooperativeScope(cooperative: coop, principal: principal)
        let governance = GovernanceRepository(db: db, scope: scope)
        let requests = MemberCapitalRepository(db: db, scope: scope)
        let residents = try await governance.categories().first { $0.categoryKind == .beneficiaries }
        let college = try await governance.colleges().first { $0.name == "Habitant·es" }
        for (name, quantity, called) in [("Sabrina Nacer", 2, false), ("Yacine Bouzid", 1, true)] {
            let candidate = try await governance.admit(MemberDraft(displayName: name, kind: "person", admittedOn: nil, status: "candidate"),
                                                       categoryRef: residents?.id?.uuidString, collegeRef: college?.id?.uuidString, today: .today)
            var request = try await requests.createRequest(.init(memberID: candidate.id!.uuidString, shareClassID: nil, quantity: quantity,
                                                                 statutesAccepted: true, privacyAccepted: true))
            if called {
                request = try await requests.move(request, to: "validated", date: nil, today: .today)
                _ = try await requests.move(request, to: "called", date: nil, today: .today)
            }
        }
    }

    /// Last spring's ordinary assembly, held through the app as a coordinator would, its
    /// minutes locked.
    static func pastAssembly(on db: any Database, cooperative coop: Cooperative, coordinator: User, members: [(member: Member, kind: MemberCategoryKind)],
                             today: CalendarDay, random: inout DemoRandom) async throws {
        guard let principal = try await PrincipalLoader.load(userID: coordinator.id!, db: db, viaBearerToken: false) else { return }
        let repository = AssemblyRepository(db: db, scope: CooperativeScope(cooperative: coop, principal: principal))
        let day = today.adding(days: -200)
        let assembly = try await repository.create(AssemblyDraft(
            kind: "ordinary", convocation: "first", date: day.description + "T18:00", place: "Centre social des Caillols, salle polyvalente",
            agenda: "Rapport d'activité de l'année\nApprobation des comptes\nAffectation du résultat\nQuestions diverses"))
        assembly.convenedOn = day.adding(days: -21).date
        try await assembly.save(on: db)
        _ = try await repository.setBureau(assembly, chair: "Mireille Ouali", secretary: "Claire Martin", tellers: ["Paul Ferrand", "Karima Diop"])
        let eligible = members.filter { ($0.member.admittedOn.map { CalendarDay(date: $0) } ?? day) <= day }
        var present: [Member] = []
        var represented = 0
        for (index, entry) in eligible.enumerated() {
            let mode: AttendanceMode
            switch index % 6 {
            case 0, 1, 2: mode = .present
            case 3: mode = .remote
            case 4: mode = represented < 4 && !present.isEmpty ? .represented : .postal
            default: continue
            }
            let holder = mode == .represented ? present[represented % present.count] : nil
            if mode == .represented { represented += 1 }
            _ = try await repository.recordAttendance(assembly, memberID: entry.member.id!.uuidString, mode: mode.rawValue, proxyHolderID: holder?.id!.uuidString)
            if mode == .present { present.append(entry.member) }
        }
        let voters = try await repository.attendance(assembly).map(\.memberID)
        let resolutions = [
            ("Approbation des comptes", "L'assemblée générale, après avoir entendu le rapport de gestion, approuve les comptes de l'exercice clos le 31 décembre, tels qu'ils lui ont été présentés.", 0.9),
            ("Affectation du résultat", "L'assemblée générale décide d'affecter l'excédent de l'exercice en totalité aux réserves impartageables, comme le prévoient les statuts de la SCIC.", 0.8),
            ("Ouverture d'un second point de vente", "L'assemblée générale approuve l'ouverture d'une épicerie solidaire au Plan d'Aou, à l'étude pendant l'année qui vient.", 0.55),
        ]
        for (title, text, share) in resolutions {
            let resolution = try await repository.addResolution(assembly, ResolutionDraft(title: title, text: text))
            let ballots = voters.map { member -> (memberID: UUID, choice: VoteChoice) in
                let draw = Double(random.next(100)) / 100
                return (member, draw < share ? .for : draw < share + (1 - share) / 2 ? .against : .abstain)
            }
            _ = try await repository.votes(assembly, resolution, ballots, field: { "vote-\($0)" })
        }
        _ = try await repository.lockMinutes(assembly, render: MinutesView.render)
    }
}
