/// Kinds of territory a cooperative works in.
public enum TerritoryKind: String, CaseIterable, Codable, Sendable {
    /// Quartier prioritaire de la politique de la ville.
    case qpv
    case rural
    case urban

    public var frenchLabel: String {
        switch self {
        case .qpv: "Quartier prioritaire (QPV)"
        case .rural: "Territoire rural"
        case .urban: "Territoire urbain"
        }
    }

    public var englishLabel: String {
        switch self {
        case .qpv: "Priority neighbourhood (QPV)"
        case .rural: "Rural territory"
        case .urban: "Urban territory"
        }
    }
}

/// Legal form of a coopérative d'habitants.
public enum LegalForm: String, CaseIterable, Codable, Sendable {
    case scic
    case scop
    /// An association preparing the cooperative (association en préfiguration).
    case association

    public var frenchLabel: String {
        switch self {
        case .scic: "SCIC (société coopérative d'intérêt collectif)"
        case .scop: "SCOP (société coopérative et participative)"
        case .association: "Association en préfiguration"
        }
    }

    public var englishLabel: String {
        switch self {
        case .scic: "SCIC (multi-stakeholder cooperative)"
        case .scop: "SCOP (worker cooperative)"
        case .association: "Association preparing the cooperative"
        }
    }
}

/// Where a cooperative stands on its way from the residents' collective to a consolidated
/// enterprise. Stages follow one another in this order.
public enum CooperativeStage: String, CaseIterable, Codable, Sendable, Comparable {
    case emergence
    case prefiguration
    case creation
    case consolidation

    public var frenchLabel: String {
        switch self {
        case .emergence: "Émergence"
        case .prefiguration: "Préfiguration"
        case .creation: "Création"
        case .consolidation: "Consolidation"
        }
    }

    public var englishLabel: String {
        switch self {
        case .emergence: "Emergence"
        case .prefiguration: "Pre-figuration"
        case .creation: "Creation"
        case .consolidation: "Consolidation"
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
