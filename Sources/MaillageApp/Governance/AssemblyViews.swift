import Foundation
import MaillageCore
import Plot
import Vapor

enum AssembliesPage {
    static func render(_ repository: AssemblyRepository, form: AssemblyPagesController.AssemblyForm, errors: [String: String],
                       context: PageContext, status: HTTPResponseStatus = .ok) async throws -> Response {
        let coop = repository.scope.cooperative
        let assemblies = try await repository.assemblies()
        let title = context.t("Assemblées générales", "General assemblies")
        return Layout.render(context, title: title, status: status, content: .group(
            .p(.a(.href(SiteURL.cooperative(coop.id!).path), .text(coop.name))),
            .h1(.text(title)),
            assemblies.isEmpty ? .p(.text(context.t("Aucune assemblée pour l'instant.", "No assembly yet."))) :
            Kit.table(label: title,
                .thead(.tr(.th(.text(context.t("Date", "Date"))), .th(.text(context.t("Assemblée", "Assembly"))), .th(.text(context.t("Convocation", "Convocation"))),
                           .th(.text(context.t("Procès-verbal", "Minutes"))))),
                .tbody(.forEach(assemblies) { assembly in
                    .tr(.td(.a(.href(SiteURL.assembly(coop.id!, assembly.id!).path), .text(assembly.day.french))),
                        .td(.text(assembly.assemblyKind.frenchLabel + " — " + assembly.assemblyConvocation.frenchLabel.lowercased())),
                        // The assembly's state as badges: to convene (the secretary acts), convened, minutes locked.
                        .td(assembly.convenedOn.map { Kit.badge(context.t("envoyée le ", "sent on ") + CalendarDay(date: $0).french, tone: .info) }
                            ?? Kit.badge(context.t("à envoyer", "to send"), tone: .warning)),
                        .td(assembly.isLocked ? .a(.class("badge badge-success"), .href(SiteURL.assemblyMinutes(coop.id!, assembly.id!).path), .text(context.t("verrouillé", "locked")))
                                              : Kit.badge(context.t("en cours", "in progress"), tone: .neutral)))
                })),
            .if(repository.scope.allows(.manageGovernance), .section(.class("panel"),
                .h2(.text(context.t("Préparer une assemblée", "Plan an assembly"))),
                Kit.errorSummary(errors, order: ["kind", "convocation", "date", "place", "remoteLink", "agenda"], context: context),
                .form(.id("assembly-form"), .action(SiteURL.assemblies(coop.id!).path), .method(.post),
                    Kit.csrfField(context.csrfToken),
                    Kit.select(name: "kind", label: context.t("Assemblée", "Assembly"), options: AssemblyKind.allCases.map { ($0.rawValue, $0.frenchLabel) },
                               selected: form.kind ?? AssemblyKind.ordinary.rawValue, error: errors["kind"]),
                    Kit.select(name: "convocation", label: context.t("Convocation", "Convocation"), options: Convocation.allCases.map { ($0.rawValue, $0.frenchLabel) },
                               selected: form.convocation ?? Convocation.first.rawValue, error: errors["convocation"]),
                    Kit.input(.init(name: "date", label: context.t("Date", "Date"), value: form.date, type: .date, error: errors["date"],
                                    hint: context.t("La convocation part au moins 15 jours avant.", "The convocation leaves at least 15 days before."), required: true)),
                    Kit.input(.init(name: "time", label: context.t("Heure", "Time"), value: form.time, type: .time)),
                    Kit.input(.init(name: "place", label: context.t("Lieu", "Place"), value: form.place, error: errors["place"])),
                    Kit.input(.init(name: "remoteLink", label: context.t("Lien pour participer à distance", "Link to take part remotely"), value: form.remoteLink, type: .url, error: errors["remoteLink"])),
                    Kit.textarea(name: "agenda", label: context.t("Ordre du jour (un point par ligne)", "Agenda (one item per line)"), value: form.agenda, error: errors["agenda"]),
                    Kit.submit(context.t("Créer l'assemblée", "Create the assembly"), id: "assembly-submit"))))
        ))
    }
}

