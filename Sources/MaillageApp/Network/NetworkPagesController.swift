import Fluent
import Foundation
import MaillageCore
import Plot
import Vapor

/// Pages of the network tree: `/territories…` and `/coops…`.
struct NetworkPagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("territories", use: territories)
        routes.get("territories", "new", use: newTerritory)
        routes.post("territories", "new", use: createTerritory)
        routes.get("territories", ":territoryID", use: territory)
        routes.get("coops", use: cooperatives)
        routes.get("coops", "new", use: newCooperative)
        routes.post("coops", "new", use: createCooperative)
        routes.get("coops", ":coopID", use: cooperative)
        routes.get("coops", ":coopID", "edit", use: editCooperative)
        routes.post("coops", ":coopID", "edit", use: updateCooperative)
    }

    // MARK: Territories

    struct TerritoryForm: Content {
        var name: String?
        var kind: String?
        var qpvCode: String?
        var communeCodes: String?
    }

    func territories(request: Request) async throws -> Response {
        let principal = try request.requirePrincipal()
        guard principal.has(.networkAdmin) else { throw Problem.forbidden }
        let rows = try await NetworkRepository(db: request.db).allVisibleTerritories(for: principal)
        let context = request.pageContext()
        let content: BodyNode = .group(
            .h1(.text(context.t("Territoires", "Territories"))),
            .div(.class("actions"), .a(.class("button primary"), .href(SiteURL.newTerritory.path), .text(context.t("Créer un territoire", "Create a territory")))),
            rows.isEmpty ? .p(.text(context.t("Aucun territoire pour l'instant.", "No territory yet."))) :
            Kit.table(label: context.t("Territoires", "Territories"),
                .thead(.tr(.th(.text(context.t("Nom", "Name"))), .th(.text(context.t("Type", "Kind"))), .th(.text(context.t("Code QPV", "QPV code"))), .th(.text(context.t("Communes (INSEE)", "Communes (INSEE)"))))),
                .tbody(.forEach(rows) { row in
                    .tr(.td(.a(.href(SiteURL.territory(row.id!).path), .text(row.name))),
                        .td(.text(CooperativeLabels.territoryKind(row.kind, context.language))),
                        .td(.text(row.qpvCode ?? "—")),
                        .td(.text(row.communeCodes.joined(separator: ", "))))
                })
            )
        )
        return Layout.render(context, title: context.t("Territoires", "Territories"), content: content)
    }

    func newTerritory(request: Request) async throws -> Response {
        guard try request.requirePrincipal().has(.networkAdmin) else { throw Problem.forbidden }
        return TerritoryFormPage.render(TerritoryForm(kind: "qpv"), errors: [:], context: request.pageContext())
    }

    func createTerritory(request: Request) async throws -> Response {
        let principal = try request.requirePrincipal()
        guard principal.has(.networkAdmin) else { throw Problem.forbidden }
        let form = try request.content.decode(TerritoryForm.self)
        let codes = (form.communeCodes ?? "").split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\n" || $0 == ";" }).map(String.init)
        let draft = TerritoryDraft(name: form.name, kind: form.kind, qpvCode: form.qpvCode, communeCodes: codes)
        let repository = NetworkRepository(db: request.db)
        return try await FormSubmission.handle {
            let valid = try draft.validate()
            let territory = try await repository.createTerritory(valid, networkID: try repository.adminNetwork(for: principal, named: nil), request: request)
            request.flash(request.language.t("Territoire créé.", "Territory created."))
            return request.redirect(to: SiteURL.territory(territory.id!).path)
        } invalid: { errors in
            return TerritoryFormPage.render(form, errors: errors, context: request.pageContext(), status: .unprocessableEntity)
        }
    }

    func territory(request: Request) async throws -> Response {
        let principal = try request.requirePrincipal()
        let repository = NetworkRepository(db: request.db)
        let territory = try await repository.territory(try request.uuidParameter("territoryID"), for: principal)
        let coops = try await repository.allVisibleCooperatives(for: principal).filter { $0.$territory.id == territory.id }
        let context = request.pageContext()
        // The territory's map: its partners and what each is to each cooperative, its resources.
        let partners = try await PartnerRepository(db: request.db, territory: territory, principal: principal).partners()
        let resources = try await ResourceRepository(db: request.db, principal: principal).resources(in: territory)
        let allCoops = try await Cooperative.query(on: request.db).filter(\.$territory.$id == territory.id!).sort(\.$name).all()
        let roleCell = { (record: PartnerRecord, coop: Cooperative) -> String in
            record.roles.filter { $0.cooperativeID == coop.id }.compactMap { PartnerRoleKind(rawValue: $0.role)?.frenchLabel.lowercased() }.joined(separator: ", ")
        }
        let content: BodyNode = .group(
            .h1(.text(territory.name)),
            .section(.class("panel"), Kit.facts([
                (context.t("Type", "Kind"), CooperativeLabels.territoryKind(territory.kind, context.language)),
                (context.t("Code QPV", "QPV code"), territory.qpvCode ?? "—"),
                (context.t("Communes (INSEE)", "Communes (INSEE)"), territory.communeCodes.isEmpty ? "—" : territory.communeCodes.joined(separator: ", ")),
            ])),
            .h2(.text(context.t("Coopératives du territoire", "Cooperatives of the territory"))),
            coops.isEmpty ? .p(.text(context.t("Aucune coopérative.", "No cooperative."))) :
            .ul(.forEach(coops) { .li(.a(.href(SiteURL.cooperative($0.id!).path), .text($0.name))) }),
            .if(principal.decide(.viewImpact, at: territory.location) == .allowed,
                .p(.a(.id("territory-impact-link"), .href(SiteURL.territoryImpact(territory.id!).path), .text(context.t("Les indicateurs du territoire, coopérative par coopérative", "The territory's indicators, cooperative by cooperative"))))),
            .h2(.id("partners"), .text(context.t("Partenaires et ce qu'ils sont pour chaque coopérative", "Partners and what each is to each cooperative"))),
            .p(.a(.href(SiteURL.partners(territory.id!).path), .text(context.t("L'annuaire des partenaires", "The partner directory")))),
            partners.isEmpty ? .p(.text(context.t("Aucun partenaire.", "No partner."))) :
            Kit.table(label: context.t("Partenaires du territoire", "The territory's partners"),
                .thead(.tr(.th(.text(context.t("Partenaire", "Partner"))), .th(.text(context.t("Sorte", "Kind"))),
                           .forEach(allCoops) { .th(.text($0.name)) })),
                .tbody(.forEach(partners) { record in
                    .tr(.td(.a(.href(SiteURL.partner(territory.id!, record.partner.id!).path), .text(record.partner.name))),
                        .td(.text(record.partner.partnerKind.frenchLabel)),
                        .forEach(allCoops) { coop in .td(.text(roleCell(record, coop).nonEmpty ?? "—")) })
                })),
            .h2(.id("resources"), .text(context.t("Ressources partagées", "Shared resources"))),
            resources.isEmpty ? .p(.text(context.t("Aucune ressource.", "No resource."))) :
            .ul(.forEach(resources) { resource in
                .li(.a(.href(SiteURL.resource(resource.id!).path), .text(resource.name)), .text(" — " + resource.resourceKind.frenchLabel))
            })
        )
        return Layout.render(context, title: territory.name, content: content)
    }

    // MARK: Cooperatives

    struct CooperativeForm: Content {
        var templateID: String?
        var name: String?
        var territoryID: String?
        var legalForm: String?
        var siret: String?
        var address: String?
        var stage: String?
        var nameArticle: String?

        var draft: CooperativeDraft {
            CooperativeDraft(name: name, territoryID: territoryID, legalForm: legalForm, siret: siret, address: address, stage: stage, nameArticle: nameArticle)
        }

        init(templateID: String? = nil, name: String? = nil, territoryID: String? = nil, legalForm: String? = nil, siret: String? = nil, address: String? = nil, stage: String? = nil,
             nameArticle: String? = nil) {
            self.templateID = templateID
            self.nameArticle = nameArticle
            self.name = name; self.territoryID = territoryID; self.legalForm = legalForm
            self.siret = siret; self.address = address; self.stage = stage
        }

        init(_ coop: Cooperative) {
            self.init(name: coop.name, territoryID: coop.$territory.id.uuidString, legalForm: coop.legalForm, siret: coop.siret, address: coop.address, stage: coop.stage,
                      nameArticle: coop.nameArticle)
        }
    }

    func cooperatives(request: Request) async throws -> Response {
        let principal = try request.requirePrincipal()
        let repository = NetworkRepository(db: request.db)
        let coops = try await repository.allVisibleCooperatives(for: principal)
        let territoryNames = try await ScopeNames.load(networks: [], territories: Array(Set(coops.map { $0.$territory.id })), cooperatives: [], db: request.db).territories
        let context = request.pageContext()
        let content: BodyNode = .group(
            .h1(.text(context.t("Coopératives", "Cooperatives"))),
            .if(principal.has(.networkAdmin), .div(.class("actions"),
                .a(.class("button primary"), .href(SiteURL.newCooperative.path), .text(context.t("Créer une coopérative", "Create a cooperative"))))),
            coops.isEmpty ? .p(.text(context.t("Aucune coopérative.", "No cooperative."))) :
            Kit.table(label: context.t("Coopératives", "Cooperatives"),
                .thead(.tr(.th(.text(context.t("Nom", "Name"))), .th(.text(context.t("Territoire", "Territory"))), .th(.text(context.t("Forme juridique", "Legal form"))), .th(.text(context.t("Étape", "Stage"))))),
                .tbody(.forEach(coops) { coop in
                    .tr(.td(.a(.href(SiteURL.cooperative(coop.id!).path), .text(coop.name))),
                        .td(.text(territoryNames[coop.$territory.id] ?? "—")),
                        .td(.text(CooperativeLabels.legalForm(coop.legalForm, context.language))),
                        .td(.text(CooperativeLabels.stage(coop.stage, context.language))))
                })
            )
        )
        return Layout.render(context, title: context.t("Coopératives", "Cooperatives"), content: content)
    }

    func newCooperative(request: Request) async throws -> Response {
        let principal = try request.requirePrincipal()
        guard principal.has(.networkAdmin) else { throw Problem.forbidden }
        let territories = try await NetworkRepository(db: request.db).allVisibleTerritories(for: principal)
        let templates = try await TemplateRepository(db: request.db, principal: principal).templates()
        return CooperativeFormPage.render(.init(form: CooperativeForm(templateID: request.query[String.self, at: "templateID"], legalForm: "scic", stage: "emergence"),
                                                territories: territories, coopID: nil, templates: templates), errors: [:], context: request.pageContext())
    }

    func createCooperative(request: Request) async throws -> Response {
        let principal = try request.requirePrincipal()
        guard principal.has(.networkAdmin) else { throw Problem.forbidden }
        let form = try request.content.decode(CooperativeForm.self)
        let repository = NetworkRepository(db: request.db)
        return try await FormSubmission.handle {
            let coop = try await repository.createCooperative(form.draft, templateID: form.templateID, request: request)
            request.flash(request.language.t("Coopérative créée.", "Cooperative created."))
            return request.redirect(to: SiteURL.cooperative(coop.id!).path)
        } invalid: { errors in
            let territories = try await repository.allVisibleTerritories(for: principal)
            let templates = try await TemplateRepository(db: request.db, principal: principal).templates()
            return CooperativeFormPage.render(.init(form: form, territories: territories, coopID: nil, templates: templates), errors: errors, context: request.pageContext(),
                                              status: .unprocessableEntity)
        }
    }

    func cooperative(request: Request) async throws -> Response {
        let principal = try request.requirePrincipal()
        let repository = NetworkRepository(db: request.db)
        let coop = try await repository.cooperative(try request.uuidParameter("coopID"), for: principal)
        let territory = try await Territory.find(coop.$territory.id, on: request.db)
        let canEdit = principal.decide(.editCooperative, at: coop.location) == .allowed
        let sections = CooperativeSections.links(for: principal, coop: coop, language: request.language)
        let context = request.pageContext()
        let onboarding = try await OnboardingRepository(db: request.db, scope: CooperativeScope(cooperative: coop, principal: principal)).tasks()
        let content: BodyNode = .group(
            .h1(.text(coop.name)),
            .section(.class("panel"), Kit.facts([
                (context.t("Territoire", "Territory"), territory?.name ?? "—"),
                (context.t("Forme juridique", "Legal form"), CooperativeLabels.legalForm(coop.legalForm, context.language)),
                (context.t("Étape", "Stage"), CooperativeLabels.stage(coop.stage, context.language)),
                ("SIRET", coop.siret ?? "—"),
                (context.t("Adresse", "Address"), coop.address ?? "—"),
            ])),
            .if(!sections.isEmpty, .nav(.ariaLabel(context.t("Espaces de la coopérative", "Cooperative sections")),
                .forEach(CooperativeSections.grouped(sections)) { group in
                    .section(.class("area"), .h2(.text(group.area.label(context.language))),
                        .ul(.class("cards"), .forEach(group.links) { link in
                            .li(.class("card"), .h3(.a(.href(link.path), .text(link.label))), .p(.text(link.detail)))
                        }))
                })),
            OnboardingView.section(onboarding, coop: coop, canEdit: canEdit, context: context),
            .if(canEdit, .div(.class("actions"),
                .a(.class("button primary"), .href(SiteURL.cooperativeEdit(coop.id!).path), .text(context.t("Modifier la fiche", "Edit the card"))),
                .a(.class("button"), .href(SiteURL.cooperativeAccess(coop.id!).path), .text(context.t("Accès et invitations", "Access and invitations")))))
        )
        return Layout.render(context, title: coop.name, content: content)
    }

    func editCooperative(request: Request) async throws -> Response {
        let principal = try request.requirePrincipal()
        let repository = NetworkRepository(db: request.db)
        let coop = try await repository.cooperative(try request.uuidParameter("coopID"), for: principal, permission: .editCooperative)
        let territories = try await repository.allVisibleTerritories(for: principal).filter { $0.$network.id == coop.networkID }
        return CooperativeFormPage.render(.init(form: CooperativeForm(coop), territories: territories, coopID: coop.id), errors: [:], context: request.pageContext())
    }

    func updateCooperative(request: Request) async throws -> Response {
        let principal = try request.requirePrincipal()
        let repository = NetworkRepository(db: request.db)
        let coop = try await repository.cooperative(try request.uuidParameter("coopID"), for: principal, permission: .editCooperative)
        var form = try request.content.decode(CooperativeForm.self)
        if form.territoryID == nil { form.territoryID = coop.$territory.id.uuidString }
        return try await FormSubmission.handle {
            _ = try await repository.updateCooperative(coop, with: form.draft, request: request)
            request.flash(request.language.t("Fiche enregistrée.", "Card saved."))
            return request.redirect(to: SiteURL.cooperative(coop.id!).path)
        } invalid: { errors in
            let territories = try await repository.allVisibleTerritories(for: principal).filter { $0.$network.id == coop.networkID }
            return CooperativeFormPage.render(.init(form: form, territories: territories, coopID: coop.id), errors: errors, context: request.pageContext(), status: .unprocessableEntity)
        }
    }
}

