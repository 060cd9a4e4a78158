import Fluent
import Foundation
import MaillageCore
import Vapor

// MARK: JSON shapes of a person's file (see docs/openapi.yaml)

struct ObjectiveDTO: Content {
    struct Action: Content {
        var id: UUID
        var label: String
        var status: String
        var statusChangedAt: Date
    }
    var id: UUID
    var focus: String
    var kind: String
    var title: String
    var reached: Bool
    var actions: [Action]

    init(_ objective: Objective) {
        id = objective.id!
        focus = objective.focus
        kind = objective.kind
        title = objective.title
        let actions = objective.actions.sorted { ($0.createdAt ?? .distantPast) < ($1.createdAt ?? .distantPast) }
        reached = ObjectiveProgress(actions.compactMap { ActionStatus(rawValue: $0.status) }).isReached
        self.actions = actions.map { Action(id: $0.id!, label: $0.label, status: $0.status, statusChangedAt: $0.statusChangedAt) }
    }
}

/// An appointment with its sign-in sheet.
struct AppointmentDTO: Content {
    struct Participant: Content {
        var pathwayID: UUID
        var name: String
        var status: String
    }
    var id: UUID
    var kind: String
    var title: String
    var startsAt: String
    var durationMinutes: Int
    var place: String?
    var trainingID: UUID?
    var participants: [Participant]

    init(_ appointment: Appointment) {
        id = appointment.id!
        kind = appointment.kind
        title = appointment.title
        startsAt = appointment.startsAt
        durationMinutes = appointment.durationMinutes
        place = appointment.place
        trainingID = appointment.trainingID
        participants = appointment.attendances.map { Participant(pathwayID: $0.$pathway.id, name: $0.pathway.person.fullName, status: $0.status) }
            .sorted { $0.name < $1.name }
    }
}

/// One appointment or workshop seen from the person's file.
struct PersonAppointmentDTO: Content {
    var appointmentID: UUID
    var kind: String
    var title: String
    var startsAt: String
    var durationMinutes: Int
    var place: String?
    var status: String

    init(_ line: Attendance) {
        appointmentID = line.$appointment.id
        kind = line.appointment.kind
        title = line.appointment.title
        startsAt = line.appointment.startsAt
        durationMinutes = line.appointment.durationMinutes
        place = line.appointment.place
        status = line.status
    }
}

struct NoteDTO: Content {
    var id: UUID
    var body: String
    var author: String
    var createdAt: Date?

    init(_ note: PathwayNote) {
        id = note.id!
        body = note.body
        author = note.authorLabel
        createdAt = note.createdAt
    }
}

struct SkillRowDTO: Content {
    struct Mark: Content {
        var level: String
        var date: String
    }
    var competenceID: UUID
    var competence: String
    var coordinator: Mark?
    var selfAssessment: Mark?
    var needsDiscussion: Bool

    enum CodingKeys: String, CodingKey { case competenceID, competence, coordinator, selfAssessment = "self", needsDiscussion }

    init(_ row: SkillGrid.Row, label: String) {
        competenceID = UUID(uuidString: row.competence)!
        competence = label
        coordinator = row.coordinator.map { Mark(level: $0.level.rawValue, date: $0.day.description) }
        selfAssessment = row.selfAssessment.map { Mark(level: $0.level.rawValue, date: $0.day.description) }
        needsDiscussion = row.needsDiscussion
    }
}

struct PersonTrainingDTO: Content {
    var trainingID: UUID
    var title: String
    var provider: String?
    var hours: Double
    var evaluation: String?
    var satisfaction: Int?
}

struct HoursEntryDTO: Content {
    var id: UUID
    var week: String
    var role: String
    var hours: Double
    var status: String
    var enteredBy: String
    var validatedBy: String?

    init(_ entry: WorkHoursEntry) {
        id = entry.id!
        week = CalendarDay(date: entry.week).description
        role = entry.role
        hours = entry.hours
        status = entry.status
        enteredBy = entry.enteredByLabel
        validatedBy = entry.validatedByLabel
    }
}

