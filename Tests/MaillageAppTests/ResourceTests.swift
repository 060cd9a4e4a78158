import Fluent
import Foundation
@testable import MaillageApp
import MaillageCore
import Testing
import VaporTesting

/// Pooled resources: bookings that never overlap (also when two arrive at once), and the
/// iCalendar feeds.
@Suite("Partners: pooled resources and bookings")
struct ResourceTests {
    static func errors(_ response: TestingHTTPResponse) -> [String: String] {
        response.problem?["errors"] as? [String: String] ?? [:]
    }

    @Test func aRoomIsBookedOnceAndItsCalendarIsValidICalendar() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let coordinator = try await APIClient.forDemo("coordination@maillage.example", app: app)
            let territory = "/api/v1/territories/\(coop.$territory.id)/resources"
            #expect(Set(Self.errors(try await coordinator.send(.POST, territory, json: #"{"name":"","kind":"castle","maxDurationMinutes":5,"priceCents":-1}"#)).keys)
                    == ["name", "kind", "maxDurationMinutes", "priceCents"])
            let room = try await coordinator.json(.POST, territory, json: #"{"name":"Salle polyvalente, centre social","kind":"room","maxDurationMinutes":240,"offeredByCoopID":"\#(coop.id!)"}"#)
            let id = try #require(room["id"] as? String)
            let day = CalendarDay.today.adding(days: 3).description
            let base = "/api/v1/resources/\(id)"
            let cashier = try await APIClient.forDemo("caisse@maillage.example", app: app)
            let first = try await cashier.send(.POST, "\(base)/bookings", json: #"{"start":"\#(day)T09:00","end":"\#(day)T12:00","purpose":"Atelier cuisine, avec des virgules, et ; des points-virgules"}"#)
            #expect(first.status == .created)
            #expect(first.problem?["coopID"] as? String == coop.id!.uuidString)
            // 11:00–13:00 overlaps; 12:00–14:00 starts when the other ends: fine.
            let clash = try await coordinator.send(.POST, "\(base)/bookings", json: #"{"start":"\#(day)T11:00","end":"\#(day)T13:00","purpose":"Réunion"}"#)
            #expect(clash.status == .conflict)
            #expect(clash.problem?["detail"] as? String ?? "" != "")
            #expect(try await coordinator.send(.POST, "\(base)/bookings", json: #"{"start":"\#(day)T12:00","end":"\#(day)T14:00","purpose":"Réunion"}"#).status == .created)
            #expect(Self.errors(try await coordinator.send(.POST, "\(base)/bookings", json: #"{"start":"\#(day)T14:00","end":"\#(day)T19:00","purpose":"Trop long"}"#))["end"] != nil)
            #expect(Self.errors(try await coordinator.send(.POST, "\(base)/bookings", json: #"{"start":"2020-01-01T09:00","end":"2020-01-01T10:00","purpose":"Passé"}"#))["start"] != nil)
            // Who may not: a member reads the room, books nothing; another territory sees nothing.
            let member = try await APIClient.forDemo("societaire@maillage.example", app: app)
            #expect(try await member.send(.GET, base).status == .ok)
            #expect(try await member.send(.POST, "\(base)/bookings", json: #"{"start":"\#(day)T15:00","end":"\#(day)T16:00","purpose":"x"}"#).status == .forbidden)
            #expect(try await APIClient.forDemo("coordination.avignon@maillage.example", app: app).send(.GET, base).status == .notFound)

            let shown = try await coordinator.json(.GET, base)
            let feed = try #require(shown["calendarURL"] as? String)
            let calendar = try await app.testing().sendRequest(.GET, feed)
            #expect(calendar.status == .ok)
            #expect(calendar.headers.contentType?.subType == "calendar")
            // Its address is its secret: no cache keeps a copy.
            #expect(calendar.headers.first(name: .cacheControl) == "no-store")
            let text = calendar.body.string
            #expect(text.hasPrefix("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"))
            #expect(text.hasSuffix("END:VCALENDAR\r\n"))
            #expect(text.components(separatedBy: "BEGIN:VEVENT").count == 3)
            // Unfolded, the summary keeps its escaped commas and semicolons.
            #expect(text.replacingOccurrences(of: "\r\n ", with: "").contains("avec des virgules\\, et \\; des points-virgules"))
            // Every line ends in CRLF and none is longer than 75 octets.
            #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
            #expect(text.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 75 })
            // 09:00 in Paris is 08:00 UTC in winter, 07:00 in summer.
            let start = try #require(LocalDateTime("\(day)T09:00")).date
            #expect(text.contains("DTSTART:" + CalendarStamps.utc(start)))
            #expect(try await app.testing().sendRequest(.GET, "/calendar/resources/\(id).ics?token=faux").status == .notFound)
            let mine = try #require((try await cashier.json(.GET, base))["myCalendarURL"] as? String)
            let own = try await app.testing().sendRequest(.GET, mine)
            #expect(own.body.string.components(separatedBy: "BEGIN:VEVENT").count == 2)
        }
    }

    /// Four bookings of the same hour at once: one is written. They race on PostgreSQL; SQLite
    /// serialises writers (and its in-memory test database livelocks under the suite's load).
    @Test func twoBookingsAtOnceNeverOverlap() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let coordinator = try await APIClient.forDemo("coordination@maillage.example", app: app)
            let room = try await coordinator.json(.POST, "/api/v1/territories/\(coop.$territory.id)/resources", json: #"{"name":"Camion frigorifique","kind":"vehicle"}"#)
            let base = "/api/v1/resources/\(try #require(room["id"] as? String))/bookings"
            let day = CalendarDay.today.adding(days: 5).description
            let book = { @Sendable (index: Int) async throws -> HTTPStatus in
                try await coordinator.send(.POST, base, json: #"{"start":"\#(day)T0\#(8 + index % 2):00","end":"\#(day)T11:00","purpose":"Livraison \#(index)"}"#).status
            }
            var statuses: [HTTPStatus] = []
            if ProcessInfo.processInfo.environment["DATABASE_URL"]?.hasPrefix("postgres") == true {
                statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                    for index in 0..<4 { group.addTask { try await book(index) } }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
            } else {
                for index in 0..<4 { statuses.append(try await book(index)) }
            }
            #expect(statuses.filter { $0 == .created }.count == 1)
            #expect(statuses.filter { $0 == .conflict }.count == 3)
            #expect(try await ResourceBooking.query(on: app.db).count() == 1)
        }
    }

    @Test func thePageBooksAndShowsTheClashOnTheForm() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            var browser = Browser(app)
            try await browser.login("coordination@maillage.example")
            let created = try await browser.post("/territories/\(coop.$territory.id.uuidString.lowercased())/resources",
                                                 form: ["name": "Cuisine pédagogique", "kind": "kitchen", "maxHours": "6", "price": "15"])
            #expect(created.status == .seeOther)
            let page = try #require(created.headers.first(name: .location))
            let day = CalendarDay.today.adding(days: 2).description
            #expect(try await browser.post(page + "/bookings", form: ["start": "\(day)T09:00", "end": "\(day)T12:00", "purpose": "Atelier HACCP"]).status == .seeOther)
            let clash = try await browser.post(page + "/bookings", form: ["start": "\(day)T10:00", "end": "\(day)T11:00", "purpose": "Repas partagé"])
            #expect(clash.status == .conflict)
            #expect(clash.body.string.contains("déjà réservée"))
            #expect(clash.body.string.contains("booking-form"))
            let week = try await browser.get(page + "?from=\(day)")
            #expect(week.body.string.contains("9\u{00A0}h\u{00A0}00 – 12\u{00A0}h\u{00A0}00 Atelier HACCP"))
            let month = try await browser.get(page + "?from=\(day)&view=month")
            #expect(month.body.string.contains("Atelier HACCP"))
            #expect(month.body.string.contains("week-view"))
        }
    }
}
