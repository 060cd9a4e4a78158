import Fluent
import Foundation
import SQLKit
import MaillageCore
import Vapor

/// A network at scale for the benchmarks (`maillage seed --scale N`): for N = 1, ten
/// cooperatives, 5 000 people with their pathways, 500 associates, about a million till lines
/// over three years, 100 000 purchase lines and 200 assemblies; everything times N.
///
/// The records are what the app would have written (the same models, the same pricing rules,
/// the cash journal chained and verifiable), inserted in batches inside one transaction per
/// cooperative: row by row, a million lines would take an hour. Generated from a fixed seed.
enum ScaleData {
    static func networkName(scale: Int) -> String { "Réseau de charge ×\(scale)" }
    /// How much of everything one unit of scale holds.
    struct Volumes: Sendable {
        var cooperatives = 10
        var people = 500
        var associates = 50
        var assemblies = 20
        var suppliers = 20
        var households = 300
        /// Three years of opening days.
        var days = 3 * 365
        /// About 63 tickets of two lines each per weekday: 100 000 lines a cooperative over three years.
        var ticketsPerDay = (least: 52, spread: 23)
        /// About 6.4 supplier invoices of ten lines a week: 10 000 purchase lines a cooperative.
        var purchases = 1_000
        var linesPerPurchase = 10

        static let perScale = Volumes()
    }

    /// Rows per INSERT: under SQLite's and PostgreSQL's limits on bound parameters.
    static let batch = 400

    /// The accounts the benchmarks log in with (password `DemoData.password`).
    static let adminEmail = "admin@charge.example"
    static func coordinatorEmail(_ index: Int) -> String { "coordination.\(twoDigits(index))@charge.example" }
    static func cashierEmail(_ index: Int) -> String { "caisse.\(twoDigits(index))@charge.example" }
    /// The first household card of a cooperative: tier T1, valid today.
    static func card(_ coopIndex: Int, _ household: Int) -> String { "CH\(twoDigits(coopIndex))\(String(format: "%04d", household))" }

    struct Counts: Sendable {
        var cooperatives = 0, people = 0, pathways = 0, associates = 0, assemblies = 0
        var sales = 0, saleLines = 0, purchases = 0, purchaseLines = 0, hours = 0

        var summary: String {
            "\(cooperatives) coopératives, \(people) personnes accompagnées, \(associates) associé·es, \(assemblies) assemblées, "
                + "\(sales) tickets (\(saleLines) lignes), \(purchases) factures d'achat (\(purchaseLines) lignes), \(hours) semaines d'heures"
        }
    }

    /// Creates the network of scale N unless it exists (then returns nil).
    static func load(scale: Int, volumes: Volumes = .perScale, on db: any Database, today: CalendarDay = CalendarDay(date: Date()),
                     progress: @Sendable (String) -> Void = { _ in }) async throws -> Counts? {
        precondition(scale >= 1)
        let name = networkName(scale: scale)
        if try await Network.query(on: db).filter(\.$name == name).first() != nil { return nil }
        let hash = try AccountService.hash(DemoData.password)
        let (network, cooperatives) = try await db.transaction { tx in
            try await skeleton(cooperatives: volumes.cooperatives * scale, name: name, passwordHash: hash, on: tx)
        }
        var counts = Counts()
        for (index, coop) in cooperatives.enumerated() {
            let coopCounts = try await db.transaction { tx in
                // A cooperative's three years are one transaction: a larger page cache keeps
                // SQLite from spilling it to the journal midway (no effect on PostgreSQL).
                if coop.cooperative.id != nil, let sql = tx as? any SQLDatabase, sql.dialect.name == "sqlite" {
                    try await sql.raw("PRAGMA cache_size = -262144").run()
                    try await sql.raw("PRAGMA temp_store = MEMORY").run()
                }
                var generator = ScaleGenerator(coop: coop.cooperative, index: index + 1, coordinator: coop.coordinator, cashier: coop.cashier,
                                          today: today, volumes: volumes, random: DemoRandom(seed: UInt64(2026 + index)))
                return try await generator.run(on: tx)
            }
            counts.add(coopCounts)
            progress("\(coop.cooperative.name) : \(coopCounts.saleLines) lignes de caisse, \(coopCounts.people) personnes")
        }
        _ = network
        return counts
    }

