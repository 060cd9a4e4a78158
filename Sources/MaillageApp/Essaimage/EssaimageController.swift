import Fluent
import Foundation
import MaillageCore
import Plot
import Vapor

struct TemplateDTO: Content {
    var id: UUID
    var name: String
    var description: String?
    var sourceCoopID: UUID?
    var createdAt: Date?
    /// What a cooperative started from it receives.
    var setup: TemplateSetup

    init(_ template: CooperativeTemplateRecord) {
        id = template.id!
        name = template.name
        description = template.presentation
        sourceCoopID = template.sourceCoopID
        createdAt = template.createdAt
        setup = template.setup
    }
}

struct OnboardingDTO: Content {
    struct Step: Content { var id: UUID, key: String, title: String, who: String, dueOn: String, doneOn: String? }
    var done: Int
    var total: Int
    var late: Bool
    var steps: [Step]

    init(_ tasks: [OnboardingTask]) {
        let progress = OnboardingRepository.progress(tasks)
        done = progress?.done ?? 0
        total = progress?.total ?? 0
        late = progress?.late ?? false
        steps = tasks.map { Step(id: $0.id!, key: $0.key, title: $0.title, who: $0.who, dueOn: CalendarDay(date: $0.dueOn).description,
                                 doneOn: $0.doneOn.map { CalendarDay(date: $0).description }) }
    }
}

/// `/api/v1/templates`, `/api/v1/coops/:coopID/onboarding…` and the pages `/templates`,
/// `/coops/:coopID/onboarding/:taskID/done`.
struct EssaimageController: RouteCollection {
    let api: Bool

    func boot(routes: any RoutesBuilder) throws {
        if api {
            routes.get("templates", use: list)
            routes.post("templates", use: create)
            routes.get("coops", ":coopID", "onboarding", use: onboarding)
            routes.post("coops", ":coopID", "onboarding", ":taskID", "done", use: markDone)
        } else {
            routes.get("templates", use: listPage)
            routes.post("templates", use: createFromForm)
            routes.post("coops", ":coopID", "onboarding", ":taskID", "done", use: markDoneFromForm)
        }
    }

    struct TemplateBody: Content { var coopID: String?, name: String?, description: String? }

    func list(request: Request) async throws -> Response {
        let repository = TemplateRepository(db: request.db, principal: try request.requirePrincipal())
        return try Idempotency.encode(status: .ok, body: Page(items: try await repository.templates().map(TemplateDTO.init), nextCursor: nil))
    }

    /// `{coopID, name, description?}`: saves that cooperative's setup as a template.
    func create(request: Request) async throws -> Response {
        let repository = TemplateRepository(db: request.db, principal: try request.requirePrincipal())
        _ = try repository.network()
        let body = try request.decodeJSON(TemplateBody.self)
        return try await Idempotency.respond(to: request, status: .created) { db in
            TemplateDTO(try await TemplateRepository(db: db, principal: repository.principal).save(from: body.coopID, TemplateDraft(name: body.name, description: body.description)))
        }
    }

    func onboarding(request: Request) async throws -> Response {
        let scope = try await request.cooperativeScope(.viewCooperative)
        return try Idempotency.encode(status: .ok, body: OnboardingDTO(try await OnboardingRepository(db: request.db, scope: scope).tasks()))
    }

    struct DoneBody: Decodable { var done: Bool? }

    /// `{done?}`: the step is done today (`done: false` reopens it).
    func markDone(request: Request) async throws -> Response {
        let scope = try await request.cooperativeScope(.editCooperative)
        let body = try request.decodeJSON(DoneBody.self)
        let tasks = try await OnboardingRepository(db: request.db, scope: scope).mark(request.parameters.get("taskID", as: UUID.self), done: body.done ?? true)
        return try Idempotency.encode(status: .ok, body: OnboardingDTO(tasks))
    }

    // MARK: Pages

    func listPage(request: Request) async throws -> Response {
        let repository = TemplateRepository(db: request.db, principal: try request.requirePrincipal())
        return try await TemplatesPage.render(repository, form: TemplateBody(), errors: [:], context: request.pageContext())
    }

    func createFromForm(request: Request) async throws -> Response {
        let repository = TemplateRepository(db: request.db, principal: try request.requirePrincipal())
        _ = try repository.network()
        let form = try request.content.decode(TemplateBody.self)
        return try await FormSubmission.handle {
            let template = try await repository.save(from: form.coopID, TemplateDraft(name: form.name, description: form.description))
            request.flash(request.language.t("Modèle enregistré : ", "Template saved: ") + template.name + ".")
            return request.redirect(to: SiteURL.templates.path)
        } invalid: { errors in
            try await TemplatesPage.render(repository, form: form, errors: errors, context: request.pageContext(), status: .unprocessableEntity)
        }
    }

