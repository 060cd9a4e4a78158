import Fluent
import Foundation
import MaillageCore
import Plot
import Vapor

extension PathwayPage {
    static func model(_ repository: PathwaysRepository, _ pathway: Pathway, viewer: PathwayViewer) async throws -> Model {
        let file = try await repository.file(pathway, viewer: viewer)
        guard viewer == .coordination else {
            return Model(coop: repository.scope.cooperative, file: file, viewer: viewer, mayReadNotes: false, referents: [], accounts: [], workshops: [])
        }
        let candidates = try await repository.linkCandidates()
        let soon = LocalDateTime(day: .today, hour: 0, minute: 0).description
        let registered = Set(file.attendances.map { $0.$appointment.id })
        let workshops = try await Appointment.query(on: repository.db).filter(\.$cooperativeID == repository.scope.id)
            .filter(\.$kind == AppointmentKind.workshop.rawValue).filter(\.$startsAt >= soon).sort(\.$startsAt).all()
            .filter { !registered.contains($0.id!) }
        return Model(coop: repository.scope.cooperative, file: file, viewer: viewer, mayReadNotes: repository.mayReadNotes(pathway),
                     referents: candidates.referents.map { ($0.userID, $0.userName) },
                     accounts: candidates.accounts.map { ($0.userID, "\($0.userName) (\($0.email))") }, workshops: workshops)
    }
}

