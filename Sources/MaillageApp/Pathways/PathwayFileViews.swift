import Foundation
import MaillageCore
import Plot
import Vapor

/// The values and errors of the one form of a page that was just refused, so that the page
/// shows it again with a message per field. Field names are the form's (unique on the page).
struct SectionForm: Sendable {
    var section: String
    var values: [String: String]
    var errors: [String: String]

    static let none = SectionForm(section: "", values: [:], errors: [:])

    /// `fields` maps the API's field names (used by the rules) to the form's.
    init(section: String, values: [String: String], errors: [String: String], fields: [String: String] = [:]) {
        self.section = section
        self.values = values
        self.errors = errors.reduce(into: [:]) { $0[fields[$1.key] ?? $1.key] = $1.value }
    }

    func value(_ section: String, _ name: String) -> String? { self.section == section ? values[name] : nil }
    func errors(_ section: String) -> [String: String] { self.section == section ? errors : [:] }
}

/// A person's file in tabs, each its own address (`?onglet=plan`): Synthèse, Plan, Agenda,
/// Compétences, Formations, Heures, Notes (coordination and referent only), Sortie. Forms wait
/// behind their "Ajouter…" button; a refused form opens its tab with the form open.
enum PathwayPage {
    struct Model {
        var coop: Cooperative
        var file: PathwayFile
        var viewer: PathwayViewer
        var mayReadNotes: Bool
        var referents: [(id: UUID, name: String)]
        var accounts: [(id: UUID, name: String)]
        /// Workshops still to come, to register the person.
        var workshops: [Appointment]

        var tabs: [PathwayTab] { PathwayTab.allCases.filter { $0 != .notes || mayReadNotes } }
        var path: String { viewer == .coordination ? SiteURL.pathway(coop.id!, file.pathway.id!).path : SiteURL.ownPathway(coop.id!).path }
        /// Appointments and workshops from today on, the person still expected.
        var upcoming: [Attendance] {
            let today = LocalDateTime(day: .today, hour: 0, minute: 0).description
            return file.attendances.filter { $0.appointment.startsAt >= today && $0.status == AttendanceStatus.registered.rawValue }
        }
    }

    static func render(_ model: Model, tab requested: PathwayTab = .synthese, form: SectionForm = .none, context: PageContext,
                       status: HTTPResponseStatus = .ok) -> Response {
        let asked = form.section.isEmpty ? requested : PathwayTab.of(section: form.section)
        let tab = model.tabs.contains(asked) ? asked : .synthese
        let person = model.file.pathway.person
        let title = model.viewer == .coordination ? person.fullName : context.t("Mon parcours", "My pathway")
        let content: BodyNode = .group(
            header(model, title: title, context: context),
            .if(person.anonymisedAt != nil, .p(.class("alert"), .text(context.t("Les données personnelles de ce dossier ont été effacées ; les chiffres restent pour les bilans.", "This file's personal data was erased; figures remain for reports.")))),
            Kit.tabs(model.tabs.map { Kit.Tab(label: $0.label(context), path: $0.path(model.path), current: $0 == tab, count: count(of: $0, model)) },
                     label: context.t("Sections du dossier", "Sections of the file")),
            body(of: tab, model, form: form, context: context)
        )
        return Layout.render(context, title: tab == .synthese ? title : "\(title) — \(tab.label(context))", status: status, content: content)
    }

    private static func header(_ model: Model, title: String, context: PageContext) -> BodyNode {
        let coopID = model.coop.id!
        let crumbs: [Kit.Crumb] = model.viewer == .coordination
            ? [.init(label: model.coop.name, path: SiteURL.cooperative(coopID).path), .init(label: context.t("Parcours", "Pathways"), path: SiteURL.pathways(coopID).path), .init(label: title, path: nil)]
            : [.init(label: model.coop.name, path: SiteURL.cooperative(coopID).path), .init(label: title, path: nil)]
        let passport = Kit.linkButton(context.t("Passeport de compétences (à imprimer)", "Skills passport (printable)"),
                                      href: SiteURL.pathwaySection(coopID, model.file.pathway.id!, "passport").path, id: "passport-link")
        return Kit.pageHeader(title, breadcrumb: crumbs, actions: [passport], context: context)
    }

    /// What a tab's label counts: objectives, appointments to come, hours to validate, notes.
    private static func count(of tab: PathwayTab, _ model: Model) -> Int? {
        let count: Int
        switch tab {
        case .plan: count = model.file.objectives.count
        case .agenda: count = model.upcoming.count
        case .heures: count = model.file.hours.filter { $0.status == HoursStatus.submitted.rawValue }.count
        case .notes: count = model.file.notes?.count ?? 0
        default: return nil
        }
        return count > 0 ? count : nil
    }

