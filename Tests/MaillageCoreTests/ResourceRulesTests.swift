import MaillageCore
import Testing

@Suite("Partners: bookings and iCalendar")
struct ResourceRulesTests {
    let now = LocalDateTime(day: CalendarDay("2026-12-02")!, hour: 10, minute: 0)

    func at(_ text: String) -> LocalDateTime { LocalDateTime(text)! }

    @Test func bookingsOverlapOnlyWhenEachStartsBeforeTheOtherEnds() {
        #expect(BookingRules.overlaps((at("2026-12-05T09:00"), at("2026-12-05T12:00")), (at("2026-12-05T11:00"), at("2026-12-05T13:00"))))
        #expect(BookingRules.overlaps((at("2026-12-05T09:00"), at("2026-12-05T12:00")), (at("2026-12-05T10:00"), at("2026-12-05T11:00"))))
        #expect(!BookingRules.overlaps((at("2026-12-05T09:00"), at("2026-12-05T12:00")), (at("2026-12-05T12:00"), at("2026-12-05T13:00"))))
        #expect(BookingRules.minutes(from: at("2026-12-05T22:30"), to: at("2026-12-06T01:00")) == 150)
    }

    @Test func aBookingStartsBeforeItEndsInTheFutureWithinTheLongestDuration() throws {
        let valid = try BookingRules.validate(start: "2026-12-05T09:00", end: "2026-12-05T12:00", purpose: "Atelier", maxDurationMinutes: 240, now: now)
        #expect(valid.purpose == "Atelier")
        for (start, end, field) in [("2026-12-05T12:00", "2026-12-05T09:00", "end"), ("2026-12-05T09:00", "2026-12-05T14:00", "end"),
                                    ("2026-12-01T09:00", "2026-12-01T10:00", "start"), ("demain", "2026-12-05T10:00", "start")] {
            do {
                _ = try BookingRules.validate(start: start, end: end, purpose: "Atelier", maxDurationMinutes: 240, now: now)
                Issue.record("\(start)–\(end) should be refused")
            } catch {
                #expect(error.messages[field] != nil, "\(field): \(error.messages)")
            }
        }
    }

    @Test func iCalendarEscapesTextAndFoldsLongLinesWithoutCuttingACharacter() {
        #expect(ICalendar.escape("Réunion; bilan, suite\\fin\nligne") == "Réunion\\; bilan\\, suite\\\\fin\\nligne")
        let long = "SUMMARY:" + String(repeating: "é", count: 60)
        let folded = ICalendar.fold(long)
        let lines = folded.components(separatedBy: "\r\n")
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { $0.utf8.count <= 75 })
        #expect(lines[1].hasPrefix(" "))
        #expect(lines.enumerated().map { $0.offset == 0 ? $0.element : String($0.element.dropFirst()) }.joined() == long)
        let document = ICalendar.document(name: "Salle", events: [.init(uid: "a@maillage", start: "20261205T080000Z", end: "20261205T110000Z", summary: "Atelier")],
                                          stamp: "20261202T090000Z")
        #expect(document == "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Maillage//Ressources mutualisées//FR\r\nCALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\nX-WR-CALNAME:Salle\r\n"
                + "BEGIN:VEVENT\r\nUID:a@maillage\r\nDTSTAMP:20261202T090000Z\r\nDTSTART:20261205T080000Z\r\nDTEND:20261205T110000Z\r\nSUMMARY:Atelier\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    }
}
