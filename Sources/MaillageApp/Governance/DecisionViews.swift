import Foundation
import MaillageCore
import Plot
import Vapor

enum DecisionsPage {
    static func render(_ repository: DecisionRepository, form: DecisionsController.DecisionForm, errors: [String: String],
                       context: PageContext, status: HTTPResponseStatus = .ok) async throws -> Response {
        let coop = repository.scope.cooperative
        let now = Date()
        let decisions = try await repository.decisions()
        let open = decisions.filter { $0.isOpen(at: now) }.sorted { $0.closesAt < $1.closesAt }
        let closed = decisions.filter { !$0.isOpen(at: now) }
        let colleges = try await repository.governance.colleges()
        let title = context.t("Décisions du quotidien", "Everyday decisions")
        let electorates = [("members", context.t("Tous les associé·es", "All members")), ("cooperants", context.t("Les coopérant·es", "The cooperants"))]
            + colleges.map { ("college:\($0.id!.uuidString)", context.t("Le collège ", "The college ") + $0.name) }
        func row(_ decision: Decision) -> Node<HTML.ListContext> {
            // The decision's state as a badge: open (voting), closed with its outcome to write
            // (the author acts), concluded.
            let open = decision.isOpen(at: now)
            let state = open ? context.t("clôture le ", "closes on ") + LocalDateTime(date: decision.closesAt).french
                : (decision.outcome == nil ? context.t("close, conclusion à écrire", "closed, outcome to write") : context.t("close", "closed"))
            return .li(.a(.href(SiteURL.decision(coop.id!, decision.id!).path), .text(decision.title)),
                       .text(" — " + decision.decisionKind.frenchLabel.lowercased() + ", "),
                       Kit.badge(state, tone: open ? .info : (decision.outcome == nil ? .warning : .success)))
        }
        return Layout.render(context, title: title, status: status, content: .group(
            .p(.a(.href(SiteURL.cooperative(coop.id!).path), .text(coop.name))),
            .h1(.text(title)),
            .p(.class("hint"), .text(context.t("Entre deux assemblées, les associé·es décident ensemble : une proposition (d'accord, abstention, pas d'accord, blocage) ou un sondage.",
                                               "Between assemblies, members decide together: a proposal (agree, abstain, disagree, block) or a poll."))),
            .h2(.text(context.t("Ouvertes", "Open"))),
            open.isEmpty ? .p(.text(context.t("Aucune décision ouverte.", "No open decision."))) : .ul(.id("open-decisions"), .forEach(open, row)),
            .h2(.text(context.t("Closes", "Closed"))),
            closed.isEmpty ? .p(.text(context.t("Aucune.", "None."))) : .ul(.id("closed-decisions"), .forEach(closed, row)),
            .section(.class("panel"),
                .h2(.text(context.t("Poser une question", "Ask a question"))),
                Kit.errorSummary(errors, order: ["kind", "title", "details", "options", "closesAt", "electorate", "quorumPercent"], context: context),
                .form(.id("decision-form"), .action(SiteURL.decisions(coop.id!).path), .method(.post),
                    Kit.csrfField(context.csrfToken),
                    Kit.select(name: "kind", label: context.t("Forme", "Form"), options: [("proposal", context.t("Proposition : d'accord, abstention, pas d'accord, blocage", "Proposal: agree, abstain, disagree, block")),
                                                                                   ("poll", context.t("Sondage : des choix", "Poll: choices"))],
                               selected: form.kind ?? "proposal", error: errors["kind"]),
                    Kit.input(.init(name: "title", label: context.t("Question ou proposition", "Question or proposal"), value: form.title, error: errors["title"], required: true)),
                    Kit.textarea(name: "details", label: context.t("Précisions", "Details"), value: form.details, error: errors["details"]),
                    Kit.textarea(name: "options", label: context.t("Choix du sondage (un par ligne)", "Poll choices (one per line)"), value: form.options, error: errors["options"]),
                    Kit.checkbox(name: "multipleChoice", label: context.t("Plusieurs choix possibles", "Several choices allowed"), checked: form.multipleChoice == "on"),
                    Kit.input(.init(name: "closesAt", label: context.t("Clôture", "Closes"), value: form.closesAt ?? LocalDateTime(date: now.addingTimeInterval(7 * 86_400)).description,
                                    type: .datetimeLocal, error: errors["closesAt"], required: true)),
                    Kit.select(name: "electorate", label: context.t("Qui vote", "Who votes"), options: electorates, selected: form.electorate ?? "members", error: errors["electorate"]),
                    Kit.input(.init(name: "quorumPercent", label: context.t("Quorum (% des votant·es possibles, facultatif)", "Quorum (% of possible voters, optional)"),
                                    value: form.quorumPercent, error: errors["quorumPercent"], inputMode: "numeric")),
                    Kit.checkbox(name: "anonymous", label: context.t("Vote anonyme", "Anonymous vote"), checked: form.anonymous == "on"),
                    Kit.submit(context.t("Ouvrir le vote", "Open the vote"), id: "decision-submit")))
        ))
    }
}

