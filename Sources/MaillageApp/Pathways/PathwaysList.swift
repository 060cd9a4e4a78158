import Foundation
import MaillageCore
import Plot
import Vapor

/// The pathways list, as a page and in the API: searched by name, filtered by state and by
/// referent, the latest entries first or by last name, a page at a time (`q`, `status`,
/// `referent`, `sort=nom`, `page`, `limit`).
extension Request {
    func pathwayListOptions() throws -> PathwaysRepository.ListOptions {
        var errors = FieldErrors()
        var options = PathwaysRepository.ListOptions()
        if let raw = TextRules.clean(query[String.self, at: "referent"]) {
            if let id = UUID(uuidString: raw) { options.referent = id } else { errors.add("referent", "Ce ou cette référente n'existe pas.") }
        }
        switch TextRules.clean(query[String.self, at: "sort"]) {
        case nil, "entree": break
        case "nom": options.byName = true
        default: errors.add("sort", "Le tri se fait par date d'entrée (entree) ou par nom (nom).")
        }
        try errors.throwIfAny()
        return options
    }
}

struct PathwayListItemDTO: Content {
    var id: UUID
    var personName: String
    var openedOn: String
    var status: String
    var exitCategory: String?
    var referentUserID: UUID?
    var referentName: String?

    init(_ row: PathwaysRepository.ListRow) {
        id = row.id
        personName = row.personName
        openedOn = CalendarDay(date: row.opened_on).description
        status = row.exit_category == nil ? "ongoing" : "exited"
        exitCategory = row.exit_category
        referentUserID = row.referent_user_id
        referentName = row.referent_name
    }
}

extension PathwaysAPIController {
    func listPathways(request: Request) async throws -> Response {
        let scope = try await request.cooperativeScope(.managePathways)
        var filter = try request.listFilter(states: PathwaysRepository.pathwayStates)
        if request.query[String.self, at: "limit"] == nil { filter.perPage = 100 }
        let page = try await PathwaysRepository(db: request.db, scope: scope).pathways(filter, options: try request.pathwayListOptions())
        return try Idempotency.encode(status: .ok, body: Page(items: page.rows.map(PathwayListItemDTO.init), nextCursor: page.hasNext ? String(page.page + 1) : nil))
    }
}

enum PathwaysListPage {
    static func respond(_ request: Request) async throws -> Response {
        let scope = try await request.cooperativeScope(.managePathways)
        let repository = PathwaysRepository(db: request.db, scope: scope)
        let states = PathwaysRepository.pathwayStates
        var (filter, errors) = request.pageListFilter(states: states)
        var options = PathwaysRepository.ListOptions()
        do { options = try request.pathwayListOptions() } catch { errors.merge(Problem.from(error).fieldErrors) { first, _ in first } }
        // 100 pathways a page, the latest opened first.
        if request.query[String.self, at: "limit"] == nil { filter.perPage = 100 }
        let page = try await repository.pathways(filter, options: options)
        let referents = try await repository.linkCandidates().referents.map { ($0.userID, $0.userName) }
        return render(scope: scope, page: page, filter: filter, options: options, referents: referents, errors: errors, request: request)
    }

