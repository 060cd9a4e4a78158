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

    static func load(on db: any Database, cooperative coop: Cooperative, cooperantName: String?) async throws {
        let statutes = Statutes()
        statutes.id = coop.id!
        statutes.collegesEnabled = true
        statutes.maxProxies = 2
        statutes.proxySameCollege = false
        try await statutes.create(on: db)
        var categories: [MemberCategoryKind: MemberCategory] = [:]
        for (name, kind) in [("Habitant·es bénéficiaires", MemberCategoryKind.beneficiaries), ("Salarié·es et coopérant·es", .employees),
                             ("Partenaires (centres sociaux, associations, Ville)", .supporters)] {
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
            try await member.create(on: db)
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
            ("Ville de Marseille (mairie des 11e-12e)", .supporters, "Élue déléguée à l'économie sociale", 480),
            ("Régie de quartier Est", .supporters, "Sandrine Morel", 200),
            ("Maison de l'Emploi de Marseille", .supporters, "Karim Benali", 120),
            ("Épicerie solidaire du Plan d'Aou", .supporters, "Nadia Ferhat", 60),
        ]
        if let cooperantName { admissions.append((cooperantName, .employees, nil, 520)) }
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
    }
}
