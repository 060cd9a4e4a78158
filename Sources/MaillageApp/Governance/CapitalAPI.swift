import Fluent
import Foundation
import MaillageCore
import Plot
import Vapor

struct ShareClassDTO: Content {
    var id: UUID
    var name: String
    var nominalCents: Int
    var minimumQuantity: Int
    /// The member categories that may hold it; empty: all.
    var eligibleCategories: [UUID]

    init(_ shareClass: ShareClass) {
        id = shareClass.id!
        name = shareClass.name
        nominalCents = shareClass.nominalCents
        minimumQuantity = shareClass.minimumQuantity
        eligibleCategories = shareClass.eligibleCategoryIDs.sorted { $0.uuidString < $1.uuidString }
    }
}

struct CapitalOperationDTO: Content {
    var id: UUID
    var number: Int
    var kind: String
    var date: String
    var memberID: UUID
    var member: String
    var toMemberID: UUID?
    var toMember: String?
    var shareClassID: UUID
    var quantity: Int
    /// A conversion's class and quantity received.
    var toShareClassID: UUID?
    var toQuantity: Int?
    var amountCents: Int
    var recordedBy: String

    init(_ operation: CapitalOperation, names: [UUID: String]) {
        id = operation.id!
        number = operation.number
        kind = operation.kind
        date = CalendarDay(date: operation.date).description
        memberID = operation.memberID
        member = names[operation.memberID] ?? ""
        toMemberID = operation.toMemberID
        toMember = operation.toMemberID.flatMap { names[$0] }
        shareClassID = operation.shareClassID
        quantity = operation.quantity
        toShareClassID = operation.toShareClassID
        toQuantity = operation.toQuantity
        amountCents = operation.amountCents
        recordedBy = operation.authorLabel
    }
}

struct CapitalDTO: Content {
    struct Part: Content {
        var category: String
        var cents: Int
    }
    var totalCents: Int
    var publicBodiesCents: Int
    var byCategory: [Part]
    var register: [CapitalOperationDTO]

    static func load(_ repository: CapitalRepository) async throws -> CapitalDTO {
        let summary = try await repository.summary()
        return CapitalDTO(totalCents: summary.totalCents, publicBodiesCents: summary.publicBodiesCents,
                          byCategory: summary.byCategory.map { Part(category: $0.name, cents: $0.cents) },
                          register: summary.register.map { CapitalOperationDTO($0, names: summary.memberNames) })
    }
}

/// `/api/v1/coops/:coopID/share-classes`, `…/capital`, `…/capital/operations`, and the page
/// `/coops/:coopID/capital`.
struct CapitalController: RouteCollection {
    let api: Bool

    func boot(routes: any RoutesBuilder) throws {
        let coop = routes.grouped("coops", ":coopID")
        if api {
            coop.get("share-classes", use: shareClasses)
            coop.post("share-classes", use: createShareClass)
            coop.get("capital", use: capital)
            coop.post("capital", "operations", use: appendOperation)
        } else {
            coop.get("capital", use: page)
            coop.post("capital", "share-classes", use: createShareClassFromForm)
            coop.post("capital", "operations", use: appendOperationFromForm)
        }
    }

    struct ShareClassBody: Decodable { var name: String?, nominalCents: Int?, minimumQuantity: Int?, eligibleCategories: [String]? }
    struct OperationBody: Decodable { var kind: String?, memberID: String?, toMemberID: String?, shareClassID: String?, toShareClassID: String?, quantity: Int?, date: String? }

    func shareClasses(request: Request) async throws -> Response {
        let repository = try await request.capitalRepository(.viewGovernance)
        return try Idempotency.encode(status: .ok, body: Page(items: try await repository.shareClasses().map(ShareClassDTO.init), nextCursor: nil))
    }

    func createShareClass(request: Request) async throws -> Response {
        let repository = try await request.capitalRepository(.manageGovernance)
        let body = try request.decodeJSON(ShareClassBody.self)
        return try Idempotency.encode(status: .created, body: ShareClassDTO(try await repository.createShareClass(name: body.name, nominalCents: body.nominalCents, minimumQuantity: body.minimumQuantity,
                                                                                                       eligibleCategories: body.eligibleCategories ?? [])))
    }