enum AssemblyPage {
    static func render(_ repository: AssemblyRepository, _ assembly: Assembly, errors: [String: String], context: PageContext,
                       status: HTTPResponseStatus = .ok) async throws -> Response {
        let coop = repository.scope.cooperative
        let record = try await repository.record(assembly)
        let canManage = repository.scope.allows(.manageGovernance) && !assembly.isLocked
        let members = record.members.values.sorted { $0.number < $1.number }
        let eligible = repository.membersWithVote(members, on: assembly.day)
        let attendance = Dictionary(uniqueKeysWithValues: record.attendance.map { ($0.memberID, $0) })
        let present = eligible.filter { attendance[$0.id!]?.attendanceMode == .present }
        let votes = ResolutionVoteIndex(try await repository.votes(resolutionIDs: record.results.map { $0.resolution.id! }))
        let title = assembly.assemblyKind.frenchLabel + " du " + assembly.day.french
        let memberLabel = { (member: Member) in "n° \(member.number) — " + member.displayName }
        let memberOptions = eligible.map { ($0.id!.uuidString, memberLabel($0)) }
        let base = { (action: String) in SiteURL.assemblyAction(coop.id!, assembly.id!, action).path }
        let neededForQuorum = record.quorum.map { ($0.numerator * record.membersWithVote + $0.denominator - 1) / $0.denominator }
        return Layout.render(context, title: title, status: status, content: .group(
            .p(.a(.href(SiteURL.assemblies(coop.id!).path), .text(context.t("Assemblées générales", "General assemblies")))),
            .h1(.text(title)),
            Kit.errorSummary(errors, order: ["date", "chair", "secretary", "tellers", "memberID", "mode", "proxyHolderID", "title", "text", "majority", "votes"], context: context),
            Kit.facts([
                (context.t("Convocation", "Convocation"), assembly.assemblyConvocation.frenchLabel),
                (context.t("Date", "Date"), assembly.day.french + (assembly.time.map { " à " + FrenchText.clock($0) } ?? "")),
                (context.t("Lieu", "Place"), assembly.place ?? "—"),
                (context.t("À distance", "Remote"), assembly.remoteLink ?? "—"),
                (context.t("Convocation envoyée", "Convocation sent"), assembly.convenedOn.map { CalendarDay(date: $0).french } ?? context.t("pas encore", "not yet")),
            ]),
            .if(!assembly.agendaItems.isEmpty, .group(.h2(.text(context.t("Ordre du jour", "Agenda"))), .ol(.forEach(assembly.agendaItems) { .li(.text($0)) }))),
            .p(.a(.href(SiteURL.assemblyConvocation(coop.id!, assembly.id!).path), .text(context.t("Lettre de convocation à imprimer", "Printable convocation letter"))),
               .text(" · "), .a(.href(SiteURL.assemblyVote(coop.id!, assembly.id!).path), .text(context.t("Voter depuis mon téléphone", "Vote from my phone"))),
               .text(" · "), .a(.id("minutes-link"), .href(SiteURL.assemblyMinutes(coop.id!, assembly.id!).path), .text(context.t("Procès-verbal", "Minutes")))),
            .if(assembly.isLocked, .p(.class("notice"), .id("locked"), .text(context.t("Procès-verbal verrouillé : l'assemblée ne change plus.", "Minutes locked: the assembly no longer changes.")))),
            .if(canManage && assembly.convenedOn == nil, .section(.class("panel"), .id("convocation"),
                .h2(.text(context.t("Convoquer", "Convene"))),
                .p(.text(context.t("Enregistre la date d'envoi et met en partance un courriel pour chaque associé·e qui a un compte ; imprimez la lettre pour les autres.",
                                   "Records the sending date and queues an email to every member with an account; print the letter for the others."))),
                .form(.action(base("convocation")), .method(.post), Kit.csrfField(context.csrfToken),
                      Kit.submit(context.t("Envoyer la convocation", "Send the convocation"), id: "convocation-submit")))),
            .section(.id("bureau"),
                .h2(.text(context.t("Bureau", "Bureau"))),
                Kit.facts([(context.t("Présidence", "Chair"), assembly.chair ?? "—"), (context.t("Secrétariat", "Secretary"), assembly.secretary ?? "—"),
                           (context.t("Scrutateurs", "Tellers"), assembly.tellerNames.isEmpty ? "—" : assembly.tellerNames.joined(separator: ", "))]),
                .if(canManage, .form(.id("bureau-form"), .class("panel"), .action(base("bureau")), .method(.post), Kit.csrfField(context.csrfToken),
                    Kit.input(.init(name: "chair", label: context.t("Présidence de séance", "Chair"), value: assembly.chair, error: errors["chair"])),
                    Kit.input(.init(name: "secretary", label: context.t("Secrétariat", "Secretary"), value: assembly.secretary, error: errors["secretary"])),
                    Kit.input(.init(name: "tellers", label: context.t("Scrutateurs (séparés par des virgules)", "Tellers (comma separated)"),
                                    value: assembly.tellerNames.joined(separator: ", "), error: errors["tellers"])),
                    Kit.submit(context.t("Enregistrer le bureau", "Save the bureau"), id: "bureau-submit")))),
            .section(.id("attendance"),
                .h2(.text(context.t("Présences et quorum", "Attendance and quorum"))),
                .p(.id("quorum"), .class(record.quorumReached ? "status ok" : "status"),
                   .text(context.t("\(record.attendance.count) sur \(record.membersWithVote) associé·es ayant voix prennent part", "\(record.attendance.count) of \(record.membersWithVote) members with a vote take part")
                         + (neededForQuorum.map { context.t(" ; quorum (\(record.quorum!)) : \($0)", "; quorum (\(record.quorum!)): \($0)") } ?? context.t(" ; aucun quorum requis", "; no quorum required"))
                         + " — " + (record.quorumReached ? context.t("atteint.", "reached.") : context.t("non atteint.", "not reached.")))),
                record.attendance.isEmpty ? .p(.text(context.t("Personne n'est encore inscrit·e.", "Nobody recorded yet."))) :
                Kit.table(label: context.t("Présences", "Attendance"),
                    .thead(.tr(.th(.text(context.t("Associé·e", "Member"))), .th(.text(context.t("Participation", "Taking part"))), .th(.text(context.t("Mandataire", "Proxy holder"))))),
                    .tbody(.forEach(eligible.filter { attendance[$0.id!] != nil }) { member in
                        let row = attendance[member.id!]!
                        return .tr(.td(.text(memberLabel(member))), .td(.text(row.attendanceMode.frenchLabel)),
                                   .td(.text(row.proxyHolderID.flatMap { record.members[$0] }.map(memberLabel) ?? "")))
                    })),
                .if(canManage, .form(.id("attendance-form"), .class("panel"), .action(base("attendance")), .method(.post), Kit.csrfField(context.csrfToken),
                    Kit.select(name: "memberID", label: context.t("Associé·e", "Member"), options: memberOptions, selected: nil, error: errors["memberID"],
                               placeholder: context.t("— Choisissez —", "— Choose —")),
                    Kit.select(name: "mode", label: context.t("Participation", "Taking part"), options: AttendanceMode.allCases.map { ($0.rawValue, $0.frenchLabel) },
                               selected: AttendanceMode.present.rawValue, error: errors["mode"]),
                    Kit.select(name: "proxyHolderID", label: context.t("Mandataire (pour un membre représenté)", "Proxy holder (for a represented member)"),
                               options: present.map { ($0.id!.uuidString, memberLabel($0)) }, selected: nil, error: errors["proxyHolderID"], required: false, placeholder: "—"),
                    .p(.class("hint"), .text(context.t("Le mandataire est présent dans la salle et porte au plus \(record.maxProxies) pouvoir(s).",
                                                       "The holder is present in the room and carries \(record.maxProxies) proxy(ies) at most."))),
                    Kit.submit(context.t("Enregistrer la présence", "Record attendance"), id: "attendance-submit")))),
            .section(.id("resolutions"),
                .h2(.text(context.t("Résolutions", "Resolutions"))),
                record.results.isEmpty ? .p(.text(context.t("Aucune résolution.", "No resolution."))) :
                .group(record.results.map { result in
                    resolution(result, record: record, votes: votes, eligible: eligible.filter { attendance[$0.id!] != nil }, canManage: canManage,
                               coop: coop.id!, context: context, errors: errors)
                }),
                .if(canManage, .form(.id("resolution-form"), .class("panel"), .action(base("resolutions")), .method(.post), Kit.csrfField(context.csrfToken),
                    .h3(.text(context.t("Ajouter une résolution", "Add a resolution"))),
                    Kit.input(.init(name: "title", label: context.t("Titre", "Title"), error: errors["title"], required: true)),
                    Kit.textarea(name: "text", label: context.t("Texte de la résolution", "Resolution text"), value: nil, error: errors["text"], required: true),
                    Kit.input(.init(name: "majority", label: context.t("Majorité", "Majority"), error: errors["majority"],
                                    hint: context.t("Vide : celle de l'assemblée. Sinon ordinary, extraordinary ou une fraction (3/4).", "Empty: the assembly's. Or ordinary, extraordinary or a fraction (3/4)."))),
                    Kit.submit(context.t("Ajouter la résolution", "Add the resolution"), id: "resolution-submit")))),
            .if(canManage, .section(.class("panel"), .id("minutes"),
                .h2(.text(context.t("Procès-verbal", "Minutes"))),
                .p(.text(context.t("Verrouiller clôt tous les votes et fige le procès-verbal tel qu'il se lit maintenant.",
                                   "Locking closes every vote and freezes the minutes as they read now."))),
                .form(.action(base("minutes/lock")), .method(.post), Kit.csrfField(context.csrfToken),
                      Kit.submit(context.t("Verrouiller le procès-verbal", "Lock the minutes"), id: "lock-submit"))))
        ))
    }

