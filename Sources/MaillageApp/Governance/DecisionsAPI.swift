import Fluent
import Foundation
import MaillageCore
import Plot
import Vapor

struct DecisionDTO: Content {
    struct Option: Content { var id: UUID, label: String, votes: Int }
    struct Ballot: Content { var voter: String, choices: [String], votedAt: Date }
    var id: UUID
    var kind: String
    var title: String
    var details: String?
    var options: [Option]
    var multipleChoice: Bool
    var closesAt: String
    var electorate: String
    var quorumPercent: Int?
    var anonymous: Bool
    var author: String
    var open: Bool
    var outcome: String?
    /// Stance → count, for a proposal.
    var stances: [String: Int]?
    var voters: Int
    var electorateSize: Int
    var quorumReached: Bool
    /// A proposal: more agree than disagree, nobody blocks, quorum reached. A poll: the
    /// option(s) ahead.
    var carried: Bool?
    var leading: [String]?
    /// Who voted what, unless the vote is anonymous.
    var ballots: [Ballot]?
    var ownChoices: [String]?

    init(_ record: DecisionRecord) {
        let decision = record.decision
        id = decision.id!
        kind = decision.kind
        title = decision.title
        details = decision.details
        options = record.options.map { Option(id: $0.id!, label: $0.label, votes: record.tally.count($0.id!.uuidString)) }
        multipleChoice = decision.multipleChoice
        closesAt = LocalDateTime(date: decision.closesAt).description
        electorate = decision.electorate
        quorumPercent = decision.quorumPercent
        anonymous = decision.anonymous
        author = decision.authorName
        open = record.isOpen
        outcome = decision.outcome
        voters = record.tally.voters
        electorateSize = record.tally.electorate
        quorumReached = record.tally.quorumReached
        let labels = Dictionary(uniqueKeysWithValues: record.options.map { ($0.id!.uuidString, $0.label) })
        if decision.decisionKind == .proposal {
            stances = Dictionary(uniqueKeysWithValues: Stance.allCases.map { ($0.rawValue, record.tally.count($0.rawValue)) })
            carried = record.tally.proposalCarried
        } else {
            leading = record.tally.leading(record.options.map { $0.id!.uuidString }).compactMap { labels[$0] }
        }
        ballots = decision.anonymous ? nil : record.votes.map { Ballot(voter: $0.voterName, choices: $0.choiceList.map { labels[$0] ?? $0 }, votedAt: $0.votedAt) }
        ownChoices = record.ownVote?.choiceList.map { labels[$0] ?? $0 }
    }
}

/// `/api/v1/coops/:coopID/decisions…` and the pages `/coops/:coopID/decisions…`.
struct DecisionsController: RouteCollection {
    let api: Bool

    func boot(routes: any RoutesBuilder) throws {
        let decisions = routes.grouped("coops", ":coopID", "decisions")
        if api {
            decisions.get(use: list)
            decisions.post(use: create)
            decisions.get(":decisionID", use: detail)
            decisions.post(":decisionID", "votes", use: vote)
            decisions.post(":decisionID", "close", use: close)
        } else {
            decisions.get(use: listPage)
            decisions.post(use: createFromForm)
            decisions.get(":decisionID", use: page)
            decisions.post(":decisionID", "votes", use: voteFromForm)
            decisions.post(":decisionID", "close", use: closeFromForm)
        }
    }

    struct DecisionBody: Decodable {
        var kind: String?, title: String?, details: String?, options: [String]?, multipleChoice: Bool?, closesAt: String?
        var electorate: String?, quorumPercent: Int?, anonymous: Bool?
    }
    struct VoteBody: Decodable { var stance: String?, options: [String]? }
    struct CloseBody: Decodable { var outcome: String? }

    private func decision(_ request: Request) async throws -> (DecisionRepository, Decision) {
        let repository = try await request.decisionRepository(.viewGovernance)
        return (repository, try await repository.decision(request.parameters.get("decisionID", as: UUID.self)))
    }

    func list(request: Request) async throws -> Response {
        let repository = try await request.decisionRepository(.viewGovernance)
        var items: [DecisionDTO] = []
        for decision in try await repository.decisions() { items.append(DecisionDTO(try await repository.record(decision))) }
        return try Idempotency.encode(status: .ok, body: Page(items: items, nextCursor: nil))
    }

    func create(request: Request) async throws -> Response {
        let repository = try await request.decisionRepository(.viewGovernance)
        let body = try request.decodeJSON(DecisionBody.self)
        let decision = try await repository.create(DecisionDraft(
            kind: body.kind, title: body.title, details: body.details, options: body.options ?? [], multipleChoice: body.multipleChoice ?? false,
            closesAt: body.closesAt, electorate: body.electorate, quorumPercent: body.quorumPercent, anonymous: body.anonymous ?? false), now: Date())
        return try Idempotency.encode(status: .created, body: DecisionDTO(try await repository.record(decision)))
    }

