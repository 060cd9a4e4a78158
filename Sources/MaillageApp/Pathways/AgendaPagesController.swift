import Fluent
import Foundation
import MaillageCore
import Plot
import Vapor

/// The coordination's agenda (appointments, workshops, sign-in sheets), trainings and
/// competence grid: `/coops/:coopID/agenda…`, `/trainings…`, `/competences…`.
struct AgendaPagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let coop = routes.grouped("coops", ":coopID")
        coop.get("agenda", use: agenda)
        coop.post("agenda", use: createAppointment)
        coop.get("agenda", ":appointmentID", use: appointment)
        coop.post("agenda", ":appointmentID", "attendance", use: setAttendance)
        coop.post("agenda", ":appointmentID", "participants", use: addParticipant)
        coop.get("agenda", ":appointmentID", "sheet", use: sheet)
        coop.get("trainings", use: trainings)
        coop.post("trainings", use: createTraining)
        coop.get("trainings", ":trainingID", use: training)
        coop.post("trainings", ":trainingID", "sessions", use: addSession)
        coop.post("trainings", ":trainingID", "trainees", use: enrol)
        coop.post("trainings", ":trainingID", "trainees", ":pathwayID", "evaluation", use: evaluate)
        coop.get("competences", use: competences)
        coop.post("competences", use: addCompetence)
        coop.post("competences", ":competenceID", use: toggleCompetence)
    }

    private func coordination(_ request: Request) async throws -> PathwaysRepository {
        PathwaysRepository(db: request.db, scope: try await request.cooperativeScope(.managePathways))
    }

    // MARK: Agenda

    struct AppointmentForm: Content {
        var kind: String?
        var title: String?
        var startsAt: String?
        var durationMinutes: String?
        var place: String?
        var pathwayIDs: [String]?
    }

    func agenda(request: Request) async throws -> Response {
        let repository = try await coordination(request)
        return try await AgendaPage.render(repository, form: AppointmentForm(), errors: [:], context: request.pageContext())
    }

    func createAppointment(request: Request) async throws -> Response {
        let repository = try await coordination(request)
        let form = try request.content.decode(AppointmentForm.self)
        return try await FormSubmission.handle {
            let ids = (form.pathwayIDs ?? []).compactMap { UUID(uuidString: $0) }
            let draft = AppointmentDraft(kind: form.kind, title: form.title, startsAt: form.startsAt,
                                         durationMinutes: try PathwayFilePagesController.minutes(form.durationMinutes), place: form.place)
            let appointment = try await repository.createAppointment(draft, allowedKinds: [.appointment, .workshop], pathwayIDs: ids)
            request.flash(request.language.t("Rendez-vous ajouté à l'agenda.", "Added to the agenda."))
            return request.redirect(to: SiteURL.appointment(repository.scope.id, appointment.id!).path)
        } invalid: { errors in
            try await AgendaPage.render(repository, form: form, errors: errors, context: request.pageContext(), status: .unprocessableEntity)
        }
    }

    func appointment(request: Request) async throws -> Response {
        let repository = try await coordination(request)
        let appointment = try await repository.appointment(try request.uuidParameter("appointmentID"))
        return try await AppointmentPage.render(repository, appointment, errors: [:], context: request.pageContext())
    }

    func setAttendance(request: Request) async throws -> Response {
        let repository = try await coordination(request)
        let appointment = try await repository.appointment(try request.uuidParameter("appointmentID"))
        // One select per participant, named `status-<pathwayID>`.
        let fields = try request.content.decode([String: String].self)
        let marks = fields.filter { $0.key.hasPrefix("status-") }.map { (pathwayID: Optional(String($0.key.dropFirst(7))), status: Optional($0.value)) }
        return try await FormSubmission.handle {
            _ = try await repository.setAttendance(appointment, marks)
            request.flash(request.language.t("Présences enregistrées.", "Attendance saved."))
            return request.redirect(to: SiteURL.appointment(repository.scope.id, appointment.id!).path)
        } invalid: { errors in
            try await AppointmentPage.render(repository, appointment, errors: ["attendance": errors.values.sorted().first ?? ""], context: request.pageContext(), status: .unprocessableEntity)
        }
    }

    struct ParticipantForm: Content { var pathwayID: String? }

    func addParticipant(request: Request) async throws -> Response {
        let repository = try await coordination(request)
        let appointment = try await repository.appointment(try request.uuidParameter("appointmentID"))
        let form = try request.content.decode(ParticipantForm.self)
        return try await FormSubmission.handle {
            guard let id = UUID(uuidString: form.pathwayID ?? "") else {
                throw Problem.invalid(FieldErrors(["pathwayID": "Choisissez une personne accompagnée."]))
            }
            _ = try await repository.register([id], at: appointment)
            request.flash(request.language.t("Personne inscrite.", "Person registered."))
            return request.redirect(to: SiteURL.appointment(repository.scope.id, appointment.id!).path)
        } invalid: { errors in
            try await AppointmentPage.render(repository, appointment, errors: errors, context: request.pageContext(), status: .unprocessableEntity)
        }
    }

    func sheet(request: Request) async throws -> Response {
        let repository = try await coordination(request)
        let appointment = try await repository.appointment(try request.uuidParameter("appointmentID"))
        let training = try await appointment.trainingID.asyncMap { try await repository.training($0) } ?? nil
        return SignInSheetPage.render(coop: repository.scope.cooperative, appointment: appointment, training: training, context: request.pageContext())
    }

    // MARK: Trainings

    struct TrainingForm: Content {
        var title: String?
        var provider: String?
    }

    func trainings(request: Request) async throws -> Response {
        let repository = try await coordination(request)
        return try await TrainingsPage.render(repository, form: TrainingForm(), errors: [:], context: request.pageContext())
    }

    func createTraining(request: Request) async throws -> Response {
        let repository = try await coordination(request)
        let form = try request.content.decode(TrainingForm.self)
        return try await FormSubmission.handle {
            let training = try await repository.createTraining(title: form.title, provider: form.provider)
            request.flash(request.language.t("Formation créée.", "Training created."))
            return request.redirect(to: SiteURL.training(repository.scope.id, training.id!).path)
        } invalid: { errors in
            try await TrainingsPage.render(repository, form: form, errors: errors, context: request.pageContext(), status: .unprocessableEntity)
        }
    }

    func training(request: Request) async throws -> Response {
        let repository = try await coordination(request)
        let training = try await repository.training(try request.uuidParameter("trainingID"))
        return try await TrainingPage.render(repository, training, form: .none, context: request.pageContext())
    }

    struct SessionForm: Content {
        var sessionTitle: String?
        var startsAt: String?
        var durationMinutes: String?
        var place: String?
    }

    func addSession(request: Request) async throws -> Response {
        let repository = try await coordination(request)
        let training = try await repository.training(try request.uuidParameter("trainingID"))
        let form = try request.content.decode(SessionForm.self)
        return try await FormSubmission.handle {
            _ = try await repository.addSession(training, startsAt: form.startsAt, durationMinutes: try PathwayFilePagesController.minutes(form.durationMinutes),
                                                title: form.sessionTitle, place: form.place)
            request.flash(request.language.t("Séance ajoutée.", "Session added."))
            return request.redirect(to: SiteURL.training(repository.scope.id, training.id!).path)
        } invalid: { errors in
            try await TrainingPage.render(repository, training, form: SectionForm(
                section: "session", values: ["sessionTitle": form.sessionTitle ?? "", "startsAt": form.startsAt ?? "", "durationMinutes": form.durationMinutes ?? "", "place": form.place ?? ""],
                errors: errors, fields: ["title": "sessionTitle"]), context: request.pageContext(), status: .unprocessableEntity)
        }
    }

    func enrol(request: Request) async throws -> Response {
        let repository = try await coordination(request)
        let training = try await repository.training(try request.uuidParameter("trainingID"))
        let form = try request.content.decode(ParticipantForm.self)
        return try await FormSubmission.handle {
            try await repository.enrol(training, pathwayID: form.pathwayID)
            request.flash(request.language.t("Personne inscrite à la formation.", "Person enrolled."))
            return request.redirect(to: SiteURL.training(repository.scope.id, training.id!).path)
        } invalid: { errors in
            try await TrainingPage.render(repository, training, form: SectionForm(section: "trainee", values: [:], errors: errors), context: request.pageContext(), status: .unprocessableEntity)
        }
    }

    struct EvaluationForm: Content {
        var evaluation: String?
        var satisfaction: String?
    }

    func evaluate(request: Request) async throws -> Response {
        let repository = try await coordination(request)
        let training = try await repository.training(try request.uuidParameter("trainingID"))
        let pathwayID = try request.uuidParameter("pathwayID")
        let form = try request.content.decode(EvaluationForm.self)
        return try await FormSubmission.handle {
            let satisfaction = TextRules.clean(form.satisfaction).flatMap { Int($0) }
            try await repository.evaluate(training, pathwayID: pathwayID, evaluation: form.evaluation, satisfaction: satisfaction, comment: nil)
            request.flash(request.language.t("Évaluation enregistrée.", "Evaluation saved."))
            return request.redirect(to: SiteURL.training(repository.scope.id, training.id!).path)
        } invalid: { errors in
            try await TrainingPage.render(repository, training, form: SectionForm(section: "evaluation", values: [:], errors: errors), context: request.pageContext(), status: .unprocessableEntity)
        }
    }

    // MARK: Competence grid

    func competences(request: Request) async throws -> Response {
        let repository = try await coordination(request)
        return try await CompetencesPage.render(repository, label: nil, errors: [:], context: request.pageContext())
    }

    func addCompetence(request: Request) async throws -> Response {
        let repository = try await coordination(request)
        let form = try request.content.decode(LabelForm.self)
        return try await FormSubmission.handle {
            _ = try await repository.addCompetence(label: form.label)
            request.flash(request.language.t("Compétence ajoutée à la grille.", "Skill added to the grid."))
            return request.redirect(to: SiteURL.competences(repository.scope.id).path)
        } invalid: { errors in
            try await CompetencesPage.render(repository, label: form.label, errors: errors, context: request.pageContext(), status: .unprocessableEntity)
        }
    }

    struct LabelForm: Content { var label: String? }
    struct ActiveForm: Content { var active: String? }

    func toggleCompetence(request: Request) async throws -> Response {
        let repository = try await coordination(request)
        let form = try request.content.decode(ActiveForm.self)
        _ = try await repository.setCompetenceActive(try request.uuidParameter("competenceID"), active: form.active == "true")
        request.flash(request.language.t("Grille mise à jour.", "Grid updated."))
        return request.redirect(to: SiteURL.competences(repository.scope.id).path)
    }
}