    func capital(request: Request) async throws -> Response {
        let repository = try await request.capitalRepository(.viewGovernance)
        return try Idempotency.encode(status: .ok, body: try await CapitalDTO.load(repository))
    }

    /// With `Idempotency-Key`, a retried operation is written once.
    func appendOperation(request: Request) async throws -> Response {
        let scope = try await request.cooperativeScope(.manageGovernance)
        let body = try request.decodeJSON(OperationBody.self)
        let draft = CapitalRepository.OperationDraft(kind: body.kind, memberID: body.memberID, toMemberID: body.toMemberID, shareClassID: body.shareClassID,
                                                     quantity: body.quantity, date: body.date, toShareClassID: body.toShareClassID)
        return try await Idempotency.respond(to: request, status: .created) { db in
            try await db.transaction { tx in
                let operation = try await CapitalRepository(db: tx, scope: scope).append(draft, today: .today, on: tx)
                let names = Dictionary(uniqueKeysWithValues: try await Member.query(on: tx).filter(\.$cooperativeID == scope.id).all().map { ($0.id!, $0.displayName) })
                return CapitalOperationDTO(operation, names: names)
            }
        }
    }

    // MARK: Page

    struct ShareClassForm: Content { var className: String?, nominal: String?, minimumQuantity: String?, eligibleCategories: [String]? }
    struct OperationForm: Content { var kind: String?, memberID: String?, toMemberID: String?, shareClassID: String?, toShareClassID: String?, quantity: String?, date: String? }

    func page(request: Request) async throws -> Response {
        let repository = try await request.capitalRepository(.viewGovernance)
        return try await CapitalPage.render(repository, errors: [:], context: request.pageContext())
    }

    func createShareClassFromForm(request: Request) async throws -> Response {
        let repository = try await request.capitalRepository(.manageGovernance)
        let form = try request.content.decode(ShareClassForm.self)
        return try await FormSubmission.handle {
            let cents = try TradePagesController.euros(form.nominal, field: "nominalCents")
            guard TextRules.clean(form.minimumQuantity).map({ Int($0) != nil }) ?? true else {
                throw Problem.invalid(FieldErrors(["minimumQuantity": "Écrivez un nombre entier."]))
            }
            _ = try await repository.createShareClass(name: form.className, nominalCents: cents, minimumQuantity: TextRules.clean(form.minimumQuantity).flatMap { Int($0) },
                                                      eligibleCategories: form.eligibleCategories ?? [])
            request.flash(request.language.t("Catégorie de parts créée.", "Share class created."))
            return request.redirect(to: SiteURL.capital(repository.scope.id).path)
        } invalid: { errors in
            try await CapitalPage.render(repository, errors: errors.reduce(into: [:]) { $0[$1.key == "name" ? "className" : $1.key] = $1.value },
                                         context: request.pageContext(), status: .unprocessableEntity)
        }
    }

    func appendOperationFromForm(request: Request) async throws -> Response {
        let repository = try await request.capitalRepository(.manageGovernance)
        let form = try request.content.decode(OperationForm.self)
        return try await FormSubmission.handle {
            guard TextRules.clean(form.quantity).map({ Int($0) != nil }) ?? true else {
                throw Problem.invalid(FieldErrors(["quantity": "Écrivez un nombre entier de parts."]))
            }
            let draft = CapitalRepository.OperationDraft(kind: form.kind, memberID: form.memberID, toMemberID: form.toMemberID, shareClassID: form.shareClassID,
                                                         quantity: TextRules.clean(form.quantity).flatMap { Int($0) }, date: form.date, toShareClassID: form.toShareClassID)
            let scope = repository.scope
            let operation = try await request.db.transaction { tx in try await CapitalRepository(db: tx, scope: scope).append(draft, today: .today, on: tx) }
            request.flash(request.language.t("Opération n° \(operation.number) inscrite au registre.", "Operation no. \(operation.number) written in the register."))
            return request.redirect(to: SiteURL.capital(repository.scope.id).path)
        } invalid: { errors in
            try await CapitalPage.render(repository, errors: errors, context: request.pageContext(), status: .unprocessableEntity)
        }
    }
}

