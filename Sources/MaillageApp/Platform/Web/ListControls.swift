import Foundation
import MaillageCore
import Plot
import Vapor

/// What a list's page was asked for: the filter, the search as typed (to show it back), and
/// why a bad address was refused (empty when it was right).
struct ListRequest: Sendable {
    var filter = ListFilter()
    var typed: String?
    var errors: [String: String] = [:]
}

extension Request {
    /// A list page's request: its filter, or the whole list with the reasons (see `pageListFilter`).
    func listRequest(states: [(raw: String, label: String)]) -> ListRequest {
        let (filter, errors) = pageListFilter(states: states)
        return ListRequest(filter: filter, typed: query[String.self, at: "q"], errors: errors)
    }

    /// The list filter of the address or API query (`q`, `status`, `page`, `limit`). An API
    /// client may follow `nextCursor` as `cursor`: for these lists it is the page's number.
    func listFilter(states: [(raw: String, label: String)]) throws -> ListFilter {
        try ListFilter.parse(query: query[String.self, at: "q"], status: query[String.self, at: "status"],
                             page: query[String.self, at: "page"] ?? query[String.self, at: "cursor"], limit: query[String.self, at: "limit"],
                             allowedStates: states)
    }

    /// For a page: a bookmarked address with a state that no longer exists shows the whole
    /// list, with why (the field errors, empty when the filter is right).
    func pageListFilter(states: [(raw: String, label: String)]) -> (filter: ListFilter, errors: [String: String]) {
        do { return (try listFilter(states: states), [:]) } catch { return (ListFilter(), Problem.from(error).fieldErrors) }
    }

    /// A period asked by `from` and `to` (days, either may be missing), checked in order.
    func listPeriod() throws -> (from: CalendarDay?, to: CalendarDay?) {
        var errors = FieldErrors()
        let raw = (query[String.self, at: "from"], query[String.self, at: "to"])
        let from = TextRules.clean(raw.0) == nil ? nil : CalendarDay.parse(raw.0, field: "from", subject: "Le début de la période", fallback: nil, latest: nil, into: &errors)
        let to = TextRules.clean(raw.1) == nil ? nil : CalendarDay.parse(raw.1, field: "to", subject: "La fin de la période", fallback: nil, latest: nil, into: &errors)
        if let from, let to, from > to { errors.add("from", "Le début de la période doit précéder sa fin.") }
        try errors.throwIfAny()
        return (from, to)
    }

    /// For the API: the whole list in one answer unless a `limit` is asked for.
    func apiListFilter(states: [(raw: String, label: String)]) throws -> ListFilter {
        var filter = try listFilter(states: states)
        if query[String.self, at: "limit"] == nil { filter.perPage = 1_000_000 }
        return filter
    }
}

/// The search box, the state filter and the pages of a list (docs/UI.md).
extension Kit {
    /// The query parameters a list's filter form shows as fields (`id="filtre-<name>"`).
    private static let filterFields = ["q", "status", "from", "to", "referent", "sort"]

    /// A refused filter's summary, its links to the filter's own fields.
    static func listFilterErrors(_ errors: [String: String], context: PageContext) -> BodyNode {
        var keyed: [String: String] = [:]
        // The filter's own fields have ids of their own (`filtre-…`), a list's extra ones too.
        for (key, message) in errors { keyed[filterFields.contains(key) ? "filtre-" + key : key] = message }
        return errorSummary(keyed, order: filterFields.map { "filtre-" + $0 } + ["page", "limit"], context: context)
    }

    /// The period fields of a list's filter (`from`, `to`), kept as typed.
    struct ListPeriodFields {
        var from: String?
        var to: String?

        var isSet: Bool { !(from ?? "").isEmpty || !(to ?? "").isEmpty }
    }

