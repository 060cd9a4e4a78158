import Foundation
import MaillageCore
import Plot
import Vapor

enum ReferralsPage {
    struct Model {
        var coop: Cooperative
        var referrals: [Referral]
        var coordination: Bool
        var canCreate: Bool
    }

    static func render(_ model: Model, context: PageContext) -> Response {
        let title = model.coordination ? context.t("Orientations reçues", "Referrals received") : context.t("Mes orientations", "My referrals")
        let coopID = model.coop.id!
        let content: BodyNode = .group(
            .p(.a(.href(SiteURL.cooperative(coopID).path), .text(model.coop.name))),
            .h1(.text(title)),
            .if(model.canCreate, .div(.class("actions"),
                .a(.class("button primary"), .id("new-referral"), .href(SiteURL.newReferral(coopID).path), .text(context.t("Orienter une personne", "Refer someone"))))),
            model.referrals.isEmpty ? .p(.text(context.t("Aucune orientation pour l'instant.", "No referral yet."))) :
            Kit.table(label: title,
                .thead(.tr(.th(.text(context.t("Personne", "Person"))), .th(.text(context.t("État", "Status"))),
                           .th(.text(context.t("Envoyée le", "Sent on"))), .th(.text(context.t("Par", "By"))))),
                .tbody(.forEach(model.referrals) { referral in
                    .tr(.td(.a(.href(SiteURL.referral(coopID, referral.id!).path), .text(referral.person.fullName))),
                        .td(.span(.class("status"), .text(ReferralLabels.status(referral.status, context.language)))),
                        .td(.text(referral.createdAt.map { CalendarDay(date: $0).french } ?? "")),
                        .td(.text(referral.referrerLabel)))
                }))
        )
        return Layout.render(context, title: title, content: content)
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
    }

