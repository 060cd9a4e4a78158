import Foundation
import MaillageCore
import Plot
import Vapor

typealias BodyNode = Node<HTML.BodyContext>

/// What every page needs to know about the request, as a plain value for the views.
struct PageContext: Sendable {
    var language: AppLanguage
    var user: (name: String, email: String)?
    var navigation: [NavigationItem]
    var csrfToken: String
    var currentPath: String
    var flash: String?
    var cooperativeNavigation: CooperativeNavigation? = nil

    func t(_ french: String, _ english: String) -> String { language.t(french, english) }
}

struct NavigationItem: Sendable, Equatable {
    var label: String
    var url: SiteURL
}

extension Request {
    static let flashKey = "flash"

    func pageContext() -> PageContext {
        let language = self.language
        var flash: String?
        if hasSession, let message = session.data[Self.flashKey] {
            flash = message
            session.data[Self.flashKey] = nil
        }
        return PageContext(
            language: language,
            user: principal.map { ($0.name, $0.email) },
            navigation: principal.map { Navigation.items(for: $0, language: language) } ?? [],
            csrfToken: csrfToken,
            currentPath: url.path,
            flash: flash,
            cooperativeNavigation: cooperativeNavigation
        )
    }

    /// A message shown once on the next page, after a redirect.
    func flash(_ message: String) {
        session.data[Self.flashKey] = message
    }
}

/// Which sections a user's roles open. Sections of areas not built yet are not listed.
enum Navigation {
    static func items(for principal: Principal, language: AppLanguage) -> [NavigationItem] {
        var items = [NavigationItem(label: language.t("Accueil", "Home"), url: .home)]
        if principal.has(.networkAdmin) {
            items.append(NavigationItem(label: language.t("Territoires", "Territories"), url: .territories))
        }
        if !principal.grants.isEmpty {
            items.append(NavigationItem(label: language.t("Coopératives", "Cooperatives"), url: .cooperatives))
        }
        if principal.has(.networkAdmin) {
            items.append(NavigationItem(label: language.t("Utilisateurs", "Users"), url: .adminUsers))
            items.append(NavigationItem(label: language.t("Journal d'audit", "Audit log"), url: .adminAudit))
        }
        items.append(NavigationItem(label: language.t("Mon profil", "My profile"), url: .profile))
        return items
    }
}

/// The page shell: skip link, header with navigation and logout, main landmark, footer.
enum Layout {
    /// `scripts` are paths of the app's own scripts (the policy allows no other, and no inline code).
    static func render(_ context: PageContext, title: String, status: HTTPResponseStatus = .ok, scripts: [String] = [], content: BodyNode) -> Response {
        let html = HTML(
            .lang(context.language == .french ? .french : .english),
            .head(
                .meta(.charset(.utf8)),
                .meta(.name("viewport"), .content("width=device-width, initial-scale=1")),
                .title("\(title) · Maillage"),
                .link(.rel(.stylesheet), .href(SiteURL.stylesheet.path)),
                .forEach(scripts) { .script(.attribute(named: "src", value: $0), .attribute(named: "defer", value: "defer")) }
            ),
            .body(
                .a(.class("skip-link"), .href("#contenu"), .text(context.t("Aller au contenu", "Skip to content"))),
                header(context),
                .div(
                    .class(context.cooperativeNavigation == nil ? "shell" : "shell with-coop-nav"),
                    .unwrap(context.cooperativeNavigation) { cooperativeNavigation($0, context: context) },
                    .main(
                        .id("contenu"),
                        .attribute(named: "tabindex", value: "-1"),
                        .unwrap(context.flash) { message in
                            .div(.class("flash"), .attribute(named: "role", value: "status"), .text(message))
                        },
                        content
                    )
                ),
                .footer(
                    .class("site-footer"),
                    .p(.text(context.t(
                        "Maillage — le logiciel des coopératives d'habitants.",
                        "Maillage — software for residents' cooperatives."
                    )))
                )
            )
        )
        return htmlResponse(html.render(), status: status)
    }