    func detail(request: Request) async throws -> Response {
        let (repository, decision) = try await decision(request)
        return try Idempotency.encode(status: .ok, body: DecisionDTO(try await repository.record(decision)))
    }

    func vote(request: Request) async throws -> Response {
        let (repository, decision) = try await decision(request)
        let body = try request.decodeJSON(VoteBody.self)
        _ = try await repository.vote(decision, stance: body.stance, options: body.options ?? [], now: Date())
        return try Idempotency.encode(status: .created, body: DecisionDTO(try await repository.record(decision)))
    }

    func close(request: Request) async throws -> Response {
        let (repository, decision) = try await decision(request)
        guard decision.authorID == repository.scope.principal.userID || repository.scope.allows(.manageGovernance) else { throw Problem.forbidden }
        let body = try request.decodeJSON(CloseBody.self)
        let closed = try await repository.close(decision, outcome: body.outcome, now: Date())
        return try Idempotency.encode(status: .ok, body: DecisionDTO(try await repository.record(closed)))
    }

    // MARK: Pages

    struct DecisionForm: Content {
        var kind: String?, title: String?, details: String?, options: String?, multipleChoice: String?, closesAt: String?
        var electorate: String?, quorumPercent: String?, anonymous: String?
    }
    struct VoteForm: Content { var stance: String?, options: [String]? }
    struct CloseForm: Content { var outcome: String? }

    func listPage(request: Request) async throws -> Response {
        let repository = try await request.decisionRepository(.viewGovernance)
        return try await DecisionsPage.render(repository, form: DecisionForm(), errors: [:], context: request.pageContext())
    }

    func createFromForm(request: Request) async throws -> Response {
        let repository = try await request.decisionRepository(.viewGovernance)
        let form = try request.content.decode(DecisionForm.self)
        return try await FormSubmission.handle {
            var quorum: Int?
            if let text = TextRules.clean(form.quorumPercent) {
                guard let value = Int(text.replacingOccurrences(of: "%", with: "").trimmingWhitespace()) else {
                    throw Problem.invalid(FieldErrors(["quorumPercent": "Écrivez un pourcentage entier, par exemple 30."]))
                }
                quorum = value
            }
            let decision = try await repository.create(DecisionDraft(
                kind: form.kind, title: form.title, details: form.details, options: (form.options ?? "").split(whereSeparator: \.isNewline).map(String.init),
                multipleChoice: form.multipleChoice == "on", closesAt: form.closesAt, electorate: form.electorate, quorumPercent: quorum,
                anonymous: form.anonymous == "on"), now: Date())
            request.flash(request.language.t("Décision ouverte au vote.", "Decision open for votes."))
            return request.redirect(to: SiteURL.decision(repository.scope.id, decision.id!).path)
        } invalid: { errors in
            try await DecisionsPage.render(repository, form: form, errors: errors, context: request.pageContext(), status: .unprocessableEntity)
        }
    }

    func page(request: Request) async throws -> Response {
        let (repository, decision) = try await decision(request)
        return try await DecisionPage.render(repository, decision, errors: [:], context: request.pageContext())
    }

    func voteFromForm(request: Request) async throws -> Response {
        let (repository, decision) = try await decision(request)
        let form = try request.content.decode(VoteForm.self)
        return try await FormSubmission.handle {
            _ = try await repository.vote(decision, stance: form.stance, options: form.options ?? [], now: Date())
            request.flash(request.language.t("Vote enregistré. Vous pouvez le changer jusqu'à la clôture.", "Vote recorded. You may change it until the close."))
            return request.redirect(to: SiteURL.decision(repository.scope.id, decision.id!).path)
        } invalid: { errors in
            try await DecisionPage.render(repository, decision, errors: errors, context: request.pageContext(), status: .unprocessableEntity)
        }
    }

    func closeFromForm(request: Request) async throws -> Response {
        let (repository, decision) = try await decision(request)
        let form = try request.content.decode(CloseForm.self)
        return try await FormSubmission.handle {
            _ = try await repository.close(decision, outcome: form.outcome, now: Date())
            request.flash(request.language.t("Décision close, avec sa conclusion.", "Decision closed, with its outcome."))
            return request.redirect(to: SiteURL.decision(repository.scope.id, decision.id!).path)
        } invalid: { errors in
            try await DecisionPage.render(repository, decision, errors: errors, context: request.pageContext(), status: .unprocessableEntity)
        }
    }
}
