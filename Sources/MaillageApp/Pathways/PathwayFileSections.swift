import Foundation
import MaillageCore
import Plot
import Vapor

/// The sections of a person's file, one per tab (see `PathwayPage`).
extension PathwayPage {
    static func barriers(_ model: Model, form: SectionForm, context: PageContext) -> BodyNode {
        let history = model.file.barrierHistory
        let current = BarrierDiagnostic.current(PathwaysRepository.diagnostic(history))
        let resolved = Set(BarrierDiagnostic.resolved(PathwaysRepository.diagnostic(history)))
        let errors = form.errors("barriers")
        let pathway = model.file.pathway
        return .section(.class("panel"), .id("freins"),
            .h2(.text(context.t("Freins périphériques", "Barriers"))),
            current.isEmpty ? .p(.text(context.t("Aucun frein évalué pour l'instant.", "No barrier assessed yet."))) :
            Kit.table(label: context.t("Freins : dernière évaluation", "Barriers: latest assessment"),
                .thead(.tr(.th(.text(context.t("Frein", "Barrier"))), .th(.text(context.t("Niveau", "Level"))), .th(.text(context.t("Évalué le", "Assessed on"))))),
                .tbody(.forEach(current) { assessment in
                    .tr(.td(.text(assessment.barrier.frenchLabel)),
                        .td(.text(assessment.level.frenchLabel + (resolved.contains(assessment.barrier) ? context.t(" (levé)", " (resolved)") : ""))),
                        .td(.text(assessment.day.french)))
                })),
            .if(history.count > current.count, .details(
                .summary(.text(context.t("Historique des évaluations", "Assessment history"))),
                .ol(.class("history"), .forEach(history) { row in
                    .li(.text("\(CalendarDay(date: row.assessedOn).french) — \(Barrier(rawValue: row.barrier)?.frenchLabel ?? row.barrier) : \(BarrierLevel(rawValue: row.level)?.frenchLabel ?? row.level) (\(row.authorLabel))"))
                }))),
            .if(model.viewer == .coordination, Kit.addForm(context.t("Évaluer un frein…", "Assess a barrier…"), id: "barrier-add", open: !errors.isEmpty, .group(
                Kit.errorSummary(errors, order: ["barrier", "level", "barrierDate"], context: context),
                .form(.id("barrier-form"), .class("no-print"), .action(SiteURL.pathwayBarriers(model.coop.id!, pathway.id!).path), .method(.post),
                    Kit.csrfField(context.csrfToken),
                    Kit.select(name: "barrier", label: context.t("Frein", "Barrier"), options: Barrier.allCases.map { ($0.rawValue, $0.frenchLabel) },
                               selected: form.value("barriers", "barrier"), error: errors["barrier"], placeholder: context.t("— Choisissez —", "— Choose —")),
                    Kit.select(name: "level", label: context.t("Niveau", "Level"), options: BarrierLevel.allCases.map { ($0.rawValue, $0.frenchLabel) },
                               selected: form.value("barriers", "level"), error: errors["level"], placeholder: context.t("— Choisissez —", "— Choose —")),
                    Kit.input(.init(name: "barrierDate", label: context.t("Date de l'évaluation", "Assessment date"), value: form.value("barriers", "barrierDate"), type: .date,
                                    error: errors["barrierDate"], hint: context.t("Aujourd'hui si vous laissez vide.", "Today if left empty."))),
                    Kit.submit(context.t("Enregistrer l'évaluation", "Save the assessment"), id: "barrier-submit"))))))
    }