    struct SeededCooperative: Sendable {
        var cooperative: Cooperative
        var coordinator: String
        var cashier: String
    }

    /// The network, its territories (two cooperatives each), its cooperatives and accounts.
    private static func skeleton(cooperatives: Int, name: String, passwordHash: String, on tx: any Database) async throws -> (Network, [SeededCooperative]) {
        let network = Network(name: name)
        try await network.create(on: tx)
        let accounts = AccountService(db: tx)
        let admin = try await user(adminEmail, name: "Administration du réseau de charge", hash: passwordHash, on: tx)
        try await accounts.grant(.networkAdmin, on: .network, id: network.id!, to: admin.id!, by: nil, request: nil)
        var result: [SeededCooperative] = []
        var territory: Territory?
        for index in 1...cooperatives {
            if index % 2 == 1 {
                let draft = TerritoryDraft(name: "Territoire \(twoDigits((index + 1) / 2))", kind: index % 4 == 1 ? "qpv" : "rural",
                                           qpvCode: index % 4 == 1 ? "QN013\(twoDigits(index % 100))M" : nil, communeCodes: ["13212"])
                territory = Territory(networkID: network.id!, valid: try draft.validate())
                try await territory!.create(on: tx)
            }
            let valid = try CooperativeDraft(name: "Coopérative de charge \(twoDigits(index))", territoryID: territory!.id!.uuidString,
                                             legalForm: LegalForm.scic.rawValue, siret: nil, address: "Centre social n° \(index)",
                                             stage: CooperativeStage.creation.rawValue).validate()
            let coop = Cooperative()
            coop.apply(valid, territoryID: territory!.id!, networkID: network.id!)
            try await coop.create(on: tx)
            let coordinator = try await user(coordinatorEmail(index), name: "Coordination \(twoDigits(index))", hash: passwordHash, on: tx)
            try await accounts.grant(.coordinator, on: .cooperative, id: coop.id!, to: coordinator.id!, by: nil, request: nil)
            let cashier = try await user(cashierEmail(index), name: "Caisse \(twoDigits(index))", hash: passwordHash, on: tx)
            try await accounts.grant(.staff, on: .cooperative, id: coop.id!, to: cashier.id!, by: nil, request: nil)
            result.append(SeededCooperative(cooperative: coop, coordinator: coordinator.name, cashier: cashier.name))
        }
        return (network, result)
    }

    private static func user(_ email: String, name: String, hash: String, on tx: any Database) async throws -> User {
        if let existing = try await User.query(on: tx).filter(\.$email == email).first() { return existing }
        let user = User(email: email, name: name, passwordHash: hash)
        try await user.create(on: tx)
        return user
    }

    static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
}

extension ScaleData.Counts {
    mutating func add(_ other: Self) {
        cooperatives += other.cooperatives; people += other.people; pathways += other.pathways; associates += other.associates
        assemblies += other.assemblies; sales += other.sales; saleLines += other.saleLines; purchases += other.purchases
        purchaseLines += other.purchaseLines; hours += other.hours
    }
}

/// Models written a batch at a time (Fluent's multi-row INSERT). The caller flushes, parents
/// before children, since children reference their parents' rows.
struct BatchWriter<Row: Model> {
    let db: any Database
    private var pending: [Row] = []
    private(set) var written = 0

    init(on db: any Database) { self.db = db }

    var isFull: Bool { pending.count >= ScaleData.batch }

    mutating func add(_ row: Row) { pending.append(row) }

    mutating func flush() async throws {
        guard !pending.isEmpty else { return }
        try await pending.create(on: db)
        written += pending.count
        pending.removeAll(keepingCapacity: true)
    }
}

/// One cooperative's records (its suppliers, purchases and till: ScaleGeneratorTrade.swift).
struct ScaleGenerator {
    let coop: Cooperative
    let index: Int
    let coordinator: String
    let cashier: String
    let today: CalendarDay
    let volumes: ScaleData.Volumes
    var random: DemoRandom
    var counts = ScaleData.Counts()

