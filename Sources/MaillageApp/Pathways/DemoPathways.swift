import Fluent
import Foundation
import MaillageCore

/// A dozen fictional residents referred to the Caillols cooperative, at every stage, so that
/// each page of the demo shows real content.
enum DemoPathways {
    struct Resident {
        var firstName: String
        var lastName: String
        var birthYear: Int
        var situation: SituationAtEntry
        var education: EducationLevel
        var barriers: [Barrier]
        var reason: String
        /// Days ago the referral was sent.
        var sentDaysAgo: Int
        /// The steps taken, in order, each `daysAgo` after which it happened.
        var steps: [(ReferralStatus, daysAgo: Int)]
        var refusal: (reason: String, shared: Bool)? = nil
        var exit: (ExitDestination, daysAgo: Int)? = nil
    }

    static let residents: [Resident] = [
        Resident(firstName: "Aïcha", lastName: "Benali", birthYear: 1990, situation: .rsa, education: .level3, barriers: [.childcare, .mobility],
                 reason: "Souhaite se former à la cuisine collective.", sentDaysAgo: 3, steps: []),
        Resident(firstName: "Moussa", lastName: "Traoré", birthYear: 1999, situation: .longTermJobSeeker, education: .noDiploma, barriers: [.frenchLanguage],
                 reason: "Intéressé par la livraison à vélo des repas.", sentDaysAgo: 5, steps: []),
        Resident(firstName: "Sandrine", lastName: "Lopez", birthYear: 1976, situation: .rqth, education: .level4, barriers: [.health],
                 reason: "Cherche une activité à temps partiel en salle.", sentDaysAgo: 8, steps: []),
        Resident(firstName: "Yacine", lastName: "Hamidi", birthYear: 2001, situation: .noneOfThese, education: .level4, barriers: [.digital],
                 reason: "Projet de traiteur, veut tester en vrai.", sentDaysAgo: 12, steps: [(.received, 10)]),
        Resident(firstName: "Rose", lastName: "Nguyen", birthYear: 1985, situation: .rsa, education: .level5, barriers: [.childcare],
                 reason: "Ancienne aide-cuisinière, veut reprendre pied.", sentDaysAgo: 15, steps: [(.received, 14)]),
        Resident(firstName: "Bilal", lastName: "Cherif", birthYear: 1994, situation: .ass, education: .level3, barriers: [.administrativeRights, .finances],
                 reason: "Souhaite travailler en caisse.", sentDaysAgo: 18, steps: [(.received, 16), (.interview, 4)]),
        Resident(firstName: "Chantal", lastName: "Morel", birthYear: 1968, situation: .longTermJobSeeker, education: .level3, barriers: [.overIndebtedness],
                 reason: "Orientée pour un atelier cuisine.", sentDaysAgo: 40, steps: [(.received, 38), (.refused, 30)],
                 refusal: ("Projet de création d'entreprise individuelle : orientée vers la boutique de gestion.", true)),
        Resident(firstName: "Fatou", lastName: "Diallo", birthYear: 1992, situation: .rsa, education: .level3, barriers: [.childcare, .housing],
                 reason: "Veut apprendre la cuisine et le service.", sentDaysAgo: 200, steps: [(.received, 198), (.interview, 190), (.accepted, 185)]),
        Resident(firstName: "Jonathan", lastName: "Petit", birthYear: 1997, situation: .longTermJobSeeker, education: .level4, barriers: [.mobility],
                 reason: "Intéressé par les achats et la logistique.", sentDaysAgo: 120, steps: [(.received, 119), (.interview, 112), (.accepted, 110)]),
        Resident(firstName: "Samia", lastName: "Kaci", birthYear: 1983, situation: .rsa, education: .level5, barriers: [.digital, .childcare],
                 reason: "Reconversion vers la restauration collective.", sentDaysAgo: 420, steps: [(.received, 418), (.interview, 410), (.accepted, 405)],
                 exit: (.cdi, 60)),
        Resident(firstName: "Kevin", lastName: "Martin", birthYear: 2000, situation: .noneOfThese, education: .noDiploma, barriers: [.justice],
                 reason: "Accompagné par la Mission Locale, veut une première expérience.", sentDaysAgo: 380, steps: [(.received, 379), (.interview, 372), (.accepted, 370)],
                 exit: (.cddUnder6Months, 90)),
        Resident(firstName: "Nadia", lastName: "Rahmani", birthYear: 1979, situation: .aah, education: .level3, barriers: [.health, .mobility],
                 reason: "Souhaite un rythme adapté en cuisine.", sentDaysAgo: 330, steps: [(.received, 328), (.interview, 320), (.accepted, 318)],
                 exit: (.jobSeeker, 30)),
    ]

    static func load(on db: any Database, cooperative coop: Cooperative, referrer: User, coordinator: User) async throws {
        let now = Date()
        func ago(_ days: Int) -> Date { now.addingTimeInterval(-Double(days) * 86_400) }
        for resident in residents {
            let person = Person()
            person.cooperativeID = coop.id!
            person.firstName = resident.firstName
            person.lastName = resident.lastName
            person.birthYear = resident.birthYear
            person.commune = "Marseille 12e"
            person.qpvCode = "QN01306M"
            person.situationAtEntry = resident.situation.rawValue
            person.educationLevel = resident.education.rawValue
            person.lastContactAt = ago(resident.steps.last?.daysAgo ?? resident.sentDaysAgo)
            try await person.create(on: db)

            let referral = Referral()
            referral.cooperativeID = coop.id!
            referral.$person.id = person.id!
            referral.referrerUserID = referrer.id
            referral.referrerLabel = referrer.name
            referral.status = (resident.steps.last?.0 ?? .sent).rawValue
            referral.reason = resident.reason
            referral.barriers = resident.barriers.map(\.rawValue)
            referral.consentDate = ago(resident.sentDaysAgo)
            referral.consentPurpose = ReferralDraft.consentPurpose
            referral.refusalReason = resident.refusal?.reason
            referral.shareReason = resident.refusal?.shared ?? false
            referral.statusChangedAt = ago(resident.steps.last?.daysAgo ?? resident.sentDaysAgo)
            try await referral.create(on: db)
            // Creation time as it was, for the lists' order.
            referral.createdAt = ago(resident.sentDaysAgo)
            try await referral.update(on: db)

            var from = ReferralStatus.sent
            for (to, daysAgo) in resident.steps {
                let step = ReferralTransition()
                step.$referral.id = referral.id!
                step.fromStatus = from.rawValue
                step.toStatus = to.rawValue
                step.authorUserID = coordinator.id
                step.authorLabel = coordinator.name
                step.reason = to == .refused ? resident.refusal?.reason : nil
                step.occurredAt = ago(daysAgo)
                try await step.create(on: db)
                from = to
                if to == .accepted {
                    let pathway = Pathway()
                    pathway.cooperativeID = coop.id!
                    pathway.$person.id = person.id!
                    pathway.referralID = referral.id
                    pathway.openedOn = ago(daysAgo)
                    if let (destination, exitDaysAgo) = resident.exit {
                        let day = CalendarDay(date: ago(exitDaysAgo))
                        pathway.exitDate = day.date
                        pathway.exitDestination = destination.rawValue
                        pathway.exitCategory = ExitClassification.category(of: destination).rawValue
                        pathway.followUpDue = day.adding(months: ExitClassification.followUpMonths).date
                    }
                    try await pathway.create(on: db)
                    referral.pathwayID = pathway.id
                    try await referral.save(on: db)
                }
            }
        }
    }
}