    static func plan(_ model: Model, form: SectionForm, context: PageContext) -> BodyNode {
        let coordination = model.viewer == .coordination
        let errors = form.errors("plan")
        let coopID = model.coop.id!, pathwayID = model.file.pathway.id!
        let objectives = model.file.objectives
        return .section(.class("panel"), .id("plan"),
            .h2(.text(context.t("Plan d'action", "Action plan"))),
            objectives.isEmpty ? .p(.text(context.t("Pas encore d'objectif.", "No objective yet."))) :
            .ul(.class("plan"), .forEach(objectives) { objective in
                let actions = objective.actions.sorted { ($0.createdAt ?? .distantPast) < ($1.createdAt ?? .distantPast) }
                let reached = ObjectiveProgress(actions.compactMap { ActionStatus(rawValue: $0.status) }).isReached
                return .li(
                    .h3(.text(objective.title),
                        .text(" "), .span(.class("tag"), .text(ObjectiveKind(rawValue: objective.kind)?.frenchLabel ?? objective.kind)),
                        .if(reached, .span(.class("status"), .text(context.t(" atteint", " reached"))))),
                    .p(.class("muted"), .text(context.t("Axe : ", "Focus: ") + objective.focus)),
                    .ul(.forEach(actions) { action in
                        .li(.text(action.label + " — "), Kit.badge(ActionStatus(rawValue: action.status)?.frenchLabel ?? action.status, tone: ActionStatus(rawValue: action.status)?.tone ?? .neutral),
                            .if(coordination, .form(.class("row-form no-print"), .action(SiteURL.pathwaySection(coopID, pathwayID, "actions/\(action.id!.uuidString.lowercased())").path), .method(.post),
                                Kit.csrfField(context.csrfToken),
                                .label(.for("status-\(action.id!)"), .class("visually-hidden"), .text(context.t("Nouvel état de « \(action.label) »", "New status of “\(action.label)”"))),
                                .select(.id("status-\(action.id!)"), .attribute(named: "name", value: "status"),
                                        .group(ActionStatus.allCases.map { status in
                                            .element(named: "option", nodes: [.attribute(named: "value", value: status.rawValue),
                                                                              status.rawValue == action.status ? .attribute(named: "selected", value: "selected") : .empty,
                                                                              .text(status.frenchLabel)])
                                        })),
                                .button(.type(.submit), .text(context.t("Changer", "Change"))))))
                    }),
                    .if(coordination, .form(.class("row-form no-print"), .action(SiteURL.pathwaySection(coopID, pathwayID, "objectives/\(objective.id!.uuidString.lowercased())/actions").path), .method(.post),
                        Kit.csrfField(context.csrfToken),
                        .label(.for("label-\(objective.id!)"), .text(context.t("Nouvelle action", "New action"))),
                        .input(.type(.text), .id("label-\(objective.id!)"), .name("label"), .required(true)),
                        .button(.type(.submit), .text(context.t("Ajouter", "Add")))))
                )
            }),
            .if(coordination, Kit.addForm(context.t("Ajouter un objectif…", "Add an objective…"), id: "objective-add", open: !errors.isEmpty, .group(
                Kit.errorSummary(errors, order: ["focus", "objectiveKind", "objectiveTitle", "objectiveActions"], context: context),
                .form(.id("objective-form"), .class("no-print"), .action(SiteURL.pathwaySection(coopID, pathwayID, "objectives").path), .method(.post),
                    Kit.csrfField(context.csrfToken),
                    Kit.input(.init(name: "focus", label: context.t("Axe de travail", "Focus"), value: form.value("plan", "focus"), error: errors["focus"],
                                    hint: context.t("Par exemple : retrouver un emploi en restauration.", "For example: find a job in catering."), required: true)),
                    Kit.select(name: "objectiveKind", label: context.t("Type d'objectif", "Kind of objective"), options: ObjectiveKind.allCases.map { ($0.rawValue, $0.frenchLabel) },
                               selected: form.value("plan", "objectiveKind"), error: errors["objectiveKind"], placeholder: context.t("— Choisissez —", "— Choose —")),
                    Kit.input(.init(name: "objectiveTitle", label: context.t("Objectif", "Objective"), value: form.value("plan", "objectiveTitle"), error: errors["objectiveTitle"], required: true)),
                    Kit.textarea(name: "objectiveActions", label: context.t("Premières actions (une par ligne)", "First actions (one per line)"), value: form.value("plan", "objectiveActions"), error: errors["objectiveActions"]),
                    Kit.submit(context.t("Ajouter l'objectif", "Add the objective"), id: "objective-submit"))))))
    }