    static func htmlResponse(_ body: String, status: HTTPResponseStatus = .ok) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .html
        return Response(status: status, headers: headers, body: .init(string: body))
    }

    private static func header(_ context: PageContext) -> BodyNode {
        .header(
            .class("site-header"),
            .a(.class("brand"), .href(SiteURL.home.path), .text("Maillage")),
            .if(!context.navigation.isEmpty,
                .nav(
                    .ariaLabel(context.t("Navigation principale", "Main navigation")),
                    .ul(.forEach(context.navigation) { item in
                        .li(.a(
                            .href(item.url.path),
                            .if(isCurrent(item.url, context.currentPath), .attribute(named: "aria-current", value: "page")),
                            .text(item.label)
                        ))
                    })
                )
            ),
            .unwrap(context.user) { user in
                .form(
                    .class("logout"),
                    .action(SiteURL.logout.path),
                    .method(.post),
                    Kit.csrfField(context.csrfToken),
                    .span(.class("who"), .text(user.name)),
                    .button(.type(.submit), .id("logout-button"), .text(context.t("Se déconnecter", "Log out")))
                )
            }
        )
    }

    private static func isCurrent(_ url: SiteURL, _ path: String) -> Bool {
        url == .home ? path == "/" : path.hasPrefix(url.path)
    }
}

/// Small form and page pieces shared by every view.
enum Kit {
    static func csrfField(_ token: String) -> Node<HTML.FormContext> {
        .input(.type(.hidden), .name(CSRFMiddleware.fieldName), .value(token))
    }

    /// `focus: false` only where the summary is an example (the style guide).
    static func errorSummary(_ errors: [String: String], order: [String], context: PageContext, focus: Bool = true) -> BodyNode {
        guard !errors.isEmpty else { return .empty }
        let fields = order.filter { errors[$0] != nil } + errors.keys.filter { !order.contains($0) }.sorted()
        // Focused when the page opens (autofocus scrolls it into view), so that the person
        // sees what to correct even when the form sits far down the page.
        return .div(
            .class("error-summary"),
            .attribute(named: "role", value: "alert"),
            .attribute(named: "tabindex", value: "-1"),
            .attribute(named: "autofocus", value: focus ? "autofocus" : nil),
            .h2(.text(context.t("Certaines informations sont à corriger", "Some information needs correcting"))),
            .ul(.forEach(fields) { field in
                .li(.a(.href("#\(field)"), .text(errors[field] ?? "")))
            })
        )
    }

    struct Field {
        var name: String
        var label: String
        var value: String? = nil
        var type: HTMLInputType = .text
        var error: String? = nil
        var hint: String? = nil
        var required: Bool = false
        var autocomplete: String? = nil
        var inputMode: String? = nil
    }

    /// What every field shares: its label, hint and error, and the ARIA links between them.
    private struct FieldParts {
        var wrapperClass: String
        var label: Node<HTML.FormContext>
        var hint: Node<HTML.FormContext>
        var error: Node<HTML.FormContext>
        var describedBy: String?
        var invalid: String?

        init(name: String, label: String?, hint: String?, error: String?, required: Bool) {
            wrapperClass = error == nil ? "field" : "field field-error"
            self.label = label.map { .label(.for(name), .text($0), .if(required, .span(.class("required"), .text(" *")))) } ?? .empty
            self.hint = hint.map { .p(.class("hint"), .id("\(name)-hint"), .text($0)) } ?? .empty
            self.error = error.map { .p(.class("error"), .id("\(name)-error"), .text($0)) } ?? .empty
            let ids = [hint.map { _ in "\(name)-hint" }, error.map { _ in "\(name)-error" }].compactMap { $0 }
            describedBy = ids.isEmpty ? nil : ids.joined(separator: " ")
            invalid = error == nil ? nil : "true"
        }
    }

    static func input(_ field: Field) -> Node<HTML.FormContext> {
        let parts = FieldParts(name: field.name, label: field.label, hint: field.hint, error: field.error, required: field.required)
        return .div(
            .class(parts.wrapperClass), parts.label, parts.hint, parts.error,
            .input(
                .type(field.type),
                .id(field.name),
                .name(field.name),
                .value(field.value ?? ""),
                .required(field.required),
                .attribute(named: "autocomplete", value: field.autocomplete),
                .attribute(named: "inputmode", value: field.inputMode),
                .attribute(named: "aria-describedby", value: parts.describedBy),
                .attribute(named: "aria-invalid", value: parts.invalid)
            )
        )
    }

    static func select(
        name: String, label: String, options: [(value: String, label: String)], selected: String?,
        error: String? = nil, required: Bool = true, placeholder: String? = nil
    ) -> Node<HTML.FormContext> {
        // A placeholder makes the person choose, instead of taking the first option unawares.
        var choices: [(value: String, label: String)] = []
        if let placeholder { choices.append((value: "", label: placeholder)) }
        choices += options
        let optionNodes: [Node<HTML.SelectContext>] = choices.map { option in
            let value: Node<HTML.SelectContext> = .attribute(named: "value", value: option.value, ignoreIfValueIsEmpty: false)
            let isSelected: Node<HTML.SelectContext> = option.value == selected ? .attribute(named: "selected", value: "selected") : .empty
            return .element(named: "option", nodes: [value, isSelected, .text(option.label)])
        }
        let parts = FieldParts(name: name, label: label, hint: nil, error: error, required: required)
        return .div(
            .class(parts.wrapperClass), parts.label, parts.error,
            .select(
                .id(name),
                .attribute(named: "name", value: name),
                .attribute(named: "aria-describedby", value: parts.describedBy),
                .attribute(named: "aria-invalid", value: parts.invalid),
                .group(optionNodes)
            )
        )
    }