enum DecisionPage {
    static func render(_ repository: DecisionRepository, _ decision: Decision, errors: [String: String], context: PageContext,
                       status: HTTPResponseStatus = .ok) async throws -> Response {
        let coop = repository.scope.cooperative
        let record = try await repository.record(decision)
        let tally = record.tally
        let labels = Dictionary(uniqueKeysWithValues: record.options.map { ($0.id!.uuidString, $0.label) })
        let rows: [(label: String, count: Int)] = decision.decisionKind == .proposal
            ? Stance.allCases.map { ($0.frenchLabel, tally.count($0.rawValue)) }
            : record.options.map { ($0.label, tally.count($0.id!.uuidString)) }
        let own = record.ownVote?.choiceList.map { labels[$0] ?? Stance(rawValue: $0)?.frenchLabel ?? $0 }
        return Layout.render(context, title: decision.title, status: status, content: .group(
            .p(.a(.href(SiteURL.decisions(coop.id!).path), .text(context.t("Décisions du quotidien", "Everyday decisions")))),
            .h1(.text(decision.title)),
            .unwrap(decision.details) { details in .group(details.split(whereSeparator: \.isNewline).map { .p(.text(String($0))) }) },
            Kit.facts([
                (context.t("Forme", "Form"), decision.decisionKind.frenchLabel + (decision.multipleChoice ? context.t(", plusieurs choix", ", several choices") : "")),
                (context.t("Qui vote", "Who votes"), record.electorateLabel),
                (context.t("Clôture", "Closes"), record.isOpen ? LocalDateTime(date: decision.closesAt).french
                    : LocalDateTime(date: decision.closedAt ?? decision.closesAt).french + context.t(" — close", " — closed")),
                (context.t("Participation", "Turnout"), "\(tally.voters) / \(tally.electorate)"
                    + (decision.quorumPercent.map { context.t(" ; quorum \($0) % ", "; quorum \($0) % ") + (tally.quorumReached ? context.t("atteint", "reached") : context.t("non atteint", "not reached")) } ?? "")),
                (context.t("Vote", "Vote"), decision.anonymous ? context.t("anonyme", "anonymous") : context.t("à découvert", "open")),
                (context.t("Posée par", "Asked by"), decision.authorName),
            ]),
            .unwrap(decision.outcome) { outcome in
                .section(.class("notice"), .id("outcome"), .h2(.text(context.t("Conclusion", "Outcome"))), .group(outcome.split(whereSeparator: \.isNewline).map { .p(.text(String($0))) }))
            },
            .h2(.text(context.t("Résultat", "Result"))),
            Kit.table(label: context.t("Résultat", "Result"),
                .thead(.tr(.th(.text(context.t("Choix", "Choice"))), .th(.class("num"), .text(context.t("Voix", "Votes"))))),
                .tbody(.forEach(rows) { .tr(.td(.text($0.label)), .td(.class("num"), .text("\($0.count)"))) })),
            decision.decisionKind == .proposal
                ? .p(.id("indication"), .text(tally.count(Stance.block.rawValue) > 0 ? context.t("Au moins un blocage : la proposition est à retravailler.", "At least one block: the proposal needs more work.")
                                              : tally.proposalCarried ? context.t("Plus d'accords que de désaccords.", "More agree than disagree.")
                                              : context.t("Pas de majorité d'accord pour l'instant.", "No majority agrees so far.")))
                : .p(.id("indication"), .text(context.t("En tête : ", "Leading: ") + (tally.leading(record.options.map { $0.id!.uuidString }).compactMap { labels[$0] }.joined(separator: ", ").nonEmpty ?? "—"))),
            .if(!decision.anonymous && !record.votes.isEmpty, .group(
                .h2(.text(context.t("Qui a voté quoi", "Who voted what"))),
                .ul(.forEach(record.votes) { vote in .li(.text(vote.voterName + " : " + vote.choiceList.map { labels[$0] ?? Stance(rawValue: $0)?.frenchLabel ?? $0 }.joined(separator: ", "))) }))),
            Kit.errorSummary(errors, order: ["stance", "options", "outcome"], context: context),
            .if(record.mayVote, .section(.class("panel"), .id("vote"),
                .h2(.text(context.t("Mon vote", "My vote"))),
                .unwrap(own) { .p(.text(context.t("Actuellement : ", "Now: ") + $0.joined(separator: ", "))) },
                voteForm(record, coop: coop.id!, context: context))),
            .if(record.isOpen && !record.mayVote, .p(.class("hint"), .text(context.t("Vous ne faites pas partie des votant·es de cette décision.", "You are not among this decision's voters.")))),
            .if(record.mayClose && decision.outcome == nil, .section(.class("panel"), .id("close"),
                .h2(.text(record.isOpen ? context.t("Clore et conclure", "Close and conclude") : context.t("Écrire la conclusion", "Write the outcome"))),
                .form(.id("close-form"), .action(SiteURL.decisionAction(coop.id!, decision.id!, "close").path), .method(.post), Kit.csrfField(context.csrfToken),
                    Kit.textarea(name: "outcome", label: context.t("Ce qui est décidé", "What is decided"), value: nil, error: errors["outcome"], required: true),
                    Kit.submit(context.t("Clore avec cette conclusion", "Close with this outcome"), id: "close-submit"))))
        ))
    }