    static func appointments(_ model: Model, form: SectionForm, context: PageContext) -> BodyNode {
        let coordination = model.viewer == .coordination
        let errors = form.errors("appointments")
        let coopID = model.coop.id!, pathwayID = model.file.pathway.id!
        let lines = model.file.attendances
        return .section(.class("panel"), .id("rendez-vous"),
            .h2(.text(context.t("Rendez-vous et ateliers", "Appointments and workshops"))),
            lines.isEmpty ? .p(.text(context.t("Aucun rendez-vous pour l'instant.", "No appointment yet."))) :
            Kit.table(label: context.t("Rendez-vous et ateliers", "Appointments and workshops"),
                .thead(.tr(.th(.text(context.t("Quand", "When"))), .th(.text(context.t("Quoi", "What"))), .th(.text(context.t("Présence", "Attendance"))))),
                .tbody(.forEach(lines) { line in
                    .tr(.td(.text(line.appointment.localStart?.french ?? line.appointment.startsAt)),
                        .td(coordination ? .a(.href(SiteURL.appointment(coopID, line.$appointment.id).path), .text(line.appointment.title)) : .text(line.appointment.title),
                            .text(" (" + (AppointmentKind(rawValue: line.appointment.kind)?.frenchLabel ?? line.appointment.kind) + ")")),
                        .td(.text(AttendanceStatus(rawValue: line.status)?.frenchLabel ?? line.status)))
                })),
            .if(coordination, .group(Kit.addForm(context.t("Ajouter un rendez-vous…", "Add an appointment…"), id: "appointment-add", open: !errors.isEmpty && errors["appointmentID"] == nil, .group(
                Kit.errorSummary(errors, order: ["appointmentKind", "appointmentTitle", "startsAt", "durationMinutes", "place"], context: context),
                .form(.id("appointment-form"), .class("no-print"), .action(SiteURL.pathwaySection(coopID, pathwayID, "appointments").path), .method(.post),
                    Kit.csrfField(context.csrfToken),
                    Kit.select(name: "appointmentKind", label: context.t("Type", "Kind"), options: [AppointmentKind.appointment, .workshop].map { ($0.rawValue, $0.frenchLabel) },
                               selected: form.value("appointments", "appointmentKind") ?? AppointmentKind.appointment.rawValue, error: errors["appointmentKind"]),
                    Kit.input(.init(name: "appointmentTitle", label: context.t("Objet", "Subject"), value: form.value("appointments", "appointmentTitle"), error: errors["appointmentTitle"], required: true)),
                    Kit.input(.init(name: "startsAt", label: context.t("Date et heure", "Date and time"), value: form.value("appointments", "startsAt"), type: .datetimeLocal, error: errors["startsAt"], required: true)),
                    Kit.input(.init(name: "durationMinutes", label: context.t("Durée (minutes)", "Duration (minutes)"), value: form.value("appointments", "durationMinutes") ?? "60", error: errors["durationMinutes"], required: true, inputMode: "numeric")),
                    Kit.input(.init(name: "place", label: context.t("Lieu", "Place"), value: form.value("appointments", "place"), error: errors["place"])),
                    Kit.submit(context.t("Ajouter", "Add"), id: "appointment-submit")))),
                .if(!model.workshops.isEmpty, Kit.addForm(context.t("Inscrire à un atelier…", "Register for a workshop…"), id: "workshop-add", open: errors["appointmentID"] != nil, .group(
                    Kit.errorSummary(errors, order: ["appointmentID"], context: context),
                    .form(.id("workshop-join-form"), .class("no-print"), .action(SiteURL.pathwaySection(coopID, pathwayID, "appointments").path), .method(.post),
                    Kit.csrfField(context.csrfToken),
                    Kit.select(name: "appointmentID", label: context.t("Inscrire à un atelier prévu", "Register for a planned workshop"),
                               options: model.workshops.map { ($0.id!.uuidString, "\($0.title) — \($0.localStart?.french ?? $0.startsAt)") },
                               selected: nil, error: errors["appointmentID"], placeholder: context.t("— Choisissez —", "— Choose —")),
                    Kit.submit(context.t("Inscrire", "Register"), id: "workshop-join-submit"))))))))
    }

