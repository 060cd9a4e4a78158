/// A member category as the coordination types it.
public struct MemberCategoryDraft: Sendable, Equatable {
    public var name: String?
    public var kind: String?

    public init(name: String?, kind: String?) {
        self.name = name
        self.kind = kind
    }

    public func validate() throws(FieldErrors) -> (name: String, kind: MemberCategoryKind) {
        var errors = FieldErrors()
        let name = TextRules.requireName(name, field: "name", max: 80, into: &errors)
        let kind = MemberCategoryKind(rawValue: TextRules.clean(kind) ?? "")
        if kind == nil {
            errors.add("kind", "Choisissez ce que la catégorie réunit (" + MemberCategoryKind.allCases.map { "\($0.frenchLabel.lowercased()) : \($0.rawValue)" }.joined(separator: ", ") + ").")
        }
        try errors.throwIfAny()
        return (name, kind!)
    }
}

/// A voting college as typed: a name and a weight in whole percents.
public struct CollegeDraft: Sendable, Equatable {
    public var name: String?
    public var weightPercent: Int?

    public init(name: String?, weightPercent: Int?) {
        self.name = name
        self.weightPercent = weightPercent
    }

    /// `others`: the weights of the colleges already there; together they may not pass 100 %.
    public func validate(others: [Int]) throws(FieldErrors) -> (name: String, weightPercent: Int) {
        var errors = FieldErrors()
        let name = TextRules.requireName(name, field: "name", max: 80, into: &errors)
        if let weight = weightPercent {
            if !(CollegeRules.minimumWeight...CollegeRules.maximumWeight).contains(weight) {
                errors.add("weightPercent", "Un collège pèse de 10 à 50 % des voix.")
            } else if others.reduce(weight, +) > 100 {
                errors.add("weightPercent", "Avec ce collège, les collèges pèseraient \(others.reduce(weight, +)) % : il reste \(100 - others.reduce(0, +)) %.")
            }
        } else {
            errors.add("weightPercent", "Indiquez le poids du collège, en pourcentage des voix.")
        }
        try errors.throwIfAny()
        return (name, weightPercent!)
    }
}

public enum MemberKind: String, CaseIterable, Codable, Sendable {
    case person
    case organisation

    public var frenchLabel: String { self == .person ? "Personne" : "Organisation" }
}

public enum MemberStatus: String, CaseIterable, Codable, Sendable {
    case candidate
    case member
    case former

    public var frenchLabel: String {
        switch self {
        case .candidate: "Candidat·e"
        case .member: "Associé·e"
        case .former: "Ancien·ne associé·e"
        }
    }
}

/// An associate (sociétaire) as typed; the category and college are checked against the
/// cooperative's by the repository.
public struct MemberDraft: Sendable, Equatable {
    public var displayName: String?
    public var kind: String?
    public var representative: String?
    public var admittedOn: String?
    public var status: String?

    public init(displayName: String?, kind: String?, representative: String? = nil, admittedOn: String?, status: String? = nil) {
        self.displayName = displayName
        self.kind = kind
        self.representative = representative
        self.admittedOn = admittedOn
        self.status = status
    }

    public struct Valid: Sendable, Equatable {
        public var displayName: String
        public var kind: MemberKind
        public var representative: String?
        public var admittedOn: CalendarDay?
        public var status: MemberStatus
    }

    public func validate(today: CalendarDay) throws(FieldErrors) -> Valid {
        var errors = FieldErrors()
        let name = TextRules.requireName(displayName, field: "displayName", max: 120, into: &errors)
        let kind = MemberKind(rawValue: TextRules.clean(kind) ?? "")
        if kind == nil { errors.add("kind", "Un·e associé·e est une personne (person) ou une organisation (organisation).") }
        let representative = TextRules.clean(representative)
        if let representative, representative.count > 120 { errors.add("representative", "Le nom du représentant compte au plus 120 caractères.") }
        if kind == .organisation, representative == nil { errors.add("representative", "Nommez la personne qui représente l'organisation.") }
        // A member leaves by an exit, with its date and reason, not by being recorded former.
        let status = TextRules.clean(status).map { MemberStatus(rawValue: $0) } ?? .member
        if status == nil || status == .former { errors.add("status", "Le statut est candidate (candidat·e) ou member (associé·e).") }
        var admitted: CalendarDay?
        if TextRules.clean(admittedOn) != nil || status == .member {
            admitted = CalendarDay.parse(admittedOn, field: "admittedOn", subject: "La date d'admission", fallback: nil, latest: today, into: &errors)
        }
        try errors.throwIfAny()
        return Valid(displayName: name, kind: kind!, representative: kind == .organisation ? representative : nil, admittedOn: admitted, status: status!)
    }
}