    var coopID: UUID { coop.id! }
    var first: CalendarDay { today.adding(days: -volumes.days) }

    static let firstNames = ["Aïcha", "Mohamed", "Fatou", "Lucas", "Inès", "Karim", "Sophie", "Nordine", "Léa", "Yasmina", "Omar", "Valérie",
                             "Rachid", "Mireille", "Djamel", "Sandrine", "Bernard", "Nadia", "Samir", "Jeanne"]
    static let lastNames = ["Benali", "Diallo", "Garcia", "Lopez", "Roux", "Morel", "Cherif", "Haddad", "Ferrand", "Martin", "Saïdi",
                            "Mansouri", "Giraud", "Blanc", "Ouali", "Diop", "Belkacem", "Moreau", "Garnier", "Bernard"]
    static let referrerKinds: [String?] = ["centre-social", "centre-social", "mission-locale", "france-travail", "association", nil]

    mutating func run(on tx: any Database) async throws -> ScaleData.Counts {
        counts.cooperatives = 1
        try await pathways(on: tx)
        try await governance(on: tx)
        try await sourcing(on: tx)
        try await trade(on: tx)
        return counts
    }

    // MARK: People and their pathways

    mutating func pathways(on tx: any Database) async throws {
        var persons = BatchWriter<Person>(on: tx), referrals = BatchWriter<Referral>(on: tx), pathways = BatchWriter<Pathway>(on: tx)
        var checks = BatchWriter<BarrierAssessment>(on: tx), hours = BatchWriter<WorkHoursEntry>(on: tx)
        let span = volumes.days - 14
        for number in 0..<volumes.people {
            let opened = first.adding(days: random.next(span))
            let person = Person()
            person.id = UUID()
            person.cooperativeID = coopID
            person.firstName = Self.firstNames[random.next(Self.firstNames.count)]
            person.lastName = Self.lastNames[(number + random.next(5)) % Self.lastNames.count]
            person.birthYear = today.year - 18 - random.next(45)
            person.contact = nil
            person.commune = "Commune \(index)"
            person.qpvCode = random.next(10) < 6 ? "QN013\(ScaleData.twoDigits(index))M" : nil
            person.situationAtEntry = ["rsa", "job-seeker", "inactive", "young"][random.next(4)]
            person.educationLevel = nil
            person.lastContactAt = min(today, opened.adding(days: 30 + random.next(300))).date
            person.userID = nil
            person.anonymisedAt = nil
            persons.add(person)

            let barriers = Barrier.allCases.shuffled(using: &random).prefix(random.next(4)).map(\.rawValue)
            let sent = opened.adding(days: -7 - random.next(14))
            let referral = Referral()
            referral.id = UUID()
            referral.cooperativeID = coopID
            referral.$person.id = person.id!
            referral.referrerUserID = nil
            referral.referrerLabel = "Centre social du territoire \(index)"
            referral.referrerPartnerID = nil
            referral.referrerKind = Self.referrerKinds[random.next(Self.referrerKinds.count)]
            referral.status = ReferralStatus.accepted.rawValue
            referral.reason = "Souhaite reprendre une activité près de chez soi."
            referral.barriers = barriers
            referral.preferredContact = nil
            referral.consentDate = sent.date
            referral.consentPurpose = "Orientation vers la coopérative et accompagnement de son parcours."
            referral.refusalReason = nil
            referral.shareReason = true
            referral.statusChangedAt = opened.date
            referral.pathwayID = nil
            referrals.add(referral)

            let pathway = Pathway()
            pathway.id = UUID()
            pathway.cooperativeID = coopID
            pathway.$person.id = person.id!
            pathway.referralID = referral.id
            pathway.openedOn = opened.date
            let exit = opened.adding(days: 90 + random.next(450))
            if random.next(100) < 60, exit < today {
                let destination = ExitDestination.allCases[random.next(ExitDestination.allCases.count)]
                pathway.exitDate = exit.date
                pathway.exitDestination = destination.rawValue
                pathway.exitCategory = ExitClassification.category(of: destination).rawValue
            } else {
                pathway.exitDate = nil
                pathway.exitDestination = nil
                pathway.exitCategory = nil
            }
            pathway.followUpDue = nil
            pathway.referentUserID = nil
            pathways.add(pathway)
            let end = pathway.exitDate.map { CalendarDay(date: $0) } ?? today

            // A check of each barrier some months in: lifted half the time.
            for barrier in barriers where random.next(10) < 7 {
                let day = opened.adding(days: 60 + random.next(180))
                guard day < end else { continue }
                let check = BarrierAssessment()
                check.id = UUID()
                check.$pathway.id = pathway.id!
                check.barrier = barrier
                check.level = (random.next(2) == 0 ? BarrierLevel.none : .light).rawValue
                check.assessedOn = day.date
                check.authorLabel = coordinator
                checks.add(check)
            }
            // One person in ten works at the cooperative: a week of hours up to forty weeks.
            if number % 10 == 0 {
                var monday = opened.adding(days: 1 - opened.isoWeekday)
                var weeks = 0
                while monday.adding(days: 6) < end, weeks < 40 {
                    let entry = WorkHoursEntry()
                    entry.id = UUID()
                    entry.$pathway.id = pathway.id!
                    entry.week = monday.date
                    entry.role = WorkRole.allCases[weeks % WorkRole.allCases.count].rawValue
                    entry.minutes = 15 * (60 + random.next(40))
                    entry.status = HoursStatus.validated.rawValue
                    entry.enteredByLabel = coordinator
                    entry.validatedByLabel = coordinator
                    entry.validatedAt = monday.adding(days: 7).date
                    hours.add(entry)
                    monday = monday.adding(days: 7)
                    weeks += 1
                }
            }
            if persons.isFull || checks.isFull || hours.isFull {
                try await persons.flush(); try await referrals.flush(); try await pathways.flush(); try await checks.flush(); try await hours.flush()
            }
        }
        try await persons.flush(); try await referrals.flush(); try await pathways.flush(); try await checks.flush(); try await hours.flush()
        // A referral is sent before the pathway opens: its creation date is the consent's.
        if let sql = tx as? any SQLDatabase {
            try await sql.raw("UPDATE referrals SET created_at = consent_date WHERE cooperative_id = \(bind: coopID)").run()
            try await sql.raw("UPDATE referrals SET pathway_id = (SELECT p.id FROM pathways p WHERE p.referral_id = referrals.id) WHERE cooperative_id = \(bind: coopID)").run()
        }
        counts.people = persons.written
        counts.pathways = pathways.written
        counts.hours = hours.written
    }

