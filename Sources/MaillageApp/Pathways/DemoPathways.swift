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
                    pathway.referentUserID = coordinator.id
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

    /// The competence grid of the demo, and the files of two people on their way: Fatou
    /// Diallo (whose cooperant account is linked to her file) and Jonathan Petit.
    static let grid = ["Cuisine", "Hygiène HACCP", "Service en salle", "Tenue de caisse", "Achats", "Livraison", "Relation client", "Travail en équipe"]

    static func loadFiles(on db: any Database, cooperative coop: Cooperative, coordinator: User, cooperant: User) async throws {
        let today = CalendarDay(date: Date())
        var competences: [String: Competence] = [:]
        for (index, label) in grid.enumerated() {
            let competence = Competence()
            competence.cooperativeID = coop.id!
            competence.label = label
            competence.position = index + 1
            competence.active = true
            try await competence.create(on: db)
            competences[label] = competence
        }
        let pathways = try await Pathway.query(on: db).filter(\.$cooperativeID == coop.id!).with(\.$person).all()
        guard let fatou = pathways.first(where: { $0.person.firstName == "Fatou" }),
              let jonathan = pathways.first(where: { $0.person.firstName == "Jonathan" }) else { return }
        fatou.person.userID = cooperant.id
        try await fatou.person.save(on: db)

        func objective(_ pathway: Pathway, _ kind: ObjectiveKind, focus: String, title: String, actions: [(String, ActionStatus)]) async throws {
            let objective = Objective()
            objective.$pathway.id = pathway.id!
            objective.focus = focus
            objective.kind = kind.rawValue
            objective.title = title
            objective.authorLabel = coordinator.name
            try await objective.create(on: db)
            for (label, status) in actions {
                let action = PlanAction()
                action.$objective.id = objective.id!
                action.label = label
                action.status = status.rawValue
                action.statusChangedAt = Date()
                try await action.create(on: db)
            }
        }
        try await objective(fatou, .employment, focus: "Emploi en restauration collective", title: "Décrocher un poste de commis de cuisine", actions: [
            ("Valider les bases de l'hygiène HACCP", .done), ("Tenir le poste froid seule un service complet", .inProgress), ("Préparer son CV avec l'atelier", .inProgress),
        ])
        try await objective(fatou, .social, focus: "Garde d'enfants", title: "Trouver une place en crèche pour les horaires du midi", actions: [
            ("Dossier à la crèche municipale", .done), ("Demande d'aide CAF à la garde", .abandoned),
        ])
        try await objective(jonathan, .training, focus: "Logistique", title: "Entrer en formation préparateur de commandes", actions: [("Rencontrer l'AFPA", .inProgress)])

        func skill(_ pathway: Pathway, _ label: String, _ source: SkillSource, _ level: SkillLevel, daysAgo: Int, by author: String) async throws {
            let row = SkillAssessment()
            row.$pathway.id = pathway.id!
            row.$competence.id = competences[label]!.id!
            row.source = source.rawValue
            row.level = level.rawValue
            row.assessedOn = today.adding(days: -daysAgo).date
            row.authorLabel = author
            try await row.create(on: db)
        }
        try await skill(fatou, "Cuisine", .coordinator, .practisedWithHelp, daysAgo: 120, by: coordinator.name)
        try await skill(fatou, "Cuisine", .coordinator, .autonomous, daysAgo: 20, by: coordinator.name)
        try await skill(fatou, "Cuisine", .selfAssessment, .practisedWithHelp, daysAgo: 18, by: cooperant.name)
        try await skill(fatou, "Hygiène HACCP", .coordinator, .autonomous, daysAgo: 40, by: coordinator.name)
        try await skill(fatou, "Service en salle", .coordinator, .practisedWithHelp, daysAgo: 20, by: coordinator.name)
        try await skill(fatou, "Service en salle", .selfAssessment, .canPassOn, daysAgo: 18, by: cooperant.name)
        try await skill(fatou, "Travail en équipe", .selfAssessment, .autonomous, daysAgo: 18, by: cooperant.name)
        try await skill(jonathan, "Achats", .coordinator, .discovered, daysAgo: 30, by: coordinator.name)
        try await skill(jonathan, "Livraison", .coordinator, .autonomous, daysAgo: 30, by: coordinator.name)

        func hours(_ pathway: Pathway, weeksAgo: Int, _ role: WorkRole, _ h: Double, validated: Bool, by author: String) async throws {
            let entry = WorkHoursEntry()
            entry.$pathway.id = pathway.id!
            entry.week = today.weekStart.adding(days: -7 * weeksAgo).date
            entry.role = role.rawValue
            entry.minutes = Int(h * 60)
            entry.status = (validated ? HoursStatus.validated : .submitted).rawValue
            entry.enteredByLabel = author
            entry.validatedByLabel = validated ? coordinator.name : nil
            entry.validatedAt = validated ? Date() : nil
            try await entry.create(on: db)
        }
        for week in 1...4 {
            try await hours(fatou, weeksAgo: week, .kitchen, 18, validated: true, by: coordinator.name)
            try await hours(fatou, weeksAgo: week, .service, 8, validated: true, by: coordinator.name)
            try await hours(jonathan, weeksAgo: week, .delivery, 20, validated: true, by: coordinator.name)
        }
        try await hours(fatou, weeksAgo: 0, .kitchen, 14.5, validated: false, by: cooperant.name)

        func appointment(_ kind: AppointmentKind, _ title: String, daysFromNow: Int, hour: Int, minutes: Int, place: String, training: Training? = nil,
                         people: [(Pathway, AttendanceStatus)]) async throws {
            let start = LocalDateTime(day: today.adding(days: daysFromNow), hour: hour, minute: 0)
            let row = Appointment()
            row.cooperativeID = coop.id!
            row.kind = kind.rawValue
            row.title = title
            row.startsAt = start.description
            row.day = start.day.date
            row.durationMinutes = minutes
            row.place = place
            row.trainingID = training?.id
            row.authorLabel = coordinator.name
            try await row.create(on: db)
            for (pathway, status) in people {
                let line = Attendance()
                line.$appointment.id = row.id!
                line.$pathway.id = pathway.id!
                line.status = status.rawValue
                try await line.create(on: db)
            }
        }
        try await appointment(.appointment, "Point d'étape mensuel", daysFromNow: -14, hour: 10, minutes: 45, place: "Bureau de la coordination", people: [(fatou, .attended)])
        try await appointment(.appointment, "Point d'étape mensuel", daysFromNow: -12, hour: 14, minutes: 45, place: "Bureau de la coordination", people: [(jonathan, .excused)])
        try await appointment(.workshop, "Atelier CV et entretien d'embauche", daysFromNow: 7, hour: 14, minutes: 120, place: "Centre social des Caillols",
                              people: [(fatou, .registered), (jonathan, .registered)])

        let training = Training()
        training.cooperativeID = coop.id!
        training.title = "Hygiène alimentaire en restauration (HACCP)"
        training.provider = "CFPPA de Marseille"
        try await training.create(on: db)
        for (pathway, evaluation, satisfaction) in [(fatou, TrainingEvaluation.acquired, 5), (jonathan, .partiallyAcquired, 4)] {
            let enrolment = TrainingEnrolment()
            enrolment.$training.id = training.id!
            enrolment.$pathway.id = pathway.id!
            enrolment.evaluation = evaluation.rawValue
            enrolment.satisfaction = satisfaction
            try await enrolment.create(on: db)
        }
        try await appointment(.trainingSession, "Les dangers et les bonnes pratiques", daysFromNow: -45, hour: 9, minutes: 210, place: "Cuisine de la coopérative",
                              training: training, people: [(fatou, .attended), (jonathan, .attended)])
        try await appointment(.trainingSession, "Le plan de maîtrise sanitaire", daysFromNow: -38, hour: 9, minutes: 210, place: "Cuisine de la coopérative",
                              training: training, people: [(fatou, .attended), (jonathan, .absent)])

        let note = PathwayNote()
        note.$pathway.id = fatou.id!
        note.body = "Fatou a trouvé une place en crèche à partir de janvier : elle pourra passer à 26 heures par semaine."
        note.authorUserID = coordinator.id
        note.authorLabel = coordinator.name
        try await note.create(on: db)
    }
}