    /// The secretary's form: one choice per member taking part.
    static func roomVotes(_ result: ResolutionResult, votes: ResolutionVoteIndex, eligible: [Member], coop: UUID, assemblyID: UUID,
                          context: PageContext, errors: [String: String]) -> Node<HTML.BodyContext> {
        let resolution = result.resolution
        let options = VoteChoice.allCases.map { ($0.rawValue, $0.frenchLabel) }
        let selects: [Node<HTML.FormContext>] = eligible.map { member in
            let name = RoomVoteField.name(resolution.number, member.id!)
            let current = votes.choice(resolution.id!, member.id!)
            // Named by resolution too: two open resolutions' forms share the page. The choice
            // shown goes back beside it, so that only what the secretary changed is written,
            // never over a vote a member changed on their phone meanwhile.
            return .group(
                Kit.select(name: name, label: "n° \(member.number) — " + member.displayName, options: options,
                           selected: current, error: errors[name], required: false, placeholder: "—"),
                .input(.type(.hidden), .name("was-" + name), .value(current ?? "")))
        }
        let action = SiteURL.resolutionAction(coop, assemblyID, resolution.id!, "votes").path
        return .form(.id("room-votes-\(resolution.number)"), .class("room-votes"), .action(action), .method(.post), Kit.csrfField(context.csrfToken),
            .fieldset(.element(named: "legend", nodes: [.text(context.t("Votes de la salle", "The room's votes"))]), .group(selects)),
            Kit.submit(context.t("Enregistrer les votes", "Record the votes"), id: "room-votes-submit-\(resolution.number)"))
    }

