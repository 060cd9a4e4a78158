/// An indicator a funding agreement commits the cooperative to, which Maillage computes from
/// the other areas' records (never typed in).
public enum FundingIndicator: String, CaseIterable, Codable, Sendable {
    case peopleAccompanied = "people-accompanied"
    case mealsSold = "meals-sold"
    case solidarityGiven = "solidarity-given-cents"
    case egalimShare = "egalim-share"
    case localShare = "local-share"
    case members

    public var frenchLabel: String {
        switch self {
        case .peopleAccompanied: "Personnes accompagnées dans un parcours"
        case .mealsSold: "Repas vendus"
        case .solidarityGiven: "Valeur solidaire donnée (€)"
        case .egalimShare: "Part des achats EGAlim (%)"
        case .localShare: "Part des achats locaux (%)"
        case .members: "Associé·es"
        }
    }

    /// Shares are targets in percent; the solidarity value in cents.
    public var isPercent: Bool { self == .egalimShare || self == .localShare }

    /// Counts of people: under the statistical secret for a funder.
    public var countsPeople: Bool { self == .peopleAccompanied || self == .members }
}

/// A funding agreement as typed: who funds, for what, how much and when, what the cooperative
/// commits to, when it reports, and the instalments.
public struct FundingAgreementDraft: Sendable, Equatable {
    public struct Target: Sendable, Equatable {
        public var indicator: String?
        public var target: Double?
        public init(indicator: String?, target: Double?) { self.indicator = indicator; self.target = target }
    }
    public struct Deadline: Sendable, Equatable {
        public var dueOn: String?
        public var label: String?
        public init(dueOn: String?, label: String?) { self.dueOn = dueOn; self.label = label }
    }
    public struct Instalment: Sendable, Equatable {
        public var dueOn: String?
        public var amountCents: Int?
        public var receivedOn: String?
        public init(dueOn: String?, amountCents: Int?, receivedOn: String? = nil) { self.dueOn = dueOn; self.amountCents = amountCents; self.receivedOn = receivedOn }
    }

    public var programme: String?
    public var amountCents: Int?
    public var startsOn: String?
    public var endsOn: String?
    public var purpose: String?
    public var targets: [Target]
    public var deadlines: [Deadline]
    public var instalments: [Instalment]

    public init(programme: String?, amountCents: Int?, startsOn: String?, endsOn: String?, purpose: String? = nil,
                targets: [Target] = [], deadlines: [Deadline] = [], instalments: [Instalment] = []) {
        self.programme = programme
        self.amountCents = amountCents
        self.startsOn = startsOn
        self.endsOn = endsOn
        self.purpose = purpose
        self.targets = targets
        self.deadlines = deadlines
        self.instalments = instalments
    }

    public struct Valid: Sendable, Equatable {
        public var programme: String
        public var amountCents: Int
        public var startsOn: CalendarDay
        public var endsOn: CalendarDay
        public var purpose: String?
        public var targets: [(indicator: FundingIndicator, target: Double)]
        public var deadlines: [(dueOn: CalendarDay, label: String)]
        public var instalments: [(dueOn: CalendarDay, amountCents: Int, receivedOn: CalendarDay?)]

        public static func == (lhs: Valid, rhs: Valid) -> Bool {
            lhs.programme == rhs.programme && lhs.amountCents == rhs.amountCents && lhs.startsOn == rhs.startsOn && lhs.endsOn == rhs.endsOn
                && lhs.targets.map(\.indicator) == rhs.targets.map(\.indicator) && lhs.deadlines.map(\.dueOn) == rhs.deadlines.map(\.dueOn)
        }
    }

