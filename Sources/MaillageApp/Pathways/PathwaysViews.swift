import Foundation
import MaillageCore
import Plot
import Vapor

enum ReferralsPage {
    struct Model {
        var coop: Cooperative
        var page: ListPage<Referral>
        var filter: ListFilter
        var typed: String?
        var errors: [String: String]
        var coordination: Bool
        var canCreate: Bool
    }

    static func render(_ model: Model, context: PageContext, status: HTTPResponseStatus = .ok) -> Response {
        let title = model.coordination ? context.t("Orientations reçues", "Referrals received") : context.t("Mes orientations", "My referrals")
        let coopID = model.coop.id!
        let path = SiteURL.referrals(coopID).path
        let states = ReferralStatus.allCases.map { (raw: $0.rawValue, label: context.language == .french ? $0.frenchLabel : $0.rawValue) }
        let content: BodyNode = .group(
            Kit.pageHeader(title, breadcrumb: [.init(label: model.coop.name, path: SiteURL.cooperative(coopID).path), .init(label: title, path: nil)],
                           actions: model.canCreate ? [Kit.linkButton(context.t("Orienter une personne", "Refer someone"), href: SiteURL.newReferral(coopID).path, primary: true, id: "new-referral")] : [],
                           context: context),
            Kit.listFilterErrors(model.errors, context: context),
            Kit.listFilterForm(action: path, filter: model.filter, typed: model.typed, states: states, context: context),
            Kit.listSummary(model.page, singular: context.t("orientation", "referral"), plural: context.t("orientations", "referrals"), context: context),
            model.page.rows.isEmpty
                ? Kit.emptyState(model.filter.isFiltering ? context.t("Aucune orientation ne correspond à cette recherche.", "No referral matches this search.")
                                                          : context.t("Aucune orientation pour l'instant.", "No referral yet."),
                                 action: model.canCreate && !model.filter.isFiltering ? (context.t("Orienter une personne", "Refer someone"), SiteURL.newReferral(coopID).path) : nil) :
            Kit.table(label: title,
                .thead(.tr(.th(.text(context.t("Personne", "Person"))), .th(.text(context.t("État", "Status"))),
                           .th(.text(context.t("Envoyée le", "Sent on"))), .th(.text(context.t("Par", "By"))))),
                .tbody(.forEach(model.page.rows) { referral in
                    .tr(.td(.a(.href(SiteURL.referral(coopID, referral.id!).path), .text(referral.person.fullName))),
                        .td(Kit.badge(ReferralLabels.status(referral.status, context.language), tone: ReferralStatus(rawValue: referral.status)?.tone ?? .neutral)),
                        .td(.text(referral.createdAt.map { CalendarDay(date: $0).french } ?? "")),
                        .td(.text(referral.referrerLabel)))
                }))
            ,
            Kit.pagination(model.page, path: path, typed: model.typed, filter: model.filter, context: context)
        )
        return Layout.render(context, title: title, status: status, content: content)
    }
}

enum ReferralFormPage {
    /// The core names fields as the API does (`person.firstName`); the form's fields are flat.
    static func formKeys(_ errors: [String: String]) -> [String: String] {
        var mapped: [String: String] = [:]
        for (key, message) in errors {
            let field = key == "consent.date" ? "consentDate" : key.replacingOccurrences(of: "person.", with: "")
            mapped[field] = message
        }
        return mapped
    }

