/// A request to subscribe shares, from the form to the register: the board validates it, the
/// capital is called, the payment received writes the subscription.
public enum SubscriptionStatus: String, CaseIterable, Codable, Sendable {
    case draft
    case validated
    case called
    case paid
    case cancelled

    public var frenchLabel: String {
        switch self {
        case .draft: "Demande reçue"
        case .validated: "Validée"
        case .called: "Appel de fonds envoyé"
        case .paid: "Payée, inscrite au registre"
        case .cancelled: "Annulée"
        }
    }
}

public enum SubscriptionWorkflow {
    /// draft → validated → called → paid; cancelled from any step before paid.
    public static func next(_ status: SubscriptionStatus) -> [SubscriptionStatus] {
        switch status {
        case .draft: [.validated, .cancelled]
        case .validated: [.called, .cancelled]
        case .called: [.paid, .cancelled]
        case .paid, .cancelled: []
        }
    }

    /// Why `from` may not become `to`: not the next step, or the person has not yet agreed to
    /// the statutes and to the processing of their data.
    public static func problem(from: SubscriptionStatus, to: SubscriptionStatus, consentsGiven: Bool) -> String? {
        guard next(from).contains(to) else {
            let allowed = next(from).map(\.rawValue)
            return allowed.isEmpty ? "Cette demande est close (\(from.frenchLabel.lowercased()))."
                : "Depuis « \(from.frenchLabel) », la demande passe à : " + allowed.joined(separator: " ou ") + "."
        }
        if to == .validated && !consentsGiven {
            return "La personne doit d'abord accepter les statuts et le traitement de ses données."
        }
        return nil
    }
}

/// Why a member leaves the cooperative.
public enum ExitReason: String, CaseIterable, Codable, Sendable {
    case resignation
    case exclusion
    case death
    case lossOfQuality = "loss-of-quality"

    public var frenchLabel: String {
        switch self {
        case .resignation: "Démission"
        case .exclusion: "Exclusion prononcée par l'assemblée"
        case .death: "Décès"
        case .lossOfQuality: "Perte de la qualité requise (fin de contrat, déménagement…)"
        }
    }
}

public struct MemberExitDraft: Sendable, Equatable {
    public var date: String?
    public var reason: String?

    public init(date: String?, reason: String?) {
        self.date = date
        self.reason = reason
    }

    /// The exit date is not before the admission nor in the future.
    public func validate(admittedOn: CalendarDay?, today: CalendarDay) throws(FieldErrors) -> (date: CalendarDay, reason: ExitReason) {
        var errors = FieldErrors()
        let reason = ExitReason(rawValue: TextRules.clean(reason) ?? "")
        if reason == nil {
            errors.add("reason", "Choisissez le motif : " + ExitReason.allCases.map { "\($0.frenchLabel.lowercased()) (\($0.rawValue))" }.joined(separator: ", ") + ".")
        }
        let date = CalendarDay.parse(date, field: "date", subject: "La date de sortie", fallback: today, latest: today, into: &errors)
        if let date, let admittedOn, date < admittedOn {
            errors.add("date", "La sortie ne précède pas l'admission (\(admittedOn.french)).")
        }
        try errors.throwIfAny()
        return (date!, reason!)
    }
}

/// The cooperative's capital month after month, from the register's movements.
public enum CapitalHistory {
    public struct Month: Sendable, Equatable {
        /// `2026-05`.
        public var month: String
        /// The capital at the end of the month.
        public var totalCents: Int
    }

    /// `movements`: each operation's day and what it adds (a subscription) or takes away (a
    /// reimbursement); transfers move shares between members and change nothing. The months
    /// from `from`'s to `to`'s, each with the capital at its end.
    public static func monthly(_ movements: [(day: CalendarDay, cents: Int)], from: CalendarDay, to: CalendarDay) -> [Month] {
        guard from <= to else { return [] }
        var months: [Month] = []
        var year = from.year, month = from.month
        while (year, month) <= (to.year, to.month) {
            let total = movements.filter { ($0.day.year, $0.day.month) <= (year, month) }.reduce(0) { $0 + $1.cents }
            months.append(Month(month: "\(year)-" + (month < 10 ? "0\(month)" : "\(month)"), totalCents: total))
            month += 1
            if month == 13 { month = 1; year += 1 }
        }
        return months
    }
}