    static func notes(_ model: Model, form: SectionForm, context: PageContext) -> BodyNode {
        let errors = form.errors("notes")
        let notes = model.file.notes ?? []
        return .section(.class("panel no-print"), .id("notes"),
            .h2(.text(context.t("Notes confidentielles", "Confidential notes"))),
            .p(.class("hint"), .text(context.t("Visibles seulement par la coordination et le ou la référente de la personne.", "Visible only to the coordination and the person's referent."))),
            notes.isEmpty ? .p(.text(context.t("Aucune note.", "No note."))) :
            .ol(.class("history"), .forEach(notes) { note in
                .li(.p(.strong(.text("\(note.createdAt.map { CalendarDay(date: $0).french } ?? "") — \(note.authorLabel)"))), .p(.text(note.body)))
            }),
            Kit.addForm(context.t("Ajouter une note…", "Add a note…"), id: "note-add", open: !errors.isEmpty, .group(
            Kit.errorSummary(errors, order: ["noteBody"], context: context),
            .form(.id("note-form"), .action(SiteURL.pathwaySection(model.coop.id!, model.file.pathway.id!, "notes").path), .method(.post),
                Kit.csrfField(context.csrfToken),
                Kit.textarea(name: "noteBody", label: context.t("Nouvelle note", "New note"), value: form.value("notes", "noteBody"), error: errors["noteBody"], required: true),
                Kit.submit(context.t("Enregistrer la note", "Save the note"), id: "note-submit")))))
    }

    static func skills(_ model: Model, form: SectionForm, context: PageContext) -> BodyNode {
        let errors = form.errors("skills")
        let rows = model.file.skillRows
        let selfAssessing = model.viewer == .person
        let active = model.file.competences.filter(\.active)
        func mark(_ assessment: SkillGrid.Assessment?) -> String {
            assessment.map { "\($0.level.frenchLabel) (\($0.day.french))" } ?? "—"
        }
        return .section(.class("panel"), .id("competences"),
            .h2(.text(context.t("Compétences", "Skills"))),
            rows.isEmpty ? .p(.text(context.t("La grille de compétences de la coopérative est vide.", "The cooperative's competence grid is empty."))) :
            Kit.table(label: context.t("Compétences", "Skills"),
                .thead(.tr(.th(.text(context.t("Compétence", "Skill"))), .th(.text(context.t("Évaluation de la coordination", "Coordination's assessment"))),
                           .th(.text(context.t("Auto-évaluation", "Self-assessment"))))),
                .tbody(.forEach(rows) { row in
                    .tr(.td(.text(model.file.competenceLabel(row.competence)), .if(row.needsDiscussion, .span(.class("tag"), .text(context.t(" à discuter", " to discuss"))))),
                        .td(.text(mark(row.coordinator))), .td(.text(mark(row.selfAssessment))))
                })),
            .if(!active.isEmpty, Kit.addForm(selfAssessing ? context.t("M'auto-évaluer…", "Assess myself…") : context.t("Évaluer une compétence…", "Assess a skill…"),
                                             id: "skill-add", open: !errors.isEmpty, .group(
                Kit.errorSummary(errors, order: ["competenceID", "skillLevel", "skillDate"], context: context),
                .form(.id("skill-form"), .class("no-print"), .action(SiteURL.pathwaySection(model.coop.id!, model.file.pathway.id!, "skills").path), .method(.post),
                    Kit.csrfField(context.csrfToken),
                    Kit.select(name: "competenceID", label: context.t("Compétence", "Skill"), options: active.map { ($0.id!.uuidString, $0.label) },
                               selected: form.value("skills", "competenceID"), error: errors["competenceID"], placeholder: context.t("— Choisissez —", "— Choose —")),
                    Kit.select(name: "skillLevel", label: selfAssessing ? context.t("Où j'en suis", "Where I am") : context.t("Niveau", "Level"),
                               options: SkillLevel.allCases.map { ($0.rawValue, $0.frenchLabel) },
                               selected: form.value("skills", "skillLevel"), error: errors["skillLevel"], placeholder: context.t("— Choisissez —", "— Choose —")),
                    Kit.input(.init(name: "skillDate", label: context.t("Date", "Date"), value: form.value("skills", "skillDate"), type: .date, error: errors["skillDate"],
                                    hint: context.t("Aujourd'hui si vous laissez vide.", "Today if left empty."))),
                    Kit.submit(selfAssessing ? context.t("Enregistrer mon auto-évaluation", "Save my self-assessment") : context.t("Enregistrer l'évaluation", "Save the assessment"), id: "skill-submit"))))))
    }

