/// Where a person goes when leaving the cooperative.
public enum ExitDestination: String, CaseIterable, Codable, Sendable {
    case cdi
    case cddOver6Months = "cdd_over_6_months"
    case interimOver6Months = "interim_over_6_months"
    case businessCreation = "business_creation"
    case publicService = "public_service"
    case cddUnder6Months = "cdd_under_6_months"
    case interimUnder6Months = "interim_under_6_months"
    case subsidisedContract = "subsidised_contract"
    case qualifyingTraining = "qualifying_training"
    case otherInclusionEmployer = "other_inclusion_employer"
    case jobSeeker = "job_seeker"
    case inactive
    case other

    public var frenchLabel: String {
        switch self {
        case .cdi: "CDI"
        case .cddOver6Months: "CDD de plus de 6 mois"
        case .interimOver6Months: "Mission d'intérim de plus de 6 mois"
        case .businessCreation: "Création d'entreprise"
        case .publicService: "Titularisation ou stage dans la fonction publique"
        case .cddUnder6Months: "CDD de moins de 6 mois"
        case .interimUnder6Months: "Mission d'intérim de moins de 6 mois"
        case .subsidisedContract: "Contrat aidé chez un employeur ordinaire"
        case .qualifyingTraining: "Formation qualifiante ou pré-qualifiante"
        case .otherInclusionEmployer: "Embauche par une autre structure d'insertion"
        case .jobSeeker: "Demandeur d'emploi"
        case .inactive: "Inactivité"
        case .other: "Autre"
        }
    }
}

/// How IAE funders count an exit (sortie). The first three are "dynamic" exits.
public enum ExitCategory: String, CaseIterable, Codable, Sendable {
    case durableEmployment
    case transitionalEmployment
    case positiveExit
    case otherExit

    public var isDynamic: Bool { self != .otherExit }

    public var frenchLabel: String {
        switch self {
        case .durableEmployment: "Emploi durable"
        case .transitionalEmployment: "Emploi de transition"
        case .positiveExit: "Sortie positive"
        case .otherExit: "Autre sortie"
        }
    }
}

public enum ExitClassification {
    /// Emploi durable: CDI, CDD or interim over 6 months, business creation, public-service
    /// tenure; emploi de transition: CDD or interim under 6 months, subsidised contract;
    /// sortie positive: qualifying training, another inclusion employer; otherwise autre sortie.
    public static func category(of destination: ExitDestination) -> ExitCategory {
        switch destination {
        case .cdi, .cddOver6Months, .interimOver6Months, .businessCreation, .publicService: .durableEmployment
        case .cddUnder6Months, .interimUnder6Months, .subsidisedContract: .transitionalEmployment
        case .qualifyingTraining, .otherInclusionEmployer: .positiveExit
        case .jobSeeker, .inactive, .other: .otherExit
        }
    }

    /// Dynamic exits over all exits, between 0 and 1; nil when nobody left in the period.
    public static func dynamicExitRate(_ destinations: [ExitDestination]) -> Double? {
        guard !destinations.isEmpty else { return nil }
        let dynamic = destinations.filter { category(of: $0).isDynamic }.count
        return Double(dynamic) / Double(destinations.count)
    }

    /// Months after the exit when the follow-up is due.
    public static let followUpMonths = 6
}
