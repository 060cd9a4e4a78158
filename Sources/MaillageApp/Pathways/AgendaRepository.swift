import Fluent
import Foundation
import MaillageCore
import Vapor

/// The cooperative's agenda (appointments, workshops, training sessions with their sign-in
/// sheets) and its trainings.
extension PathwaysRepository {
    // MARK: Agenda

    private func appointmentsQuery() -> QueryBuilder<Appointment> {
        Appointment.query(on: db).filter(\.$cooperativeID == scope.id)
            .with(\.$attendances) { $0.with(\.$pathway) { $0.with(\.$person) } }
    }

    /// Appointments of the period, by start; by default from 30 days ago on.
    func appointments(from: CalendarDay?, to: CalendarDay?, trainingID: UUID? = nil) async throws -> [Appointment] {
        try scope.require(.managePathways)
        let query = appointmentsQuery().sort(\.$startsAt)
        if let from { query.filter(\.$startsAt >= from.description) }
        if let to { query.filter(\.$startsAt < to.adding(days: 1).description) }
        if let trainingID { query.filter(\.$trainingID == trainingID) }
        return try await query.all()
    }

    func appointment(_ id: UUID) async throws -> Appointment {
        try scope.require(.managePathways)
        guard let appointment = try await appointmentsQuery().filter(\.$id == id).first() else { throw Problem.notFound }
        return appointment
    }

    /// Open pathways of the cooperative (no exit yet), to register people.
    func openPathways() async throws -> [Pathway] {
        try scope.require(.managePathways)
        return try await Pathway.query(on: db).filter(\.$cooperativeID == scope.id).filter(\.$exitDate == nil).with(\.$person).all()
            .sorted { $0.person.fullName < $1.person.fullName }
    }

    private func pathwaysOfCooperative(_ ids: [UUID], field: String) async throws -> [UUID] {
        let unique = Array(Set(ids))
        guard !unique.isEmpty else { return [] }
        let found = try await Pathway.query(on: db).filter(\.$cooperativeID == scope.id).filter(\.$id ~~ unique).all().compactMap(\.id)
        if found.count != unique.count {
            throw Problem.invalid(FieldErrors([field: "Une des personnes choisies n'a pas de parcours dans cette coopérative."]))
        }
        return found
    }

    /// Creates an appointment and registers the people given.
    func createAppointment(_ draft: AppointmentDraft, allowedKinds: [AppointmentKind], pathwayIDs: [UUID], training: Training? = nil) async throws -> Appointment {
        try scope.require(.managePathways)
        let valid = try draft.validate(allowedKinds: allowedKinds)
        let people = try await pathwaysOfCooperative(pathwayIDs, field: "pathwayIDs")
        let appointment = Appointment()
        appointment.cooperativeID = scope.id
        appointment.kind = valid.kind.rawValue
        appointment.title = valid.title
        appointment.startsAt = valid.startsAt.description
        appointment.day = valid.startsAt.day.date
        appointment.durationMinutes = valid.durationMinutes
        appointment.place = valid.place
        appointment.trainingID = training?.id
        appointment.authorLabel = scope.principal.name
        try await db.transaction { tx in
            try await appointment.create(on: tx)
            try await putOnSheets(people, at: [appointment.id!], on: tx)
        }
        return try await self.appointment(appointment.id!)
    }

    /// Registers people on the sheets of appointments (one insert), and counts it as a contact.
    private func putOnSheets(_ pathwayIDs: [UUID], at appointmentIDs: [UUID], on tx: any Database) async throws {
        let lines = appointmentIDs.flatMap { appointmentID in
            pathwayIDs.map { pathwayID -> Attendance in
                let line = Attendance()
                line.$appointment.id = appointmentID
                line.$pathway.id = pathwayID
                line.status = AttendanceStatus.registered.rawValue
                return line
            }
        }
        guard !lines.isEmpty else { return }
        try await lines.create(on: tx)
        try await touchPeople(of: pathwayIDs, on: tx)
    }

    /// The people of these pathways had a contact today (one query to find them, one update).
    private func touchPeople(of pathwayIDs: [UUID], on tx: any Database) async throws {
        guard !pathwayIDs.isEmpty else { return }
        let personIDs = try await Pathway.query(on: tx).filter(\.$id ~~ pathwayIDs).all().map { $0.$person.id }
        try await Person.query(on: tx).filter(\.$id ~~ personIDs).set(\.$lastContactAt, to: Date()).update()
    }

