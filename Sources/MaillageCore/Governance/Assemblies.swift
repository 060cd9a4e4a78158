/// The notice a general assembly's convocation gives.
public enum ConvocationRules {
    /// Members are convened at least fifteen days before the assembly (the statutes' usual
    /// notice for a cooperative in SA form, R225-69 of the Code de commerce).
    public static let noticeDays = 15

    public static func daysOfNotice(sentOn: CalendarDay, assemblyOn: CalendarDay) -> Int {
        assemblyOn.daysSinceEpoch - sentOn.daysSinceEpoch
    }

    /// Why a convocation sent on `sentOn` comes too late, if it does.
    public static func problem(sentOn: CalendarDay, assemblyOn: CalendarDay) -> String? {
        let days = daysOfNotice(sentOn: sentOn, assemblyOn: assemblyOn)
        guard days < noticeDays else { return nil }
        if days < 0 { return "L'assemblée a déjà eu lieu : on ne la convoque plus." }
        return "La convocation part au moins \(noticeDays) jours avant l'assemblée ; il en reste \(days). Reportez l'assemblée au \(sentOn.adding(days: noticeDays).french) ou plus tard."
    }
}

/// What a resolution needs to pass: the assembly kind's majority, or a stricter fraction that
/// the statutes set for it ("at least 3/4 of votes cast").
public enum ResolutionMajority: Sendable, Equatable, CustomStringConvertible {
    case ordinary
    case extraordinary
    case atLeast(Fraction)

    /// `ordinary`, `extraordinary` or a fraction of at least one half (`3/4`).
    public init?(_ text: String) {
        switch text.trimmingWhitespace() {
        case "ordinary": self = .ordinary
        case "extraordinary": self = .extraordinary
        case let other:
            let parts = other.split(separator: "/").map { Int(String($0).trimmingWhitespace()) }
            guard parts.count == 2, let n = parts[0], let d = parts[1], n > 0, d > 0, n <= d, d <= 100, 2 * n >= d else { return nil }
            self = .atLeast(Fraction(n, d))
        }
    }

    public var description: String {
        switch self {
        case .ordinary: "ordinary"
        case .extraordinary: "extraordinary"
        case .atLeast(let fraction): fraction.description
        }
    }

    /// `plus de 1/2 des voix exprimées`.
    public func french(_ rules: AssemblyRules) -> String {
        switch self {
        case .ordinary: "plus de \(rules.ordinaryMajority) des voix exprimées"
        case .extraordinary: "au moins \(rules.extraordinaryMajority) des voix exprimées"
        case .atLeast(let fraction): "au moins \(fraction) des voix exprimées"
        }
    }

    /// The rules and kind that express this majority for `Tally.adopted`.
    public func resolved(_ rules: AssemblyRules) -> (AssemblyKind, AssemblyRules) {
        switch self {
        case .ordinary: return (.ordinary, rules)
        case .extraordinary: return (.extraordinary, rules)
        case .atLeast(let fraction):
            var custom = rules
            custom.extraordinaryMajority = fraction
            return (.extraordinary, custom)
        }
    }
}

extension Tally {
    /// Adopted under a resolution's own majority.
    public func adopted(under majority: ResolutionMajority, rules: AssemblyRules) -> Bool {
        let (kind, resolved) = majority.resolved(rules)
        return adopted(kind, rules: resolved)
    }

    public func adoptedByHeadCount(under majority: ResolutionMajority, rules: AssemblyRules) -> Bool {
        let (kind, resolved) = majority.resolved(rules)
        return adoptedByHeadCount(kind, rules: resolved)
    }
}

/// A general assembly as the coordination plans it.
public struct AssemblyDraft: Sendable, Equatable {
    public var kind: String?
    public var convocation: String?
    /// `YYYY-MM-DD`, or with its time: `YYYY-MM-DDTHH:MM`.
    public var date: String?
    public var place: String?
    public var remoteLink: String?
    /// One item per line.
    public var agenda: String?

    public init(kind: String?, convocation: String?, date: String?, place: String? = nil, remoteLink: String? = nil, agenda: String? = nil) {
        self.kind = kind
        self.convocation = convocation
        self.date = date
        self.place = place
        self.remoteLink = remoteLink
        self.agenda = agenda
    }

    public struct Valid: Sendable, Equatable {
        public var kind: AssemblyKind
        public var convocation: Convocation
        public var day: CalendarDay
        /// `18:30`, when given.
        public var time: String?
        public var place: String?
        public var remoteLink: String?
        public var agenda: [String]
    }

