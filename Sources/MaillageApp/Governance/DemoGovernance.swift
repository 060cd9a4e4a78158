import Fluent
import Foundation
import MaillageCore

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
        }
        // The founding assembly, then admissions month after month.
        try await admit("Centre social des Caillols", .supporters, organisation: "Mireille Ouali", daysAgo: 540)
        try await admit("Association Les Jardins partagés de l'Est", .supporters, organisation: "Paul Ferrand", daysAgo: 540)
        try await admit("Ville de Marseille (mairie des 11e-12e)", .supporters, organisation: "Élue déléguée à l'économie sociale", daysAgo: 480)
        if let cooperantName { try await admit(cooperantName, .employees, daysAgo: 520) }
        for index in 0..<24 {
            try await admit("\(firstNames[random.next(firstNames.count)]) \(lastNames[random.next(lastNames.count)])", .beneficiaries, daysAgo: 540 - index * 18)
        }
        for index in 0..<10 {
            try await admit("\(firstNames[random.next(firstNames.count)]) \(lastNames[random.next(lastNames.count)])", .employees, daysAgo: 500 - index * 30)
        }
        try await admit("Régie de quartier Est", .supporters, organisation: "Sandrine Morel", daysAgo: 200)
        try await admit("Maison de l'Emploi de Marseille", .supporters, organisation: "Karim Benali", daysAgo: 120)
        try await admit("Épicerie solidaire du Plan d'Aou", .supporters, organisation: "Nadia Ferhat", daysAgo: 60)
    }
}
