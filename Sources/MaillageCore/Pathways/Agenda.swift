import Foundation

/// An individual appointment, a collective workshop, or a session of a training.
public enum AppointmentKind: String, CaseIterable, Codable, Sendable {
    case appointment
    case workshop
    case trainingSession = "training_session"

    public var frenchLabel: String {
        switch self {
        case .appointment: "Rendez-vous"
        case .workshop: "Atelier"
        case .trainingSession: "Séance de formation"
        }
    }
}

/// Attendance of one person at one appointment, workshop or training session (enDi).
public enum AttendanceStatus: String, CaseIterable, Codable, Sendable {
    case registered
    case attended
    case absent
    case excused

    public var frenchLabel: String {
        switch self {
        case .registered: "Inscrit·e"
        case .attended: "Présent·e"
        case .absent: "Absent·e"
        case .excused: "Excusé·e"
        }
    }
}

extension CalendarDay {
    /// `26/11/2026`, as French forms write it.
    public var french: String {
        let d = day < 10 ? "0\(day)" : "\(day)"
        let m = month < 10 ? "0\(month)" : "\(month)"
        return "\(d)/\(m)/\(year)"
    }
}

/// A day and a time of day in Paris, as a `datetime-local` field writes it: `2026-11-26T14:00`.
public struct LocalDateTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var day: CalendarDay
    public var hour: Int
    public var minute: Int

    public init(day: CalendarDay, hour: Int, minute: Int) {
        self.day = day
        self.hour = hour
        self.minute = minute
    }

    /// Accepts `YYYY-MM-DDTHH:MM`, with optional seconds (`:00`), or a space instead of `T`,
    /// as Paris time; and RFC 3339 with an offset or `Z` (`2026-11-26T13:00:00Z`), turned into
    /// Paris time (seconds dropped, as everywhere).
    public init?(_ text: String) {
        if let (local, offsetMinutes) = Self.splitOffset(text) {
            guard let utcWall = LocalDateTime(local) else { return nil }
            self.init(instant: utcWall.instantAsUTC.addingTimeInterval(TimeInterval(-offsetMinutes * 60)))
            return
        }
        let separator: Character = text.contains("T") ? "T" : " "
        let halves = text.split(separator: separator, maxSplits: 1)
        guard halves.count == 2, let day = CalendarDay(String(halves[0])) else { return nil }
        let clock = halves[1].split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(clock.count), clock.allSatisfy({ $0.count == 2 }),
              let hour = Int(clock[0]), let minute = Int(clock[1]), (0..<24).contains(hour), (0..<60).contains(minute),
              clock.count == 2 || Int(clock[2]).map({ (0..<60).contains($0) }) == true
        else { return nil }
        self.init(day: day, hour: hour, minute: minute)
    }

    private static let paris: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Paris")!
        return calendar
    }()

    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// The Paris wall time of an instant.
    public init(instant: Date) {
        let parts = Self.paris.dateComponents([.year, .month, .day, .hour, .minute], from: instant)
        self.init(day: CalendarDay(year: parts.year!, month: parts.month!, day: parts.day!), hour: parts.hour!, minute: parts.minute!)
    }

    /// These fields read as a UTC wall time.
    private var instantAsUTC: Date {
        Self.utc.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: hour, minute: minute))!
    }

    /// `2026-11-26T13:00:00.250+01:00` → (`2026-11-26T13:00:00`, 60); `…Z` → 0; nil without an
    /// offset. Fractional seconds are dropped.
    private static func splitOffset(_ text: String) -> (String, Int)? {
        guard let timeStart = text.firstIndex(where: { $0 == "T" || $0 == "t" || $0 == " " }) else { return nil }
        var clock = String(text[text.index(after: timeStart)...])
        let datePart = String(text[..<timeStart])
        var offset = 0
        if clock.hasSuffix("Z") || clock.hasSuffix("z") {
            clock.removeLast()
        } else if let sign = clock.lastIndex(where: { $0 == "+" || $0 == "-" }) {
            let zone = clock[clock.index(after: sign)...].replacingOccurrences(of: ":", with: "")
            guard zone.count == 4, zone.allSatisfy(\.isASCII), let hours = Int(zone.prefix(2)), let minutes = Int(zone.suffix(2)),
                  hours < 24, minutes < 60 else { return nil }
            offset = (hours * 60 + minutes) * (clock[sign] == "-" ? -1 : 1)
            clock = String(clock[..<sign])
        } else {
            return nil
        }
        if let dot = clock.firstIndex(of: ".") {
            guard clock[clock.index(after: dot)...].allSatisfy(\.isNumber), clock.index(after: dot) < clock.endIndex else { return nil }
            clock = String(clock[..<dot])
        }
        return (datePart + "T" + clock, offset)
    }

    public var description: String {
        let h = hour < 10 ? "0\(hour)" : "\(hour)"
        let m = minute < 10 ? "0\(minute)" : "\(minute)"
        return "\(day)T\(h):\(m)"
    }

    /// `26/11/2026 à 14 h 00` (no-break spaces around the `h`).
    public var french: String {
        "\(day.french) à " + FrenchText.clock(hour: hour, minute: minute)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.day, lhs.hour, lhs.minute) < (rhs.day, rhs.hour, rhs.minute)
    }
}