struct PathwayDTO: Content {
    var id: UUID
    var person: PersonDTO
    var referralID: UUID?
    var openedOn: String
    var referent: String?
    var account: String?
    var exit: ExitDTO?
    /// The exit's category, repeated at the top for clients that only need it.
    var category: String?
    /// The latest assessment of each barrier assessed so far.
    var barriers: [BarrierAssessmentDTO]
    var plan: [ObjectiveDTO]
    var appointments: [PersonAppointmentDTO]
    /// Only for the coordination and the person's referent; absent otherwise.
    var notes: [NoteDTO]?
    var skills: [SkillRowDTO]
    var trainings: [PersonTrainingDTO]
    var hours: [HoursEntryDTO]
    /// Validated hours, all weeks together.
    var hoursWorked: Double

    init(_ file: PathwayFile, viewer: PathwayViewer) {
        let pathway = file.pathway
        let current = BarrierDiagnostic.current(PathwaysRepository.diagnostic(file.barrierHistory))
        let authors = Dictionary(file.barrierHistory.map { ("\($0.barrier)|\(CalendarDay(date: $0.assessedOn))", $0.authorLabel) }, uniquingKeysWith: { _, last in last })
        barriers = current.map {
            BarrierAssessmentDTO(barrier: $0.barrier.rawValue, level: $0.level.rawValue, assessedOn: $0.day.description,
                                 author: authors["\($0.barrier.rawValue)|\($0.day)"] ?? "")
        }
        id = pathway.id!
        person = PersonDTO(pathway.person)
        referralID = pathway.referralID
        openedOn = CalendarDay(date: pathway.openedOn).description
        referent = file.referentName
        account = viewer == .coordination ? file.accountEmail : nil
        if let date = pathway.exitDate, let destination = pathway.exitDestination, let category = pathway.exitCategory {
            exit = ExitDTO(date: CalendarDay(date: date).description, destination: destination, category: category,
                           followUpDue: pathway.followUpDue.map { CalendarDay(date: $0).description })
        }
        category = pathway.exitCategory
        plan = file.objectives.map(ObjectiveDTO.init)
        appointments = file.attendances.map(PersonAppointmentDTO.init)
        notes = file.notes?.map(NoteDTO.init)
        skills = file.skillRows.map { SkillRowDTO($0, label: file.competenceLabel($0.competence)) }
        trainings = file.enrolments.map {
            PersonTrainingDTO(trainingID: $0.$training.id, title: $0.training.title, provider: $0.training.provider,
                              hours: file.trainingHours($0.$training.id), evaluation: $0.evaluation, satisfaction: $0.satisfaction)
        }
        hours = file.hours.map(HoursEntryDTO.init)
        hoursWorked = file.validatedHours
    }
}

struct CompetenceDTO: Content {
    var id: UUID
    var label: String
    var position: Int
    var active: Bool

    init(_ competence: Competence) {
        id = competence.id!
        label = competence.label
        position = competence.position
        active = competence.active
    }
}

struct TrainingDTO: Content {
    struct Trainee: Content {
        var pathwayID: UUID
        var name: String
        var hours: Double
        var evaluation: String?
        var satisfaction: Int?
        var comment: String?
    }
    var id: UUID
    var title: String
    var provider: String?
    var sessions: [AppointmentDTO]
    var trainees: [Trainee]
    var meanSatisfaction: Double?

