/// What an objective of the plan aims at (Carnet de bord: focus → objective → action).
public enum ObjectiveKind: String, CaseIterable, Codable, Sendable {
    case employment
    case training
    case businessCreation = "business_creation"
    case social

    public var frenchLabel: String {
        switch self {
        case .employment: "Emploi"
        case .training: "Formation"
        case .businessCreation: "Création d'activité"
        case .social: "Social"
        }
    }
}

/// Where an action of the plan stands. Any status may follow any other: an abandoned action
/// can be taken up again, a done one reopened when it was ticked by mistake.
public enum ActionStatus: String, CaseIterable, Codable, Sendable {
    case inProgress = "in_progress"
    case done
    case abandoned

    public var frenchLabel: String {
        switch self {
        case .inProgress: "En cours"
        case .done: "Réalisée"
        case .abandoned: "Abandonnée"
        }
    }
}

/// An objective as the coordinator types it, with its first actions.
public struct ObjectiveDraft: Sendable, Equatable {
    public var focus: String?
    public var kind: String?
    public var title: String?
    public var actions: [String]

    public init(focus: String?, kind: String?, title: String?, actions: [String] = []) {
        self.focus = focus
        self.kind = kind
        self.title = title
        self.actions = actions
    }

    public struct Valid: Sendable, Equatable {
        public var focus: String
        public var kind: ObjectiveKind
        public var title: String
        public var actions: [String]
    }

    public static let maxActions = 20

    public func validate() throws(FieldErrors) -> Valid {
        var errors = FieldErrors()
        let focus = TextRules.requireName(focus, field: "focus", max: 120, into: &errors)
        let kind = ObjectiveKind(rawValue: kind ?? "")
        if kind == nil { errors.add("kind", "Choisissez le type d'objectif : emploi, formation, création d'activité ou social.") }
        let title = TextRules.requireName(title, field: "title", max: 200, into: &errors)
        let actions = self.actions.compactMap(TextRules.clean)
        if actions.count > Self.maxActions { errors.add("actions", "Pas plus de \(Self.maxActions) actions à la fois.") }
        if actions.contains(where: { $0.count > 200 }) { errors.add("actions", "Une action ne doit pas dépasser 200 caractères.") }
        try errors.throwIfAny()
        return Valid(focus: focus, kind: kind!, title: title, actions: actions)
    }
}

/// How far an objective has gone: its actions by status.
public struct ObjectiveProgress: Sendable, Equatable {
    public var inProgress: Int
    public var done: Int
    public var abandoned: Int

    public init(_ statuses: [ActionStatus]) {
        inProgress = statuses.filter { $0 == .inProgress }.count
        done = statuses.filter { $0 == .done }.count
        abandoned = statuses.filter { $0 == .abandoned }.count
    }

    /// Reached when at least one action is done and none is still in progress.
    public var isReached: Bool { done > 0 && inProgress == 0 }
}
