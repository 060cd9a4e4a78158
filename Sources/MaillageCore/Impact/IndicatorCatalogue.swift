/// The unit an indicator is counted in.
public enum IndicatorUnit: String, Codable, Sendable, CaseIterable {
    case people, households, hours, fte, meals, cents, percent, count

    public var frenchLabel: String {
        switch self {
        case .people: "personnes"
        case .households: "foyers"
        case .hours: "heures"
        case .fte: "ETP"
        case .meals: "repas"
        case .cents: "euros"
        case .percent: "%"
        case .count: "nombre"
        }
    }
}

/// An indicator of the catalogue: what it counts, from which records, over which period. Every
/// figure is computed from the records (`ImpactFigures.compute`), never typed in.
public enum Indicator: String, CaseIterable, Codable, Sendable {
    case peopleReferred = "people-referred"
    case peopleAccompanied = "people-accompanied"
    case qpvShare = "qpv-share"
    case barriersAtEntry = "barriers-at-entry"
    case barriersResolved = "barriers-resolved"
    case hoursWorked = "hours-worked"
    case trainingHours = "training-hours"
    case skillsGained = "skills-gained"
    case exits
    case dynamicExitRate = "dynamic-exit-rate"
    case fteJobs = "fte-jobs"
    case householdsServed = "households-served"
    case reducedPriceMeals = "reduced-price-meals"
    case solidarityValue = "solidarity-value"
    case localPurchaseShare = "local-purchase-share"
    case shortCircuitShare = "short-circuit-share"
    case qpvPurchaseShare = "qpv-purchase-share"
    case egalimShare = "egalim-share"
    case organicShare = "organic-share"
    case members
    case membersByCollege = "members-by-college"
    case capital
    case assembliesHeld = "assemblies-held"
    case attendanceRate = "attendance-rate"
    case partners
    case resourceBookings = "resource-bookings"

    public var unit: IndicatorUnit {
        switch self {
        case .peopleReferred, .peopleAccompanied, .barriersAtEntry, .exits, .members, .membersByCollege: .people
        case .householdsServed: .households
        case .hoursWorked, .trainingHours: .hours
        case .fteJobs: .fte
        case .reducedPriceMeals: .meals
        case .solidarityValue, .capital: .cents
        case .qpvShare, .dynamicExitRate, .localPurchaseShare, .shortCircuitShare, .qpvPurchaseShare, .egalimShare, .organicShare, .attendanceRate: .percent
        case .barriersResolved, .skillsGained, .assembliesHeld, .partners, .resourceBookings: .count
        }
    }

    /// Counts of people, and shares taken over people, fall under the statistical secret: below
    /// the threshold they are shown as "< 5" to anyone outside the cooperative.
    public var countsPeople: Bool {
        switch unit {
        case .people, .households: true
        default: self == .barriersResolved || self == .skillsGained
        }
    }

    /// A share whose base is a number of people (masked when the base is small).
    public var isShareOfPeople: Bool { self == .qpvShare || self == .dynamicExitRate || self == .attendanceRate }

    public var area: String {
        switch self {
        case .peopleReferred, .peopleAccompanied, .qpvShare, .barriersAtEntry, .barriersResolved, .hoursWorked, .trainingHours,
             .skillsGained, .exits, .dynamicExitRate, .fteJobs: "Parcours"
        case .householdsServed, .reducedPriceMeals, .solidarityValue: "Activité solidaire"
        case .localPurchaseShare, .shortCircuitShare, .qpvPurchaseShare, .egalimShare, .organicShare: "Achats"
        case .members, .membersByCollege, .capital, .assembliesHeld, .attendanceRate: "Gouvernance"
        case .partners, .resourceBookings: "Partenaires"
        }
    }

    public var frenchName: String {
        switch self {
        case .peopleReferred: "Personnes orientées"
        case .peopleAccompanied: "Personnes accompagnées"
        case .qpvShare: "Part des personnes accompagnées vivant en QPV"
        case .barriersAtEntry: "Freins à l'entrée"
        case .barriersResolved: "Freins levés"
        case .hoursWorked: "Heures travaillées"
        case .trainingHours: "Heures de formation"
        case .skillsGained: "Compétences acquises"
        case .exits: "Sorties"
        case .dynamicExitRate: "Taux de sorties dynamiques"
        case .fteJobs: "Emplois en équivalent temps plein"
        case .householdsServed: "Foyers servis"
        case .reducedPriceMeals: "Repas vendus à prix réduit"
        case .solidarityValue: "Valeur solidaire donnée"
        case .localPurchaseShare: "Part des achats locaux"
        case .shortCircuitShare: "Part des achats en circuit court"
        case .qpvPurchaseShare: "Part des achats dans les QPV"
        case .egalimShare: "Part des achats EGAlim"
        case .organicShare: "Part des achats bio"
        case .members: "Associé·es"
        case .membersByCollege: "Associé·es par collège"
        case .capital: "Capital souscrit"
        case .assembliesHeld: "Assemblées tenues"
        case .attendanceRate: "Taux de participation aux assemblées"
        case .partners: "Partenaires"
        case .resourceBookings: "Réservations de ressources mutualisées"
        }
    }