    private static func body(of tab: PathwayTab, _ model: Model, form: SectionForm, context: PageContext) -> BodyNode {
        let coordination = model.viewer == .coordination
        switch tab {
        case .synthese:
            return .group(synthesis(model, context: context), entry(model, context: context),
                          .if(coordination, links(model, form: form, context: context)),
                          barriers(model, form: form, context: context),
                          .if(coordination, personalData(model, context: context)))
        case .plan: return plan(model, form: form, context: context)
        case .agenda: return appointments(model, form: form, context: context)
        case .competences: return skills(model, form: form, context: context)
        case .formations: return trainings(model, context: context)
        case .heures: return hours(model, form: form, context: context)
        case .notes: return notes(model, form: form, context: context)
        case .sortie: return exit(model, form: form, context: context)
        }
    }

    /// The file at a glance: where the person stands, who follows them, how to reach them,
    /// what comes next.
    private static func synthesis(_ model: Model, context: PageContext) -> BodyNode {
        let file = model.file
        let pathway = file.pathway
        let current = BarrierDiagnostic.current(PathwaysRepository.diagnostic(file.barrierHistory))
        let resolved = Set(BarrierDiagnostic.resolved(PathwaysRepository.diagnostic(file.barrierHistory)))
        let barriers = current.filter { !resolved.contains($0.barrier) }.map { "\($0.barrier.frenchLabel) (\($0.level.frenchLabel.lowercased()))" }
        let reached = file.objectives.filter { objective in
            ObjectiveProgress(objective.actions.compactMap { ActionStatus(rawValue: $0.status) }).isReached
        }.count
        let next = model.upcoming.first
        let state: BodyNode = pathway.exitDate.map { date in
            Kit.badge(context.t("Sorti·e le ", "Exited on ") + CalendarDay(date: date).french, tone: .neutral)
        } ?? Kit.badge(context.t("En cours", "Ongoing"), tone: .info)
        var facts: [(String, String)] = [
            (context.t("Référent·e", "Referent"), file.referentName ?? context.t("Personne", "Nobody")),
            (context.t("Prochain rendez-vous", "Next appointment"), next.map { "\($0.appointment.localStart?.french ?? $0.appointment.startsAt) — \($0.appointment.title)" } ?? "—"),
            (context.t("Freins à lever", "Barriers to lift"), barriers.joined(separator: ", ").ifEmpty("—")),
            (context.t("Objectifs", "Objectives"), file.objectives.isEmpty ? "—" : context.t("\(FrenchText.count(file.objectives.count, "objectif", "objectifs")), dont \(reached) atteint\(reached > 1 ? "s" : "")",
                                                                                             "\(file.objectives.count) objective(s), \(reached) reached")),
            (context.t("Heures validées", "Validated hours"), Hours.french(file.validatedHours)),
        ]
        if model.viewer == .coordination {
            facts.insert(contentsOf: [
                (context.t("Téléphone ou courriel", "Phone or email"), pathway.person.contact ?? "—"),
                (context.t("Comment la joindre", "Best way to reach them"), file.referral?.preferredContact ?? "—"),
                (context.t("Compte relié", "Linked account"), file.accountEmail ?? context.t("Aucun", "None")),
            ], at: 1)
        }
        return .section(.class("panel"), .id("synthese"),
            .h2(.text(context.t("Synthèse", "Summary"))),
            .p(state),
            Kit.facts(facts))
    }

    private static func entry(_ model: Model, context: PageContext) -> BodyNode {
        let pathway = model.file.pathway
        let person = pathway.person
        return .section(.class("panel"),
            .h2(.text(context.t("À l'entrée", "At entry"))),
            Kit.facts([
                (context.t("Entrée dans le parcours", "Pathway opened"), CalendarDay(date: pathway.openedOn).french),
                (context.t("Orientée par", "Referred by"), model.file.referral?.referrerLabel ?? "—"),
                (context.t("Année de naissance", "Year of birth"), person.birthYear.map(String.init) ?? "—"),
                (context.t("Commune", "Town"), person.commune ?? "—"),
                (context.t("QPV", "QPV"), person.qpvCode ?? "—"),
                (context.t("Situation", "Situation"), person.situationAtEntry.flatMap { SituationAtEntry(rawValue: $0)?.frenchLabel } ?? "—"),
                (context.t("Niveau de formation", "Education level"), person.educationLevel.flatMap { EducationLevel(rawValue: $0)?.frenchLabel } ?? "—"),
                (context.t("Freins repérés à l'orientation", "Barriers noticed at referral"), (model.file.referral?.barriers ?? []).compactMap { Barrier(rawValue: $0)?.frenchLabel }.joined(separator: ", ").ifEmpty("—")),
            ]))
    }