    static func verdict(_ result: ResolutionResult, context: PageContext) -> Node<HTML.BodyContext> {
        let word = result.adopted ? context.t("Adoptée", "Adopted") : context.t("Rejetée", "Rejected")
        var note = ""
        if result.adopted != result.adoptedByHeadCount && result.quorumReached {
            note = context.t(" (au décompte par tête : ", " (by head count: ") + (result.adoptedByHeadCount ? context.t("adoptée)", "adopted)") : context.t("rejetée)", "rejected)"))
        }
        if !result.quorumReached { note = context.t(" (quorum non atteint)", " (no quorum)") }
        return .p(.class(result.adopted ? "verdict adopted" : "verdict rejected"), .id("verdict-\(result.resolution.number)"), .strong(.text(word)), .text(note))
    }

    static func resolution(_ result: ResolutionResult, record: AssemblyRecord, votes: ResolutionVoteIndex, eligible: [Member], canManage: Bool,
                           coop: UUID, context: PageContext, errors: [String: String]) -> Node<HTML.BodyContext> {
        let resolution = result.resolution
        let assemblyID = record.assembly.id!
        let open = canManage && !resolution.isClosed
        return .article(.class("card"), .id("resolution-\(resolution.id!)"),
            .h3(.text("n° \(resolution.number) — " + resolution.title)),
            .group(resolution.text.split(whereSeparator: \.isNewline).map { .p(.text(String($0))) }),
            .p(.class("hint"), .text(context.t("Majorité : ", "Majority: ") + result.majority.french(result.rules)
                                     + (resolution.isClosed ? context.t(" — vote clos", " — vote closed") : context.t(" — vote ouvert", " — vote open")))),
            .if(!result.tally.byCollege.isEmpty, MinutesView.collegeTable(result.tally)),
            .p(.class("result"), .text(context.t("Pour \(result.tally.forVotes), contre \(result.tally.against), abstention \(result.tally.abstain)",
                                                 "For \(result.tally.forVotes), against \(result.tally.against), abstain \(result.tally.abstain)")
                                       + (result.tally.weightedForShare.map { context.t(" ; pondéré : ", "; weighted: ") + MinutesView.percent($0) + context.t(" pour", " for") } ?? ""))),
            verdict(result, context: context),
            open && !eligible.isEmpty ? roomVotes(result, votes: votes, eligible: eligible, coop: coop, assemblyID: assemblyID, context: context, errors: errors) : .empty,
            .if(open, .form(.action(SiteURL.resolutionAction(coop, assemblyID, resolution.id!, "close").path), .method(.post), Kit.csrfField(context.csrfToken),
                .div(.class("actions"), .button(.type(.submit), .id("close-\(resolution.number)"), .text(context.t("Clore le vote", "Close the vote"))))))
        )
    }
}

