import Fluent
import Foundation
import MaillageCore
import Plot
import Vapor

struct SubscriptionRequestDTO: Content {
    var id: UUID
    var memberID: UUID
    var member: String
    var shareClassID: UUID
    var quantity: Int
    var amountCents: Int
    var status: String
    var statutesAcceptedAt: Date?
    var privacyAcceptedAt: Date?
    var consentsRecordedBy: String?
    var validatedAt: Date?
    var calledAt: Date?
    var paidAt: Date?
    var cancelledAt: Date?
    /// The register's entry, once paid.
    var operationID: UUID?
    var requestedBy: String
    var createdAt: Date?

    init(_ request: SubscriptionRequest, member: String, nominalCents: Int) {
        id = request.id!
        memberID = request.memberID
        self.member = member
        shareClassID = request.shareClassID
        quantity = request.quantity
        amountCents = request.quantity * nominalCents
        status = request.status
        statutesAcceptedAt = request.statutesAcceptedAt
        privacyAcceptedAt = request.privacyAcceptedAt
        consentsRecordedBy = request.consentsRecordedBy
        validatedAt = request.validatedAt
        calledAt = request.calledAt
        paidAt = request.paidAt
        cancelledAt = request.cancelledAt
        operationID = request.operationID
        requestedBy = request.requestedBy
        createdAt = request.createdAt
    }

    static func list(_ requests: [SubscriptionRequest], repository: MemberCapitalRepository) async throws -> [SubscriptionRequestDTO] {
        let names = Dictionary(uniqueKeysWithValues: try await repository.governance.members().map { ($0.id!, $0.displayName) })
        let nominal = Dictionary(uniqueKeysWithValues: try await repository.capital.shareClasses().map { ($0.id!, $0.nominalCents) })
        return requests.map { SubscriptionRequestDTO($0, member: names[$0.memberID] ?? "", nominalCents: nominal[$0.shareClassID] ?? 0) }
    }
}

/// A member with what they hold.
struct MemberDetailDTO: Content {
    struct Line: Content { var shareClassID: UUID, shareClass: String, quantity: Int, amountCents: Int }
    var member: MemberDTO
    var exitedOn: String?
    var exitReason: String?
    var holdings: [Line]
    var totalCents: Int
    var operations: [CapitalOperationDTO]
}

/// Subscription requests, a member's page, exit and certificate, the capital over time:
/// `/api/v1/coops/:coopID/subscription-requests…`, `…/members/:memberID…`, `…/capital/history`,
/// and the pages beside them.
struct MemberCapitalController: RouteCollection {
    let api: Bool

    func boot(routes: any RoutesBuilder) throws {
        let coop = routes.grouped("coops", ":coopID")
        if api {
            coop.get("subscription-requests", use: requests)
            coop.post("subscription-requests", use: createRequest)
            coop.post("subscription-requests", ":requestID", "consents", use: consents)
            coop.post("subscription-requests", ":requestID", "transitions", use: transition)
            coop.get("members", ":memberID", use: member)
            coop.post("members", ":memberID", "exit", use: exit)
            coop.put("members", ":memberID", "account", use: linkAccount)
            coop.get("capital", "history", use: history)
        } else {
            coop.post("subscription-requests", use: createRequestFromForm)
            coop.post("subscription-requests", ":requestID", "transitions", use: transitionFromForm)
            coop.get("members", ":memberID", use: memberPage)
            coop.post("members", ":memberID", "exit", use: exitFromForm)
            coop.post("members", ":memberID", "account", use: linkAccountFromForm)
            coop.get("members", ":memberID", "certificate", use: certificate)
        }
    }

    struct RequestBody: Decodable {
        struct Consents: Decodable { var statutes: Bool?, privacy: Bool? }
        var memberID: String?, shareClassID: String?, quantity: Int?, consents: Consents?
    }
    struct ConsentsBody: Decodable { var statutes: Bool?, privacy: Bool? }
    struct TransitionBody: Decodable { var to: String?, date: String? }
    struct ExitBody: Decodable { var date: String?, reason: String? }
    struct AccountBody: Decodable { var userID: String? }

    func requests(request: Request) async throws -> Response {
        let repository = try await request.memberCapitalRepository(.viewGovernance)
        return try Idempotency.encode(status: .ok, body: Page(items: try await SubscriptionRequestDTO.list(try await repository.requests(), repository: repository), nextCursor: nil))
    }

