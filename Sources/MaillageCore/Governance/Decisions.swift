/// Everyday decisions between assemblies: a proposal that members agree with, or not, or a
/// poll among options; open until a closing time, for an electorate the author chooses.
public enum DecisionKind: String, CaseIterable, Codable, Sendable {
    case proposal
    case poll

    public var frenchLabel: String { self == .proposal ? "Proposition" : "Sondage" }
}

/// A stance on a proposal. A block is a strong objection: the proposal should not go ahead
/// as it stands, whatever the count.
public enum Stance: String, CaseIterable, Codable, Sendable {
    case agree
    case abstain
    case disagree
    case block

    public var frenchLabel: String {
        switch self {
        case .agree: "D'accord"
        case .abstain: "Abstention"
        case .disagree: "Pas d'accord"
        case .block: "Blocage"
        }
    }
}

/// Who may vote.
public enum Electorate: Equatable, Sendable, CustomStringConvertible {
    /// Every associate.
    case members
    /// The associates of one voting college.
    case college(String)
    /// The cooperants (the residents in a pathway who work in the cooperative), associates or not.
    case cooperants

    /// `members`, `cooperants` or `college:<id>`.
    public init?(_ text: String) {
        switch text {
        case "members": self = .members
        case "cooperants": self = .cooperants
        case let other where other.hasPrefix("college:") && other.count > 8: self = .college(String(other.dropFirst(8)))
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .members: "members"
        case .cooperants: "cooperants"
        case .college(let id): "college:" + id
        }
    }
}

public struct DecisionDraft: Sendable, Equatable {
    public var kind: String?
    public var title: String?
    public var details: String?
    /// A poll's options, one per entry.
    public var options: [String]
    public var multipleChoice: Bool
    /// `YYYY-MM-DDTHH:MM` (Paris time), or a day (closing at its end).
    public var closesAt: String?
    public var electorate: String?
    /// The share of the electorate that must take part, in percent; nil for none.
    public var quorumPercent: Int?
    public var anonymous: Bool

    public init(kind: String?, title: String?, details: String? = nil, options: [String] = [], multipleChoice: Bool = false, closesAt: String?,
                electorate: String? = nil, quorumPercent: Int? = nil, anonymous: Bool = false) {
        self.kind = kind
        self.title = title
        self.details = details
        self.options = options
        self.multipleChoice = multipleChoice
        self.closesAt = closesAt
        self.electorate = electorate
        self.quorumPercent = quorumPercent
        self.anonymous = anonymous
    }

    public struct Valid: Sendable, Equatable {
        public var kind: DecisionKind
        public var title: String
        public var details: String?
        public var options: [String]
        public var multipleChoice: Bool
        public var closesAt: LocalDateTime
        public var electorate: Electorate
        public var quorumPercent: Int?
        public var anonymous: Bool
    }

    /// `now`: Paris time; the closing is in the future, and at most a year ahead.
    public func validate(now: LocalDateTime) throws(FieldErrors) -> Valid {
        var errors = FieldErrors()
        let kind = DecisionKind(rawValue: TextRules.clean(kind) ?? "")
        if kind == nil { errors.add("kind", "Choisissez une proposition (proposal) ou un sondage (poll).") }
        let title = TextRules.requireName(title, field: "title", max: 200, into: &errors)
        let details = TextRules.clean(details)
        if let details, details.count > 10_000 { errors.add("details", "Le texte compte au plus 10 000 caractères.") }
        var options: [String] = []
        for option in self.options.compactMap(TextRules.clean) where !options.contains(where: { $0.lowercased() == option.lowercased() }) {
            options.append(option)
        }
        if kind == .poll {
            if options.count < 2 { errors.add("options", "Un sondage propose au moins deux choix différents.") }
            if options.count > 20 { errors.add("options", "Un sondage propose au plus 20 choix.") }
            if options.contains(where: { $0.count > 200 }) { errors.add("options", "Chaque choix compte au plus 200 caractères.") }
        } else if !options.isEmpty {
            errors.add("options", "Une proposition se vote d'accord, abstention, pas d'accord ou blocage : elle n'a pas de choix à lister.")
        }
        var closes: LocalDateTime?
        if let text = TextRules.clean(closesAt) {
            closes = LocalDateTime(text) ?? CalendarDay(text).map { LocalDateTime(day: $0, hour: 23, minute: 59) }
            if closes == nil { errors.add("closesAt", "La clôture s'écrit comme 15/01/2027 18:00.") }
            else if closes! <= now { errors.add("closesAt", "La clôture est dans le futur.") }
            else if closes!.day > now.day.adding(days: 366) { errors.add("closesAt", "La clôture est dans l'année qui vient.") }
        } else {
            errors.add("closesAt", "Indiquez quand le vote se clôt.")
        }
        let electorate = Electorate(TextRules.clean(electorate) ?? "members")
        if electorate == nil { errors.add("electorate", "Votent : tous les associé·es (members), un collège (college:<id>) ou les coopérant·es (cooperants).") }
        if let quorum = quorumPercent, !(1...100).contains(quorum) { errors.add("quorumPercent", "Le quorum va de 1 à 100 % des votant·es possibles.") }
        try errors.throwIfAny()
        return Valid(kind: kind!, title: title, details: details, options: kind == .poll ? options : [], multipleChoice: kind == .poll && multipleChoice,
                     closesAt: closes!, electorate: electorate!, quorumPercent: quorumPercent, anonymous: anonymous)
    }
}

/// A decision's count: by stance or by option, the participation and the quorum.
public struct DecisionTally: Sendable, Equatable {
    public var voters: Int
    public var electorate: Int
    /// Stance or option → voters who chose it.
    public var counts: [String: Int]
    public var quorumPercent: Int?

    /// `ballots`: each voter's choices (one stance, or the options ticked).
    public init(ballots: [[String]], electorate: Int, quorumPercent: Int?) {
        voters = ballots.count
        self.electorate = electorate
        self.quorumPercent = quorumPercent
        var counts: [String: Int] = [:]
        for ballot in ballots { for choice in Set(ballot) { counts[choice, default: 0] += 1 } }
        self.counts = counts
    }

    /// Taking part ≥ the quorum's share of the electorate; always true without a quorum.
    public var quorumReached: Bool {
        guard let quorumPercent else { return true }
        return electorate > 0 && voters * 100 >= quorumPercent * electorate
    }

    public func count(_ choice: String) -> Int { counts[choice] ?? 0 }

    /// A proposal's indicative outcome: blocked when someone blocks, carried when more agree
    /// than disagree and the quorum is reached. The author writes the outcome statement.
    public var proposalCarried: Bool {
        quorumReached && count(Stance.block.rawValue) == 0 && count(Stance.agree.rawValue) > count(Stance.disagree.rawValue)
    }

    /// The options with the most votes (several when tied); none before any vote.
    public func leading(_ options: [String]) -> [String] {
        let best = options.map(count).max() ?? 0
        return best == 0 ? [] : options.filter { count($0) == best }
    }
}
