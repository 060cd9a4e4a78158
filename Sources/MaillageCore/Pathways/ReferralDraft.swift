/// A calendar day written `YYYY-MM-DD`, as forms and the API send it.
public struct CalendarDay: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    /// Years a day typed by someone may fall in: year 0 or 9999 is a slip of the keyboard that
    /// would sit in every report and sort.
    public static let plausibleYears = 1900...2100

    /// A well-formed day in `plausibleYears`.
    public init?(_ text: String) {
        guard let day = CalendarDay(wellFormed: text), Self.plausibleYears.contains(day.year) else { return nil }
        self = day
    }

    /// A well-formed day, whatever its year: `2026-12-04`, or the French way, `04/12/2026`.
    init?(wellFormed text: String) {
        var parts = text.split(separator: "-", omittingEmptySubsequences: false)
        let french = text.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count == 1, french.count == 3, french[0].count == 2, french[1].count == 2, french[2].count == 4 {
            parts = [french[2], french[1], french[0]]
        }
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) }),
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), (1...CalendarDay.days(inMonth: month, year: year)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    public static func days(inMonth month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// The same day `months` later, moved back to the month's last day when needed
    /// (31 August + 6 months = 28 or 29 February).
    public func adding(months: Int) -> CalendarDay {
        let index = year * 12 + (month - 1) + months
        let newYear = index / 12, newMonth = index % 12 + 1
        return CalendarDay(year: newYear, month: newMonth, day: min(day, CalendarDay.days(inMonth: newMonth, year: newYear)))
    }

    public var description: String {
        let m = month < 10 ? "0\(month)" : "\(month)"
        let d = day < 10 ? "0\(day)" : "\(day)"
        // ISO 8601 writes four digits for the year: 0062-03-04, not 62-03-04.
        let y = year >= 0 && year < 1000 ? String(repeating: "0", count: 4 - String(year).count) + String(year) : String(year)
        return "\(y)-\(m)-\(d)"
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }
}

extension CalendarDay {
    /// A day typed in a form, an API body or a query: blank means `fallback` (an error when
    /// there is none); a malformed day, or one after `latest`, is an error on `field` that
    /// names the date by `subject` ("La date de sortie").
    public static func parse(
        _ raw: String?, field: String, subject: String = "La date",
        fallback: CalendarDay?, latest: CalendarDay?, into errors: inout FieldErrors
    ) -> CalendarDay? {
        guard let text = TextRules.clean(raw) else {
            if fallback == nil { errors.add(field, "\(subject) doit s'écrire comme 04/12/2026.") }
            return fallback
        }
        guard let day = CalendarDay(text) else {
            if CalendarDay(wellFormed: text) != nil {
                errors.add(field, "\(subject) doit être entre \(plausibleYears.lowerBound) et \(plausibleYears.upperBound).")
            } else {
                errors.add(field, "\(subject) doit s'écrire comme 04/12/2026.")
            }
            return fallback
        }
        if let latest, day > latest {
            errors.add(field, "\(subject) ne peut pas être dans le futur.")
        }
        return day
    }
}

/// A referral as a referrer types it, before validation.
public struct ReferralDraft: Sendable, Equatable {
    public var firstName: String?
    public var lastName: String?
    public var birthYear: Int?
    public var contact: String?
    public var commune: String?
    public var qpvCode: String?
    public var situationAtEntry: String?
    public var educationLevel: String?
    public var reason: String?
    public var barriers: [String]
    public var preferredContact: String?
    public var consentGiven: Bool
    public var consentDate: String?

    public init(
        firstName: String? = nil, lastName: String? = nil, birthYear: Int? = nil, contact: String? = nil,
        commune: String? = nil, qpvCode: String? = nil, situationAtEntry: String? = nil, educationLevel: String? = nil,
        reason: String? = nil, barriers: [String] = [], preferredContact: String? = nil,
        consentGiven: Bool = false, consentDate: String? = nil
    ) {
        self.firstName = firstName; self.lastName = lastName; self.birthYear = birthYear
        self.contact = contact; self.commune = commune; self.qpvCode = qpvCode
        self.situationAtEntry = situationAtEntry; self.educationLevel = educationLevel
        self.reason = reason; self.barriers = barriers; self.preferredContact = preferredContact
        self.consentGiven = consentGiven; self.consentDate = consentDate
    }

    public struct Valid: Sendable, Equatable {
        public var firstName: String
        public var lastName: String
        public var birthYear: Int?
        public var contact: String?
        public var commune: String?
        public var qpvCode: String?
        public var situationAtEntry: SituationAtEntry?
        public var educationLevel: EducationLevel?
        public var reason: String
        public var barriers: [Barrier]
        public var preferredContact: String?
        public var consentDate: CalendarDay
    }

    /// The purpose the person consents to, recorded with the date.
    public static let consentPurpose = "Orientation vers la coopérative et accompagnement de son parcours (traitement des données nécessaires)."

    public func validate(today: CalendarDay) throws(FieldErrors) -> Valid {
        var errors = FieldErrors()
        let firstName = TextRules.requireName(firstName, field: "person.firstName", max: 100, into: &errors)
        let lastName = TextRules.requireName(lastName, field: "person.lastName", max: 100, into: &errors)
        if let birthYear, !((today.year - 100)...(today.year - 14)).contains(birthYear) {
            errors.add("person.birthYear", "L'année de naissance doit être comprise entre \(today.year - 100) et \(today.year - 14).")
        }
        let contact = TextRules.clean(contact)
        if let contact, contact.count > 200 { errors.add("person.contact", "Le contact ne doit pas dépasser 200 caractères.") }
        let commune = TextRules.clean(commune)
        if let commune, commune.count > 100 { errors.add("person.commune", "La commune ne doit pas dépasser 100 caractères.") }
        let qpvCode = TextRules.clean(qpvCode)?.uppercased()
        if let qpvCode, !FrenchIdentifiers.isValidQpvCode(qpvCode) {
            errors.add("person.qpvCode", "Le code QPV doit ressembler à QN01306M.")
        }
        var situation: SituationAtEntry?
        if let raw = TextRules.clean(situationAtEntry) {
            situation = SituationAtEntry(rawValue: raw)
            if situation == nil { errors.add("person.situationAtEntry", "Situation inconnue : rsa, ass, aah, rqth, deld ou none.") }
        }
        var education: EducationLevel?
        if let raw = TextRules.clean(educationLevel) {
            education = EducationLevel(rawValue: raw)
            if education == nil { errors.add("person.educationLevel", "Niveau de formation inconnu : none, cap_bep, bac, bac_plus_2 ou bac_plus_3.") }
        }
        let reason = TextRules.clean(reason)
        if reason == nil { errors.add("reason", "Dites en quelques mots pourquoi vous orientez cette personne vers la coopérative.") }
        if let reason, reason.count > 2000 { errors.add("reason", "Le motif ne doit pas dépasser 2 000 caractères.") }
        var barriers: [Barrier] = []
        for raw in self.barriers {
            guard let barrier = Barrier(rawValue: raw) else {
                errors.add("barriers", "Frein inconnu : « \(raw) ».")
                continue
            }
            if !barriers.contains(barrier) { barriers.append(barrier) }
        }
        let preferredContact = TextRules.clean(preferredContact)
        if let preferredContact, preferredContact.count > 200 { errors.add("preferredContact", "200 caractères au plus.") }
        if !consentGiven {
            errors.add("consent", "La personne doit avoir donné son accord à l'orientation et au traitement de ses données : cochez la case une fois son accord recueilli.")
        }
        let consentDay = CalendarDay.parse(consentDate, field: "consent.date", subject: "La date du consentement",
                                           fallback: today, latest: today, into: &errors) ?? today
        try errors.throwIfAny()
        return Valid(
            firstName: firstName, lastName: lastName, birthYear: birthYear, contact: contact, commune: commune,
            qpvCode: qpvCode, situationAtEntry: situation, educationLevel: education, reason: reason!,
            barriers: barriers, preferredContact: preferredContact, consentDate: consentDay
        )
    }
}