/// The forms of a person's file, the cooperant's own pathway, the printable passport, and
/// the RGPD export and erasure: `/coops/:coopID/pathways/:pathwayID/…`, `/coops/:coopID/me/pathway`.
struct PathwayFilePagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let coop = routes.grouped("coops", ":coopID")
        coop.get("me", "pathway", use: ownPathway)
        let pathway = coop.grouped("pathways", ":pathwayID")
        pathway.post("links", use: setLinks)
        pathway.post("objectives", use: addObjective)
        pathway.post("objectives", ":objectiveID", "actions", use: addAction)
        pathway.post("actions", ":actionID", use: setActionStatus)
        pathway.post("appointments", use: addAppointment)
        pathway.post("notes", use: addNote)
        pathway.post("skills", use: assessSkill)
        pathway.post("hours", use: addHours)
        pathway.post("hours", ":entryID", "validation", use: validateHours)
        pathway.get("passport", use: passport)
        pathway.get("export", use: export)
        pathway.get("erasure", use: confirmErasure)
        pathway.post("erasure", use: erase)
    }

    /// Runs a section's form; a refusal shows the file again with the form's values and errors.
    private func submit(
        _ request: Request, _ repository: PathwaysRepository, _ pathway: Pathway, viewer: PathwayViewer = .coordination,
        section: String, anchor: String, values: [String: String?], fields: [String: String] = [:], done: String,
        _ action: () async throws -> Void
    ) async throws -> Response {
        try await FormSubmission.handle {
            try await action()
            request.flash(done)
            let page = viewer == .person ? SiteURL.ownPathway(repository.scope.id).path : SiteURL.pathway(repository.scope.id, pathway.id!).path
            return request.redirect(to: PathwayTab.of(section: section).path(page) + "#" + anchor)
        } invalid: { errors in
            PathwayPage.render(try await PathwayPage.model(repository, pathway, viewer: viewer),
                               form: SectionForm(section: section, values: values.compactMapValues { $0 }, errors: errors, fields: fields),
                               context: request.pageContext(), status: .unprocessableEntity)
        }
    }

    func ownPathway(request: Request) async throws -> Response {
        let repository = PathwaysRepository(db: request.db, scope: try await request.cooperativeScope(.viewOwnPathway))
        do {
            let pathway = try await repository.ownPathway(nil, request: request)
            return PathwayPage.render(try await PathwayPage.model(repository, pathway, viewer: .person), tab: PathwayTab(query: request.query[String.self, at: "onglet"]),
                                      context: request.pageContext())
        } catch let problem as Problem where problem.status == .notFound {
            let context = request.pageContext()
            return Layout.render(context, title: context.t("Mon parcours", "My pathway"), content: .group(
                .h1(.text(context.t("Mon parcours", "My pathway"))),
                .p(.text(context.t("Votre compte n'est pas encore relié à un parcours : demandez à la coordination de la coopérative.",
                                   "Your account is not linked to a pathway yet: ask the cooperative's coordination.")))))
        }
    }

    struct LinksForm: Content {
        var referentUserID: String?
        var cooperantUserID: String?
    }

    func setLinks(request: Request) async throws -> Response {
        let (repository, pathway) = try await request.pathwayInScope()
        let form = try request.content.decode(LinksForm.self)
        return try await submit(request, repository, pathway, section: "links", anchor: "suivi",
                                values: ["referentUserID": form.referentUserID, "cooperantUserID": form.cooperantUserID],
                                done: request.language.t("Suivi mis à jour.", "Follow-up updated.")) {
            _ = try await repository.setLinks(pathway, referentUserID: form.referentUserID ?? "", cooperantUserID: form.cooperantUserID ?? "", request: request)
        }
    }

    struct ObjectiveForm: Content {
        var focus: String?
        var objectiveKind: String?
        var objectiveTitle: String?
        var objectiveActions: String?
    }

    func addObjective(request: Request) async throws -> Response {
        let (repository, pathway) = try await request.pathwayInScope()
        let form = try request.content.decode(ObjectiveForm.self)
        return try await submit(request, repository, pathway, section: "plan", anchor: "plan",
                                values: ["focus": form.focus, "objectiveKind": form.objectiveKind, "objectiveTitle": form.objectiveTitle, "objectiveActions": form.objectiveActions],
                                fields: ["kind": "objectiveKind", "title": "objectiveTitle", "actions": "objectiveActions"],
                                done: request.language.t("Objectif ajouté.", "Objective added.")) {
            let actions = (form.objectiveActions ?? "").split(whereSeparator: \.isNewline).map(String.init)
            _ = try await repository.addObjective(pathway, ObjectiveDraft(focus: form.focus, kind: form.objectiveKind, title: form.objectiveTitle, actions: actions))
        }
    }

    struct LabelForm: Content { var label: String? }

    func addAction(request: Request) async throws -> Response {
        let (repository, pathway) = try await request.pathwayInScope()
        let form = try request.content.decode(LabelForm.self)
        return try await submit(request, repository, pathway, section: "plan", anchor: "plan", values: [:], fields: ["label": "objectiveActions"],
                                done: request.language.t("Action ajoutée.", "Action added.")) {
            _ = try await repository.addAction(pathway, objectiveID: try request.uuidParameter("objectiveID"), label: form.label)
        }
    }

    struct StatusForm: Content { var status: String? }

    func setActionStatus(request: Request) async throws -> Response {
        let (repository, pathway) = try await request.pathwayInScope()
        let form = try request.content.decode(StatusForm.self)
        return try await submit(request, repository, pathway, section: "plan", anchor: "plan", values: [:], fields: ["status": "objectiveActions"],
                                done: request.language.t("Action mise à jour.", "Action updated.")) {
            _ = try await repository.setActionStatus(pathway, actionID: try request.uuidParameter("actionID"), status: form.status)
        }
    }

    struct AppointmentForm: Content {
        var appointmentKind: String?
        var appointmentTitle: String?
        var startsAt: String?
        var durationMinutes: String?
        var place: String?
        var appointmentID: String?
    }

    func addAppointment(request: Request) async throws -> Response {
        let (repository, pathway) = try await request.pathwayInScope()
        let form = try request.content.decode(AppointmentForm.self)
        return try await submit(request, repository, pathway, section: "appointments", anchor: "rendez-vous",
                                values: ["appointmentKind": form.appointmentKind, "appointmentTitle": form.appointmentTitle, "startsAt": form.startsAt,
                                         "durationMinutes": form.durationMinutes, "place": form.place],
                                fields: ["kind": "appointmentKind", "title": "appointmentTitle", "pathwayIDs": "appointmentID"],
                                done: request.language.t("Rendez-vous enregistré.", "Appointment saved.")) {
            if let raw = TextRules.clean(form.appointmentID) {
                guard let id = UUID(uuidString: raw) else { throw Problem.invalid(FieldErrors(["appointmentID": "Choisissez un atelier."])) }
                _ = try await repository.register([pathway.id!], at: try await repository.appointment(id))
            } else {
                let draft = AppointmentDraft(kind: form.appointmentKind, title: form.appointmentTitle, startsAt: form.startsAt,
                                             durationMinutes: try Self.minutes(form.durationMinutes), place: form.place)
                _ = try await repository.createAppointment(draft, allowedKinds: [.appointment, .workshop], pathwayIDs: [pathway.id!])
            }
        }
    }

    /// A number typed in a form; letters are a field error, not a server error.
    static func minutes(_ raw: String?, field: String = "durationMinutes") throws -> Int? {
        guard let text = TextRules.clean(raw) else { return nil }
        guard let value = Int(text) else { throw Problem.invalid(FieldErrors([field: "La durée s'écrit en minutes, en chiffres : 90."])) }
        return value
    }

    struct NoteForm: Content { var noteBody: String? }

    func addNote(request: Request) async throws -> Response {
        let (repository, pathway) = try await request.pathwayInScope()
        let form = try request.content.decode(NoteForm.self)
        return try await submit(request, repository, pathway, section: "notes", anchor: "notes", values: ["noteBody": form.noteBody], fields: ["body": "noteBody"],
                                done: request.language.t("Note enregistrée.", "Note saved.")) {
            _ = try await repository.addNote(pathway, body: form.noteBody, request: request)
        }
    }

    struct SkillForm: Content {
        var competenceID: String?
        var skillLevel: String?
        var skillDate: String?
    }

    func assessSkill(request: Request) async throws -> Response {
        let (repository, pathway, viewer) = try await request.pathwayForCoordinationOrPerson()
        let form = try request.content.decode(SkillForm.self)
        return try await submit(request, repository, pathway, viewer: viewer, section: "skills", anchor: "competences",
                                values: ["competenceID": form.competenceID, "skillLevel": form.skillLevel, "skillDate": form.skillDate],
                                fields: ["level": "skillLevel", "date": "skillDate"],
                                done: request.language.t("Évaluation enregistrée.", "Assessment saved.")) {
            _ = try await repository.assessSkill(pathway, viewer: viewer, competenceID: form.competenceID, level: form.skillLevel, date: form.skillDate, today: .today)
        }
    }

    struct HoursForm: Content {
        var week: String?
        var role: String?
        var hours: String?
    }

    func addHours(request: Request) async throws -> Response {
        let (repository, pathway, viewer) = try await request.pathwayForCoordinationOrPerson()
        let form = try request.content.decode(HoursForm.self)
        return try await submit(request, repository, pathway, viewer: viewer, section: "hours", anchor: "heures",
                                values: ["week": form.week, "role": form.role, "hours": form.hours],
                                done: viewer == .person ? request.language.t("Heures envoyées : la coordination les validera.", "Hours sent: the coordination will validate them.")
                                                        : request.language.t("Heures enregistrées.", "Hours saved.")) {
            // Typed as people write them: 7,5 — 7h30 — 7 h 30 — 7:30.
            let hours = TextRules.clean(form.hours).flatMap(HoursText.parse)
            if TextRules.clean(form.hours) != nil && hours == nil {
                throw Problem.invalid(FieldErrors(["hours": "Écrivez les heures en chiffres, par exemple 7,5 ou 7 h 30."]))
            }
            _ = try await repository.addHours(pathway, viewer: viewer, HoursDraft(week: form.week, role: form.role, hours: hours), today: .today)
        }
    }

    func validateHours(request: Request) async throws -> Response {
        let (repository, pathway) = try await request.pathwayInScope()
        _ = try await repository.validateHours(pathway, entryID: try request.uuidParameter("entryID"))
        request.flash(request.language.t("Heures validées.", "Hours validated."))
        return request.redirect(to: PathwayTab.heures.path(SiteURL.pathway(repository.scope.id, pathway.id!).path) + "#heures")
    }

    func passport(request: Request) async throws -> Response {
        let (repository, pathway, viewer) = try await request.pathwayForCoordinationOrPerson()
        return PassportPage.render(coop: repository.scope.cooperative, file: try await repository.file(pathway, viewer: viewer), context: request.pageContext())
    }

    func export(request: Request) async throws -> Response {
        let (repository, pathway) = try await request.pathwayInScope()
        return try await repository.export(pathway, request: request).attachment(pathwayID: pathway.id!)
    }

    func confirmErasure(request: Request) async throws -> Response {
        let (repository, pathway) = try await request.pathwayInScope()
        let context = request.pageContext()
        guard pathway.person.anonymisedAt == nil else {
            request.flash(context.t("Les données de cette personne ont déjà été effacées.", "This person's data was already erased."))
            return request.redirect(to: SiteURL.pathway(repository.scope.id, pathway.id!).path)
        }
        let title = context.t("Effacer les données de ", "Erase the data of ") + pathway.person.fullName
        return Layout.render(context, title: title, content: .group(
            .p(.a(.href(SiteURL.pathway(repository.scope.id, pathway.id!).path), .text(pathway.person.fullName))),
            .h1(.text(title)),
            .section(.class("panel"),
                .p(.text(context.t("Seront effacés : nom et prénom, contact, commune, motifs et textes libres de l'orientation et du plan, notes confidentielles, lien avec son compte.",
                                   "Erased: names, contact, town, free texts of the referral and plan, confidential notes, link to their account."))),
                .p(.text(context.t("Resteront, sans identité : dates, QPV, situation à l'entrée, freins, heures, présences, compétences et sortie, pour les bilans.",
                                   "Kept, without identity: dates, QPV, situation at entry, barriers, hours, attendance, skills and exit, for reports."))),
                .p(.strong(.text(context.t("C'est définitif.", "This cannot be undone.")))),
                .form(.id("erasure-form"), .action(SiteURL.pathwaySection(repository.scope.id, pathway.id!, "erasure").path), .method(.post),
                    Kit.csrfField(context.csrfToken),
                    .div(.class("actions"), .button(.type(.submit), .class("danger"), .id("erasure-submit"), .text(context.t("Effacer définitivement", "Erase for good"))))))
        ))
    }

    func erase(request: Request) async throws -> Response {
        let (repository, pathway) = try await request.pathwayInScope()
        try await repository.erase(pathway, request: request)
        request.flash(request.language.t("Données personnelles effacées.", "Personal data erased."))
        return request.redirect(to: SiteURL.pathway(repository.scope.id, pathway.id!).path)
    }
}

