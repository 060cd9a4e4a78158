import Fluent
import Foundation
import MaillageCore
import Plot
import Vapor

/// `/coops/:coopID/assemblies…`: plan an assembly, convene it, take attendance and proxies,
/// put resolutions to the vote, read the results and lock the minutes; members vote from
/// their phone on `…/vote`.
struct AssemblyPagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let assemblies = routes.grouped("coops", ":coopID", "assemblies")
        assemblies.get(use: list)
        assemblies.post(use: create)
        let one = assemblies.grouped(":assemblyID")
        one.get(use: show)
        one.post("bureau", use: bureau)
        one.get("convocation", use: letter)
        one.post("convocation", use: convene)
        one.post("attendance", use: attend)
        one.post("resolutions", use: addResolution)
        one.post("resolutions", ":resolutionID", "votes", use: roomVotes)
        one.post("resolutions", ":resolutionID", "close", use: close)
        one.get("vote", use: votePage)
        one.post("vote", use: vote)
        one.get("minutes", use: minutes)
        one.post("minutes", "lock", use: lockMinutes)
    }

    struct AssemblyForm: Content { var kind: String?, convocation: String?, date: String?, time: String?, place: String?, remoteLink: String?, agenda: String? }
    struct BureauForm: Content { var chair: String?, secretary: String?, tellers: String? }
    struct AttendanceForm: Content { var memberID: String?, mode: String?, proxyHolderID: String? }
    struct ResolutionForm: Content { var title: String?, text: String?, majority: String? }
    struct VoteForm: Content { var resolutionID: String?, memberID: String?, choice: String? }

    private func assembly(_ request: Request, _ permission: Permission) async throws -> (AssemblyRepository, Assembly) {
        let repository = try await request.assemblyRepository(permission)
        return (repository, try await repository.assembly(request.parameters.get("assemblyID", as: UUID.self)))
    }

    func list(request: Request) async throws -> Response {
        let repository = try await request.assemblyRepository(.viewGovernance)
        return try await AssembliesPage.render(repository, form: AssemblyForm(), errors: [:], context: request.pageContext())
    }

    func create(request: Request) async throws -> Response {
        let repository = try await request.assemblyRepository(.manageGovernance)
        let form = try request.content.decode(AssemblyForm.self)
        return try await FormSubmission.handle {
            let date = [TextRules.clean(form.date), TextRules.clean(form.time)].compactMap { $0 }.joined(separator: "T")
            let assembly = try await repository.create(AssemblyDraft(kind: form.kind, convocation: form.convocation, date: date, place: form.place,
                                                                     remoteLink: form.remoteLink, agenda: form.agenda))
            request.flash(request.language.t("Assemblée créée.", "Assembly created."))
            return request.redirect(to: SiteURL.assembly(repository.scope.id, assembly.id!).path)
        } invalid: { errors in
            try await AssembliesPage.render(repository, form: form, errors: errors, context: request.pageContext(), status: .unprocessableEntity)
        }
    }

    func show(request: Request) async throws -> Response {
        let (repository, assembly) = try await assembly(request, .viewGovernance)
        return try await AssemblyPage.render(repository, assembly, errors: [:], context: request.pageContext())
    }

    /// A form on the assembly page: its errors come back on the same page.
    private func onAssemblyPage(_ request: Request, _ permission: Permission = .manageGovernance, anchor: String,
                                _ work: (AssemblyRepository, Assembly) async throws -> String) async throws -> Response {
        let (repository, assembly) = try await assembly(request, permission)
        return try await FormSubmission.handle {
            let message = try await work(repository, assembly)
            request.flash(message)
            return request.redirect(to: SiteURL.assembly(repository.scope.id, assembly.id!).path + "#" + anchor)
        } invalid: { errors in
            try await AssemblyPage.render(repository, try await repository.assembly(assembly.id), errors: errors, context: request.pageContext(), status: .unprocessableEntity)
        }
    }

    func bureau(request: Request) async throws -> Response {
        let form = try request.content.decode(BureauForm.self)
        return try await onAssemblyPage(request, anchor: "bureau") { repository, assembly in
            _ = try await repository.setBureau(assembly, chair: form.chair, secretary: form.secretary,
                                               tellers: (form.tellers ?? "").split(whereSeparator: { $0 == "," || $0.isNewline }).map(String.init))
            return request.language.t("Bureau enregistré.", "Bureau saved.")
        }
    }

    func letter(request: Request) async throws -> Response {
        let (repository, assembly) = try await assembly(request, .viewGovernance)
        return ConvocationPage.render(repository, assembly, context: request.pageContext())
    }

    func convene(request: Request) async throws -> Response {
        try await onAssemblyPage(request, anchor: "convocation") { repository, assembly in
            let queued = try await repository.convene(assembly, today: .today, letter: ConvocationLetter.email(assembly, cooperative: repository.scope.cooperative.ofName))
            return request.language.t("Convocation enregistrée ; \(queued) courriel(s) en partance. Imprimez la lettre pour les autres.",
                                      "Convocation recorded; \(queued) email(s) queued. Print the letter for the others.")
        }
    }

    func attend(request: Request) async throws -> Response {
        let form = try request.content.decode(AttendanceForm.self)
        return try await onAssemblyPage(request, anchor: "attendance") { repository, assembly in
            _ = try await repository.recordAttendance(assembly, memberID: form.memberID, mode: form.mode, proxyHolderID: form.proxyHolderID)
            return request.language.t("Présence enregistrée.", "Attendance recorded.")
        }
    }

    func addResolution(request: Request) async throws -> Response {
        let form = try request.content.decode(ResolutionForm.self)
        return try await onAssemblyPage(request, anchor: "resolutions") { repository, assembly in
            let resolution = try await repository.addResolution(assembly, ResolutionDraft(title: form.title, text: form.text, majority: form.majority))
            return request.language.t("Résolution n° \(resolution.number) ajoutée.", "Resolution no. \(resolution.number) added.")
        }
    }

    /// The secretary types the room's votes: one choice per member taking part (`vote-<memberID>`).
    func roomVotes(request: Request) async throws -> Response {
        let fields = try request.content.decode([String: String].self)
        let resolutionID = request.parameters.get("resolutionID", as: UUID.self)
        return try await onAssemblyPage(request, anchor: "resolution-\(resolutionID?.uuidString ?? "")") { repository, assembly in
            let resolution = try await repository.resolution(resolutionID, of: assembly)
            var ballots: [(memberID: UUID, choice: VoteChoice)] = []
            var errors = FieldErrors()
            for (key, value) in fields where !value.isEmpty && value != fields["was-" + key] {
                guard let member = RoomVoteField.member(key, resolution: resolution.number) else { continue }
                guard let choice = VoteChoice(rawValue: value) else {
                    errors.add(key, "Choisissez pour, contre ou abstention.")
                    continue
                }
                ballots.append((member, choice))
            }
            if ballots.isEmpty && errors.isEmpty { errors.add("votes", "Aucun vote nouveau à enregistrer : choisissez pour, contre ou abstention pour au moins un·e associé·e.") }
            try errors.throwIfAny()
            let number = resolution.number
            let written = try await repository.votes(assembly, resolution, ballots, field: { RoomVoteField.name(number, $0) })
            return request.language.t("\(written.count) vote(s) enregistré(s) sur la résolution n° \(resolution.number).",
                                      "\(written.count) vote(s) recorded on resolution no. \(resolution.number).")
        }
    }

    func close(request: Request) async throws -> Response {
        let resolutionID = request.parameters.get("resolutionID", as: UUID.self)
        return try await onAssemblyPage(request, anchor: "resolution-\(resolutionID?.uuidString ?? "")") { repository, assembly in
            let resolution = try await repository.closeResolution(assembly, try await repository.resolution(resolutionID, of: assembly))
            return request.language.t("Vote clos sur la résolution n° \(resolution.number).", "Vote closed on resolution no. \(resolution.number).")
        }
    }

    func votePage(request: Request) async throws -> Response {
        let (repository, assembly) = try await assembly(request, .viewGovernance)
        return try await VotePage.render(repository, assembly, errors: [:], context: request.pageContext())
    }

    func vote(request: Request) async throws -> Response {
        let (repository, assembly) = try await assembly(request, .viewGovernance)
        let form = try request.content.decode(VoteForm.self)
        return try await FormSubmission.handle {
            guard let resolutionID = TextRules.clean(form.resolutionID).flatMap(UUID.init(uuidString:)) else {
                throw Problem.invalid(FieldErrors(["choice": "Choisissez la résolution sur laquelle vous votez."]))
            }
            let resolution = try await repository.resolution(resolutionID, of: assembly)
            let vote = try await repository.vote(assembly, resolution, memberID: form.memberID, choice: form.choice)
            request.flash(request.language.t("Vote enregistré : ", "Vote recorded: ") + (VoteChoice(rawValue: vote.choice)?.frenchLabel.lowercased() ?? vote.choice)
                          + request.language.t(" sur la résolution n° \(resolution.number). Vous pouvez le changer tant que le vote est ouvert.",
                                               " on resolution no. \(resolution.number). You may change it while the vote is open."))
            return request.redirect(to: SiteURL.assemblyVote(repository.scope.id, assembly.id!).path)
        } invalid: { errors in
            try await VotePage.render(repository, assembly, errors: errors, context: request.pageContext(), status: .unprocessableEntity)
        }
    }

    func minutes(request: Request) async throws -> Response {
        let (repository, assembly) = try await assembly(request, .viewGovernance)
        let context = request.pageContext()
        let fragment = try await MinutesView.fragment(assembly, repository: repository)
        return Layout.render(context, title: MinutesView.title(assembly), content: .group(
            .p(.class("no-print"), .a(.href(SiteURL.assembly(repository.scope.id, assembly.id!).path), .text(context.t("Retour à l'assemblée", "Back to the assembly")))),
            .markup(Markup(escapedHTML: fragment))))
    }

    func lockMinutes(request: Request) async throws -> Response {
        try await onAssemblyPage(request, anchor: "minutes") { repository, assembly in
            _ = try await repository.lockMinutes(assembly, render: MinutesView.render)
            return request.language.t("Procès-verbal verrouillé : l'assemblée ne change plus.", "Minutes locked: the assembly no longer changes.")
        }
    }
}