    private static func links(_ model: Model, form: SectionForm, context: PageContext) -> BodyNode {
        let pathway = model.file.pathway
        let errors = form.errors("links")
        return .section(.class("panel no-print"), .id("suivi"),
            .h2(.text(context.t("Référent·e et compte", "Referent and account"))),
            Kit.addForm(context.t("Changer le ou la référente ou le compte…", "Change the referent or the account…"), id: "links-add", open: !errors.isEmpty, .group(
                Kit.errorSummary(errors, order: ["referentUserID", "cooperantUserID"], context: context),
                .form(.id("links-form"), .action(SiteURL.pathwaySection(model.coop.id!, pathway.id!, "links").path), .method(.post),
                    Kit.csrfField(context.csrfToken),
                    Kit.select(name: "referentUserID", label: context.t("Référent·e (lit les notes confidentielles)", "Referent (reads the confidential notes)"),
                               options: model.referents.map { ($0.id.uuidString, $0.name) },
                               selected: form.value("links", "referentUserID") ?? pathway.referentUserID?.uuidString,
                               error: errors["referentUserID"], required: false, placeholder: context.t("— Personne —", "— Nobody —")),
                    Kit.select(name: "cooperantUserID", label: context.t("Compte coopérant·e de la personne (elle voit alors son parcours)", "The person's cooperant account (they then see their pathway)"),
                               options: model.accounts.map { ($0.id.uuidString, $0.name) },
                               selected: form.value("links", "cooperantUserID") ?? pathway.person.userID?.uuidString,
                               error: errors["cooperantUserID"], required: false, placeholder: context.t("— Aucun compte lié —", "— No linked account —")),
                    Kit.submit(context.t("Enregistrer", "Save"), id: "links-submit")))))
    }

    private static func personalData(_ model: Model, context: PageContext) -> BodyNode {
        let section = { (name: String) in SiteURL.pathwaySection(model.coop.id!, model.file.pathway.id!, name).path }
        return .section(.class("panel no-print"), .id("donnees"),
            .h2(.text(context.t("Données personnelles (RGPD)", "Personal data (GDPR)"))),
            .p(.text(context.t("À la demande de la personne : lui remettre ses données, ou les effacer. L'effacement garde les chiffres utiles aux bilans, sans son identité.",
                               "On the person's request: hand over their data, or erase it. Erasure keeps the figures reports need, without their identity."))),
            .div(.class("actions"),
                .a(.class("button"), .id("export-link"), .href(section("export")), .text(context.t("Exporter ses données (JSON)", "Export their data (JSON)"))),
                .a(.class("button"), .id("audit-link"), .href(SiteURL.cooperativeAudit(model.coop.id!).path + "?entityID=" + model.file.pathway.$person.id.uuidString.lowercased()),
                   .text(context.t("Qui a consulté ce dossier", "Who read this file"))),
                .if(model.file.pathway.person.anonymisedAt == nil,
                    .a(.class("button"), .id("erasure-link"), .href(section("erasure")), .text(context.t("Effacer ses données…", "Erase their data…"))))))
    }
}

/// The tabs of a person's file, by their French address (`?onglet=heures`).
enum PathwayTab: String, CaseIterable, Sendable {
    case synthese, plan, agenda, competences, formations, heures, notes, sortie

    /// Synthèse for a missing or unknown tab, so that an old bookmark still opens the file.
    init(query: String?) { self = query.flatMap(PathwayTab.init(rawValue:)) ?? .synthese }

    /// The tab of a refused form's section.
    static func of(section: String) -> PathwayTab {
        switch section {
        case "plan": .plan
        case "appointments": .agenda
        case "notes": .notes
        case "skills": .competences
        case "hours": .heures
        case "exit": .sortie
        default: .synthese
        }
    }

    func label(_ context: PageContext) -> String {
        switch self {
        case .synthese: context.t("Synthèse", "Summary")
        case .plan: context.t("Plan", "Plan")
        case .agenda: context.t("Agenda", "Calendar")
        case .competences: context.t("Compétences", "Skills")
        case .formations: context.t("Formations", "Trainings")
        case .heures: context.t("Heures", "Hours")
        case .notes: context.t("Notes", "Notes")
        case .sortie: context.t("Sortie", "Exit")
        }
    }

    func path(_ file: String) -> String { self == .synthese ? file : file + "?onglet=" + rawValue }
}

enum Hours {
    /// `7 h 30` for 7.5 hours.
    static func french(_ hours: Double) -> String {
        FrenchText.duration(minutes: Int((hours * 60).rounded()))
    }
}