    static func render(_ model: Model, errors: [String: String], context: PageContext, status: HTTPResponseStatus = .ok) -> Response {
        let referral = model.referral
        let person = referral.person
        let coopID = model.coop.id!
        let current = referral.referralStatus
        let showReason = model.coordination || referral.shareReason
        let title = context.t("Orientation de ", "Referral of ") + person.fullName
        let facts: [(String, String)] = [
            (context.t("État", "Status"), ReferralLabels.status(referral.status, context.language)),
            (context.t("Envoyée par", "Sent by"), referral.referrerLabel),
            (context.t("Motif", "Reason"), referral.reason),
            (context.t("Freins repérés", "Barriers"), referral.barriers.compactMap { Barrier(rawValue: $0)?.frenchLabel }.joined(separator: ", ").ifEmpty("—")),
            (context.t("Année de naissance", "Year of birth"), person.birthYear.map(String.init) ?? "—"),
            (context.t("Contact", "Contact"), person.contact ?? "—"),
            (context.t("Commune", "Town"), person.commune ?? "—"),
            (context.t("QPV", "QPV"), person.qpvCode ?? "—"),
            (context.t("Situation", "Situation"), person.situationAtEntry.flatMap { SituationAtEntry(rawValue: $0)?.frenchLabel } ?? "—"),
            (context.t("Consentement", "Consent"), context.t("donné le ", "given on ") + CalendarDay(date: referral.consentDate).french),
        ] + (showReason && referral.refusalReason != nil ? [(context.t("Motif du refus", "Reason for refusal"), referral.refusalReason!)] : [])
        let targets = model.coordination ? ReferralWorkflow.allowedTargets(from: current).filter { $0 != .refused } : []
        let canRefuse = model.coordination && ReferralWorkflow.allowedTargets(from: current).contains(.refused)
        let content: BodyNode = .group(
            .p(.a(.href(SiteURL.referrals(coopID).path), .text(model.coordination ? context.t("Orientations reçues", "Referrals received") : context.t("Mes orientations", "My referrals")))),
            .h1(.text(title)),
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

    static func actionLabel(_ target: ReferralStatus, _ context: PageContext) -> String {
        switch target {
        case .received: context.t("Marquer comme reçue", "Mark as received")
        case .interview: context.t("Entretien prévu", "Interview planned")
        case .accepted: context.t("Accepter et ouvrir le parcours", "Accept and open the pathway")
        default: ReferralLabels.status(target.rawValue, context.language)
        }
    }
}

enum PathwayPage {
    struct Model {
        var coop: Cooperative
        var pathway: Pathway
        var referral: Referral?
        var barrierHistory: [BarrierAssessment]
    }

    static func render(
        _ model: Model, exitForm: PathwaysPagesController.ExitForm, errors: [String: String],
        barrierForm: PathwaysPagesController.BarrierForm = .init(), barrierErrors: [String: String] = [:],
        context: PageContext, status: HTTPResponseStatus = .ok
    ) -> Response {
        let current = BarrierDiagnostic.current(PathwaysRepository.diagnostic(model.barrierHistory))
        let resolved = Set(BarrierDiagnostic.resolved(PathwaysRepository.diagnostic(model.barrierHistory)))
        let pathway = model.pathway
        let person = pathway.person
        let coopID = model.coop.id!
        let title = person.fullName
        let exitFacts: [(String, String)] = pathway.exitDate.map { date in
            [
                (context.t("Date de sortie", "Exit date"), CalendarDay(date: date).french),
                (context.t("Situation à la sortie", "Situation at exit"), pathway.exitDestination.flatMap { ExitDestination(rawValue: $0)?.frenchLabel } ?? "—"),
                (context.t("Catégorie", "Category"), pathway.exitCategory.flatMap { ExitCategory(rawValue: $0)?.frenchLabel } ?? "—"),
                (context.t("Suivi à 6 mois", "6-month follow-up"), pathway.followUpDue.map { CalendarDay(date: $0).french } ?? "—"),
            ]
        } ?? []
        let content: BodyNode = .group(
            .p(.a(.href(SiteURL.pathways(coopID).path), .text(context.t("Parcours", "Pathways")))),
            .h1(.text(title)),
            .section(.class("panel"),
                .h2(.text(context.t("À l'entrée", "At entry"))),
                Kit.facts([
                    (context.t("Entrée dans le parcours", "Pathway opened"), CalendarDay(date: pathway.openedOn).french),
                    (context.t("Orientée par", "Referred by"), model.referral?.referrerLabel ?? "—"),
                    (context.t("Année de naissance", "Year of birth"), person.birthYear.map(String.init) ?? "—"),
                    (context.t("Commune", "Town"), person.commune ?? "—"),
                    (context.t("QPV", "QPV"), person.qpvCode ?? "—"),
                    (context.t("Situation", "Situation"), person.situationAtEntry.flatMap { SituationAtEntry(rawValue: $0)?.frenchLabel } ?? "—"),
                    (context.t("Niveau de formation", "Education level"), person.educationLevel.flatMap { EducationLevel(rawValue: $0)?.frenchLabel } ?? "—"),
                    (context.t("Freins repérés à l'orientation", "Barriers noticed at referral"), (model.referral?.barriers ?? []).compactMap { Barrier(rawValue: $0)?.frenchLabel }.joined(separator: ", ").ifEmpty("—")),
                ])),
            .section(.class("panel"), .id("freins"),
                .h2(.text(context.t("Freins périphériques", "Barriers"))),
                current.isEmpty ? .p(.text(context.t("Aucun frein évalué pour l'instant.", "No barrier assessed yet."))) :
                Kit.table(label: context.t("Freins : dernière évaluation", "Barriers: latest assessment"),
                    .thead(.tr(.th(.text(context.t("Frein", "Barrier"))), .th(.text(context.t("Niveau", "Level"))), .th(.text(context.t("Évalué le", "Assessed on"))))),
                    .tbody(.forEach(current) { assessment in
                        .tr(.td(.text(assessment.barrier.frenchLabel)),
                            .td(.text(assessment.level.frenchLabel + (resolved.contains(assessment.barrier) ? context.t(" (levé)", " (resolved)") : ""))),
                            .td(.text(assessment.day.french)))
                    })),
                .if(model.barrierHistory.count > current.count, .details(
                    .summary(.text(context.t("Historique des évaluations", "Assessment history"))),
                    .ol(.class("history"), .forEach(model.barrierHistory) { row in
                        .li(.text("\(CalendarDay(date: row.assessedOn).french) — \(Barrier(rawValue: row.barrier)?.frenchLabel ?? row.barrier) : \(BarrierLevel(rawValue: row.level)?.frenchLabel ?? row.level) (\(row.authorLabel))"))
                    }))),
                Kit.errorSummary(barrierErrors.reduce(into: [:]) { $0[$1.key == "date" ? "barrierDate" : $1.key] = $1.value }, order: ["barrier", "level", "barrierDate"], context: context),
                .form(.id("barrier-form"), .action(SiteURL.pathwayBarriers(coopID, pathway.id!).path), .method(.post),
                    Kit.csrfField(context.csrfToken),
                    Kit.select(name: "barrier", label: context.t("Frein", "Barrier"), options: Barrier.allCases.map { ($0.rawValue, $0.frenchLabel) },
                               selected: barrierForm.barrier, error: barrierErrors["barrier"], placeholder: context.t("— Choisissez —", "— Choose —")),
                    Kit.select(name: "level", label: context.t("Niveau", "Level"), options: BarrierLevel.allCases.map { ($0.rawValue, $0.frenchLabel) },
                               selected: barrierForm.level, error: barrierErrors["level"], placeholder: context.t("— Choisissez —", "— Choose —")),
                    Kit.input(.init(name: "barrierDate", label: context.t("Date de l'évaluation", "Assessment date"), value: barrierForm.date, type: .date, error: barrierErrors["date"],
                                    hint: context.t("Aujourd'hui si vous laissez vide.", "Today if left empty."))),
                    Kit.submit(context.t("Enregistrer l'évaluation", "Save the assessment"), id: "barrier-submit"))),
            .section(.class("panel"),
                .h2(.text(context.t("Sortie", "Exit"))),
                exitFacts.isEmpty ? .p(.text(context.t("La personne est toujours dans son parcours.", "The person is still on their pathway."))) : Kit.facts(exitFacts),
                Kit.errorSummary(errors, order: ["destination", "date"], context: context),
                .form(.id("exit-form"), .action(SiteURL.pathwayExit(coopID, pathway.id!).path), .method(.post),
                    Kit.csrfField(context.csrfToken),
                    Kit.select(name: "destination", label: context.t("Situation à la sortie", "Situation at exit"),
                               options: ExitDestination.allCases.map { ($0.rawValue, $0.frenchLabel) }, selected: exitForm.destination ?? pathway.exitDestination,
                               error: errors["destination"], placeholder: context.t("— Choisissez —", "— Choose —")),
                    Kit.input(.init(name: "date", label: context.t("Date de sortie", "Exit date"), value: exitForm.date ?? pathway.exitDate.map { CalendarDay(date: $0).description }, type: .date, error: errors["date"], required: true)),
                    Kit.submit(exitFacts.isEmpty ? context.t("Enregistrer la sortie", "Record the exit") : context.t("Corriger la sortie", "Correct the exit"), id: "exit-submit")))
        )
        return Layout.render(context, title: title, status: status, content: content)
    }
}

extension String {
    func ifEmpty(_ replacement: String) -> String { isEmpty ? replacement : self }
}
