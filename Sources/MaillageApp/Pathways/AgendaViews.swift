import Foundation
import MaillageCore
import Plot
import Vapor

private func optionNodes(_ options: [(value: String, label: String)], selected: String?) -> [Node<HTML.SelectContext>] {
    options.map { option in
        .element(named: "option", nodes: [.attribute(named: "value", value: option.value),
                                          option.value == selected ? .attribute(named: "selected", value: "selected") : .empty,
                                          .text(option.label)])
    }
}

private func backLink(_ coop: Cooperative) -> BodyNode {
    .p(.class("no-print"), .a(.href(SiteURL.cooperative(coop.id!).path), .text(coop.name)))
}

enum AgendaPage {
    static func render(_ repository: PathwaysRepository, form: AgendaPagesController.AppointmentForm, errors: [String: String],
                       context: PageContext, status: HTTPResponseStatus = .ok) async throws -> Response {
        let coop = repository.scope.cooperative
        let rows = try await repository.appointments(from: CalendarDay.today.adding(days: -30), to: nil)
        let people = try await repository.openPathways()
        let title = context.t("Agenda : rendez-vous, ateliers et séances", "Agenda: appointments, workshops and sessions")
        let content: BodyNode = .group(
            backLink(coop),
            .h1(.text(title)),
            rows.isEmpty ? .p(.text(context.t("Rien de prévu depuis un mois.", "Nothing planned since a month ago."))) :
            Kit.table(label: title,
                .thead(.tr(.th(.text(context.t("Quand", "When"))), .th(.text(context.t("Quoi", "What"))), .th(.text(context.t("Inscrit·es", "Registered"))),
                           .th(.text(context.t("Présent·es", "Attended"))))),
                .tbody(.forEach(rows) { row in
                    .tr(.td(.text(row.localStart?.french ?? row.startsAt)),
                        .td(.a(.href(SiteURL.appointment(coop.id!, row.id!).path), .text(row.title)),
                            .text(" (" + (AppointmentKind(rawValue: row.kind)?.frenchLabel ?? row.kind) + ")")),
                        .td(.text("\(row.attendances.count)")),
                        .td(.text("\(row.attendances.filter { $0.status == AttendanceStatus.attended.rawValue }.count)")))
                })),
            .section(.class("panel"),
                .h2(.text(context.t("Nouveau rendez-vous ou atelier", "New appointment or workshop"))),
                Kit.errorSummary(errors, order: ["kind", "title", "startsAt", "durationMinutes", "place", "pathwayIDs"], context: context),
                .form(.id("agenda-form"), .action(SiteURL.agenda(coop.id!).path), .method(.post),
                    Kit.csrfField(context.csrfToken),
                    Kit.select(name: "kind", label: context.t("Type", "Kind"), options: [AppointmentKind.workshop, .appointment].map { ($0.rawValue, $0.frenchLabel) },
                               selected: form.kind ?? AppointmentKind.workshop.rawValue, error: errors["kind"]),
                    Kit.input(.init(name: "title", label: context.t("Objet", "Subject"), value: form.title, error: errors["title"], required: true)),
                    Kit.input(.init(name: "startsAt", label: context.t("Date et heure", "Date and time"), value: form.startsAt, type: .datetimeLocal, error: errors["startsAt"], required: true)),
                    Kit.input(.init(name: "durationMinutes", label: context.t("Durée (minutes)", "Duration (minutes)"), value: form.durationMinutes ?? "120", error: errors["durationMinutes"], required: true, inputMode: "numeric")),
                    Kit.input(.init(name: "place", label: context.t("Lieu", "Place"), value: form.place, error: errors["place"])),
                    Kit.checkboxes(name: "pathwayIDs", legend: context.t("Personnes inscrites", "People registered"),
                                   options: people.map { ($0.id!.uuidString, $0.person.fullName) }, checked: Set(form.pathwayIDs ?? []), error: errors["pathwayIDs"]),
                    Kit.submit(context.t("Ajouter à l'agenda", "Add to the agenda"), id: "agenda-submit")))
        )
        return Layout.render(context, title: title, status: status, content: content)
    }
}