/// The "passeport de compétences": what the person learnt by doing, their trainings and hours,
/// on one printable page.
enum PassportPage {
    static func render(coop: Cooperative, file: PathwayFile, context: PageContext) -> Response {
        let person = file.pathway.person
        let title = context.t("Passeport de compétences", "Skills passport")
        let rows = file.skillRows.filter { $0.coordinator != nil || $0.selfAssessment != nil }
        var byRole: [String: Int] = [:]
        for entry in file.hours where entry.status == HoursStatus.validated.rawValue { byRole[entry.role, default: 0] += entry.minutes }
        let period = "\(CalendarDay(date: file.pathway.openedOn).french) – " + (file.pathway.exitDate.map { CalendarDay(date: $0).french } ?? context.t("en cours", "ongoing"))
        return Layout.render(context, title: title, content: .group(
            .p(.class("hint no-print"), .text(context.t("Pour l'imprimer ou l'enregistrer en PDF, utilisez « Imprimer » dans votre navigateur.", "To print it or save it as PDF, use “Print” in your browser."))),
            .h1(.text(title)),
            .section(.class("panel"),
                Kit.facts([
                    (context.t("Nom", "Name"), person.fullName),
                    (context.t("Coopérative", "Cooperative"), coop.name),
                    (context.t("Période", "Period"), period),
                    (context.t("Heures travaillées (validées)", "Hours worked (validated)"), Hours.french(file.validatedHours)),
                ])),
            .section(.class("panel"),
                .h2(.text(context.t("Compétences acquises en situation de travail", "Skills learnt on the job"))),
                rows.isEmpty ? .p(.text(context.t("Pas encore d'évaluation.", "No assessment yet."))) :
                Kit.table(label: context.t("Compétences", "Skills"),
                    .thead(.tr(.th(.text(context.t("Compétence", "Skill"))), .th(.text(context.t("Niveau reconnu par la coopérative", "Level recognised by the cooperative"))),
                               .th(.text(context.t("Auto-évaluation", "Self-assessment"))))),
                    .tbody(.forEach(rows) { row in
                        .tr(.td(.text(file.competenceLabel(row.competence))),
                            .td(.text(row.coordinator.map { "\($0.level.frenchLabel) (\($0.day.french))" } ?? "—")),
                            .td(.text(row.selfAssessment.map { "\($0.level.frenchLabel) (\($0.day.french))" } ?? "—")))
                    }))),
            .section(.class("panel"),
                .h2(.text(context.t("Postes tenus", "Roles held"))),
                byRole.isEmpty ? .p(.text("—")) :
                .ul(.forEach(WorkRole.allCases.filter { byRole[$0.rawValue] != nil }) { role in
                    .li(.text("\(role.frenchLabel) : \(Hours.french(Double(byRole[role.rawValue]!) / 60))"))
                })),
            .section(.class("panel"),
                .h2(.text(context.t("Formations suivies", "Trainings followed"))),
                file.enrolments.isEmpty ? .p(.text("—")) :
                .ul(.forEach(file.enrolments) { enrolment in
                    .li(.text(enrolment.training.title + (enrolment.training.provider.map { " (\($0))" } ?? "") + " — " + Hours.french(file.trainingHours(enrolment.$training.id))
                              + (enrolment.evaluation.flatMap { TrainingEvaluation(rawValue: $0) }.map { " — " + $0.frenchLabel } ?? "")))
                }))
        ))
    }
}