    static func textarea(name: String, label: String, value: String?, error: String? = nil, hint: String? = nil, required: Bool = false) -> Node<HTML.FormContext> {
        let parts = FieldParts(name: name, label: label, hint: hint, error: error, required: required)
        return .div(
            .class(parts.wrapperClass), parts.label, parts.hint, parts.error,
            .textarea(
                .id(name), .attribute(named: "name", value: name), .attribute(named: "rows", value: "4"),
                .attribute(named: "required", value: required ? "required" : nil),
                .attribute(named: "aria-describedby", value: parts.describedBy),
                .attribute(named: "aria-invalid", value: parts.invalid),
                .text(value ?? "")
            )
        )
    }

    /// A group of checkboxes sharing one name (`name[]`), in a fieldset with its legend.
    static func checkboxes(name: String, legend: String, options: [(value: String, label: String)], checked: Set<String>, error: String? = nil) -> Node<HTML.FormContext> {
        let parts = FieldParts(name: name, label: nil, hint: nil, error: error, required: false)
        let boxes: [Node<HTML.FormContext>] = options.map { option in
            let id = "\(name)-\(option.value)"
            return .div(.class("check"),
                .input(.type(.checkbox), .id(id), .name("\(name)[]"), .value(option.value), .checked(checked.contains(option.value))),
                .label(.for(id), .text(option.label)))
        }
        return .fieldset(.id(name), .class(parts.wrapperClass),
            .element(named: "legend", nodes: [.text(legend)]),
            parts.error,
            .group(boxes))
    }

    /// One checkbox with its label, for a yes/no question.
    static func checkbox(name: String, label: String, checked: Bool, error: String? = nil, required: Bool = false) -> Node<HTML.FormContext> {
        let parts = FieldParts(name: name, label: nil, hint: nil, error: error, required: false)
        return .div(.class(parts.wrapperClass + " check"),
            parts.error,
            .input(.type(.checkbox), .id(name), .name(name), .value("on"), .checked(checked),
                   .attribute(named: "required", value: required ? "required" : nil),
                   .attribute(named: "aria-describedby", value: parts.describedBy),
                   .attribute(named: "aria-invalid", value: parts.invalid)),
            .label(.for(name), .text(label)))
    }

    static func submit(_ text: String, id: String? = nil) -> Node<HTML.FormContext> {
        .div(.class("actions"), .button(.type(.submit), .class("primary"), .unwrap(id) { .id($0) }, .text(text)))
    }

    /// A table that becomes a stack of cards on a phone, each value under its column's name
    /// (`TableCellLabels`), in a named region.
    static func table(label: String, _ nodes: Node<HTML.TableContext>...) -> BodyNode {
        let table: BodyNode = .table(.class("stack"), .group(nodes))
        return .div(
            .class("table-wrap"),
            .attribute(named: "role", value: "region"),
            .attribute(named: "aria-label", value: label),
            .attribute(named: "tabindex", value: "0"),
            .markup(Markup(escapedHTML: TableCellLabels.label(table.render())))
        )
    }

    /// A definition list of label → value pairs, for read-only cards.
    static func facts(_ rows: [(String, String)]) -> BodyNode {
        .dl(.class("facts"), .group(rows.flatMap { row -> [Node<HTML.DescriptionListContext>] in
            [.dt(.text(row.0)), .dd(.text(row.1))]
        }))
    }
}

/// The page shown for an error outside the API.
enum ErrorPage {
    static func response(for problem: Problem, request: Request) -> Response {
        let context = request.pageContext()
        let content: BodyNode = .div(
            .class("panel"),
            .h1(.text(problem.title)),
            .p(.attribute(named: "role", value: "alert"), .text(problem.detail)),
            .p(.a(.href(SiteURL.home.path), .text(context.t("Retour à l'accueil", "Back to the home page"))))
        )
        let response = Layout.render(context, title: problem.title, status: problem.status, content: content)
        for (name, value) in problem.headers { response.headers.replaceOrAdd(name: name, value: value) }
        return response
    }
}