    private static func render(scope: CooperativeScope, page: ListPage<PathwaysRepository.ListRow>, filter: ListFilter, options: PathwaysRepository.ListOptions,
                               referents: [(UUID, String)], errors: [String: String], request: Request) -> Response {
        let context = request.pageContext()
        let title = context.t("Parcours", "Pathways")
        let base = SiteURL.pathways(scope.id).path
        let typed = request.query[String.self, at: "q"]
        let first = (page.page - 1) * filter.perPage + min(1, page.rows.count)
        let shown = context.t("Parcours \(first) à \(first + max(0, page.rows.count - 1)) sur \(page.total), " + (options.byName ? "par nom." : "les plus récents d'abord."),
                              "Pathways \(first) to \(first + max(0, page.rows.count - 1)) of \(page.total), " + (options.byName ? "by name." : "latest first."))
        let narrowed = filter.isFiltering || options.referent != nil
        let content: BodyNode = .group(
            Kit.pageHeader(title, breadcrumb: [.init(label: scope.cooperative.name, path: SiteURL.cooperative(scope.id).path), .init(label: title, path: nil)], context: context),
            Kit.listFilterErrors(errors, context: context),
            Kit.listFilterForm(action: base, filter: filter, typed: typed, states: states(),
                               extra: [referentField(referents, options: options, context: context), sortField(options, context: context)], context: context),
            .if(page.total > 0, .p(.class("list-count"), .id("pathways-paging"), .text(shown))),
            page.rows.isEmpty
                ? Kit.emptyState(narrowed ? context.t("Aucun parcours ne correspond à cette recherche.", "No pathway matches this search.")
                                          : context.t("Aucun parcours ouvert : acceptez une orientation pour en ouvrir un.", "No pathway yet: accept a referral to open one."))
                : table(page.rows, scope: scope, title: title, context: context),
            Kit.pagination(page, path: base, typed: typed, filter: filter,
                           keeping: [("referent", options.referent?.uuidString.lowercased()), ("sort", options.byName ? "nom" : nil)], context: context)
        )
        return Layout.render(context, title: title, status: errors.isEmpty ? .ok : .unprocessableEntity, content: content)
    }

    private static func states() -> [(raw: String, label: String)] { PathwaysRepository.pathwayStates }

    private static func table(_ rows: [PathwaysRepository.ListRow], scope: CooperativeScope, title: String, context: PageContext) -> BodyNode {
        Kit.table(label: title,
            .thead(.tr(.th(.text(context.t("Personne", "Person"))), .th(.text(context.t("Entrée", "Entry"))), .th(.text(context.t("Référent·e", "Referent"))),
                       .th(.text(context.t("Sortie", "Exit"))))),
            .tbody(.forEach(rows) { row in
                .tr(.td(.a(.href(SiteURL.pathway(scope.id, row.id).path), .text(row.personName))),
                    .td(.text(CalendarDay(date: row.opened_on).french)),
                    .td(.text(row.referent_name ?? "—")),
                    .td(row.exit_category.flatMap { ExitCategory(rawValue: $0) }.map { Kit.badge($0.frenchLabel, tone: .neutral) }
                        ?? Kit.badge(context.t("En cours", "Ongoing"), tone: .info)))
            }))
    }

    private static func referentField(_ referents: [(UUID, String)], options: PathwaysRepository.ListOptions, context: PageContext) -> Node<HTML.FormContext> {
        let choices = [("", context.t("Tous", "All"))] + referents.map { ($0.0.uuidString.lowercased(), $0.1) }
        let selected = options.referent?.uuidString.lowercased() ?? ""
        return .div(.class("field"),
            .label(.for("filtre-referent"), .text(context.t("Référent·e", "Referent"))),
            .select(.id("filtre-referent"), .attribute(named: "name", value: "referent"), .group(choices.map { option in
                .element(named: "option", nodes: [.attribute(named: "value", value: option.0, ignoreIfValueIsEmpty: false),
                                                  .if(option.0 == selected, .attribute(named: "selected", value: "selected")), .text(option.1)])
            })))
    }

    private static func sortField(_ options: PathwaysRepository.ListOptions, context: PageContext) -> Node<HTML.FormContext> {
        let choices = [("entree", context.t("Entrée, la plus récente d'abord", "Entry, latest first")), ("nom", context.t("Nom", "Name"))]
        return .div(.class("field"),
            .label(.for("filtre-sort"), .text(context.t("Trier par", "Sort by"))),
            .select(.id("filtre-sort"), .attribute(named: "name", value: "sort"), .group(choices.map { option in
                .element(named: "option", nodes: [.attribute(named: "value", value: option.0),
                                                  .if((option.0 == "nom") == options.byName, .attribute(named: "selected", value: "selected")), .text(option.1)])
            })))
    }
}