    static func render(coop: Cooperative, form: PathwaysPagesController.ReferralForm, errors: [String: String], context: PageContext, status: HTTPResponseStatus = .ok) -> Response {
        let title = context.t("Orienter une personne", "Refer someone")
        let barrierOptions = Barrier.allCases.map { ($0.rawValue, $0.frenchLabel) }
        let situationOptions = SituationAtEntry.allCases.map { ($0.rawValue, $0.frenchLabel) }
        let educationOptions = EducationLevel.allCases.map { ($0.rawValue, $0.frenchLabel) }
        let content: BodyNode = .group(
            .p(.a(.href(SiteURL.cooperative(coop.id!).path), .text(coop.name))),
            .h1(.text(title)),
            Kit.errorSummary(errors, order: ["firstName", "lastName", "birthYear", "contact", "commune", "qpvCode", "situationAtEntry", "educationLevel", "reason", "barriers", "consent", "consentDate"], context: context),
            .form(
                .class("panel"), .id("referral-form"), .action(SiteURL.newReferral(coop.id!).path), .method(.post),
                Kit.csrfField(context.csrfToken),
                .h2(.text(context.t("La personne", "The person"))),
                Kit.input(.init(name: "firstName", label: context.t("Prénom", "First name"), value: form.firstName, error: errors["firstName"], required: true, autocomplete: "off")),
                Kit.input(.init(name: "lastName", label: context.t("Nom", "Last name"), value: form.lastName, error: errors["lastName"], required: true, autocomplete: "off")),
                Kit.input(.init(name: "birthYear", label: context.t("Année de naissance", "Year of birth"), value: form.birthYear, error: errors["birthYear"], autocomplete: "off", inputMode: "numeric")),
                Kit.input(.init(name: "contact", label: context.t("Téléphone ou courriel", "Phone or email"), value: form.contact, error: errors["contact"], autocomplete: "off")),
                Kit.input(.init(name: "commune", label: context.t("Commune", "Town"), value: form.commune, error: errors["commune"], autocomplete: "off")),
                Kit.input(.init(name: "qpvCode", label: context.t("Code du QPV de résidence (s'il y a lieu)", "QPV code of residence (if any)"), value: form.qpvCode, error: errors["qpvCode"],
                                hint: context.t("Par exemple QN01306M.", "For example QN01306M."))),
                Kit.select(name: "situationAtEntry", label: context.t("Situation", "Situation"), options: situationOptions, selected: form.situationAtEntry,
                           error: errors["situationAtEntry"], required: false, placeholder: context.t("— Non renseignée —", "— Not given —")),
                Kit.select(name: "educationLevel", label: context.t("Niveau de formation", "Education level"), options: educationOptions, selected: form.educationLevel,
                           error: errors["educationLevel"], required: false, placeholder: context.t("— Non renseigné —", "— Not given —")),
                .h2(.text(context.t("L'orientation", "The referral"))),
                Kit.textarea(name: "reason", label: context.t("Pourquoi cette coopérative ?", "Why this cooperative?"), value: form.reason, error: errors["reason"], required: true),
                Kit.checkboxes(name: "barriers", legend: context.t("Freins repérés", "Barriers noticed"), options: barrierOptions, checked: Set(form.barriers ?? []), error: errors["barriers"]),
                Kit.input(.init(name: "preferredContact", label: context.t("Comment la joindre de préférence ?", "Best way to reach them?"), value: form.preferredContact, error: errors["preferredContact"], autocomplete: "off")),
                .h2(.text(context.t("Consentement", "Consent"))),
                .p(.class("hint"), .text(ReferralDraft.consentPurpose)),
                Kit.checkbox(name: "consent", label: context.t("La personne a donné son accord à cette orientation et au traitement de ses données.", "The person agreed to this referral and to the processing of their data."),
                             checked: form.consent == "on", error: errors["consent"], required: true),
                Kit.input(.init(name: "consentDate", label: context.t("Date de l'accord", "Date of consent"), value: form.consentDate, type: .date, error: errors["consentDate"],
                                hint: context.t("Aujourd'hui si vous laissez vide.", "Today if left empty."))),
                Kit.submit(context.t("Envoyer l'orientation", "Send the referral"), id: "referral-submit")
            )
        )
        return Layout.render(context, title: title, status: status, content: content)
    }
}

enum ReferralPage {
    struct Model {
        var coop: Cooperative
        var referral: Referral
        var steps: [ReferralTransition]
        var coordination: Bool
        /// Other referrals of, probably, the same person (coordination only).
        var duplicates: [Referral] = []
    }

    static func render(_ model: Model, errors: [String: String], context: PageContext, status: HTTPResponseStatus = .ok) -> Response {
        let referral = model.referral
        let person = referral.person
        let coopID = model.coop.id!
        let current = referral.referralStatus
        let showReason = model.coordination || referral.shareReason
        let title = context.t("Orientation de ", "Referral of ") + person.fullName
        let facts = Self.facts(model, showReason: showReason, context: context)
        let targets = model.coordination ? ReferralWorkflow.allowedTargets(from: current).filter { $0 != .refused } : []
        let canRefuse = model.coordination && ReferralWorkflow.allowedTargets(from: current).contains(.refused)
        let content: BodyNode = .group(
            Kit.pageHeader(title, breadcrumb: [.init(label: model.coop.name, path: SiteURL.cooperative(coopID).path),
                                               .init(label: model.coordination ? context.t("Orientations reçues", "Referrals received") : context.t("Mes orientations", "My referrals"),
                                                     path: SiteURL.referrals(coopID).path)], context: context),
            duplicates(model, context: context),
            .section(.class("panel"), Kit.facts(facts),
                .unwrap(referral.pathwayID.flatMap { model.coordination ? $0 : nil }) { pathwayID in
                    .p(.a(.class("button primary"), .href(SiteURL.pathway(coopID, pathwayID).path), .text(context.t("Ouvrir le parcours", "Open the pathway"))))
                }),
            .if(!targets.isEmpty || canRefuse, .section(.class("panel"),
                .h2(.text(context.t("Étape suivante", "Next step"))),
                Kit.errorSummary(errors, order: ["to", "reason"], context: context),
                .group(targets.map { target in
                    .form(.class("inline"), .action(SiteURL.referralTransitions(coopID, referral.id!).path), .method(.post),
                          Kit.csrfField(context.csrfToken),
                          .input(.type(.hidden), .name("to"), .value(target.rawValue)),
                          .button(.type(.submit), .class("primary"), .id("to-\(target.rawValue)"), .text(Self.actionLabel(target, context))))
                }),
                .if(canRefuse, .form(.id("refuse-form"), .action(SiteURL.referralTransitions(coopID, referral.id!).path), .method(.post),
                    Kit.csrfField(context.csrfToken),
                    .input(.type(.hidden), .name("to"), .value(ReferralStatus.refused.rawValue)),
                    Kit.textarea(name: "reason", label: context.t("Motif du refus", "Reason for refusal"), value: nil, error: errors["reason"], required: true),
                    Kit.checkbox(name: "shareReason", label: context.t("Montrer ce motif à la personne qui a orienté", "Show this reason to the referrer"), checked: false),
                    .div(.class("actions"), .button(.type(.submit), .class("danger"), .id("to-refused"), .text(context.t("Refuser l'orientation", "Refuse the referral"))))))
            )),
            .section(.class("panel"),
                .h2(.text(context.t("Historique", "History"))),
                model.steps.isEmpty ? .p(.text(context.t("Envoyée, pas encore traitée.", "Sent, not handled yet."))) :
                .ol(.class("history"), .forEach(model.steps) { step in
                    .li(.text("\(CalendarDay(date: step.occurredAt).french) — \(ReferralLabels.status(step.fromStatus, context.language)) → \(ReferralLabels.status(step.toStatus, context.language)) (\(step.authorLabel))"
                              + (showReason ? step.reason.map { " : \($0)" } ?? "" : "")))
                }))
        )
        return Layout.render(context, title: title, status: status, content: content)
    }