enum AppointmentPage {
    static func render(_ repository: PathwaysRepository, _ appointment: Appointment, errors: [String: String],
                       context: PageContext, status: HTTPResponseStatus = .ok) async throws -> Response {
        let coop = repository.scope.cooperative
        let coopID = coop.id!
        let registered = Set(appointment.attendances.map { $0.$pathway.id })
        let others = try await repository.openPathways().filter { !registered.contains($0.id!) }
        let lines = appointment.attendances.sorted { $0.pathway.person.fullName < $1.pathway.person.fullName }
        let title = appointment.title
        let content: BodyNode = .group(
            .p(appointment.trainingID.map { .a(.href(SiteURL.training(coopID, $0).path), .text(context.t("La formation", "The training"))) }
               ?? .a(.href(SiteURL.agenda(coopID).path), .text(context.t("Agenda", "Agenda")))),
            .h1(.text(title)),
            .section(.class("panel"), Kit.facts([
                (context.t("Type", "Kind"), AppointmentKind(rawValue: appointment.kind)?.frenchLabel ?? appointment.kind),
                (context.t("Quand", "When"), appointment.localStart?.french ?? appointment.startsAt),
                (context.t("Durée", "Duration"), Hours.french(Double(appointment.durationMinutes) / 60)),
                (context.t("Lieu", "Place"), appointment.place ?? "—"),
            ]),
            .p(.a(.class("button"), .id("sheet-link"), .href(SiteURL.appointmentSection(coopID, appointment.id!, "sheet").path), .text(context.t("Feuille d'émargement (à imprimer)", "Sign-in sheet (printable)"))))),
            .section(.class("panel"),
                .h2(.text(context.t("Présences", "Attendance"))),
                Kit.errorSummary(errors, order: ["attendance"], context: context),
                lines.isEmpty ? .p(.text(context.t("Personne n'est inscrit.", "Nobody is registered."))) :
                .form(.id("attendance-form"), .action(SiteURL.appointmentSection(coopID, appointment.id!, "attendance").path), .method(.post),
                    Kit.csrfField(context.csrfToken),
                    .group(lines.map { line in
                        let id = "status-\(line.$pathway.id.uuidString.lowercased())"
                        return .div(.class("row-form"), .label(.for(id), .text(line.pathway.person.fullName)),
                                    .select(.id(id), .attribute(named: "name", value: id),
                                            .group(optionNodes(AttendanceStatus.allCases.map { ($0.rawValue, $0.frenchLabel) }, selected: line.status))))
                    }),
                    Kit.submit(context.t("Enregistrer les présences", "Save attendance"), id: "attendance-submit"))),
            .if(!others.isEmpty && appointment.trainingID == nil, .section(.class("panel"),
                .h2(.text(context.t("Inscrire quelqu'un", "Register someone"))),
                .form(.id("participant-form"), .action(SiteURL.appointmentSection(coopID, appointment.id!, "participants").path), .method(.post),
                    Kit.csrfField(context.csrfToken),
                    Kit.select(name: "pathwayID", label: context.t("Personne accompagnée", "Accompanied person"), options: others.map { ($0.id!.uuidString, $0.person.fullName) },
                               selected: nil, error: errors["pathwayID"] ?? errors["pathwayIDs"], placeholder: context.t("— Choisissez —", "— Choose —")),
                    Kit.submit(context.t("Inscrire", "Register"), id: "participant-submit"))))
        )
        return Layout.render(context, title: title, status: status, content: content)
    }
}

