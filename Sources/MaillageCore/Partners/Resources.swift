/// A resource pooled in a territory: a room, a kitchen, a vehicle, equipment or a skill.
public enum ResourceKind: String, CaseIterable, Codable, Sendable {
    case room
    case kitchen
    case vehicle
    case equipment
    case skill

    public var frenchLabel: String {
        switch self {
        case .room: "Salle"
        case .kitchen: "Cuisine"
        case .vehicle: "Véhicule"
        case .equipment: "Matériel"
        case .skill: "Compétence"
        }
    }
}

public struct ResourceDraft: Sendable, Equatable {
    public var name: String?
    public var kind: String?
    public var description: String?
    /// Longest booking, in minutes.
    public var maxDurationMinutes: Int?
    /// Nil or 0: free.
    public var priceCents: Int?
    /// Every cooperative of the territory may book it, or only the one that offers it.
    public var territoryWide: Bool

    public init(name: String?, kind: String?, description: String? = nil, maxDurationMinutes: Int? = nil, priceCents: Int? = nil, territoryWide: Bool = true) {
        self.name = name
        self.kind = kind
        self.description = description
        self.maxDurationMinutes = maxDurationMinutes
        self.priceCents = priceCents
        self.territoryWide = territoryWide
    }

    public func validate() throws(FieldErrors) -> (name: String, kind: ResourceKind, description: String?, maxDurationMinutes: Int, priceCents: Int, territoryWide: Bool) {
        var errors = FieldErrors()
        let name = TextRules.requireName(name, field: "name", max: 120, into: &errors)
        let kind = ResourceKind(rawValue: TextRules.clean(kind) ?? "")
        if kind == nil { errors.add("kind", "La ressource est room, kitchen, vehicle, equipment ou skill.") }
        let description = TextRules.clean(description)
        if let description, description.count > 2_000 { errors.add("description", "La présentation compte au plus 2 000 caractères.") }
        let maximum = maxDurationMinutes ?? 8 * 60
        if !(15...(14 * 24 * 60)).contains(maximum) { errors.add("maxDurationMinutes", "Une réservation dure de 15 minutes à 14 jours au plus.") }
        let price = priceCents ?? 0
        if !(0...1_000_000).contains(price) { errors.add("priceCents", "Le prix va de 0 (gratuit) à 10 000 €.") }
        try errors.throwIfAny()
        return (name, kind!, description, maximum, price, territoryWide)
    }
}

/// Bookings of one resource never overlap.
public enum BookingRules {
    /// Two periods overlap when each starts before the other ends (one ending at 10:00 and
    /// the next starting at 10:00 do not).
    public static func overlaps(_ a: (start: LocalDateTime, end: LocalDateTime), _ b: (start: LocalDateTime, end: LocalDateTime)) -> Bool {
        a.start < b.end && b.start < a.end
    }

    public static func minutes(from start: LocalDateTime, to end: LocalDateTime) -> Int {
        (end.day.daysSinceEpoch - start.day.daysSinceEpoch) * 24 * 60 + (end.hour - start.hour) * 60 + (end.minute - start.minute)
    }

    /// A booking as typed: its start before its end, not in the past, within the resource's
    /// longest duration.
    public static func validate(start rawStart: String?, end rawEnd: String?, purpose rawPurpose: String?, maxDurationMinutes: Int,
                                now: LocalDateTime) throws(FieldErrors) -> (start: LocalDateTime, end: LocalDateTime, purpose: String) {
        var errors = FieldErrors()
        let start = TextRules.clean(rawStart).flatMap(LocalDateTime.init)
        let end = TextRules.clean(rawEnd).flatMap(LocalDateTime.init)
        if start == nil { errors.add("start", "Le début s'écrit comme 15/12/2026 09:00.") }
        if end == nil { errors.add("end", "La fin s'écrit comme 15/12/2026 12:00.") }
        let purpose = TextRules.requireName(rawPurpose, field: "purpose", max: 200, into: &errors)
        if let start, let end {
            if end <= start { errors.add("end", "La fin vient après le début.") }
            else if minutes(from: start, to: end) > maxDurationMinutes {
                errors.add("end", "Cette ressource se réserve \(maxDurationMinutes / 60) h \(maxDurationMinutes % 60 == 0 ? "" : "\(maxDurationMinutes % 60) ")au plus d'affilée.")
            }
            if start < now { errors.add("start", "On ne réserve pas dans le passé.") }
        }
        try errors.throwIfAny()
        return (start!, end!, purpose)
    }
}

/// An iCalendar document (RFC 5545): lines end in CRLF, text is escaped, and lines longer than
/// 75 octets are folded.
public enum ICalendar {
    public struct Event: Sendable, Equatable {
        public var uid: String
        /// UTC, `20261215T080000Z`.
        public var start: String
        public var end: String
        public var summary: String
        public var description: String?
        public var location: String?

        public init(uid: String, start: String, end: String, summary: String, description: String? = nil, location: String? = nil) {
            self.uid = uid
            self.start = start
            self.end = end
            self.summary = summary
            self.description = description
            self.location = location
        }
    }

    /// `stamp`: now in UTC, as the events' DTSTAMP.
    public static func document(name: String, events: [Event], stamp: String) -> String {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Maillage//Ressources mutualisées//FR", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
                     "X-WR-CALNAME:" + escape(name)]
        for event in events {
            lines += ["BEGIN:VEVENT", "UID:" + event.uid, "DTSTAMP:" + stamp, "DTSTART:" + event.start, "DTEND:" + event.end, "SUMMARY:" + escape(event.summary)]
            if let description = event.description { lines.append("DESCRIPTION:" + escape(description)) }
            if let location = event.location { lines.append("LOCATION:" + escape(location)) }
            lines.append("END:VEVENT")
        }
        lines.append("END:VCALENDAR")
        return lines.map(fold).joined(separator: "\r\n") + "\r\n"
    }

    /// Backslash, semicolon, comma and new lines are escaped in TEXT values.
    public static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: ";", with: "\\;").replacingOccurrences(of: ",", with: "\\,")
            .replacingOccurrences(of: "\r\n", with: "\\n").replacingOccurrences(of: "\n", with: "\\n")
    }

    /// Lines of more than 75 octets go on, after CRLF and a space, never cutting a character.
    public static func fold(_ line: String) -> String {
        var folded = "", current = 0, limit = 75
        for character in line {
            let size = String(character).utf8.count
            if current + size > limit {
                folded += "\r\n "
                current = 1
                limit = 75
            }
            folded.append(character)
            current += size
        }
        return folded
    }
}