    // MARK: Associates, capital and assemblies

    mutating func governance(on tx: any Database) async throws {
        let groups: [(category: String, kind: MemberCategoryKind, college: String, weight: Int)] = [
            ("Habitant·es bénéficiaires", .beneficiaries, "Habitant·es", 40),
            ("Salarié·es et coopérant·es", .employees, "Salarié·es et coopérant·es", 35),
            ("Partenaires (centres sociaux, associations)", .supporters, "Partenaires", 25),
        ]
        var categories: [(UUID, UUID)] = []
        for group in groups {
            let category = MemberCategory()
            category.cooperativeID = coopID
            category.name = group.category
            category.kind = group.kind.rawValue
            try await category.create(on: tx)
            let college = VotingCollege()
            college.cooperativeID = coopID
            college.name = group.college
            college.weightPercent = group.weight
            try await college.create(on: tx)
            categories.append((category.id!, college.id!))
        }
        let share = ShareClass()
        share.cooperativeID = coopID
        share.name = "Part sociale"
        share.nominalCents = 2_000
        share.minimumQuantity = 1
        share.eligibleCategories = nil
        try await share.create(on: tx)

        var members = BatchWriter<Member>(on: tx), operations = BatchWriter<CapitalOperation>(on: tx)
        var associates: [Member] = []
        var operationNumber = 0
        for number in 1...volumes.associates {
            let group = number % 5 == 0 ? 2 : (number % 3 == 0 ? 1 : 0)
            let admitted = first.adding(days: random.next(volumes.days - 30))
            let member = Member()
            member.id = UUID()
            member.cooperativeID = coopID
            member.number = number
            member.displayName = "\(Self.firstNames[random.next(Self.firstNames.count)]) \(Self.lastNames[random.next(Self.lastNames.count)])"
            member.kind = group == 2 ? "organisation" : "person"
            member.representative = nil
            member.categoryID = categories[group].0
            member.collegeID = categories[group].1
            member.admittedOn = admitted.date
            let leaves = number % 10 == 7 ? admitted.adding(days: 200 + random.next(400)) : nil
            let left = leaves.flatMap { $0 < today ? $0 : nil }
            member.exitedOn = left?.date
            member.exitReason = left.map { _ in "Démission" }
            member.status = (left == nil ? MemberStatus.member : .former).rawValue
            member.userID = nil
            members.add(member)
            associates.append(member)
            if operations.isFull { try await members.flush(); try await operations.flush() }
            let quantity = 1 + random.next(10)
            operationNumber += 1
            operations.add(capitalOperation(number: operationNumber, kind: .subscription, member: member.id!, share: share.id!,
                                                      quantity: quantity, day: admitted))
            if let left {
                operationNumber += 1
                operations.add(capitalOperation(number: operationNumber, kind: .reimbursement, member: member.id!, share: share.id!,
                                                          quantity: quantity, day: left))
            }
        }
        try await members.flush(); try await operations.flush()
        if let sql = tx as? any SQLDatabase {
            try await sql.raw("INSERT INTO capital_counters (cooperative_id, last_number) VALUES (\(bind: coopID), \(bind: operationNumber))").run()
        }

        var assemblies = BatchWriter<Assembly>(on: tx), attendances = BatchWriter<AssemblyAttendance>(on: tx)
        for number in 0..<volumes.assemblies {
            let held = first.adding(days: 30 + number * (volumes.days - 60) / volumes.assemblies)
            let assembly = Assembly()
            assembly.id = UUID()
            assembly.cooperativeID = coopID
            assembly.kind = (number % 7 == 6 ? AssemblyKind.extraordinary : .ordinary).rawValue
            assembly.convocation = Convocation.first.rawValue
            assembly.heldOn = held.date
            assembly.time = "18:00"
            assembly.place = "Centre social n° \(index)"
            assembly.remoteLink = nil
            assembly.agenda = "Rapport d'activité\nApprobation des comptes\nQuestions diverses"
            assembly.convenedOn = held.adding(days: -21).date
            assembly.chair = nil
            assembly.secretary = nil
            assembly.tellers = nil
            assembly.minutesHTML = nil
            assembly.lockedAt = nil
            assembly.snapshotJSON = nil
            assemblies.add(assembly)
            for member in associates where member.hadVote(on: held) && random.next(10) < 6 {
                let attendance = AttendanceMode.allCases[random.next(3)]
                let row = AssemblyAttendance()
                row.id = UUID()
                row.assemblyID = assembly.id!
                row.memberID = member.id!
                row.mode = attendance.rawValue
                row.proxyHolderID = nil
                row.recordedAt = held.date
                attendances.add(row)
            }
            if attendances.isFull { try await assemblies.flush(); try await attendances.flush() }
        }
        try await assemblies.flush(); try await attendances.flush()
        counts.associates = members.written
        counts.assemblies = assemblies.written
    }

    func capitalOperation(number: Int, kind: CapitalOperationKind, member: UUID, share: UUID, quantity: Int, day: CalendarDay) -> CapitalOperation {
        let operation = CapitalOperation()
        operation.id = UUID()
        operation.cooperativeID = coopID
        operation.number = number
        operation.kind = kind.rawValue
        operation.memberID = member
        operation.toMemberID = nil
        operation.shareClassID = share
        operation.quantity = quantity
        operation.toShareClassID = nil
        operation.toQuantity = nil
        operation.amountCents = quantity * 2_000
        operation.date = day.date
        operation.authorLabel = coordinator
        return operation
    }
}