/// The printable sign-in sheet (feuille d'émargement) of a session: a line and a signature box
/// per person, as Qualiopi asks.
enum SignInSheetPage {
    static func render(coop: Cooperative, appointment: Appointment, training: Training?, context: PageContext) -> Response {
        let title = context.t("Feuille d'émargement", "Sign-in sheet")
        let lines = appointment.attendances.sorted { $0.pathway.person.fullName < $1.pathway.person.fullName }
        return Layout.render(context, title: title, content: .group(
            .p(.class("no-print"), .a(.href(SiteURL.appointment(coop.id!, appointment.id!).path), .text(appointment.title))),
            .h1(.text(title)),
            .p(.class("hint no-print"), .text(context.t("Imprimez-la avec « Imprimer » dans votre navigateur.", "Print it with your browser's “Print”."))),
            Kit.facts([
                (context.t("Organisme", "Organisation"), coop.name),
                (context.t("Formation", "Training"), training.map { $0.title + ($0.provider.map { " — \($0)" } ?? "") } ?? "—"),
                (context.t("Séance", "Session"), appointment.title),
                (context.t("Date", "Date"), appointment.localStart?.french ?? appointment.startsAt),
                (context.t("Durée", "Duration"), Hours.french(Double(appointment.durationMinutes) / 60)),
                (context.t("Lieu", "Place"), appointment.place ?? "—"),
            ]),
            .table(.class("sheet"),
                .thead(.tr(.th(.text(context.t("Nom", "Name"))), .th(.text(context.t("Présence enregistrée", "Recorded attendance"))), .th(.text(context.t("Signature", "Signature"))))),
                .tbody(.forEach(lines) { line in
                    .tr(.td(.text(line.pathway.person.fullName)), .td(.text(AttendanceStatus(rawValue: line.status)?.frenchLabel ?? line.status)), .td(.class("signature")))
                })),
            .p(.text(context.t("Signature de la personne qui anime : ", "Signature of the trainer: ")))
        ))
    }
}

enum TrainingsPage {
    static func render(_ repository: PathwaysRepository, form: AgendaPagesController.TrainingForm, errors: [String: String],
                       context: PageContext, status: HTTPResponseStatus = .ok) async throws -> Response {
        let coop = repository.scope.cooperative
        let trainings = try await repository.trainings()
        let title = context.t("Formations", "Trainings")
        return Layout.render(context, title: title, status: status, content: .group(
            backLink(coop),
            .h1(.text(title)),
            trainings.isEmpty ? .p(.text(context.t("Aucune formation pour l'instant.", "No training yet."))) :
            .ul(.forEach(trainings) { training in
                .li(.a(.href(SiteURL.training(coop.id!, training.id!).path), .text(training.title)), .text(training.provider.map { " — \($0)" } ?? ""))
            }),
            .section(.class("panel"),
                .h2(.text(context.t("Nouvelle formation", "New training"))),
                Kit.errorSummary(errors, order: ["title", "provider"], context: context),
                .form(.id("training-form"), .action(SiteURL.trainings(coop.id!).path), .method(.post),
                    Kit.csrfField(context.csrfToken),
                    Kit.input(.init(name: "title", label: context.t("Intitulé", "Title"), value: form.title, error: errors["title"], required: true)),
                    Kit.input(.init(name: "provider", label: context.t("Organisme ou formateur·rice", "Provider or trainer"), value: form.provider, error: errors["provider"])),
                    Kit.submit(context.t("Créer la formation", "Create the training"), id: "training-submit")))
        ))
    }
}