enum TerritoryFormPage {
    static func render(_ form: NetworkPagesController.TerritoryForm, errors: [String: String], context: PageContext, status: HTTPResponseStatus = .ok) -> Response {
        let title = context.t("Nouveau territoire", "New territory")
        let content: BodyNode = .group(
            .h1(.text(title)),
            Kit.errorSummary(errors, order: ["name", "kind", "qpvCode", "communeCodes"], context: context),
            .form(
                .class("panel"), .action(SiteURL.newTerritory.path), .method(.post),
                Kit.csrfField(context.csrfToken),
                Kit.input(.init(name: "name", label: context.t("Nom", "Name"), value: form.name, error: errors["name"], required: true)),
                Kit.select(name: "kind", label: context.t("Type de territoire", "Kind of territory"),
                           options: TerritoryKind.allCases.map { ($0.rawValue, context.language == .french ? $0.frenchLabel : $0.englishLabel) },
                           selected: form.kind, error: errors["kind"]),
                Kit.input(.init(name: "qpvCode", label: context.t("Code QPV", "QPV code"), value: form.qpvCode, error: errors["qpvCode"],
                                hint: context.t("Obligatoire pour un QPV, par exemple QN01306M.", "Required for a QPV, for example QN01306M."))),
                Kit.input(.init(name: "communeCodes", label: context.t("Codes communes INSEE", "INSEE commune codes"), value: form.communeCodes, error: errors["communeCodes"],
                                hint: context.t("Séparés par des virgules, par exemple 13212, 13211.", "Comma-separated, for example 13212, 13211."))),
                Kit.submit(context.t("Créer le territoire", "Create the territory"))
            )
        )
        return Layout.render(context, title: title, status: status, content: content)
    }
}

