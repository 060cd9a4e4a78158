import MaillageCore
import Testing

private func day(_ text: String) -> CalendarDay { CalendarDay(text)! }

@Suite("Plan: objectives and actions")
struct PlanRulesTests {
    @Test func aCompleteObjectiveOfTheCarnetDeBord() throws {
        let valid = try ObjectiveDraft(
            focus: " Emploi ", kind: "business_creation", title: "Ouvrir un service traiteur",
            actions: [" Suivre l'atelier HACCP ", "  ", "Rencontrer la BGE"]
        ).validate()
        #expect(valid.focus == "Emploi")
        #expect(valid.kind == .businessCreation)
        #expect(valid.title == "Ouvrir un service traiteur")
        #expect(valid.actions == ["Suivre l'atelier HACCP", "Rencontrer la BGE"])
    }

    @Test func blankFocusUnknownKindAndTooManyActionsAreNamed() {
        let error = #expect(throws: FieldErrors.self) {
            try ObjectiveDraft(focus: "   ", kind: "logement", title: "Trouver un emploi en cuisine",
                               actions: (1...21).map { "Action \($0)" }).validate()
        }
        #expect(error?.messages.keys.sorted() == ["actions", "focus", "kind"])
        #expect(error?["actions"]?.contains("20") == true)
    }

    @Test func twentyActionsAndBlankOnesAreAccepted() throws {
        let valid = try ObjectiveDraft(focus: "Formation", kind: "training", title: "CAP cuisine",
                                       actions: (1...20).map { "Action \($0)" } + [" "]).validate()
        #expect(valid.actions.count == 20)
        #expect(valid.kind == .training)
    }

    @Test func progressOfAnObjective() {
        #expect(ObjectiveProgress([.done, .abandoned]).isReached)
        #expect(!ObjectiveProgress([.done, .inProgress]).isReached)
        #expect(!ObjectiveProgress([.abandoned]).isReached)
        #expect(!ObjectiveProgress([]).isReached)
        let progress = ObjectiveProgress([.done, .inProgress, .done, .abandoned])
        #expect(progress.done == 2)
        #expect(progress.inProgress == 1)
        #expect(progress.abandoned == 1)
    }

    @Test func rawValuesAsStored() {
        #expect(ObjectiveKind.allCases.map(\.rawValue) == ["employment", "training", "business_creation", "social"])
        #expect(ActionStatus(rawValue: "in_progress") == .inProgress)
        #expect(ActionStatus(rawValue: "inProgress") == nil)
    }
}

@Suite("Agenda: appointments, workshops, training sessions")
struct AgendaRulesTests {
    @Test func localDateTimeParsesTheFormFormats() throws {
        let tAndMinutes = try #require(LocalDateTime("2026-11-26T14:00"))
        let spaceAndSeconds = try #require(LocalDateTime("2026-11-26 14:00:00"))
        #expect(tAndMinutes == LocalDateTime(day: day("2026-11-26"), hour: 14, minute: 0))
        #expect(spaceAndSeconds == tAndMinutes)
        #expect(tAndMinutes.description == "2026-11-26T14:00")
        #expect(tAndMinutes.french == "26/11/2026 à 14\u{A0}h\u{A0}00")
        #expect(LocalDateTime("2026-03-05T09:05")?.french == "05/03/2026 à 9\u{A0}h\u{A0}05")
        #expect(LocalDateTime("2026-11-26T09:30")! < tAndMinutes)
        #expect(tAndMinutes < LocalDateTime("2026-11-27T08:00")!)
    }

    @Test func rfc3339WithAnOffsetOrZIsReadAsParisTime() throws {
        let two = LocalDateTime(day: day("2026-11-26"), hour: 14, minute: 0)
        // Winter: Paris is UTC+1.
        #expect(LocalDateTime("2026-11-26T13:00:00Z") == two)
        #expect(LocalDateTime("2026-11-26T13:00Z") == two)
        #expect(LocalDateTime("2026-11-26T14:00:00+01:00") == two)
        #expect(LocalDateTime("2026-11-26T08:00:00.500-05:00") == two)
        #expect(LocalDateTime("2026-11-26T13:00:00+0000") == two)
        // Summer: UTC+2; and an instant late in the evening in UTC is the next day in Paris.
        #expect(LocalDateTime("2026-07-14T08:30:00Z") == LocalDateTime(day: day("2026-07-14"), hour: 10, minute: 30))
        #expect(LocalDateTime("2026-12-14T23:30:00Z") == LocalDateTime(day: day("2026-12-15"), hour: 0, minute: 30))
    }

