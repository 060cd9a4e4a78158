import Foundation
import MaillageCore
import Plot
import Vapor

/// Inside a cooperative (`/coops/:coopID/…`), every page carries the cooperative's navigation,
/// grouped by area and limited to what the person's roles open: a side column on a desk, a
/// menu that unfolds on a phone.
struct CooperativeNavigation: Sendable {
    var coopName: String
    var coopPath: String
    var groups: [(area: CooperativeSections.Area, links: [CooperativeSections.Link])]
}

extension Request {
    private struct CooperativeNavigationKey: StorageKey { typealias Value = CooperativeNavigation }

    var cooperativeNavigation: CooperativeNavigation? {
        get { storage[CooperativeNavigationKey.self] }
        set { storage[CooperativeNavigationKey.self] = newValue }
    }
}

/// Finds the cooperative a page belongs to, once, for the layout. Never refuses: the route
/// decides who may see the page; this only leaves the navigation out when the person may not
/// see the cooperative.
struct CooperativeNavigationMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        // Also for a form sent (a refused one is shown again); a database error leaves the
        // menu out rather than failing the page.
        if request.method == .GET || request.method == .POST, let principal = request.principal,
           let coopID = Self.cooperativeID(in: request.url.path),
           let coop = try? await Cooperative.find(coopID, on: request.db),
           principal.decide(.viewCooperative, at: coop.location) == .allowed {
            let links = CooperativeSections.links(for: principal, coop: coop, language: request.language)
            request.cooperativeNavigation = CooperativeNavigation(coopName: coop.name, coopPath: SiteURL.cooperative(coopID).path,
                                                                  groups: CooperativeSections.grouped(links))
        }
        return try await next.respond(to: request)
    }

    /// `/coops/<uuid>` or `/coops/<uuid>/…` (pages only, not the API).
    static func cooperativeID(in path: String) -> UUID? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.count >= 2, parts[0] == "coops" else { return nil }
        return UUID(uuidString: String(parts[1]))
    }
}

extension Layout {
    /// The cooperative's navigation, once: a `<details>` menu that unfolds on a phone, always
    /// open as a side column on wider screens (the stylesheet shows its content there).
    static func cooperativeNavigation(_ navigation: CooperativeNavigation, context: PageContext) -> BodyNode {
        .element(named: "details", nodes: [
            .class("coop-menu"),
            .element(named: "summary", nodes: [.text(context.t("Menu — ", "Menu — ") + navigation.coopName)]),
            navigationList(navigation, label: context.t("Navigation de la coopérative", "Cooperative navigation"), context: context),
        ])
    }

    private static func navigationList(_ navigation: CooperativeNavigation, label: String, context: PageContext) -> BodyNode {
        .nav(.ariaLabel(label),
             .p(.class("coop-nav-name"), .a(.href(navigation.coopPath),
                                             .if(context.currentPath == navigation.coopPath, .attribute(named: "aria-current", value: "page")),
                                             .text(navigation.coopName))),
             .forEach(navigation.groups) { group in
                 .div(.class("coop-nav-group"),
                      .p(.class("coop-nav-area"), .text(group.area.label(context.language))),
                      .ul(.forEach(group.links) { link in
                          .li(.a(.href(link.path),
                                 .if(link.query == nil && isWithin(link.url.path, context.currentPath), .attribute(named: "aria-current", value: "page")),
                                 .text(link.label)))
                      }))
             })
    }

    /// The current page is the link's page or one below it (a referral under the referrals).
    private static func isWithin(_ linkPath: String, _ current: String) -> Bool {
        current == linkPath || current.hasPrefix(linkPath + "/")
    }
}