    /// Adds people to an appointment; those already on its sheet are left as they are.
    func register(_ pathwayIDs: [UUID], at appointment: Appointment) async throws -> Appointment {
        try scope.require(.managePathways)
        let people = try await pathwaysOfCooperative(pathwayIDs, field: "pathwayIDs")
        let present = Set(appointment.attendances.map { $0.$pathway.id })
        switch AppointmentKind(rawValue: appointment.kind) {
        case .trainingSession:
            throw Problem.invalid(FieldErrors(["pathwayIDs": "Pour une séance de formation, inscrivez la personne à la formation."]))
        case .appointment where !people.allSatisfy(present.contains):
            throw Problem.invalid(FieldErrors(["pathwayIDs": "Un rendez-vous individuel ne concerne qu'une personne : créez-en un pour chacune."]))
        default: break
        }
        try await db.transaction { tx in
            try await putOnSheets(people.filter { !present.contains($0) }, at: [appointment.id!], on: tx)
        }
        return try await self.appointment(appointment.id!)
    }

    /// Marks attendance for people on the sheet; someone not registered is an error.
    func setAttendance(_ appointment: Appointment, _ marks: [(pathwayID: String?, status: String?)]) async throws -> Appointment {
        try scope.require(.managePathways)
        var errors = FieldErrors()
        var changes: [(Attendance, AttendanceStatus)] = []
        if marks.isEmpty { errors.add("attendance", "Indiquez au moins une présence.") }
        for (index, mark) in marks.enumerated() {
            guard let line = appointment.attendances.first(where: { $0.$pathway.id.uuidString.lowercased() == mark.pathwayID?.lowercased() }) else {
                errors.add("attendance[\(index)].pathwayID", "Cette personne n'est pas inscrite.")
                continue
            }
            guard let status = AttendanceStatus(rawValue: mark.status ?? "") else {
                errors.add("attendance[\(index)].status", "Choisissez la présence dans la liste (" + TextRules.choices(AttendanceStatus.allCases) + ").")
                continue
            }
            if (status == .attended || status == .absent), let start = appointment.localStart, start.day > .today {
                errors.add("attendance[\(index)].status", "La séance n'a pas encore eu lieu : on ne peut pas encore dire qui était présent.")
                continue
            }
            changes.append((line, status))
        }
        try errors.throwIfAny()
        let toSave = changes
        try await db.transaction { tx in
            let changed = toSave.filter { $0.0.status != $0.1.rawValue }
            for (line, status) in changed {
                line.status = status.rawValue
                try await line.save(on: tx)
            }
            try await touchPeople(of: changed.filter { $0.1 == .attended }.map { $0.0.$pathway.id }, on: tx)
        }
        return try await self.appointment(appointment.id!)
    }

    // MARK: Trainings

    func trainings() async throws -> [Training] {
        try scope.require(.managePathways)
        return try await Training.query(on: db).filter(\.$cooperativeID == scope.id).sort(\.$createdAt, .descending).all()
    }

    func training(_ id: UUID) async throws -> Training {
        try scope.require(.managePathways)
        guard let training = try await Training.query(on: db).filter(\.$id == id).filter(\.$cooperativeID == scope.id).first() else {
            throw Problem.notFound
        }
        return training
    }

    func createTraining(title rawTitle: String?, provider rawProvider: String?) async throws -> Training {
        try scope.require(.managePathways)
        var errors = FieldErrors()
        let title = TextRules.requireName(rawTitle, field: "title", max: 200, into: &errors)
        let provider = TextRules.clean(rawProvider)
        if let provider, provider.count > 200 { errors.add("provider", "Ce champ ne doit pas dépasser 200 caractères.") }
        try errors.throwIfAny()
        let training = Training()
        training.cooperativeID = scope.id
        training.title = title
        training.provider = provider
        try await training.create(on: db)
        return training
    }