    @Test(arguments: ["2026-11-26T24:00", "2026-11-26", "2026-02-30T10:00", "2026-11-26T14:60", "2026-11-26T9:00", "2026-11-26T14:00:60",
                      "2026-11-26T14:00+25:00", "2026-11-26T14:00+1", "2026-11-26T14:00:00.Z", "2026-11-26T25:00Z"])
    func malformedDateTimesAreRefused(_ text: String) {
        #expect(LocalDateTime(text) == nil)
    }

    @Test func aWorkshopAtTheCooperative() throws {
        let valid = try AppointmentDraft(kind: "workshop", title: "Atelier CV", startsAt: " 2026-11-26T14:00 ",
                                         durationMinutes: 90, place: " Salle commune ").validate(allowedKinds: [.appointment, .workshop])
        #expect(valid.kind == .workshop)
        #expect(valid.startsAt == LocalDateTime(day: day("2026-11-26"), hour: 14, minute: 0))
        #expect(valid.durationMinutes == 90)
        #expect(valid.place == "Salle commune")
    }

    @Test func aTrainingSessionIsNotMadeFromAPathway() throws {
        let draft = AppointmentDraft(kind: "training_session", title: "Hygiène HACCP", startsAt: "2026-11-26T09:00", durationMinutes: 210)
        let error = #expect(throws: FieldErrors.self) { try draft.validate(allowedKinds: [.appointment, .workshop]) }
        #expect(error?.messages.keys.sorted() == ["kind"])
        let fromItsTraining = try draft.validate(allowedKinds: [.trainingSession])
        #expect(fromItsTraining.kind == .trainingSession)
    }

    @Test(arguments: [4, 601])
    func durationOutOfRangeIsRefused(_ minutes: Int) {
        let error = #expect(throws: FieldErrors.self) {
            try AppointmentDraft(kind: "appointment", title: "Entretien", startsAt: "2026-11-26T14:00", durationMinutes: minutes)
                .validate(allowedKinds: [.appointment])
        }
        #expect(error?.messages.keys.sorted() == ["durationMinutes"])
    }

    @Test func missingFieldsAreNamed() {
        let error = #expect(throws: FieldErrors.self) {
            try AppointmentDraft(kind: nil, title: " ", startsAt: "26/11/2026", durationMinutes: nil).validate(allowedKinds: [.appointment])
        }
        #expect(error?.messages.keys.sorted() == ["durationMinutes", "kind", "startsAt", "title"])
    }
}

@Suite("Skills and training")
struct SkillsRulesTests {
    @Test func levelsAreOrdered() {
        #expect(SkillLevel.discovered < .practisedWithHelp)
        #expect(SkillLevel.autonomous < .canPassOn)
        #expect(!(SkillLevel.canPassOn < .autonomous))
        #expect([SkillLevel.autonomous, .discovered, .canPassOn, .practisedWithHelp].sorted() == SkillLevel.allCases)
    }