    func createRequest(request: Request) async throws -> Response {
        let repository = try await request.memberCapitalRepository(.viewGovernance)
        let body = try request.decodeJSON(RequestBody.self)
        let created = try await repository.createRequest(.init(memberID: body.memberID, shareClassID: body.shareClassID, quantity: body.quantity,
                                                               statutesAccepted: body.consents?.statutes == true, privacyAccepted: body.consents?.privacy == true))
        return try Idempotency.encode(status: .created, body: try await SubscriptionRequestDTO.list([created], repository: repository)[0])
    }

    func consents(request: Request) async throws -> Response {
        let repository = try await request.memberCapitalRepository(.viewGovernance)
        let subscription = try await repository.request(request.parameters.get("requestID", as: UUID.self))
        // The person's own consent (or the coordination's, from a signed form): checked first.
        try await repository.requireActingFor(try await repository.member(subscription.memberID))
        let body = try request.decodeJSON(ConsentsBody.self)
        let updated = try await repository.giveConsents(subscription, statutes: body.statutes == true, privacy: body.privacy == true)
        return try Idempotency.encode(status: .ok, body: try await SubscriptionRequestDTO.list([updated], repository: repository)[0])
    }

    func transition(request: Request) async throws -> Response {
        let repository = try await request.memberCapitalRepository(.manageGovernance)
        let body = try request.decodeJSON(TransitionBody.self)
        let moved = try await repository.move(try await repository.request(request.parameters.get("requestID", as: UUID.self)), to: body.to, date: body.date, today: .today)
        return try Idempotency.encode(status: .ok, body: try await SubscriptionRequestDTO.list([moved], repository: repository)[0])
    }

    static func detail(_ member: Member, repository: MemberCapitalRepository) async throws -> MemberDetailDTO {
        let (categories, colleges) = try await GovernanceAPIController.names(repository.governance)
        let holdings = try await repository.holdings(member)
        let names = Dictionary(uniqueKeysWithValues: try await repository.governance.members().map { ($0.id!, $0.displayName) })
        return MemberDetailDTO(
            member: MemberDTO(member, categories: categories, colleges: colleges), exitedOn: member.exitedOn.map { CalendarDay(date: $0).description },
            exitReason: member.exitReason,
            holdings: holdings.lines.map { .init(shareClassID: $0.shareClass.id!, shareClass: $0.shareClass.name, quantity: $0.quantity, amountCents: $0.quantity * $0.shareClass.nominalCents) },
            totalCents: holdings.totalCents, operations: holdings.operations.map { CapitalOperationDTO($0, names: names) })
    }

    func member(request: Request) async throws -> Response {
        let repository = try await request.memberCapitalRepository(.viewGovernance)
        let member = try await repository.member(request.parameters.get("memberID", as: UUID.self))
        return try Idempotency.encode(status: .ok, body: try await Self.detail(member, repository: repository))
    }

    func exit(request: Request) async throws -> Response {
        let repository = try await request.memberCapitalRepository(.manageGovernance)
        let body = try request.decodeJSON(ExitBody.self)
        let member = try await repository.exit(try await repository.member(request.parameters.get("memberID", as: UUID.self)), date: body.date, reason: body.reason, today: .today)
        return try Idempotency.encode(status: .ok, body: try await Self.detail(member, repository: repository))
    }

    /// `{userID}` links the member's account; `{userID: null}` unlinks it.
    func linkAccount(request: Request) async throws -> Response {
        let repository = try await request.memberCapitalRepository(.manageGovernance)
        let member = try await repository.member(request.parameters.get("memberID", as: UUID.self))
        let body = try request.decodeJSON(AccountBody.self)
        let linked = try await repository.governance.linkAccount(member, userRef: body.userID)
        return try Idempotency.encode(status: .ok, body: try await Self.detail(linked, repository: repository))
    }

    struct HistoryDTO: Content { var months: [Month]; struct Month: Content { var month: String, totalCents: Int } }

    func history(request: Request) async throws -> Response {
        let repository = try await request.memberCapitalRepository(.viewGovernance)
        let months = try request.query.get(Int?.self, at: "months") ?? 24
        guard (1...120).contains(months) else { throw Problem.invalid(FieldErrors(["months": "De 1 à 120 mois."])) }
        let history = try await repository.history(months: months, today: .today)
        return try Idempotency.encode(status: .ok, body: HistoryDTO(months: history.map { .init(month: $0.month, totalCents: $0.totalCents) }))
    }

    // MARK: Pages

    /// Named apart from the register's form beside it on the capital page.
    struct RequestForm: Content { var requestMemberID: String?, requestShareClassID: String?, requestQuantity: String?, statutes: String?, privacy: String? }
    struct TransitionForm: Content { var to: String?, date: String? }
    struct ExitForm: Content { var date: String?, reason: String? }
    struct AccountForm: Content { var userID: String? }