    /// What is counted, from which records, for which period.
    public var definition: String {
        switch self {
        case .peopleReferred:
            "Orientations envoyées à la coopérative pendant la période (date d'envoi), quelle que soit leur suite, par sorte de structure du prescripteur au moment de l'envoi (« sans structure » quand son compte n'est rattaché à aucun partenaire)."
        case .peopleAccompanied:
            "Personnes dont le parcours était ouvert au moins un jour de la période : ouvert avant sa fin, et pas sorti avant son début."
        case .qpvShare:
            "Parmi les personnes accompagnées, la part de celles dont l'adresse est dans un quartier prioritaire de la politique de la ville (code QPV renseigné sur la fiche)."
        case .barriersAtEntry:
            "Parmi les personnes accompagnées, celles qui avaient chaque frein périphérique noté sur leur orientation ; une personne compte une fois par frein, le total compte les personnes ayant au moins un frein."
        case .barriersResolved:
            "Freins notés à l'entrée ou évalués présents, dont la dernière évaluation datée dans la période dit « aucun frein »."
        case .hoursWorked:
            "Heures déclarées et validées par la coordination, des semaines qui commencent dans la période ; les heures en attente ne comptent pas."
        case .trainingHours:
            "Durée des séances de formation de la période, multipliée par le nombre de personnes présentes (émargement)."
        case .skillsGained:
            "Évaluations de la période qui font monter une personne d'un niveau sur une compétence de la grille, par niveau atteint."
        case .exits:
            "Sorties de parcours datées dans la période, par catégorie (emploi durable, emploi de transition, sortie positive, autre sortie)."
        case .dynamicExitRate:
            "Sorties en emploi durable, en emploi de transition ou positives, rapportées à toutes les sorties de la période."
        case .fteJobs:
            "Heures travaillées validées de la période divisées par la durée légale annuelle d'un temps plein (1 607 heures) ramenée à la longueur de la période."
        case .householdsServed:
            "Foyers distincts qui ont acheté avec leur carte pendant la période, chacun compté dans la tranche de son dernier achat."
        case .reducedPriceMeals:
            "Repas vendus pendant la période à une autre tranche que le prix public, remboursements déduits."
        case .solidarityValue:
            "Ce que les foyers n'ont pas payé : réductions de la grille et repas suspendus tirés de la caisse de solidarité, par qui l'a financé (marge de l'activité, caisse de solidarité, financeur)."
        case .localPurchaseShare:
            "Montant des achats de la période venant de fournisseurs locaux selon la définition de la coopérative, rapporté au montant de tous les achats."
        case .shortCircuitShare:
            "Montant des achats en circuit court (au plus un intermédiaire), rapporté au montant de tous les achats de la période."
        case .qpvPurchaseShare:
            "Montant des achats à des fournisseurs installés dans un QPV, rapporté au montant de tous les achats de la période."
        case .egalimShare:
            "Montant des achats durables et de qualité au sens de la loi EGAlim (bio compris), rapporté au montant de tous les achats de la période."
        case .organicShare:
            "Montant des achats issus de l'agriculture biologique, rapporté au montant de tous les achats de la période."
        case .members:
            "Associé·es admis·es et non sorti·es au dernier jour de la période, par catégorie."
        case .membersByCollege:
            "Les mêmes associé·es, par collège de vote (« sans collège » quand les statuts n'en prévoient pas)."
        case .capital:
            "Capital souscrit au dernier jour de la période selon le registre des parts : souscriptions moins remboursements."
        case .assembliesHeld:
            "Assemblées générales dont la date tombe dans la période et dont l'émargement a été tenu."
        case .attendanceRate:
            "Associé·es présent·es, à distance, votant par correspondance ou représenté·es, rapportés aux associé·es qui avaient une voix, sur l'ensemble des assemblées tenues de la période."
        case .partners:
            "Partenaires du territoire qui ont au moins un rôle envers la coopérative (prescripteur, financeur, fournisseur, associé, hôte), par sorte."
        case .resourceBookings:
            "Réservations de ressources mutualisées faites pour la coopérative et qui commencent dans la période."
        }
    }

    /// The French label of one part of the breakdown.
    public func partLabel(_ key: String) -> String {
        if key == ImpactFigures.withoutOrganisation { return "Sans structure" }
        if key == ImpactFigures.withoutCollege { return "Sans collège" }
        switch self {
        case .peopleReferred, .partners: return PartnerKind(rawValue: key)?.frenchLabel ?? key
        case .barriersAtEntry, .barriersResolved: return Barrier(rawValue: key)?.frenchLabel ?? key
        case .skillsGained: return SkillLevel(rawValue: key)?.frenchLabel ?? key
        case .exits: return ExitCategory(rawValue: key)?.frenchLabel ?? key
        case .householdsServed, .reducedPriceMeals: return Tier(code: key)?.frenchLabel ?? key
        default: return key
        }
    }
}