enum TrainingPage {
    static func render(_ repository: PathwaysRepository, _ training: Training, form: SectionForm, context: PageContext, status: HTTPResponseStatus = .ok) async throws -> Response {
        let coopID = repository.scope.id
        let sessions = try await repository.appointments(from: nil, to: nil, trainingID: training.id!)
        let enrolments = try await repository.enrolments(training)
        let dto = TrainingDTO(training, sessions: sessions, enrolments: enrolments)
        let enrolled = Set(enrolments.map { $0.$pathway.id })
        let candidates = try await repository.openPathways().filter { !enrolled.contains($0.id!) }
        let sessionErrors = form.errors("session")
        let traineeErrors = form.errors("trainee")
        let evaluationErrors = form.errors("evaluation")
        let title = training.title
        return Layout.render(context, title: title, status: status, content: .group(
            .p(.a(.href(SiteURL.trainings(coopID).path), .text(context.t("Formations", "Trainings")))),
            .h1(.text(title)),
            .section(.class("panel"), Kit.facts([
                (context.t("Organisme", "Provider"), training.provider ?? "—"),
                (context.t("Séances", "Sessions"), "\(sessions.count)"),
                (context.t("Satisfaction moyenne", "Mean satisfaction"), dto.meanSatisfaction.map { String(format: "%.1f", $0).replacingOccurrences(of: ".", with: ",") + "/5" } ?? "—"),
            ])),
            .section(.class("panel"),
                .h2(.text(context.t("Séances", "Sessions"))),
                sessions.isEmpty ? .p(.text(context.t("Aucune séance.", "No session."))) :
                Kit.table(label: context.t("Séances", "Sessions"),
                    .thead(.tr(.th(.text(context.t("Quand", "When"))), .th(.text(context.t("Séance", "Session"))), .th(.text(context.t("Durée", "Duration"))),
                               .th(.text(context.t("Présent·es", "Attended"))))),
                    .tbody(.forEach(sessions) { session in
                        .tr(.td(.text(session.localStart?.french ?? session.startsAt)),
                            .td(.a(.href(SiteURL.appointment(coopID, session.id!).path), .text(session.title))),
                            .td(.text(Hours.french(Double(session.durationMinutes) / 60))),
                            .td(.text("\(session.attendances.filter { $0.status == AttendanceStatus.attended.rawValue }.count)/\(session.attendances.count)")))
                    })),
                Kit.errorSummary(sessionErrors, order: ["sessionTitle", "startsAt", "durationMinutes", "place"], context: context),
                .form(.id("session-form"), .action(SiteURL.trainingSection(coopID, training.id!, "sessions").path), .method(.post),
                    Kit.csrfField(context.csrfToken),
                    Kit.input(.init(name: "sessionTitle", label: context.t("Séance (facultatif)", "Session (optional)"), value: form.value("session", "sessionTitle"), error: sessionErrors["sessionTitle"])),
                    Kit.input(.init(name: "startsAt", label: context.t("Date et heure", "Date and time"), value: form.value("session", "startsAt"), type: .datetimeLocal, error: sessionErrors["startsAt"], required: true)),
                    Kit.input(.init(name: "durationMinutes", label: context.t("Durée (minutes)", "Duration (minutes)"), value: form.value("session", "durationMinutes") ?? "210", error: sessionErrors["durationMinutes"], required: true, inputMode: "numeric")),
                    Kit.input(.init(name: "place", label: context.t("Lieu", "Place"), value: form.value("session", "place"), error: sessionErrors["place"])),
                    Kit.submit(context.t("Ajouter la séance", "Add the session"), id: "session-submit"))),
            .section(.class("panel"),
                .h2(.text(context.t("Stagiaires", "Trainees"))),
                Kit.errorSummary(evaluationErrors, order: ["evaluation", "satisfaction"], context: context),
                dto.trainees.isEmpty ? .p(.text(context.t("Personne n'est inscrit.", "Nobody enrolled."))) :
                Kit.table(label: context.t("Stagiaires", "Trainees"),
                    .thead(.tr(.th(.text(context.t("Personne", "Person"))), .th(.text(context.t("Heures suivies", "Hours followed"))),
                               .th(.text(context.t("Évaluation de fin et satisfaction", "End evaluation and satisfaction"))))),
                    .tbody(.forEach(dto.trainees) { trainee in
                        let key = trainee.pathwayID.uuidString.lowercased()
                        return .tr(.td(.a(.href(SiteURL.pathway(coopID, trainee.pathwayID).path), .text(trainee.name))),
                            .td(.text(Hours.french(trainee.hours))),
                            .td(.form(.class("row-form"), .action(SiteURL.trainingSection(coopID, training.id!, "trainees/\(key)/evaluation").path), .method(.post),
                                Kit.csrfField(context.csrfToken),
                                .label(.for("evaluation-\(key)"), .class("visually-hidden"), .text(context.t("Évaluation de ", "Evaluation of ") + trainee.name)),
                                .select(.id("evaluation-\(key)"), .attribute(named: "name", value: "evaluation"),
                                        .group(optionNodes([("", context.t("— Évaluation —", "— Evaluation —"))] + TrainingEvaluation.allCases.map { ($0.rawValue, $0.frenchLabel) }, selected: trainee.evaluation))),
                                .label(.for("satisfaction-\(key)"), .class("visually-hidden"), .text(context.t("Satisfaction de ", "Satisfaction of ") + trainee.name)),
                                .select(.id("satisfaction-\(key)"), .attribute(named: "name", value: "satisfaction"),
                                        .group(optionNodes([("", context.t("— Satisfaction —", "— Satisfaction —"))] + TrainingRules.satisfactionRange.map { ("\($0)", "\($0)/5") }, selected: trainee.satisfaction.map(String.init)))),
                                .button(.type(.submit), .id("evaluate-\(key)"), .text(context.t("Enregistrer", "Save"))))))
                    })),
                .if(!candidates.isEmpty, .form(.id("trainee-form"), .action(SiteURL.trainingSection(coopID, training.id!, "trainees").path), .method(.post),
                    Kit.csrfField(context.csrfToken),
                    Kit.select(name: "pathwayID", label: context.t("Inscrire une personne accompagnée", "Enrol an accompanied person"), options: candidates.map { ($0.id!.uuidString, $0.person.fullName) },
                               selected: nil, error: traineeErrors["pathwayID"], placeholder: context.t("— Choisissez —", "— Choose —")),
                    Kit.submit(context.t("Inscrire", "Enrol"), id: "trainee-submit"))))
        ))
    }
}