enum CooperativeFormPage {
    struct Model {
        var form: NetworkPagesController.CooperativeForm
        var territories: [Territory]
        var coopID: UUID?
        /// The network's templates a new cooperative may start from.
        var templates: [CooperativeTemplateRecord] = []
    }

    static func render(_ model: Model, errors: [String: String], context: PageContext, status: HTTPResponseStatus = .ok) -> Response {
        let form = model.form
        let title = model.coopID == nil ? context.t("Nouvelle coopérative", "New cooperative") : context.t("Modifier la coopérative", "Edit the cooperative")
        let action = model.coopID.map { SiteURL.cooperativeEdit($0).path } ?? SiteURL.newCooperative.path
        let selectedTerritory = form.territoryID.flatMap(UUID.init(uuidString:))?.uuidString
        let content: BodyNode = .group(
            .h1(.text(title)),
            Kit.errorSummary(errors, order: ["templateID", "name", "nameArticle", "territoryID", "legalForm", "stage", "siret", "address"], context: context),
            .form(
                .class("panel"), .id("cooperative-form"), .action(action), .method(.post),
                Kit.csrfField(context.csrfToken),
                .if(model.coopID == nil && !model.templates.isEmpty,
                    Kit.select(name: "templateID", label: context.t("Partir d'un modèle", "Start from a template"),
                               options: model.templates.map { ($0.id!.uuidString, $0.name) }, selected: form.templateID, error: errors["templateID"], required: false,
                               placeholder: context.t("— Sans modèle —", "— No template —"))),
                Kit.input(.init(name: "name", label: context.t("Nom", "Name"), value: form.name, error: errors["name"], required: true)),
                Kit.select(name: "nameArticle", label: context.t("Article devant le nom (« de la Coopérative… »)", "Article before the name, in French sentences"),
                           options: NameArticle.choices.map { ($0.raw, $0.label) }, selected: form.nameArticle, error: errors["nameArticle"], required: false,
                           placeholder: context.t("— Aucun —", "— None —")),
                Kit.select(name: "territoryID", label: context.t("Territoire", "Territory"),
                           options: model.territories.map { ($0.id!.uuidString, $0.name) }, selected: selectedTerritory, error: errors["territoryID"]),
                Kit.select(name: "legalForm", label: context.t("Forme juridique", "Legal form"),
                           options: LegalForm.allCases.map { ($0.rawValue, context.language == .french ? $0.frenchLabel : $0.englishLabel) },
                           selected: form.legalForm, error: errors["legalForm"]),
                Kit.select(name: "stage", label: context.t("Étape", "Stage"),
                           options: CooperativeStage.allCases.map { ($0.rawValue, context.language == .french ? $0.frenchLabel : $0.englishLabel) },
                           selected: form.stage, error: errors["stage"]),
                Kit.input(.init(name: "siret", label: "SIRET", value: form.siret, error: errors["siret"],
                                hint: context.t("14 chiffres, facultatif tant que la coopérative n'est pas immatriculée.", "14 digits, optional until the cooperative is registered."),
                                inputMode: "numeric")),
                Kit.input(.init(name: "address", label: context.t("Adresse", "Address"), value: form.address, error: errors["address"], autocomplete: "street-address")),
                Kit.submit(model.coopID == nil ? context.t("Créer la coopérative", "Create the cooperative") : context.t("Enregistrer", "Save"))
            )
        )
        return Layout.render(context, title: title, status: status, content: content)
    }
}