    public func validate() throws(FieldErrors) -> Valid {
        var errors = FieldErrors()
        let kind = AssemblyKind(rawValue: TextRules.clean(kind) ?? "")
        if kind == nil { errors.add("kind", "Choisissez une assemblée ordinaire (ordinary) ou extraordinaire (extraordinary).") }
        let convocation = TextRules.clean(convocation).map { Convocation(rawValue: $0) } ?? .first
        if convocation == nil { errors.add("convocation", "La convocation est la première (first) ou la deuxième (second).") }
        var day: CalendarDay?
        var time: String?
        if let text = TextRules.clean(date) {
            if let moment = LocalDateTime(text) {
                day = moment.day
                time = String(moment.description.suffix(5))
            } else if let only = CalendarDay(text) {
                day = only
            } else {
                errors.add("date", "La date s'écrit comme 12/06/2027, avec l'heure si vous voulez : 12/06/2027 18:30.")
            }
        } else {
            errors.add("date", "Indiquez la date de l'assemblée.")
        }
        let place = TextRules.clean(place)
        if let place, place.count > 200 { errors.add("place", "Le lieu compte au plus 200 caractères.") }
        let link = TextRules.clean(remoteLink)
        if let link, !TextRules.isWebAddress(link, maximumLength: 500) {
            errors.add("remoteLink", "Le lien de visioconférence est une adresse web complète (https://…).")
        }
        let items = (agenda ?? "").split(whereSeparator: \.isNewline).compactMap { TextRules.clean(String($0)) }
        if items.count > 40 { errors.add("agenda", "L'ordre du jour compte au plus 40 points.") }
        if items.contains(where: { $0.count > 300 }) { errors.add("agenda", "Chaque point de l'ordre du jour compte au plus 300 caractères.") }
        try errors.throwIfAny()
        return Valid(kind: kind!, convocation: convocation!, day: day!, time: time, place: place, remoteLink: link, agenda: items)
    }
}

/// A resolution put to the vote.
public struct ResolutionDraft: Sendable, Equatable {
    public var title: String?
    public var text: String?
    /// `ordinary`, `extraordinary` or a fraction (`3/4`); the assembly's kind when absent.
    public var majority: String?

    public init(title: String?, text: String?, majority: String? = nil) {
        self.title = title
        self.text = text
        self.majority = majority
    }

    /// `rules`: the statutes' majorities, which a resolution's own may make stricter, never weaker.
    public func validate(assembly: AssemblyKind, rules: AssemblyRules = .codeDeCommerce) throws(FieldErrors) -> (title: String, text: String, majority: ResolutionMajority) {
        var errors = FieldErrors()
        let title = TextRules.requireName(title, field: "title", max: 200, into: &errors)
        let body = TextRules.clean(text)
        if body == nil { errors.add("text", "Écrivez le texte de la résolution : c'est lui que le procès-verbal reprend.") }
        if let body, body.count > 10_000 { errors.add("text", "Le texte compte au plus 10 000 caractères.") }
        var majority: ResolutionMajority = assembly == .ordinary ? .ordinary : .extraordinary
        if let text = TextRules.clean(self.majority) {
            if let parsed = ResolutionMajority(text) {
                majority = parsed
            } else {
                errors.add("majority", "La majorité est ordinary, extraordinary ou une fraction d'au moins la moitié (3/4).")
            }
        }
        // An extraordinary assembly's decisions never pass with less than its own majority;
        // a fraction is "at least", so it must beat the ordinary "more than".
        if assembly == .extraordinary && majority == .ordinary {
            errors.add("majority", "Une assemblée extraordinaire décide à sa majorité renforcée, pas à la majorité ordinaire.")
        }
        if case .atLeast(let fraction) = majority {
            let floor = assembly == .ordinary ? rules.ordinaryMajority : rules.extraordinaryMajority
            let weaker = assembly == .ordinary
                ? fraction.numerator * floor.denominator <= floor.numerator * fraction.denominator
                : fraction.numerator * floor.denominator < floor.numerator * fraction.denominator
            if weaker {
                errors.add("majority", assembly == .ordinary
                    ? "Une majorité propre à la résolution est plus forte que la majorité ordinaire (plus de \(floor)) : par exemple 2/3."
                    : "Une assemblée extraordinaire décide à au moins \(floor) des voix exprimées : la résolution ne peut demander moins.")
            }
        }
        try errors.throwIfAny()
        return (title, body!, majority)
    }
}

/// Who took part in an assembly and how, for the quorum and the proxies.
public enum AttendanceRules {
    /// Everyone recorded takes part in the quorum: present, remote, by post or represented.
    public static func participating(_ modes: [AttendanceMode]) -> Int { modes.count }

    /// Why a member whose mode changes to `newMode` may not: they hold proxies and would
    /// no longer be in the room to carry them.
    public static func holderLeaving(proxiesHeld: Int, newMode: AttendanceMode) -> String? {
        guard proxiesHeld > 0, newMode != .present else { return nil }
        return "Ce membre porte \(proxiesHeld) pouvoir(s) : il doit rester présent, ou ses mandants choisir un autre mandataire."
    }
}

extension AttendanceMode {
    public var frenchLabel: String {
        switch self {
        case .present: "Présent·e"
        case .remote: "À distance"
        case .postal: "Vote par correspondance"
        case .represented: "Représenté·e"
        }
    }
}

extension VoteChoice {
    public var frenchLabel: String {
        switch self {
        case .for: "Pour"
        case .against: "Contre"
        case .abstain: "Abstention"
        }
    }
}