    @Test func gridRowsSideBySide() throws {
        let grid = ["Hygiène HACCP", "Service en salle", "Tenue de caisse"]
        let assessments: [SkillGrid.Assessment] = [
            .init(competence: "Service en salle", source: .coordinator, level: .practisedWithHelp, day: day("2026-06-15"), sequence: 3),
            .init(competence: "Hygiène HACCP", source: .coordinator, level: .discovered, day: day("2026-03-02"), sequence: 1),
            .init(competence: "Hygiène HACCP", source: .coordinator, level: .autonomous, day: day("2026-06-15"), sequence: 2),
            // Recorded later about an earlier day: the later day still wins.
            .init(competence: "Hygiène HACCP", source: .coordinator, level: .practisedWithHelp, day: day("2026-05-01"), sequence: 5),
            // Same day: the later recording wins.
            .init(competence: "Service en salle", source: .coordinator, level: .autonomous, day: day("2026-06-15"), sequence: 4),
            .init(competence: "Hygiène HACCP", source: .selfAssessment, level: .discovered, day: day("2026-06-20"), sequence: 6),
            .init(competence: "Service en salle", source: .selfAssessment, level: .canPassOn, day: day("2026-06-20"), sequence: 7),
            .init(competence: "Conduite du camion", source: .coordinator, level: .autonomous, day: day("2026-06-20"), sequence: 8),
        ]
        let rows = SkillGrid.rows(grid: grid, assessments: assessments)
        try #require(rows.count == 3)
        #expect(rows.map(\.competence) == grid)
        #expect(rows[0].coordinator?.level == .autonomous)
        #expect(rows[0].coordinator?.sequence == 2)
        #expect(rows[0].selfAssessment?.level == .discovered)
        #expect(rows[0].needsDiscussion) // autonomous vs discovered: two levels apart
        #expect(rows[1].coordinator?.sequence == 4)
        #expect(rows[1].selfAssessment?.level == .canPassOn)
        #expect(!rows[1].needsDiscussion) // autonomous vs can pass on: one level
        #expect(rows[2].coordinator == nil && rows[2].selfAssessment == nil)
        #expect(!rows[2].needsDiscussion)
    }

    @Test func oneSidedRowNeedsNoDiscussion() {
        let rows = SkillGrid.rows(grid: ["Tenue de caisse"], assessments: [
            .init(competence: "Tenue de caisse", source: .selfAssessment, level: .canPassOn, day: day("2026-06-20"), sequence: 1),
        ])
        #expect(rows.first?.coordinator == nil)
        #expect(rows.first?.selfAssessment?.level == .canPassOn)
        #expect(rows.first?.needsDiscussion == false)
    }

    @Test func hoursFollowedAndSatisfaction() {
        // Three sessions of 3 h 30, one missed: 7 h.
        let threeSessions: [(minutes: Int, status: AttendanceStatus)] = [(210, .attended), (210, .absent), (210, .attended)]
        let notSignedIn: [(minutes: Int, status: AttendanceStatus)] = [(90, .registered), (90, .excused)]
        #expect(TrainingRules.hours(sessions: threeSessions) == 7.0)
        #expect(TrainingRules.hours(sessions: notSignedIn) == 0.0)
        #expect(TrainingRules.meanSatisfaction([4, 5, 3]) == 4.0)
        #expect(TrainingRules.meanSatisfaction([5, 4]) == 4.5)
        #expect(TrainingRules.meanSatisfaction([]) == nil)
    }
}

@Suite("Hours worked and data retention")
struct WorkHoursRulesTests {
    let today = CalendarDay(year: 2026, month: 11, day: 26)

    @Test func calendarArithmetic() {
        #expect(day("1970-01-01").daysSinceEpoch == 0)
        #expect(day("1970-01-01").isoWeekday == 4)
        #expect(day("1969-12-31").daysSinceEpoch == -1)
        #expect(day("1969-12-31").isoWeekday == 3)
        #expect(CalendarDay(daysSinceEpoch: -1) == day("1969-12-31"))
        #expect(day("2024-02-29").daysSinceEpoch == 19_782)
        #expect(CalendarDay(daysSinceEpoch: day("2024-02-29").daysSinceEpoch) == day("2024-02-29"))
        #expect(day("2024-02-28").adding(days: 1) == day("2024-02-29"))
        #expect(day("2023-02-28").adding(days: 1) == day("2023-03-01"))
        #expect(day("2024-01-01").isoWeekday == 1)
        #expect(day("2024-01-01").weekStart == day("2024-01-01"))
        #expect(today.daysSinceEpoch == 20_783)
        #expect(today.isoWeekday == 4)
        #expect(today.weekStart == day("2026-11-23"))
        #expect(day("2026-11-29").isoWeekday == 7)
        #expect(day("2026-11-29").weekStart == day("2026-11-23"))
    }

    @Test func aWeekAtTheKitchenIsCountedByItsMonday() throws {
        let valid = try HoursDraft(week: "2026-11-26", role: "kitchen", hours: 7.25).validate(alreadyThatWeek: 0, today: today)
        #expect(valid.week == day("2026-11-23"))
        #expect(valid.role == .kitchen)
        #expect(valid.minutes == 435)
    }

