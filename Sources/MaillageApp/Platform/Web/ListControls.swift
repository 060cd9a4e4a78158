import Foundation
import MaillageCore
import Plot
import Vapor

extension Request {
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

    /// For the API: the whole list in one answer unless a `limit` is asked for.
    func apiListFilter(states: [(raw: String, label: String)]) throws -> ListFilter {
        var filter = try listFilter(states: states)
        if query[String.self, at: "limit"] == nil { filter.perPage = 1_000_000 }
        return filter
    }
}

/// The search box, the state filter and the pages of a list (docs/UI.md).
extension Kit {
    /// A refused filter's summary, its links to the filter's own fields.
    static func listFilterErrors(_ errors: [String: String], context: PageContext) -> BodyNode {
        var keyed: [String: String] = [:]
        for (key, message) in errors { keyed[key == "q" || key == "status" ? "filtre-" + key : key] = message }
        return errorSummary(keyed, order: ["filtre-q", "filtre-status", "page", "limit"], context: context)
    }

    /// A GET form: the filtered list has its own address, so it can be bookmarked.
    static func listFilterForm(action: String, filter: ListFilter, typed: String?, states: [(raw: String, label: String)], context: PageContext) -> BodyNode {
        let selected = filter.states.count == 1 ? filter.states.first : nil
        // Ids of their own: the page's other forms may have a `status` field.
        let options: [Node<HTML.SelectContext>] = ([(raw: "", label: context.t("Tous", "All"))] + states).map { option in
            .element(named: "option", nodes: [.attribute(named: "value", value: option.raw, ignoreIfValueIsEmpty: false),
                                              .if(option.raw == selected, .attribute(named: "selected", value: "selected")),
                                              .text(option.label)])
        }
        return .form(
            .class("list-filter no-print"), .method(.get), .action(action), .attribute(named: "role", value: "search"),
            .div(.class("field"),
                 .label(.for("filtre-q"), .text(context.t("Rechercher", "Search"))),
                 .input(.type(.search), .id("filtre-q"), .name("q"), .value(typed ?? ""), .attribute(named: "autocomplete", value: "off"))),
            .if(!states.isEmpty, .div(.class("field"),
                .label(.for("filtre-status"), .text(context.t("État", "Status"))),
                .select(.id("filtre-status"), .attribute(named: "name", value: "status"), .group(options)))),
            .div(.class("button-group"),
                 .button(.type(.submit), .class("primary"), .text(context.t("Filtrer", "Filter"))),
                 .if(filter.isFiltering, .a(.class("button"), .href(action), .text(context.t("Tout afficher", "Show all")))))
        )
    }

    /// `12 orientations`, then the pages; links keep the filter.
    static func listSummary<Row>(_ page: ListPage<Row>, singular: String, plural: String, context: PageContext) -> BodyNode {
        .p(.class("list-count"), .attribute(named: "role", value: "status"),
           .text(FrenchText.count(page.total, singular, plural)
                 + (page.pageCount > 1 ? context.t(" — page \(page.page) sur \(page.pageCount)", " — page \(page.page) of \(page.pageCount)") : "")))
    }

    static func pagination<Row>(_ page: ListPage<Row>, path: String, typed: String?, filter: ListFilter, context: PageContext) -> BodyNode {
        guard page.pageCount > 1 else { return .empty }
        func link(_ number: Int) -> String {
            var items = [URLQueryItem(name: "page", value: String(number))]
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