    func markDoneFromForm(request: Request) async throws -> Response {
        let scope = try await request.cooperativeScope(.editCooperative)
        _ = try await OnboardingRepository(db: request.db, scope: scope).mark(request.parameters.get("taskID", as: UUID.self), done: true)
        request.flash(request.language.t("Étape faite.", "Step done."))
        return request.redirect(to: SiteURL.cooperative(scope.id).path + "#onboarding")
    }
}

enum TemplatesPage {
    static func render(_ repository: TemplateRepository, form: EssaimageController.TemplateBody, errors: [String: String], context: PageContext,
                       status: HTTPResponseStatus = .ok) async throws -> Response {
        let networkID = try repository.network()
        let templates = try await repository.templates()
        let cooperatives = try await Cooperative.query(on: repository.db).filter(\.$networkID == networkID).sort(\.$name).all()
        let title = context.t("Modèles de coopérative", "Cooperative templates")
        return Layout.render(context, title: title, status: status, content: .group(
            .h1(.text(title)),
            .p(.text(context.t("Un modèle garde la configuration d'une coopérative (catégories et collèges, parts sociales, statuts, grilles tarifaires, catalogue, grille de compétences, indicateurs, étapes jusqu'à la SCIC) pour en démarrer une nouvelle, sur un nouveau territoire, en un formulaire.",
                               "A template keeps a cooperative's setup to start a new one, in a new territory, in one form."))),
            templates.isEmpty ? .p(.text(context.t("Aucun modèle.", "No template."))) :
            Kit.table(label: title,
                .thead(.tr(.th(.text(context.t("Modèle", "Template"))), .th(.text(context.t("Contenu", "Contents"))), .th(.text("")))),
                .tbody(.forEach(templates) { template in
                    let setup = template.setup
                    return .tr(.td(.text(template.name), .unwrap(template.presentation) { .p(.class("hint"), .text($0)) }),
                        .td(.text("\(setup.categories.count) " + context.t("catégories", "categories") + ", \(setup.colleges.count) " + context.t("collèges", "colleges")
                                  + ", \(setup.shareClasses.count) " + context.t("classes de parts", "share classes") + ", \(setup.tariffGrids.count) " + context.t("grilles", "grids")
                                  + ", \(setup.products.count) " + context.t("produits", "products") + ", \(setup.competences.count) " + context.t("compétences", "competences")
                                  + ", \(setup.onboarding.count) " + context.t("étapes", "steps"))),
                        .td(.a(.class("button"), .href(SiteURL.newCooperative.path + "?templateID=\(template.id!.uuidString)"),
                               .text(context.t("Démarrer une coopérative", "Start a cooperative")))))
                })),
            .section(.class("panel"),
                .h2(.text(context.t("Enregistrer une coopérative comme modèle", "Save a cooperative as a template"))),
                Kit.errorSummary(errors, order: ["coopID", "name", "description"], context: context),
                .form(.id("template-form"), .action(SiteURL.templates.path), .method(.post),
                    Kit.csrfField(context.csrfToken),
                    Kit.select(name: "coopID", label: context.t("Coopérative", "Cooperative"), options: cooperatives.map { ($0.id!.uuidString, $0.name) },
                               selected: form.coopID, error: errors["coopID"], placeholder: context.t("— Choisissez —", "— Choose —")),
                    Kit.input(.init(name: "name", label: context.t("Nom du modèle", "Template name"), value: form.name, error: errors["name"], required: true)),
                    Kit.textarea(name: "description", label: context.t("Description", "Description"), value: form.description, error: errors["description"]),
                    Kit.submit(context.t("Enregistrer le modèle", "Save the template"), id: "template-submit")))
        ))
    }
}

enum OnboardingView {
    /// The road from the collective to the SCIC on the cooperative's page.
    static func section(_ tasks: [OnboardingTask], coop: Cooperative, canEdit: Bool, context: PageContext) -> Node<HTML.BodyContext> {
        guard let progress = OnboardingRepository.progress(tasks) else { return .empty }
        return .section(.class("panel"), .id("onboarding"),
            .h2(.text(context.t("Du collectif d'habitant·es à la SCIC", "From the residents' collective to the SCIC"))),
            .p(.id("onboarding-progress"), .text(progress.french + (progress.late ? context.t(" — en retard", " — late") : ""))),
            .element(named: "progress", nodes: [.attribute(named: "max", value: String(progress.total)), .attribute(named: "value", value: String(progress.done)),
                                               .attribute(named: "aria-label", value: progress.french), .text(progress.french)]),
            .ol(.forEach(tasks) { task in
                .li(.text(task.title + " — " + task.who + " — "
                          + (task.doneOn.map { context.t("fait le ", "done on ") + CalendarDay(date: $0).french } ?? context.t("pour le ", "due ") + CalendarDay(date: task.dueOn).french)),
                    .if(canEdit && task.doneOn == nil, FundingPages.mark(SiteURL.cooperative(coop.id!).path + "/onboarding/\(task.id!)/done", id: "done-\(task.key)",
                                                                         label: context.t("Fait aujourd'hui", "Done today"), context: context)))
            }))
    }
}