/// Who voted what, for pre-filling the forms.
struct ResolutionVoteIndex: Sendable {
    var choices: [UUID: [UUID: String]]

    init(_ votes: [ResolutionVote]) {
        choices = [:]
        for vote in votes { choices[vote.resolutionID, default: [:]][vote.memberID] = vote.choice }
    }

    func choice(_ resolution: UUID, _ member: UUID) -> String? { choices[resolution]?[member] }
}

enum ConvocationPage {
    static func render(_ repository: AssemblyRepository, _ assembly: Assembly, context: PageContext) -> Response {
        let coop = repository.scope.cooperative
        let subject = ConvocationLetter.subject(assembly, cooperative: coop.ofName)
        return Layout.render(context, title: subject, content: .group(
            .p(.class("no-print"), .a(.href(SiteURL.assembly(coop.id!, assembly.id!).path), .text(context.t("Retour à l'assemblée", "Back to the assembly")))),
            .article(.class("invoice-sheet"), .id("convocation-letter"),
                .p(.strong(.text(coop.name))),
                .h1(.text(subject)),
                .group(ConvocationLetter.text(assembly, cooperative: coop.ofName, to: "Madame, Monsieur").split(separator: "\n", omittingEmptySubsequences: false).map {
                    $0.isEmpty ? .br() : .p(.text(String($0)))
                }),
                .h2(.text("Pouvoir")),
                .p(.text("Je soussigné·e ……………………………, associé·e, donne pouvoir à ……………………………, associé·e présent·e, de me représenter à l'"
                         + assembly.assemblyKind.frenchLabel.lowercased() + " du " + assembly.day.french + " et d'y voter en mon nom.")),
                .p(.text("Fait à ……………………, le ……………………    Signature :")))
        ))
    }
}