enum CompetencesPage {
    static func render(_ repository: PathwaysRepository, label: String?, errors: [String: String], context: PageContext, status: HTTPResponseStatus = .ok) async throws -> Response {
        let coop = repository.scope.cooperative
        let competences = try await repository.competences()
        let title = context.t("Grille de compétences", "Competence grid")
        return Layout.render(context, title: title, status: status, content: .group(
            backLink(coop),
            .h1(.text(title)),
            .p(.text(context.t("Les compétences que l'on apprend en faisant, dans l'activité de la coopérative. Une compétence retirée reste dans les dossiers déjà évalués.",
                               "Skills learnt by doing in the cooperative's activity. A retired skill stays in files already assessed."))),
            competences.isEmpty ? .p(.text(context.t("La grille est vide.", "The grid is empty."))) :
            .ul(.forEach(competences) { competence in
                .li(.text(competence.label + (competence.active ? "" : context.t(" (retirée)", " (retired)")) + " "),
                    .form(.class("inline"), .action(SiteURL.competence(coop.id!, competence.id!).path), .method(.post),
                          Kit.csrfField(context.csrfToken),
                          .input(.type(.hidden), .name("active"), .value(competence.active ? "false" : "true")),
                          .button(.type(.submit), .text(competence.active ? context.t("Retirer", "Retire") : context.t("Remettre", "Restore")),
                                  .attribute(named: "aria-label", value: (competence.active ? context.t("Retirer ", "Retire ") : context.t("Remettre ", "Restore ")) + competence.label))))
            }),
            .section(.class("panel"),
                Kit.errorSummary(errors, order: ["label"], context: context),
                .form(.id("competence-form"), .action(SiteURL.competences(coop.id!).path), .method(.post),
                    Kit.csrfField(context.csrfToken),
                    Kit.input(.init(name: "label", label: context.t("Nouvelle compétence", "New skill"), value: label, error: errors["label"], required: true)),
                    Kit.submit(context.t("Ajouter", "Add"), id: "competence-submit")))
        ))
    }
}
