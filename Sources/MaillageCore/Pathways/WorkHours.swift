/// A role in the cooperative's activity, for the hours worked.
public enum WorkRole: String, CaseIterable, Codable, Sendable {
    case kitchen
    case service
    case till
    case purchasing
    case delivery
    case maintenance
    case other

    public var frenchLabel: String {
        switch self {
        case .kitchen: "Cuisine"
        case .service: "Service"
        case .till: "Caisse"
        case .purchasing: "Achats"
        case .delivery: "Livraison"
        case .maintenance: "Entretien"
        case .other: "Autre"
        }
    }
}

/// Hours typed by the cooperant wait for the coordination's validation; the coordination's
/// own entries are validated at once.
public enum HoursStatus: String, CaseIterable, Codable, Sendable {
    case submitted
    case validated

    public var frenchLabel: String {
        switch self {
        case .submitted: "À valider"
        case .validated: "Validées"
        }
    }
}

extension CalendarDay {
    /// Days since 1970-01-01 (negative before), by the civil-calendar algorithm.
    public var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    public init(daysSinceEpoch days: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        self.init(year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month: month, day: day)
    }

    public func adding(days: Int) -> CalendarDay { CalendarDay(daysSinceEpoch: daysSinceEpoch + days) }

    /// 1 for Monday … 7 for Sunday (1970-01-01 was a Thursday).
    public var isoWeekday: Int { ((daysSinceEpoch % 7) + 7 + 3) % 7 + 1 }

    /// The Monday of this day's week: hours are counted by week, named by their Monday.
    public var weekStart: CalendarDay { adding(days: 1 - isoWeekday) }
}

/// One line of hours worked, as typed.
public struct HoursDraft: Sendable, Equatable {
    public var week: String?
    public var role: String?
    public var hours: Double?

    public init(week: String?, role: String?, hours: Double?) {
        self.week = week
        self.role = role
        self.hours = hours
    }

    public struct Valid: Sendable, Equatable {
        /// The Monday of the week.
        public var week: CalendarDay
        public var role: WorkRole
        /// Whole minutes: hours are typed by quarter hours.
        public var minutes: Int
    }

    /// The legal maximum of a working week (Code du travail, art. L3121-20).
    public static let weeklyMaximumHours = 48

    /// `alreadyThatWeek` is the minutes already recorded that week in other roles; `today`
    /// forbids weeks that have not started.
    public func validate(alreadyThatWeek: Int, today: CalendarDay) throws(FieldErrors) -> Valid {
        var errors = FieldErrors()
        let day = CalendarDay.parse(week, field: "week", subject: "La semaine", fallback: nil, latest: nil, into: &errors)
        if let day, day.weekStart > today.weekStart { errors.add("week", "Cette semaine n'a pas encore commencé.") }
        let role = WorkRole(rawValue: role ?? "")
        if role == nil { errors.add("role", "Choisissez le poste dans la liste (" + TextRules.choices(WorkRole.allCases) + ").") }
        var minutes = 0
        if let hours, hours.isFinite {
            let quarters = (hours * 4).rounded()
            if hours > Double(Self.weeklyMaximumHours) {
                errors.add("hours", "Plus de \(Self.weeklyMaximumHours) heures dans la semaine : c'est au-delà du maximum légal, vérifiez la saisie.")
            } else if quarters < 1 || abs(hours * 4 - quarters) > 0.000_1 {
                errors.add("hours", "Les heures se comptent par quart d'heure : 7, 7,25, 7,5 ou 7 h 30…")
            } else {
                minutes = Int(quarters) * 15
                if minutes + alreadyThatWeek > Self.weeklyMaximumHours * 60 {
                    errors.add("hours", "Plus de \(Self.weeklyMaximumHours) heures dans la semaine : c'est au-delà du maximum légal, vérifiez la saisie.")
                }
            }
        } else {
            errors.add("hours", "Indiquez le nombre d'heures, par exemple 7,5.")
        }
        try errors.throwIfAny()
        return Valid(week: day!.weekStart, role: role!, minutes: minutes)
    }
}

/// Keeping personal data no longer than needed (RGPD): a person's file with no contact for
/// two years is anonymised.
public enum PersonalDataRetention {
    public static let monthsWithoutContact = 24

    public static func anonymisationDue(lastContact: CalendarDay, today: CalendarDay) -> Bool {
        lastContact.adding(months: monthsWithoutContact) <= today
    }
}