    init(_ training: Training, sessions: [Appointment], enrolments: [TrainingEnrolment]) {
        id = training.id!
        title = training.title
        provider = training.provider
        self.sessions = sessions.map(AppointmentDTO.init)
        trainees = enrolments.map { enrolment in
            let lines = sessions.flatMap { session in
                session.attendances.filter { $0.$pathway.id == enrolment.$pathway.id }.map { (session.durationMinutes, AttendanceStatus(rawValue: $0.status) ?? .registered) }
            }
            return Trainee(pathwayID: enrolment.$pathway.id, name: enrolment.pathway.person.fullName, hours: TrainingRules.hours(sessions: lines),
                           evaluation: enrolment.evaluation, satisfaction: enrolment.satisfaction, comment: enrolment.comment)
        }
        meanSatisfaction = TrainingRules.meanSatisfaction(enrolments.compactMap(\.satisfaction))
    }
}

// MARK: Bodies

struct ObjectiveBody: Decodable {
    var focus: String?
    var kind: String?
    var title: String?
    var actions: [String]?
}

struct LabelBody: Decodable { var label: String? }
struct StatusBody: Decodable { var status: String? }
struct NoteBody: Decodable { var body: String? }

struct LinksBody: Decodable {
    var referentUserID: String?
    var cooperantUserID: String?
}

struct SkillBody: Decodable {
    var competenceID: String?
    var level: String?
    var date: String?
}

struct HoursBody: Decodable {
    var week: String?
    var role: String?
    var hours: Double?
}

struct AppointmentBody: Decodable {
    var kind: String?
    var title: String?
    var startsAt: String?
    var durationMinutes: Int?
    var place: String?
    /// Registers the person on an existing appointment or workshop instead of creating one.
    var appointmentID: String?
    var pathwayIDs: [String]?

    var draft: AppointmentDraft { AppointmentDraft(kind: kind, title: title, startsAt: startsAt, durationMinutes: durationMinutes, place: place) }
}

struct AttendanceBody: Decodable {
    struct Mark: Decodable {
        var pathwayID: String?
        var status: String?
    }
    var attendance: [Mark]?
}

struct ParticipantsBody: Decodable { var pathwayIDs: [String]? }

extension PathwaysRepository {
    /// Ids typed in a body: a malformed one is a field error like an unknown one.
    static func pathwayIDs(_ raw: [String]?, field: String = "pathwayIDs") throws -> [UUID] {
        try (raw ?? []).map { text in
            guard let id = UUID(uuidString: text) else { throw Problem.invalid(FieldErrors([field: "Une des personnes choisies n'a pas de parcours dans cette coopérative."])) }
            return id
        }
    }
}

struct TrainingBody: Decodable {
    var title: String?
    var provider: String?
}

struct SessionBody: Decodable {
    var title: String?
    var startsAt: String?
    var durationMinutes: Int?
    var place: String?
}

struct TraineeBody: Decodable { var pathwayID: String? }

struct EvaluationBody: Decodable {
    var evaluation: String?
    var satisfaction: Int?
    var comment: String?
}

struct CompetenceBody: Decodable {
    var label: String?
    var active: Bool?
}

// MARK: Routes