enum CapitalPage {
    static func render(_ repository: CapitalRepository, errors: [String: String], context: PageContext, status: HTTPResponseStatus = .ok) async throws -> Response {
        let coop = repository.scope.cooperative
        let capital = try await CapitalDTO.load(repository)
        let classes = try await repository.shareClasses()
        let members = try await Member.query(on: repository.db).filter(\.$cooperativeID == coop.id!).sort(\.$number).all()
        let classNames = Dictionary(uniqueKeysWithValues: classes.map { ($0.id!, $0.name) })
        let categories = try await MemberCategory.query(on: repository.db).filter(\.$cooperativeID == coop.id!).sort(\.$name).all()
        let categoryNames = Dictionary(uniqueKeysWithValues: categories.map { ($0.id!, $0.name) })
        let canManage = repository.scope.allows(.manageGovernance)
        let title = context.t("Capital et registre des parts", "Capital and share register")
        let memberOptions = members.filter { $0.status != MemberStatus.former.rawValue }.map { ($0.id!.uuidString, "n° \($0.number) — \($0.displayName)") }
        // Someone who left is still reimbursed or gives their shares away.
        let holderOptions = members.map { ($0.id!.uuidString, "n° \($0.number) — \($0.displayName)" + ($0.status == MemberStatus.former.rawValue ? context.t(" (sorti·e)", " (left)") : "")) }
        let memberCapital = MemberCapitalRepository(db: repository.db, scope: repository.scope)
        let history = try await memberCapital.history(months: 24, today: .today)
        let requests = try await SubscriptionRequestDTO.list(try await memberCapital.requests(), repository: memberCapital)
        let own = try await memberCapital.ownMember()
        let mayRequest = canManage || (own != nil && own?.status != MemberStatus.former.rawValue)
        return Layout.render(context, title: title, status: status, content: .group(
            .p(.a(.href(SiteURL.cooperative(coop.id!).path), .text(coop.name))),
            .h1(.text(title)),
            Kit.facts([(context.t("Capital souscrit", "Subscribed capital"), Euros.french(capital.totalCents)),
                       (context.t("Dont collectivités publiques", "Of which public bodies"), Euros.french(capital.publicBodiesCents) + context.t(" (au plus la moitié)", " (half at most)"))]
                      + capital.byCategory.map { ($0.category, Euros.french($0.cents)) }),
            .h2(.text(context.t("Le capital mois après mois", "Capital month by month"))),
            .div(.class("chart"), .id("capital-history"), .markup(MonthColumns.svg(history, title: context.t("Capital souscrit à la fin de chaque mois, sur deux ans", "Subscribed capital at the end of each month, over two years")))),
            .h2(.text(context.t("Catégories de parts", "Share classes"))),
            classes.isEmpty ? .p(.text(context.t("Aucune catégorie de parts.", "No share class."))) :
                .ul(.forEach(classes) { shareClass in
                    let reserved = shareClass.eligibleCategoryIDs.compactMap { categoryNames[$0] }.sorted()
                    return .li(.text("\(shareClass.name) — " + Euros.french(shareClass.nominalCents) + context.t(", \(shareClass.minimumQuantity) au moins", ", at least \(shareClass.minimumQuantity)")
                                     + (reserved.isEmpty ? "" : context.t(" ; réservées à : ", "; reserved to: ") + reserved.joined(separator: ", "))))
                }),
            .h2(.text(context.t("Registre", "Register"))),
            capital.register.isEmpty ? .p(.text(context.t("Aucune opération.", "No operation."))) :
            Kit.table(label: context.t("Registre des parts", "Share register"),
                .thead(.tr(.th(.class("num"), .text(context.t("N°", "No."))), .th(.text(context.t("Date", "Date"))), .th(.text(context.t("Opération", "Operation"))),
                           .th(.text(context.t("Associé·e", "Member"))), .th(.text(context.t("Parts", "Shares"))), .th(.class("num"), .text(context.t("Montant", "Amount"))))),
                .tbody(.forEach(capital.register) { entry in
                    .tr(.td(.class("num"), .text("\(entry.number)")), .td(.text(CalendarDay(entry.date)?.french ?? entry.date)),
                        .td(.text(CapitalOperationKind(rawValue: entry.kind)?.frenchLabel ?? entry.kind)),
                        .td(.text(entry.member + (entry.toMember.map { " → " + $0 } ?? ""))),
                        .td(.text("\(entry.quantity) × " + (classNames[entry.shareClassID] ?? "")
                                  + (entry.toShareClassID.map { " → \(entry.toQuantity ?? 0) × " + (classNames[$0] ?? "") } ?? ""))),
                        .td(.class("num"), .text(Euros.french(entry.amountCents))))
                })),
            .h2(.id("requests"), .text(context.t("Demandes de souscription", "Subscription requests"))),
            requests.isEmpty ? .p(.text(context.t("Aucune demande.", "No request."))) :
            Kit.table(label: context.t("Demandes de souscription", "Subscription requests"),
                .thead(.tr(.th(.text(context.t("Associé·e", "Member"))), .th(.class("num"), .text(context.t("Parts", "Shares"))), .th(.class("num"), .text(context.t("Montant", "Amount"))),
                           .th(.text(context.t("Consentements", "Consents"))), .th(.text(context.t("Étape", "Step"))), .th(.text("")))),
                .tbody(.forEach(requests) { request in
                    let status = SubscriptionStatus(rawValue: request.status) ?? .draft
                    return .tr(.td(.text(request.member)), .td(.class("num"), .text("\(request.quantity)")), .td(.class("num"), .text(Euros.french(request.amountCents))),
                        .td(.text(request.statutesAcceptedAt != nil && request.privacyAcceptedAt != nil
                                  ? context.t("donnés", "given") + (request.consentsRecordedBy.map { " (" + $0 + ")" } ?? "") : context.t("à recueillir", "to collect"))),
                        .td(.text(status.frenchLabel)),
                        .td(.if(canManage, .group(SubscriptionWorkflow.next(status).map { next in
                            .form(.class("inline"), .action(SiteURL.subscriptionTransition(coop.id!, request.id).path), .method(.post), Kit.csrfField(context.csrfToken),
                                  .input(.type(.hidden), .name("to"), .value(next.rawValue)),
                                  .button(.type(.submit), .class(next == .cancelled ? "danger" : ""), .id("request-\(request.id)-\(next.rawValue)"),
                                          .text(next == .cancelled ? context.t("Annuler", "Cancel") : next.frenchLabel)))
                        }))))
                })),
            .if(mayRequest, .section(.class("panel"),
                .h2(.text(context.t("Demander à souscrire des parts", "Ask to subscribe shares"))),
                Kit.errorSummary(errors.filter { ["consents", "requestMemberID", "requestShareClassID", "requestQuantity"].contains($0.key) },
                                 order: ["requestMemberID", "requestShareClassID", "requestQuantity", "consents"], context: context),
                .form(.id("request-form"), .action(SiteURL.subscriptionRequests(coop.id!).path), .method(.post),
                    Kit.csrfField(context.csrfToken),
                    canManage ? Kit.select(name: "requestMemberID", label: context.t("Associé·e ou candidat·e", "Member or candidate"), options: memberOptions, selected: nil,
                                           error: errors["requestMemberID"], placeholder: context.t("— Choisissez —", "— Choose —"))
                              : .input(.type(.hidden), .name("requestMemberID"), .value(own?.id?.uuidString ?? "")),
                    Kit.select(name: "requestShareClassID", label: context.t("Catégorie de parts", "Share class"), options: classes.map { ($0.id!.uuidString, $0.name + " — " + Euros.french($0.nominalCents)) },
                               selected: classes.count == 1 ? classes[0].id!.uuidString : nil, error: errors["requestShareClassID"], placeholder: context.t("— Choisissez —", "— Choose —")),
                    Kit.input(.init(name: "requestQuantity", label: context.t("Nombre de parts", "Number of shares"), error: errors["requestQuantity"], required: true, inputMode: "numeric")),
                    .div(.id("consents"), Kit.checkbox(name: "statutes", label: context.t("J'ai lu et j'accepte les statuts de la coopérative.", "I have read and accept the cooperative's statutes."), checked: false),
                    Kit.checkbox(name: "privacy", label: context.t("J'accepte que la coopérative tienne mes données au registre des associé·es.", "I agree that the cooperative keeps my data in the members' register."), checked: false)),
                    Kit.submit(context.t("Envoyer la demande", "Send the request"), id: "request-submit")))),
            .if(canManage, .group(
                Kit.errorSummary(errors.filter { !$0.key.hasPrefix("request") && $0.key != "consents" }, order: ["className", "nominalCents", "minimumQuantity", "kind", "memberID", "toMemberID", "shareClassID", "quantity", "date"], context: context),
                .section(.class("panel"),
                    .h2(.text(context.t("Inscrire une opération", "Write an operation"))),
                    .form(.id("operation-form"), .action(SiteURL.capitalOperations(coop.id!).path), .method(.post),
                        Kit.csrfField(context.csrfToken),
                        Kit.select(name: "kind", label: context.t("Opération", "Operation"), options: CapitalOperationKind.allCases.map { ($0.rawValue, $0.frenchLabel) },
                                   selected: CapitalOperationKind.subscription.rawValue, error: errors["kind"]),
                        Kit.select(name: "memberID", label: context.t("Associé·e", "Member"), options: holderOptions, selected: nil, error: errors["memberID"], placeholder: context.t("— Choisissez —", "— Choose —")),
                        Kit.select(name: "toMemberID", label: context.t("Pour une cession : à qui", "For a transfer: to whom"), options: memberOptions, selected: nil, error: errors["toMemberID"], placeholder: "—"),
                        Kit.select(name: "shareClassID", label: context.t("Catégorie de parts", "Share class"), options: classes.map { ($0.id!.uuidString, $0.name) },
                                   selected: classes.count == 1 ? classes[0].id!.uuidString : nil, error: errors["shareClassID"], placeholder: context.t("— Choisissez —", "— Choose —")),
                        Kit.select(name: "toShareClassID", label: context.t("Pour une conversion : en parts de", "For a conversion: into shares of"),
                                   options: classes.map { ($0.id!.uuidString, $0.name) }, selected: nil, error: errors["toShareClassID"], required: false, placeholder: "—"),
                        Kit.input(.init(name: "quantity", label: context.t("Nombre de parts", "Number of shares"), error: errors["quantity"], required: true, inputMode: "numeric")),
                        Kit.input(.init(name: "date", label: context.t("Date", "Date"), value: CalendarDay.today.description, type: .date, error: errors["date"])),
                        Kit.submit(context.t("Inscrire au registre", "Write in the register"), id: "operation-submit"))),
                .section(.class("panel"),
                    .h2(.text(context.t("Nouvelle catégorie de parts", "New share class"))),
                    .form(.id("share-class-form"), .action(SiteURL.capitalShareClasses(coop.id!).path), .method(.post),
                        Kit.csrfField(context.csrfToken),
                        Kit.input(.init(name: "className", label: context.t("Nom", "Name"), error: errors["className"], required: true)),
                        Kit.input(.init(name: "nominal", label: context.t("Valeur nominale (€)", "Nominal value (€)"), error: errors["nominalCents"], required: true, inputMode: "decimal")),
                        Kit.input(.init(name: "minimumQuantity", label: context.t("Parts au moins par associé·e", "Shares at least per member"), value: "1", error: errors["minimumQuantity"], inputMode: "numeric")),
                        Kit.checkboxes(name: "eligibleCategories", legend: context.t("Réservées à (aucune case : toutes les catégories)", "Reserved to (no box: every category)"),
                                       options: categories.map { ($0.id!.uuidString, $0.name) }, checked: [], error: errors["eligibleCategories"]),
                        Kit.submit(context.t("Créer la catégorie", "Create the class"), id: "share-class-submit")))))
        ))
    }
}