    /// A GET form: the filtered list has its own address, so it can be bookmarked.
    static func listFilterForm(action: String, filter: ListFilter, typed: String?, states: [(raw: String, label: String)],
                               searchLabel: String? = nil, stateLabel: String? = nil, period: ListPeriodFields? = nil,
                               hidden: [(name: String, value: String)] = [], extra: [Node<HTML.FormContext>] = [], context: PageContext) -> BodyNode {
        let narrowed = filter.isFiltering || period?.isSet == true
        let search: Node<HTML.FormContext> = .div(.class("field"),
            .label(.for("filtre-q"), .text(searchLabel ?? context.t("Rechercher", "Search"))),
            .input(.type(.search), .id("filtre-q"), .name("q"), .value(typed ?? ""), .attribute(named: "autocomplete", value: "off")))
        let buttons: Node<HTML.FormContext> = .div(.class("button-group"),
            .button(.type(.submit), .class("primary"), .text(context.t("Filtrer", "Filter"))),
            .if(narrowed, .a(.class("button"), .href(action), .text(context.t("Tout afficher", "Show all")))))
        let hiddenFields: [Node<HTML.FormContext>] = hidden.map { .input(.type(.hidden), .name($0.name), .value($0.value)) }
        let fields: [Node<HTML.FormContext>] = hiddenFields + [search, stateField(filter, states: states, label: stateLabel, context: context),
                                                 period.map { periodFields($0, context: context) } ?? .empty] + extra + [buttons]
        return .form(.class("list-filter no-print"), .method(.get), .action(action), .attribute(named: "role", value: "search"), .group(fields))
    }

    private static func stateField(_ filter: ListFilter, states: [(raw: String, label: String)], label: String?, context: PageContext) -> Node<HTML.FormContext> {
        guard !states.isEmpty else { return .empty }
        let selected = filter.states.count == 1 ? filter.states.first : nil
        // Ids of their own: the page's other forms may have a `status` field.
        let options: [Node<HTML.SelectContext>] = ([(raw: "", label: context.t("Tous", "All"))] + states).map { option in
            .element(named: "option", nodes: [.attribute(named: "value", value: option.raw, ignoreIfValueIsEmpty: false),
                                              .if(option.raw == selected, .attribute(named: "selected", value: "selected")),
                                              .text(option.label)])
        }
        return .div(.class("field"),
            .label(.for("filtre-status"), .text(label ?? context.t("État", "Status"))),
            .select(.id("filtre-status"), .attribute(named: "name", value: "status"), .group(options)))
    }

    private static func periodFields(_ period: ListPeriodFields, context: PageContext) -> Node<HTML.FormContext> {
        .group(
            .div(.class("field"), .label(.for("filtre-from"), .text(context.t("Du", "From"))),
                 .input(.type(.date), .id("filtre-from"), .name("from"), .value(period.from ?? ""))),
            .div(.class("field"), .label(.for("filtre-to"), .text(context.t("Au", "To"))),
                 .input(.type(.date), .id("filtre-to"), .name("to"), .value(period.to ?? ""))))
    }

    /// `12 orientations`, then the pages; links keep the filter.
    static func listSummary<Row>(_ page: ListPage<Row>, singular: String, plural: String, context: PageContext) -> BodyNode {
        .p(.class("list-count"), .attribute(named: "role", value: "status"),
           .text(FrenchText.count(page.total, singular, plural)
                 + (page.pageCount > 1 ? context.t(" — page \(page.page) sur \(page.pageCount)", " — page \(page.page) of \(page.pageCount)") : "")))
    }

    static func pagination<Row>(_ page: ListPage<Row>, path: String, typed: String?, filter: ListFilter, keeping extra: [(String, String?)] = [],
                                context: PageContext) -> BodyNode {
        guard page.pageCount > 1 else { return .empty }
        func link(_ number: Int) -> String {
            var items = [URLQueryItem(name: "page", value: String(number))]
            for (name, value) in extra { if let value, !value.isEmpty { items.append(URLQueryItem(name: name, value: value)) } }
            if let typed, !typed.isEmpty { items.append(URLQueryItem(name: "q", value: typed)) }
            if !filter.states.isEmpty { items.append(URLQueryItem(name: "status", value: filter.states.sorted().joined(separator: ","))) }
            if filter.perPage != ListFilter.defaultPerPage { items.append(URLQueryItem(name: "limit", value: String(filter.perPage))) }
            var components = URLComponents()
            components.queryItems = items
            // A `+` left as is would come back as a space.
            return path + "?" + (components.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
        }
        return .nav(.class("pagination no-print"), .ariaLabel(context.t("Pages", "Pages")),
                    .div(.class("button-group"),
                         .if(page.hasPrevious, .a(.class("button"), .attribute(named: "rel", value: "prev"), .href(link(page.page - 1)), .text(context.t("← Précédente", "← Previous")))),
                         .if(page.hasNext, .a(.class("button"), .attribute(named: "rel", value: "next"), .href(link(page.page + 1)), .text(context.t("Suivante →", "Next →"))))))
    }
}