    /// Every training with its sessions and trainees, in three queries whatever their number.
    func trainingsWithDetails() async throws -> [(training: Training, sessions: [Appointment], enrolments: [TrainingEnrolment])] {
        let trainings = try await self.trainings()
        guard !trainings.isEmpty else { return [] }
        let sessions = try await appointmentsQuery().filter(\.$trainingID != nil).sort(\.$startsAt).all()
        let enrolments = try await TrainingEnrolment.query(on: db).filter(\.$training.$id ~~ trainings.compactMap(\.id))
            .with(\.$pathway) { $0.with(\.$person) }.all().sorted { $0.pathway.person.fullName < $1.pathway.person.fullName }
        let sessionsByTraining = Dictionary(grouping: sessions) { $0.trainingID }
        let enrolmentsByTraining = Dictionary(grouping: enrolments) { $0.$training.id }
        return trainings.map { ($0, sessionsByTraining[$0.id] ?? [], enrolmentsByTraining[$0.id!] ?? []) }
    }

    func enrolments(_ training: Training) async throws -> [TrainingEnrolment] {
        try await TrainingEnrolment.query(on: db).filter(\.$training.$id == training.id!).with(\.$pathway) { $0.with(\.$person) }.all()
            .sorted { $0.pathway.person.fullName < $1.pathway.person.fullName }
    }

    /// A new session: every trainee is put on its sign-in sheet.
    func addSession(_ training: Training, startsAt: String?, durationMinutes: Int?, title: String?, place: String?) async throws -> Appointment {
        let trainees = try await enrolments(training).map { $0.$pathway.id }
        let draft = AppointmentDraft(kind: AppointmentKind.trainingSession.rawValue, title: TextRules.clean(title) ?? training.title,
                                     startsAt: startsAt, durationMinutes: durationMinutes, place: place)
        return try await createAppointment(draft, allowedKinds: [.trainingSession], pathwayIDs: trainees, training: training)
    }

    /// Enrols a person: they join the training and the sheets of its sessions still to come.
    func enrol(_ training: Training, pathwayID rawID: String?) async throws {
        try scope.require(.managePathways)
        guard let id = UUID(uuidString: rawID ?? "") else {
            throw Problem.invalid(FieldErrors(["pathwayID": "Choisissez une personne accompagnée."]))
        }
        let pathwayID = try await pathwaysOfCooperative([id], field: "pathwayID")[0]
        if try await TrainingEnrolment.query(on: db).filter(\.$training.$id == training.id!).filter(\.$pathway.$id == pathwayID).count() > 0 {
            throw Problem.invalid(FieldErrors(["pathwayID": "Cette personne suit déjà cette formation."]))
        }
        let now = LocalDateTime(day: .today, hour: 0, minute: 0).description
        let coming = try await Appointment.query(on: db).filter(\.$trainingID == training.id!).filter(\.$startsAt >= now).with(\.$attendances).all()
            .filter { !$0.attendances.contains { $0.$pathway.id == pathwayID } }
        let enrolment = TrainingEnrolment()
        enrolment.$training.id = training.id!
        enrolment.$pathway.id = pathwayID
        try await db.transaction { tx in
            try await enrolment.create(on: tx)
            try await putOnSheets([pathwayID], at: coming.map { $0.id! }, on: tx)
        }
    }

    func evaluate(_ training: Training, pathwayID: UUID, evaluation rawEvaluation: String?, satisfaction: Int?, comment rawComment: String?) async throws {
        try scope.require(.managePathways)
        guard let enrolment = try await TrainingEnrolment.query(on: db).filter(\.$training.$id == training.id!)
            .filter(\.$pathway.$id == pathwayID).first() else { throw Problem.notFound }
        var errors = FieldErrors()
        let evaluation = TrainingEvaluation(rawValue: rawEvaluation ?? "")
        if evaluation == nil { errors.add("evaluation", "Choisissez : acquired, partially_acquired ou not_acquired.") }
        if let satisfaction, !TrainingRules.satisfactionRange.contains(satisfaction) {
            errors.add("satisfaction", "La satisfaction se note de 1 à 5.")
        }
        let comment = TextRules.clean(rawComment)
        if let comment, comment.count > 2_000 { errors.add("comment", "Le commentaire ne doit pas dépasser 2000 caractères.") }
        try errors.throwIfAny()
        enrolment.evaluation = evaluation!.rawValue
        // What is not sent stays as it was.
        if let satisfaction { enrolment.satisfaction = satisfaction }
        if rawComment != nil { enrolment.comment = comment }
        try await enrolment.save(on: db)
    }
}