    static func trainings(_ model: Model, context: PageContext) -> BodyNode {
        let enrolments = model.file.enrolments
        return .section(.class("panel"), .id("formations"),
            .h2(.text(context.t("Formations", "Trainings"))),
            enrolments.isEmpty ? .p(.text(context.t("Aucune formation suivie.", "No training followed."))) :
            Kit.table(label: context.t("Formations", "Trainings"),
                .thead(.tr(.th(.text(context.t("Formation", "Training"))), .th(.text(context.t("Heures suivies", "Hours followed"))),
                           .th(.text(context.t("Évaluation", "Evaluation"))), .th(.text(context.t("Satisfaction", "Satisfaction"))))),
                .tbody(.forEach(enrolments) { enrolment in
                    .tr(.td(model.viewer == .coordination ? .a(.href(SiteURL.training(model.coop.id!, enrolment.$training.id).path), .text(enrolment.training.title)) : .text(enrolment.training.title)),
                        .td(.text(Hours.french(model.file.trainingHours(enrolment.$training.id)))),
                        .td(.text(enrolment.evaluation.flatMap { TrainingEvaluation(rawValue: $0)?.frenchLabel } ?? "—")),
                        .td(.text(enrolment.satisfaction.map { "\($0)/5" } ?? "—")))
                })))
    }

    static func hours(_ model: Model, form: SectionForm, context: PageContext) -> BodyNode {
        let errors = form.errors("hours")
        let coordination = model.viewer == .coordination
        let coopID = model.coop.id!, pathwayID = model.file.pathway.id!
        let entries = model.file.hours
        return .section(.class("panel"), .id("heures"),
            .h2(.text(context.t("Heures travaillées", "Hours worked"))),
            .p(.text(context.t("Heures validées : ", "Validated hours: ") + Hours.french(model.file.validatedHours))),
            entries.isEmpty ? .p(.text(context.t("Aucune heure saisie.", "No hours entered."))) :
            Kit.table(label: context.t("Heures travaillées", "Hours worked"),
                .thead(.tr(.th(.text(context.t("Semaine du", "Week of"))), .th(.text(context.t("Poste", "Role"))), .th(.text(context.t("Heures", "Hours"))),
                           .th(.text(context.t("État", "Status"))))),
                .tbody(.forEach(entries) { entry in
                    .tr(.td(.text(CalendarDay(date: entry.week).french)), .td(.text(WorkRole(rawValue: entry.role)?.frenchLabel ?? entry.role)),
                        .td(.text(Hours.french(entry.hours))),
                        .td(HoursStatus(rawValue: entry.status).map { Kit.badge($0, context: context) } ?? .text(entry.status),
                            .if(coordination && entry.status == HoursStatus.submitted.rawValue,
                                .form(.class("inline no-print"), .action(SiteURL.pathwaySection(coopID, pathwayID, "hours/\(entry.id!.uuidString.lowercased())/validation").path), .method(.post),
                                      Kit.csrfField(context.csrfToken),
                                      .button(.type(.submit), .id("validate-\(entry.id!)"), .text(context.t("Valider", "Validate")))))))
                })),
            Kit.addForm(coordination ? context.t("Saisir des heures…", "Enter hours…") : context.t("Envoyer mes heures…", "Send my hours…"),
                        id: "hours-add", open: !errors.isEmpty || !coordination, .group(
            Kit.errorSummary(errors, order: ["week", "role", "hours"], context: context),
            .form(.id("hours-form"), .class("no-print"), .action(SiteURL.pathwaySection(coopID, pathwayID, "hours").path), .method(.post),
                Kit.csrfField(context.csrfToken),
                Kit.input(.init(name: "week", label: context.t("Semaine (un jour de la semaine)", "Week (any day of it)"), value: form.value("hours", "week") ?? CalendarDay.today.weekStart.description,
                                type: .date, error: errors["week"], required: true)),
                Kit.select(name: "role", label: context.t("Poste", "Role"), options: WorkRole.allCases.map { ($0.rawValue, $0.frenchLabel) },
                           selected: form.value("hours", "role"), error: errors["role"], placeholder: context.t("— Choisissez —", "— Choose —")),
                Kit.input(.init(name: "hours", label: context.t("Heures", "Hours"), value: form.value("hours", "hours"), error: errors["hours"],
                                hint: context.t("Par quart d'heure : 7, 7,5 ou 7 h 30…", "By quarter hours: 7, 7.5 or 7h30…"), required: true)),
                Kit.submit(coordination ? context.t("Enregistrer (validées)", "Save (validated)") : context.t("Envoyer mes heures", "Send my hours"), id: "hours-submit")))))
    }