enum VotePage {
    static func render(_ repository: AssemblyRepository, _ assembly: Assembly, errors: [String: String], context: PageContext,
                       status: HTTPResponseStatus = .ok) async throws -> Response {
        let coop = repository.scope.cooperative
        let own = try await repository.ownMember()
        let title = context.t("Voter", "Vote") + " — " + assembly.assemblyKind.frenchLabel + " du " + assembly.day.french
        guard let own else {
            return Layout.render(context, title: title, status: status, content: .group(
                .h1(.text(title)),
                .p(.text(context.t("Votre compte n'est relié à aucun·e associé·e de la coopérative : seul·es les associé·es votent. Le secrétariat de séance peut enregistrer votre vote.",
                                   "Your account is linked to no member of the cooperative: only members vote. The secretary may record your vote.")))))
        }
        let attendance = try await repository.attendance(assembly)
        let mine = attendance.first { $0.memberID == own.id }
        let represented = attendance.filter { $0.proxyHolderID == own.id && $0.attendanceMode == .represented }
        let members = Dictionary(uniqueKeysWithValues: try await repository.governance.members().map { ($0.id!, $0) })
        var voters: [Member] = []
        if let mine, mine.attendanceMode != .represented { voters.append(own) }
        voters += represented.compactMap { members[$0.memberID] }
        let resolutions = try await repository.resolutions(assembly).filter { !$0.isClosed }
        let votes = ResolutionVoteIndex(try await repository.votes(resolutionIDs: resolutions.map { $0.id! }))
        return Layout.render(context, title: title, status: status, content: .group(
            .p(.a(.href(SiteURL.assembly(coop.id!, assembly.id!).path), .text(coop.name))),
            .h1(.text(title)),
            Kit.errorSummary(errors, order: ["memberID", "choice"], context: context),
            mine == nil ? .p(.class("notice"), .text(context.t("Vous n'êtes pas encore inscrit·e à cette assemblée : le secrétariat de séance enregistre votre présence.",
                                                                "You are not recorded at this assembly yet: the secretary records your attendance."))) : .empty,
            voters.isEmpty || resolutions.isEmpty ? .p(.text(context.t("Aucun vote ouvert pour vous en ce moment.", "No open vote for you right now."))) :
            .group(resolutions.map { resolution in
                .article(.class("card"), .id("vote-\(resolution.number)"),
                    .h2(.text("n° \(resolution.number) — " + resolution.title)),
                    .group(resolution.text.split(whereSeparator: \.isNewline).map { .p(.text(String($0))) }),
                    .group(voters.map { voter in
                        voteForm(resolution, voter: voter, own: own, current: votes.choice(resolution.id!, voter.id!), coop: coop.id!, assembly: assembly.id!, context: context)
                    }))
            })
        ))
    }

    static func voteForm(_ resolution: Resolution, voter: Member, own: Member, current: String?, coop: UUID, assembly: UUID, context: PageContext) -> Node<HTML.BodyContext> {
        var label = voter.id == own.id ? context.t("Mon vote", "My vote") : context.t("Pour ", "For ") + voter.displayName + context.t(" (pouvoir)", " (proxy)")
        if let choice = current.flatMap(VoteChoice.init(rawValue:)) { label += context.t(" — actuellement : ", " — now: ") + choice.frenchLabel.lowercased() }
        let buttons: [Node<HTML.FormContext>] = VoteChoice.allCases.map { choice in
            .button(.type(.submit), .name("choice"), .value(choice.rawValue), .class(choice == .for ? "primary" : ""),
                    .id("vote-\(resolution.number)-\(voter.number)-\(choice.rawValue)"), .text(choice.frenchLabel))
        }
        return .form(.class("vote-buttons"), .action(SiteURL.assemblyVote(coop, assembly).path), .method(.post),
            Kit.csrfField(context.csrfToken),
            .input(.type(.hidden), .name("resolutionID"), .value(resolution.id!.uuidString)),
            .input(.type(.hidden), .name("memberID"), .value(voter.id!.uuidString)),
            .p(.text(label)),
            .div(.class("actions"), .group(buttons)))
    }
}

/// The room's vote fields: `vote-<resolution number>-<member id>`.
enum RoomVoteField {
    static func name(_ resolution: Int, _ member: UUID) -> String { "vote-\(resolution)-\(member)" }

    /// The member a field is about, when it is one of `resolution`'s.
    static func member(_ field: String, resolution: Int) -> UUID? {
        let prefix = "vote-\(resolution)-"
        guard field.hasPrefix(prefix) else { return nil }
        return UUID(uuidString: String(field.dropFirst(prefix.count)))
    }
}