    /// Everything the referrer sent, in the order they typed it.
    private static func facts(_ model: Model, showReason: Bool, context: PageContext) -> [(String, String)] {
        let referral = model.referral
        let person = referral.person
        let sentOn: String = referral.createdAt.map { CalendarDay(date: $0).french } ?? "—"
        let barriers: String = referral.barriers.compactMap { Barrier(rawValue: $0)?.frenchLabel }.joined(separator: ", ").ifEmpty("—")
        let situation: String = person.situationAtEntry.flatMap { SituationAtEntry(rawValue: $0)?.frenchLabel } ?? "—"
        let education: String = person.educationLevel.flatMap { EducationLevel(rawValue: $0)?.frenchLabel } ?? "—"
        let consent: String = context.t("donné le ", "given on ") + CalendarDay(date: referral.consentDate).french
        var facts: [(String, String)] = [
            (context.t("État", "Status"), ReferralLabels.status(referral.status, context.language)),
            (context.t("Envoyée par", "Sent by"), referral.referrerLabel),
            (context.t("Envoyée le", "Sent on"), sentOn),
            (context.t("Motif", "Reason"), referral.reason),
            (context.t("Freins repérés", "Barriers"), barriers),
        ]
        facts += [
            (context.t("Année de naissance", "Year of birth"), person.birthYear.map(String.init) ?? "—"),
            (context.t("Téléphone ou courriel", "Phone or email"), person.contact ?? "—"),
            (context.t("Comment la joindre", "Best way to reach them"), referral.preferredContact ?? "—"),
            (context.t("Commune", "Town"), person.commune ?? "—"),
            (context.t("QPV", "QPV"), person.qpvCode ?? "—"),
        ]
        facts += [
            (context.t("Situation", "Situation"), situation),
            (context.t("Niveau de formation", "Education level"), education),
            (context.t("Consentement", "Consent"), consent),
            (context.t("Pour", "For"), referral.consentPurpose),
        ]
        if showReason, let refusal = referral.refusalReason {
            facts.append((context.t("Motif du refus", "Reason for refusal"), refusal))
        }
        return facts
    }

    /// The coordinator is told when the same person seems to have been referred before.
    private static func duplicates(_ model: Model, context: PageContext) -> BodyNode {
        .if(!model.duplicates.isEmpty, .section(.class("notice-warning"), .id("duplicates"),
            .p(.strong(.text(context.t("Déjà orientée ? ", "Referred before? "))),
               .text(context.t("Même nom et même année de naissance que :", "Same names and year of birth as:"))),
            .ul(.forEach(model.duplicates) { other in
                .li(.a(.href(SiteURL.referral(model.coop.id!, other.id!).path),
                       .text("\(other.person.fullName), \(context.t("orientée le", "referred on")) \(other.createdAt.map { CalendarDay(date: $0).french } ?? "—") \(context.t("par", "by")) \(other.referrerLabel)")),
                    .text(" "), Kit.badge(other.referralStatus, context: context))
            })))
    }

    static func actionLabel(_ target: ReferralStatus, _ context: PageContext) -> String {
        switch target {
        case .received: context.t("Marquer comme reçue", "Mark as received")
        case .interview: context.t("Entretien prévu", "Interview planned")
        case .accepted: context.t("Accepter et ouvrir le parcours", "Accept and open the pathway")
        default: ReferralLabels.status(target.rawValue, context.language)
        }
    }
}

extension String {
    func ifEmpty(_ replacement: String) -> String { isEmpty ? replacement : self }
}