    static func exit(_ model: Model, form: SectionForm, context: PageContext) -> BodyNode {
        let pathway = model.file.pathway
        let errors = form.errors("exit")
        let exitFacts: [(String, String)] = pathway.exitDate.map { date in
            [
                (context.t("Date de sortie", "Exit date"), CalendarDay(date: date).french),
                (context.t("Situation à la sortie", "Situation at exit"), pathway.exitDestination.flatMap { ExitDestination(rawValue: $0)?.frenchLabel } ?? "—"),
                (context.t("Catégorie", "Category"), pathway.exitCategory.flatMap { ExitCategory(rawValue: $0)?.frenchLabel } ?? "—"),
                (context.t("Suivi à 6 mois", "6-month follow-up"), pathway.followUpDue.map { CalendarDay(date: $0).french } ?? "—"),
            ]
        } ?? []
        return .section(.class("panel"), .id("sortie"),
            .h2(.text(context.t("Sortie", "Exit"))),
            exitFacts.isEmpty ? .p(.text(context.t("La personne est toujours dans son parcours.", "The person is still on their pathway."))) : Kit.facts(exitFacts),
            .if(model.viewer == .coordination, Kit.addForm(exitFacts.isEmpty ? context.t("Enregistrer la sortie…", "Record the exit…") : context.t("Corriger la sortie…", "Correct the exit…"),
                                                           id: "exit-add", open: !errors.isEmpty, .group(
                Kit.errorSummary(errors, order: ["destination", "date"], context: context),
                .form(.id("exit-form"), .class("no-print"), .action(SiteURL.pathwayExit(model.coop.id!, pathway.id!).path), .method(.post),
                    Kit.csrfField(context.csrfToken),
                    Kit.select(name: "destination", label: context.t("Situation à la sortie", "Situation at exit"),
                               options: ExitDestination.allCases.map { ($0.rawValue, $0.frenchLabel) }, selected: form.value("exit", "destination") ?? pathway.exitDestination,
                               error: errors["destination"], placeholder: context.t("— Choisissez —", "— Choose —")),
                    Kit.input(.init(name: "date", label: context.t("Date de sortie", "Exit date"), value: form.value("exit", "date") ?? pathway.exitDate.map { CalendarDay(date: $0).description },
                                    type: .date, error: errors["date"], required: true)),
                    Kit.submit(exitFacts.isEmpty ? context.t("Enregistrer la sortie", "Record the exit") : context.t("Corriger la sortie", "Correct the exit"), id: "exit-submit"))))))
    }
}