    /// The period runs at most five years; the instalments add up to the amount at most;
    /// each indicator is committed once.
    public func validate(today: CalendarDay) throws(FieldErrors) -> Valid {
        var errors = FieldErrors()
        let programme = TextRules.requireName(programme, field: "programme", max: 120, into: &errors)
        if let amount = amountCents { if !(1...100_000_000_00).contains(amount) { errors.add("amountCents", "Le montant va de 0,01 € à 100 millions d'euros.") } }
        else { errors.add("amountCents", "Indiquez le montant de la convention, en centimes.") }
        let starts = CalendarDay.parse(startsOn, field: "startsOn", subject: "Le début de la convention", fallback: nil, latest: nil, into: &errors)
        let ends = CalendarDay.parse(endsOn, field: "endsOn", subject: "La fin de la convention", fallback: nil, latest: nil, into: &errors)
        if let starts, let ends {
            if ends < starts { errors.add("endsOn", "La fin de la convention ne précède pas son début.") }
            else if ends > starts.adding(months: 60) { errors.add("endsOn", "Une convention dure au plus cinq ans.") }
        }
        let purpose = TextRules.clean(purpose)
        if let purpose, purpose.count > 2_000 { errors.add("purpose", "L'objet compte au plus 2 000 caractères.") }
        var targets: [(FundingIndicator, Double)] = []
        for (index, target) in targets_.enumerated() {
            guard let indicator = FundingIndicator(rawValue: TextRules.clean(target.indicator) ?? "") else {
                errors.add("targets[\(index)].indicator", "Indicateur inconnu : " + FundingIndicator.allCases.map(\.rawValue).joined(separator: ", ") + ".")
                continue
            }
            guard let value = target.target, value >= 0, value <= (indicator.isPercent ? 100 : 1e12) else {
                errors.add("targets[\(index)].target", indicator.isPercent ? "Une part visée va de 0 à 100 %." : "Indiquez la cible, un nombre positif.")
                continue
            }
            if targets.contains(where: { $0.0 == indicator }) { errors.add("targets[\(index)].indicator", "Cet indicateur est déjà engagé.") }
            else { targets.append((indicator, value)) }
        }
        var deadlines: [(CalendarDay, String)] = []
        for (index, deadline) in self.deadlines.enumerated() {
            let day = CalendarDay.parse(deadline.dueOn, field: "deadlines[\(index)].dueOn", subject: "L'échéance", fallback: nil, latest: nil, into: &errors)
            let label = TextRules.clean(deadline.label) ?? "Compte rendu"
            if label.count > 200 { errors.add("deadlines[\(index)].label", "Le libellé compte au plus 200 caractères.") }
            if let day { deadlines.append((day, label)) }
        }
        var instalments: [(CalendarDay, Int, CalendarDay?)] = []
        for (index, instalment) in self.instalments.enumerated() {
            let day = CalendarDay.parse(instalment.dueOn, field: "instalments[\(index)].dueOn", subject: "L'échéance du versement", fallback: nil, latest: nil, into: &errors)
            let received = TextRules.clean(instalment.receivedOn) == nil ? nil
                : CalendarDay.parse(instalment.receivedOn, field: "instalments[\(index)].receivedOn", subject: "La date de réception", fallback: nil, latest: today, into: &errors)
            guard let amount = instalment.amountCents, amount > 0 else {
                errors.add("instalments[\(index)].amountCents", "Le versement a un montant positif, en centimes.")
                continue
            }
            if let day { instalments.append((day, amount, received)) }
        }
        if let amount = amountCents, instalments.reduce(0, { $0 + $1.1 }) > amount {
            errors.add("instalments", "Les versements dépassent le montant de la convention.")
        }
        try errors.throwIfAny()
        return Valid(programme: programme, amountCents: amountCents!, startsOn: starts!, endsOn: ends!, purpose: purpose,
                     targets: targets.map { (indicator: $0.0, target: $0.1) }, deadlines: deadlines.sorted { $0.0 < $1.0 }.map { (dueOn: $0.0, label: $0.1) },
                     instalments: instalments.sorted { $0.0 < $1.0 }.map { (dueOn: $0.0, amountCents: $0.1, receivedOn: $0.2) })
    }

    private var targets_: [Target] { targets }
}

/// Reminders of reporting deadlines on the coordination's home page: from 30 days before, and
/// urgent from 7 days before.
public enum ReportingReminder {
    public static let noticeDays = 30
    public static let urgentDays = 7

    public enum Level: Sendable, Equatable { case upcoming, urgent, overdue }

    /// Nil when the deadline is further than 30 days away or already reported.
    public static func level(dueOn: CalendarDay, today: CalendarDay, reported: Bool) -> Level? {
        guard !reported else { return nil }
        let days = dueOn.daysSinceEpoch - today.daysSinceEpoch
        if days < 0 { return .overdue }
        if days <= urgentDays { return .urgent }
        if days <= noticeDays { return .upcoming }
        return nil
    }
}

/// One cooperative's figure for a committed indicator, kept in a form that adds up across the
/// cooperatives of a joint agreement: a count or an amount adds; a share adds its part and
/// its whole, never its percentages.
public enum FundingFigure: Sendable, Equatable {
    case amount(Double)
    /// `part` of `whole`, in cents (purchases of EGAlim quality out of all purchases).
    case share(part: Int, whole: Int)

    /// The figure as committed: the amount, or the share in percent (nil when nothing was bought).
    public var value: Double? {
        switch self {
        case .amount(let value): value
        case .share(let part, let whole): whole == 0 ? nil : Double(part) * 100 / Double(whole)
        }
    }

    /// The figure of several cooperatives together; nil when there is none, or when amounts
    /// and shares are mixed (a programming error, kept harmless).
    public static func total(_ figures: [FundingFigure]) -> FundingFigure? {
        guard let first = figures.first else { return nil }
        switch first {
        case .amount:
            var sum = 0.0
            for figure in figures { guard case .amount(let value) = figure else { return nil }; sum += value }
            return .amount(sum)
        case .share:
            var (part, whole) = (0, 0)
            for figure in figures { guard case .share(let p, let w) = figure else { return nil }; part += p; whole += w }
            return .share(part: part, whole: whole)
        }
    }
}