/// An appointment, a workshop or a training session as it is typed.
public struct AppointmentDraft: Sendable, Equatable {
    public var kind: String?
    public var title: String?
    public var startsAt: String?
    public var durationMinutes: Int?
    public var place: String?

    public init(kind: String?, title: String?, startsAt: String?, durationMinutes: Int?, place: String? = nil) {
        self.kind = kind
        self.title = title
        self.startsAt = startsAt
        self.durationMinutes = durationMinutes
        self.place = place
    }

    public struct Valid: Sendable, Equatable {
        public var kind: AppointmentKind
        public var title: String
        public var startsAt: LocalDateTime
        public var durationMinutes: Int
        public var place: String?
    }

    /// A session lasts from 5 minutes to a 10-hour day.
    public static let durationRange = 5...600

    /// `allowedKinds` says which kinds this form may create (a training session is made from
    /// its training, never from a pathway).
    public func validate(allowedKinds: [AppointmentKind]) throws(FieldErrors) -> Valid {
        var errors = FieldErrors()
        let kind = AppointmentKind(rawValue: kind ?? "")
        if kind == nil || !allowedKinds.contains(kind!) {
            errors.add("kind", "Choisissez le type dans la liste (" + TextRules.choices(allowedKinds) + ").")
        }
        let title = TextRules.requireName(title, field: "title", max: 200, into: &errors)
        let startsAt = TextRules.clean(startsAt).flatMap(LocalDateTime.init)
        if startsAt == nil { errors.add("startsAt", "La date et l'heure s'écrivent comme 26/11/2026 14:00.") }
        if let minutes = durationMinutes {
            if !Self.durationRange.contains(minutes) { errors.add("durationMinutes", "La durée va de 5 à 600 minutes.") }
        } else {
            errors.add("durationMinutes", "Indiquez la durée en minutes, par exemple 90.")
        }
        let place = TextRules.clean(place)
        if let place, place.count > 200 { errors.add("place", "Le lieu ne doit pas dépasser 200 caractères.") }
        try errors.throwIfAny()
        return Valid(kind: kind!, title: title, startsAt: startsAt!, durationMinutes: durationMinutes!, place: place)
    }
}

extension AppointmentKind: FrenchLabelled {}
extension AttendanceStatus: FrenchLabelled {}
extension WorkRole: FrenchLabelled {}
extension ActionStatus: FrenchLabelled {}
extension SkillLevel: FrenchLabelled {}
extension ProofKind: FrenchLabelled {}