    static func voteForm(_ record: DecisionRecord, coop: UUID, context: PageContext) -> Node<HTML.BodyContext> {
        let action = SiteURL.decisionAction(coop, record.decision.id!, "votes").path
        if record.decision.decisionKind == .proposal {
            let buttons: [Node<HTML.FormContext>] = Stance.allCases.map { stance in
                .button(.type(.submit), .name("stance"), .value(stance.rawValue), .class(stance == .agree ? "primary" : stance == .block ? "danger" : ""),
                        .id("stance-\(stance.rawValue)"), .text(stance.frenchLabel))
            }
            return .form(.id("stance-form"), .class("vote-buttons"), .action(action), .method(.post), Kit.csrfField(context.csrfToken), .div(.id("stance"), .class("actions"), .group(buttons)))
        }
        let chosen = Set(record.ownVote?.choiceList ?? [])
        let inputs: [Node<HTML.FormContext>] = record.options.map { option in
            let id = "option-\(option.position)"
            return .div(.class("check"),
                .input(.type(record.decision.multipleChoice ? .checkbox : .radio), .id(id), .name("options[]"), .value(option.id!.uuidString), .checked(chosen.contains(option.id!.uuidString))),
                .label(.for(id), .text(option.label)))
        }
        return .form(.id("poll-form"), .action(action), .method(.post), Kit.csrfField(context.csrfToken),
            .fieldset(.id("options"), .element(named: "legend", nodes: [.text(record.decision.multipleChoice ? context.t("Cochez vos choix", "Tick your choices") : context.t("Votre choix", "Your choice"))]), .group(inputs)),
            Kit.submit(context.t("Voter", "Vote"), id: "poll-submit"))
    }
}

extension String {
    /// Nil for an empty string, for `??`.
    var nonEmpty: String? { isEmpty ? nil : self }
}