    @Test func fortyEightHoursAtMostInAWeek() throws {
        let already = 26 * 60 // 26 h already at the kitchen
        let error = #expect(throws: FieldErrors.self) {
            try HoursDraft(week: "2026-11-23", role: "service", hours: 23).validate(alreadyThatWeek: already, today: today)
        }
        #expect(error?.messages.keys.sorted() == ["hours"])
        #expect(error?["hours"]?.contains("48") == true)
        let valid = try HoursDraft(week: "2026-11-23", role: "service", hours: 22).validate(alreadyThatWeek: already, today: today)
        #expect(valid.minutes == 22 * 60)
    }

    @Test(arguments: [7.3, 0, -2, 7.1])
    func hoursAreCountedByQuarters(_ hours: Double) {
        let error = #expect(throws: FieldErrors.self) {
            try HoursDraft(week: "2026-11-23", role: "till", hours: hours).validate(alreadyThatWeek: 0, today: today)
        }
        #expect(error?.messages.keys.sorted() == ["hours"])
    }

    @Test func aWeekNotYetStartedIsRefused() throws {
        let error = #expect(throws: FieldErrors.self) {
            try HoursDraft(week: "2026-11-30", role: "delivery", hours: 7).validate(alreadyThatWeek: 0, today: today)
        }
        #expect(error?.messages.keys.sorted() == ["week"])
        // Sunday of the current week: the week has started.
        #expect(try HoursDraft(week: "2026-11-29", role: "delivery", hours: 7).validate(alreadyThatWeek: 0, today: today).week == day("2026-11-23"))
    }

    @Test func missingValuesAreNamed() {
        let error = #expect(throws: FieldErrors.self) {
            try HoursDraft(week: nil, role: "plonge", hours: nil).validate(alreadyThatWeek: 0, today: today)
        }
        #expect(error?.messages.keys.sorted() == ["hours", "role", "week"])
    }

    @Test func anonymisationAfterTwentyFourMonthsWithoutContact() {
        #expect(PersonalDataRetention.anonymisationDue(lastContact: day("2024-11-26"), today: today))
        #expect(!PersonalDataRetention.anonymisationDue(lastContact: day("2024-11-27"), today: today))
        #expect(PersonalDataRetention.anonymisationDue(lastContact: day("2024-02-29"), today: day("2026-02-28")))
        #expect(!PersonalDataRetention.anonymisationDue(lastContact: day("2024-02-29"), today: day("2026-02-27")))
    }
}

@Suite("Pathway summary: hours")
struct PathwaySummaryHoursTests {
    let november2026 = DayPeriod(from: CalendarDay(year: 2026, month: 11, day: 1), to: CalendarDay(year: 2026, month: 11, day: 30))

    @Test func onlyValidatedHoursOfWeeksStartingInThePeriod() {
        let entries: [(week: CalendarDay, minutes: Int, status: HoursStatus)] = [
            (week: day("2026-11-02"), minutes: 435, status: .validated),
            (week: day("2026-11-23"), minutes: 1_320, status: .validated),
            (week: day("2026-11-23"), minutes: 600, status: .submitted), // awaiting validation
            (week: day("2026-10-26"), minutes: 2_100, status: .validated), // its Monday is in October
            (week: day("2026-11-30"), minutes: 420, status: .validated),
        ]
        #expect(PathwaySummary.hoursWorked(entries, in: november2026) == 36.25)
        #expect(PathwaySummary.hoursWorked([], in: november2026) == 0.0)
    }

    @Test func trainingHoursOfThePeriod() {
        let sessions: [(day: CalendarDay, minutes: Int, status: AttendanceStatus)] = [
            (day: day("2026-11-05"), minutes: 210, status: .attended),
            (day: day("2026-11-12"), minutes: 210, status: .absent),
            (day: day("2026-11-19"), minutes: 90, status: .excused),
            (day: day("2026-10-29"), minutes: 180, status: .attended), // before the period
            (day: day("2026-11-30"), minutes: 210, status: .attended),
        ]
        #expect(PathwaySummary.trainingHours(sessions, in: november2026) == 7.0)
    }
}