    func createRequestFromForm(request: Request) async throws -> Response {
        let repository = try await request.memberCapitalRepository(.viewGovernance)
        let form = try request.content.decode(RequestForm.self)
        return try await FormSubmission.handle {
            guard TextRules.clean(form.requestQuantity).map({ Int($0) != nil }) ?? true else {
                throw Problem.invalid(FieldErrors(["quantity": "Écrivez un nombre entier de parts."]))
            }
            _ = try await repository.createRequest(.init(memberID: form.requestMemberID, shareClassID: form.requestShareClassID,
                                                         quantity: TextRules.clean(form.requestQuantity).flatMap { Int($0) },
                                                         statutesAccepted: form.statutes == "on", privacyAccepted: form.privacy == "on"))
            request.flash(request.language.t("Demande de souscription enregistrée.", "Subscription request recorded."))
            return request.redirect(to: SiteURL.capital(repository.scope.id).path + "#requests")
        } invalid: { errors in
            let named = errors.reduce(into: [String: String]()) { named, error in
                named[["memberID": "requestMemberID", "shareClassID": "requestShareClassID", "quantity": "requestQuantity"][error.key] ?? error.key] = error.value
            }
            return try await CapitalPage.render(CapitalRepository(db: repository.db, scope: repository.scope), errors: named, context: request.pageContext(), status: .unprocessableEntity)
        }
    }

    func transitionFromForm(request: Request) async throws -> Response {
        let repository = try await request.memberCapitalRepository(.manageGovernance)
        let form = try request.content.decode(TransitionForm.self)
        return try await FormSubmission.handle {
            let moved = try await repository.move(try await repository.request(request.parameters.get("requestID", as: UUID.self)), to: form.to, date: form.date, today: .today)
            request.flash(request.language.t("Demande : ", "Request: ") + moved.subscriptionStatus.frenchLabel.lowercased() + ".")
            return request.redirect(to: SiteURL.capital(repository.scope.id).path + "#requests")
        } invalid: { errors in
            try await CapitalPage.render(CapitalRepository(db: repository.db, scope: repository.scope), errors: errors, context: request.pageContext(), status: .unprocessableEntity)
        }
    }

    func memberPage(request: Request) async throws -> Response {
        let repository = try await request.memberCapitalRepository(.viewGovernance)
        let member = try await repository.member(request.parameters.get("memberID", as: UUID.self))
        return try await MemberPage.render(repository, member, errors: [:], context: request.pageContext())
    }

    func exitFromForm(request: Request) async throws -> Response {
        let repository = try await request.memberCapitalRepository(.manageGovernance)
        let member = try await repository.member(request.parameters.get("memberID", as: UUID.self))
        let form = try request.content.decode(ExitForm.self)
        return try await FormSubmission.handle {
            _ = try await repository.exit(member, date: form.date, reason: form.reason, today: .today)
            request.flash(request.language.t("Sortie enregistrée ; ses parts restent au registre jusqu'à leur remboursement.", "Exit recorded; their shares stay in the register until reimbursed."))
            return request.redirect(to: SiteURL.member(repository.scope.id, member.id!).path)
        } invalid: { errors in
            try await MemberPage.render(repository, member, errors: errors, context: request.pageContext(), status: .unprocessableEntity)
        }
    }

    func linkAccountFromForm(request: Request) async throws -> Response {
        let repository = try await request.memberCapitalRepository(.manageGovernance)
        let member = try await repository.member(request.parameters.get("memberID", as: UUID.self))
        let form = try request.content.decode(AccountForm.self)
        return try await FormSubmission.handle {
            let linked = try await repository.governance.linkAccount(member, userRef: form.userID)
            request.flash(linked.userID == nil ? request.language.t("Compte retiré.", "Account removed.")
                                               : request.language.t("Compte relié : l'associé·e peut voter depuis son téléphone.", "Account linked: the member may vote from their phone."))
            return request.redirect(to: SiteURL.member(repository.scope.id, member.id!).path)
        } invalid: { errors in
            try await MemberPage.render(repository, member, errors: errors, context: request.pageContext(), status: .unprocessableEntity)
        }
    }

    func certificate(request: Request) async throws -> Response {
        let repository = try await request.memberCapitalRepository(.viewGovernance)
        let member = try await repository.member(request.parameters.get("memberID", as: UUID.self))
        // The member's own certificate, or the coordination's to print.
        try await repository.requireActingFor(member)
        return try await CertificatePage.render(repository, member, context: request.pageContext())
    }
}