/// The rest of a person's file, the agenda, trainings and the competence grid, under
/// `/api/v1/coops/:coopID/…`.
struct PathwayFileAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let coop = routes.grouped("coops", ":coopID")
        coop.get("me", "pathway", use: ownPathway)
        let pathway = coop.grouped("pathways", ":pathwayID")
        pathway.patch(use: setLinks)
        pathway.post("objectives", use: addObjective)
        pathway.post("objectives", ":objectiveID", "actions", use: addAction)
        pathway.patch("actions", ":actionID", use: setActionStatus)
        pathway.post("appointments", use: addAppointment)
        pathway.post("notes", use: addNote)
        pathway.post("skills", use: assessSkill)
        pathway.post("hours", use: addHours)
        pathway.post("hours", ":entryID", "validation", use: validateHours)
        pathway.get("export", use: export)
        pathway.post("erasure", use: erase)
        coop.get("competences", use: competences)
        coop.post("competences", use: addCompetence)
        coop.patch("competences", ":competenceID", use: setCompetence)
        coop.get("appointments", use: appointments)
        coop.post("appointments", use: createAppointment)
        coop.get("appointments", ":appointmentID", use: appointment)
        coop.post("appointments", ":appointmentID", "participants", use: addParticipants)
        coop.post("appointments", ":appointmentID", "attendance", use: setAttendance)
        coop.get("trainings", use: trainings)
        coop.post("trainings", use: createTraining)
        coop.get("trainings", ":trainingID", use: training)
        coop.post("trainings", ":trainingID", "sessions", use: addSession)
        coop.post("trainings", ":trainingID", "trainees", use: enrol)
        coop.post("trainings", ":trainingID", "trainees", ":pathwayID", "evaluation", use: evaluate)
    }

    private func fileResponse(_ repository: PathwaysRepository, _ pathway: Pathway, viewer: PathwayViewer, status: HTTPResponseStatus = .ok) async throws -> Response {
        try Idempotency.encode(status: status, body: PathwayDTO(try await repository.file(pathway, viewer: viewer), viewer: viewer))
    }

    private func coordination(_ request: Request) async throws -> PathwaysRepository {
        PathwaysRepository(db: request.db, scope: try await request.cooperativeScope(.managePathways))
    }

    // MARK: The person's file

    func ownPathway(request: Request) async throws -> Response {
        let repository = PathwaysRepository(db: request.db, scope: try await request.cooperativeScope(.viewOwnPathway))
        return try await fileResponse(repository, try await repository.ownPathway(nil, request: request), viewer: .person)
    }

    func setLinks(request: Request) async throws -> Response {
        let (repository, pathway) = try await request.pathwayInScope()
        let body = try request.decodeJSON(LinksBody.self)
        let updated = try await repository.setLinks(pathway, referentUserID: body.referentUserID, cooperantUserID: body.cooperantUserID, request: request)
        return try await fileResponse(repository, updated, viewer: .coordination)
    }

    func addObjective(request: Request) async throws -> Response {
        let (repository, pathway) = try await request.pathwayInScope()
        let body = try request.decodeJSON(ObjectiveBody.self)
        let objective = try await repository.addObjective(pathway, ObjectiveDraft(focus: body.focus, kind: body.kind, title: body.title, actions: body.actions ?? []))
        return try Idempotency.encode(status: .created, body: ObjectiveDTO(objective))
    }

    func addAction(request: Request) async throws -> Response {
        let (repository, pathway) = try await request.pathwayInScope()
        let body = try request.decodeJSON(LabelBody.self)
        let objective = try await repository.addAction(pathway, objectiveID: try request.uuidParameter("objectiveID"), label: body.label)
        return try Idempotency.encode(status: .created, body: ObjectiveDTO(objective))
    }

    func setActionStatus(request: Request) async throws -> Response {
        let (repository, pathway) = try await request.pathwayInScope()
        let body = try request.decodeJSON(StatusBody.self)
        let objective = try await repository.setActionStatus(pathway, actionID: try request.uuidParameter("actionID"), status: body.status)
        return try Idempotency.encode(status: .ok, body: ObjectiveDTO(objective))
    }

    /// A new appointment or workshop for the person, or (with `appointmentID`) their
    /// registration on an existing one.
    func addAppointment(request: Request) async throws -> Response {
        let (repository, pathway) = try await request.pathwayInScope()
        let body = try request.decodeJSON(AppointmentBody.self)
        let appointment: Appointment
        if let raw = body.appointmentID {
            guard let id = UUID(uuidString: raw) else {
                throw Problem.invalid(FieldErrors(["appointmentID": "Identifiant de rendez-vous invalide."]))
            }
            let existing = try await repository.appointment(id)
            guard existing.kind != AppointmentKind.trainingSession.rawValue else {
                throw Problem.invalid(FieldErrors(["appointmentID": "Pour une séance de formation, inscrivez la personne à la formation."]))
            }
            appointment = try await repository.register([pathway.id!], at: existing)
        } else {
            appointment = try await repository.createAppointment(body.draft, allowedKinds: [.appointment, .workshop], pathwayIDs: [pathway.id!])
        }
        return try Idempotency.encode(status: .created, body: AppointmentDTO(appointment))
    }

    func addNote(request: Request) async throws -> Response {
        let (repository, pathway) = try await request.pathwayInScope()
        let body = try request.decodeJSON(NoteBody.self)
        return try Idempotency.encode(status: .created, body: NoteDTO(try await repository.addNote(pathway, body: body.body, request: request)))
    }

    func assessSkill(request: Request) async throws -> Response {
        let (repository, pathway, viewer) = try await request.pathwayForCoordinationOrPerson()
        let body = try request.decodeJSON(SkillBody.self)
        _ = try await repository.assessSkill(pathway, viewer: viewer, competenceID: body.competenceID, level: body.level, date: body.date, today: .today)
        return try await fileResponse(repository, pathway, viewer: viewer, status: .created)
    }

    func addHours(request: Request) async throws -> Response {
        let (repository, pathway, viewer) = try await request.pathwayForCoordinationOrPerson()
        let body = try request.decodeJSON(HoursBody.self)
        let entry = try await repository.addHours(pathway, viewer: viewer, HoursDraft(week: body.week, role: body.role, hours: body.hours), today: .today)
        return try Idempotency.encode(status: .created, body: HoursEntryDTO(entry))
    }

    func validateHours(request: Request) async throws -> Response {
        let (repository, pathway) = try await request.pathwayInScope()
        return try Idempotency.encode(status: .ok, body: HoursEntryDTO(try await repository.validateHours(pathway, entryID: try request.uuidParameter("entryID"))))
    }

    func export(request: Request) async throws -> Response {
        let (repository, pathway) = try await request.pathwayInScope()
        return try await repository.export(pathway, request: request).attachment(pathwayID: pathway.id!)
    }

    func erase(request: Request) async throws -> Response {
        let (repository, pathway) = try await request.pathwayInScope()
        try await repository.erase(pathway, request: request)
        return try await fileResponse(repository, try await repository.pathway(pathway.id!, request: request), viewer: .coordination)
    }

    // MARK: Competence grid

    func competences(request: Request) async throws -> Response {
        let repository = try await coordination(request)
        return try Idempotency.encode(status: .ok, body: Page(items: try await repository.competences().map(CompetenceDTO.init), nextCursor: nil))
    }

    func addCompetence(request: Request) async throws -> Response {
        let repository = try await coordination(request)
        let body = try request.decodeJSON(CompetenceBody.self)
        return try Idempotency.encode(status: .created, body: CompetenceDTO(try await repository.addCompetence(label: body.label)))
    }

    func setCompetence(request: Request) async throws -> Response {
        let repository = try await coordination(request)
        let body = try request.decodeJSON(CompetenceBody.self)
        guard let active = body.active else { throw Problem.invalid(FieldErrors(["active": "Indiquez true (dans la grille) ou false (retirée)."])) }
        return try Idempotency.encode(status: .ok, body: CompetenceDTO(try await repository.setCompetenceActive(try request.uuidParameter("competenceID"), active: active)))
    }

    // MARK: Agenda

    func appointments(request: Request) async throws -> Response {
        let repository = try await coordination(request)
        var errors = FieldErrors()
        let from = CalendarDay.parse(request.query[String.self, at: "from"], field: "from", fallback: CalendarDay.today.adding(days: -30), latest: nil, into: &errors)
        let to = CalendarDay.parse(request.query[String.self, at: "to"], field: "to", fallback: CalendarDay.today.adding(days: 365), latest: nil, into: &errors)
        try errors.throwIfAny()
        return try Idempotency.encode(status: .ok, body: Page(items: try await repository.appointments(from: from, to: to).map(AppointmentDTO.init), nextCursor: nil))
    }

    func createAppointment(request: Request) async throws -> Response {
        let repository = try await coordination(request)
        let body = try request.decodeJSON(AppointmentBody.self)
        let appointment = try await repository.createAppointment(body.draft, allowedKinds: [.appointment, .workshop], pathwayIDs: try PathwaysRepository.pathwayIDs(body.pathwayIDs))
        return try Idempotency.encode(status: .created, body: AppointmentDTO(appointment))
    }

    func appointment(request: Request) async throws -> Response {
        let repository = try await coordination(request)
        return try Idempotency.encode(status: .ok, body: AppointmentDTO(try await repository.appointment(try request.uuidParameter("appointmentID"))))
    }

    func addParticipants(request: Request) async throws -> Response {
        let repository = try await coordination(request)
        let appointment = try await repository.appointment(try request.uuidParameter("appointmentID"))
        let body = try request.decodeJSON(ParticipantsBody.self)
        return try Idempotency.encode(status: .ok, body: AppointmentDTO(try await repository.register(try PathwaysRepository.pathwayIDs(body.pathwayIDs), at: appointment)))
    }

    func setAttendance(request: Request) async throws -> Response {
        let repository = try await coordination(request)
        let appointment = try await repository.appointment(try request.uuidParameter("appointmentID"))
        let body = try request.decodeJSON(AttendanceBody.self)
        let updated = try await repository.setAttendance(appointment, (body.attendance ?? []).map { ($0.pathwayID, $0.status) })
        return try Idempotency.encode(status: .ok, body: AppointmentDTO(updated))
    }

    // MARK: Trainings

    private func trainingDTO(_ repository: PathwaysRepository, _ training: Training) async throws -> TrainingDTO {
        TrainingDTO(training, sessions: try await repository.appointments(from: nil, to: nil, trainingID: training.id!),
                    enrolments: try await repository.enrolments(training))
    }

    func trainings(request: Request) async throws -> Response {
        let repository = try await coordination(request)
        let items = try await repository.trainingsWithDetails().map { TrainingDTO($0.training, sessions: $0.sessions, enrolments: $0.enrolments) }
        return try Idempotency.encode(status: .ok, body: Page(items: items, nextCursor: nil))
    }

    func createTraining(request: Request) async throws -> Response {
        let repository = try await coordination(request)
        let body = try request.decodeJSON(TrainingBody.self)
        let training = try await repository.createTraining(title: body.title, provider: body.provider)
        return try Idempotency.encode(status: .created, body: try await trainingDTO(repository, training))
    }

    func training(request: Request) async throws -> Response {
        let repository = try await coordination(request)
        return try Idempotency.encode(status: .ok, body: try await trainingDTO(repository, try await repository.training(try request.uuidParameter("trainingID"))))
    }

    func addSession(request: Request) async throws -> Response {
        let repository = try await coordination(request)
        let training = try await repository.training(try request.uuidParameter("trainingID"))
        let body = try request.decodeJSON(SessionBody.self)
        _ = try await repository.addSession(training, startsAt: body.startsAt, durationMinutes: body.durationMinutes, title: body.title, place: body.place)
        return try Idempotency.encode(status: .created, body: try await trainingDTO(repository, training))
    }

    func enrol(request: Request) async throws -> Response {
        let repository = try await coordination(request)
        let training = try await repository.training(try request.uuidParameter("trainingID"))
        let body = try request.decodeJSON(TraineeBody.self)
        try await repository.enrol(training, pathwayID: body.pathwayID)
        return try Idempotency.encode(status: .created, body: try await trainingDTO(repository, training))
    }

    func evaluate(request: Request) async throws -> Response {
        let repository = try await coordination(request)
        let training = try await repository.training(try request.uuidParameter("trainingID"))
        let body = try request.decodeJSON(EvaluationBody.self)
        try await repository.evaluate(training, pathwayID: try request.uuidParameter("pathwayID"), evaluation: body.evaluation,
                                      satisfaction: body.satisfaction, comment: body.comment)
        return try Idempotency.encode(status: .ok, body: try await trainingDTO(repository, training))
    }
}
