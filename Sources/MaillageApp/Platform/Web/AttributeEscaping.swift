import Foundation
import MaillageCore
import Plot

/// Plot escapes text nodes but writes attribute values as they are: a product named
/// `x" onfocus="…` would close the attribute and add its own. These declarations have the
/// same signatures as Plot's, so that inside this module they shadow Plot's and every
/// attribute value carrying a user's text is escaped. (Declarations of the importing module
/// win over the imported module's; `AbuseTests` would fail if they stopped doing so.)
enum HTMLAttributeText {
    /// Plot's URL types are `String` and `URL`.
    static func escape(_ url: URLRepresentable) -> String {
        escape((url as? URL)?.absoluteString ?? "\(url)")
    }

    static func escape(_ value: String) -> String { MarkupEscaping.escape(value) }
}

/// Markup the app built itself with every text escaped (a server-drawn SVG chart, a QR code,
/// locked minutes rendered by Plot): the only way to put ready HTML in a page. Plot's `.raw`
/// is used nowhere else (`AbuseTests` reads the sources).
struct Markup: Sendable {
    let html: String
    init(escapedHTML html: String) { self.html = html }
}

extension Node {
    static func markup(_ markup: Markup) -> Node { .raw(markup.html) }

    /// A text between tags, through the same escaping as everything else (Plot's own keeps
    /// what looks like an entity: `&#39;` typed by someone would show as an apostrophe).
    static func text(_ text: String) -> Node { .raw(MarkupEscaping.escapeText(text)) }
}

extension Attribute {
    static func attribute(named name: String, value: String?) -> Self {
        Attribute(name: name, value: value.map(HTMLAttributeText.escape))
    }
}

extension Node {
    static func attribute(named name: String, value: String?, ignoreIfValueIsEmpty: Bool = true) -> Node {
        .attribute(Attribute(name: name, value: value.map(HTMLAttributeText.escape), ignoreIfValueIsEmpty: ignoreIfValueIsEmpty))
    }
}

extension Attribute where Context: HTMLContext {
    static func data(named name: String, value: String) -> Attribute {
        Attribute(name: "data-\(name)", value: HTMLAttributeText.escape(value))
    }

    static func title(_ title: String) -> Attribute {
        Attribute(name: "title", value: HTMLAttributeText.escape(title))
    }
}

extension Node where Context: HTMLContext {
    static func data(named name: String, value: String) -> Node {
        .attribute(Attribute(name: "data-\(name)", value: HTMLAttributeText.escape(value)))
    }

    static func title(_ title: String) -> Node {
        .attribute(Attribute(name: "title", value: HTMLAttributeText.escape(title)))
    }
}

extension Attribute where Context: HTMLValueContext {
    static func value(_ value: String) -> Attribute {
        Attribute(name: "value", value: HTMLAttributeText.escape(value))
    }
}

extension Node where Context: HTMLValueContext {
    static func value(_ value: String) -> Node {
        .attribute(Attribute(name: "value", value: HTMLAttributeText.escape(value)))
    }
}

extension Attribute where Context: HTMLLinkableContext {
    static func href(_ url: URLRepresentable) -> Attribute {
        Attribute(name: "href", value: HTMLAttributeText.escape(url))
    }
}

extension Node where Context: HTMLLinkableContext {
    static func href(_ url: URLRepresentable) -> Node {
        .attribute(Attribute(name: "href", value: HTMLAttributeText.escape(url)))
    }
}

extension Node where Context == HTML.FormContext {
    static func action(_ url: URLRepresentable) -> Node {
        .attribute(Attribute(name: "action", value: HTMLAttributeText.escape(url)))
    }
}

extension Attribute where Context == HTML.InputContext {
    static func placeholder(_ placeholder: String) -> Attribute {
        Attribute(name: "placeholder", value: HTMLAttributeText.escape(placeholder))
    }
}

extension Node where Context == HTML.TextAreaContext {
    static func placeholder(_ placeholder: String) -> Node {
        .attribute(Attribute(name: "placeholder", value: HTMLAttributeText.escape(placeholder)))
    }
}

extension Attribute where Context == HTML.MetaContext {
    static func content(_ content: String) -> Attribute {
        Attribute(name: "content", value: HTMLAttributeText.escape(content))
    }
}

extension Attribute where Context == HTML.ImageContext {
    static func alt(_ text: String) -> Attribute {
        Attribute(name: "alt", value: HTMLAttributeText.escape(text))
    }
}

extension Node where Context: HTML.BodyContext {
    static func ariaLabel(_ label: String) -> Node {
        .attribute(Attribute(name: "aria-label", value: HTMLAttributeText.escape(label)))
    }
}

// Plot's other helpers that take a text and write it as it is. Each is shadowed here with the
// same signature, so that no call in this module can reach Plot's version; `AbuseTests` reads
// Plot's API and fails when a helper taking a String appears that is not shadowed below.

extension Attribute where Context: HTMLContext {
    static func id(_ id: String) -> Attribute { Attribute(name: "id", value: HTMLAttributeText.escape(id)) }
    static func `class`(_ className: String) -> Attribute { Attribute(name: "class", value: HTMLAttributeText.escape(className)) }
}

extension Node where Context: HTMLContext {
    static func id(_ id: String) -> Node { .attribute(Attribute(name: "id", value: HTMLAttributeText.escape(id))) }
    static func `class`(_ className: String) -> Node { .attribute(Attribute(name: "class", value: HTMLAttributeText.escape(className))) }
}

extension Attribute where Context: HTMLNamableContext {
    static func name(_ name: String) -> Attribute { Attribute(name: "name", value: HTMLAttributeText.escape(name)) }
}

extension Node where Context: HTMLNamableContext {
    static func name(_ name: String) -> Node { .attribute(Attribute(name: "name", value: HTMLAttributeText.escape(name))) }
}

extension Attribute where Context == HTML.MetaContext {
    static func property(_ property: String) -> Attribute { Attribute(name: "property", value: HTMLAttributeText.escape(property)) }
}

extension Attribute where Context: HTMLTypeContext {
    static func type(_ type: String) -> Attribute { Attribute(name: "type", value: HTMLAttributeText.escape(type)) }
}

extension Attribute where Context == HTML.LinkContext {
    static func sizes(_ sizes: String) -> Attribute { Attribute(name: "sizes", value: HTMLAttributeText.escape(sizes)) }
    static func color(_ color: String) -> Attribute { Attribute(name: "color", value: HTMLAttributeText.escape(color)) }
}

extension Node where Context == HTML.TimeContext {
    static func datetime(_ datetime: String) -> Node { .attribute(Attribute(name: "datetime", value: HTMLAttributeText.escape(datetime))) }
}

extension Attribute where Context: HTMLSourceContext {
    static func src(_ url: URLRepresentable) -> Attribute { Attribute(name: "src", value: HTMLAttributeText.escape(url)) }
}

extension Node where Context: HTMLSourceContext {
    static func src(_ url: URLRepresentable) -> Node { .attribute(Attribute(name: "src", value: HTMLAttributeText.escape(url))) }
}

extension Attribute where Context == HTML.ObjectContext {
    static func data(_ url: URLRepresentable) -> Attribute { Attribute(name: "data", value: HTMLAttributeText.escape(url)) }
}

extension Node where Context == HTML.ObjectContext {
    static func data(_ url: URLRepresentable) -> Node { .attribute(Attribute(name: "data", value: HTMLAttributeText.escape(url))) }
}

extension Attribute where Context == HTML.PictureSourceContext {
    static func srcset(_ set: String) -> Attribute { Attribute(name: "srcset", value: HTMLAttributeText.escape(set)) }
    static func media(_ query: String) -> Attribute { Attribute(name: "media", value: HTMLAttributeText.escape(query)) }
    static func type(_ type: String) -> Attribute { Attribute(name: "type", value: HTMLAttributeText.escape(type)) }
}

extension Node where Context == HTML.LabelContext {
    static func `for`(_ target: String) -> Node { .attribute(Attribute(name: "for", value: HTMLAttributeText.escape(target))) }
}

extension Attribute where Context == HTML.OptionContext {
    static func label(_ label: String) -> Attribute { Attribute(name: "label", value: HTMLAttributeText.escape(label)) }
}

extension Node where Context: HTMLStylableContext {
    static func style(_ css: String) -> Node { .attribute(Attribute(name: "style", value: HTMLAttributeText.escape(css))) }
}

extension Attribute where Context == HTML.IFrameContext {
    static func allow(_ features: String...) -> Attribute { Attribute(name: "allow", value: HTMLAttributeText.escape(features.joined(separator: "; "))) }
}

extension Node where Context: HTML.BodyContext {
    static func ariaControls(_ child: String) -> Node { .attribute(Attribute(name: "aria-controls", value: HTMLAttributeText.escape(child))) }
    static func onclick(_ script: String) -> Node { .attribute(Attribute(name: "onclick", value: HTMLAttributeText.escape(script))) }
}

extension Attribute where Context: HTMLIntegrityContext {
    static func integrity(_ hash: String) -> Attribute { Attribute(name: "integrity", value: HTMLAttributeText.escape(hash)) }
}

extension Node where Context: HTMLIntegrityContext {
    static func integrity(_ hash: String) -> Node { .attribute(Attribute(name: "integrity", value: HTMLAttributeText.escape(hash))) }
}

extension Attribute {
    static func any(name: String, value: String) -> Attribute { Attribute(name: name, value: HTMLAttributeText.escape(value)) }
}

// The head's components. Plot's `.title` also writes `twitter:title` and `og:title` meta tags
// with its own unescaped attribute code (a decision's title became live markup): the page
// title is the `<title>` element alone, its text escaped. The other social-sharing helpers
// have no use here and are closed.
extension Node where Context == HTML.HeadContext {
    static func title(_ title: String) -> Node { .element(named: "title", nodes: [.text(title)]) }

    @available(*, unavailable, message: "writes meta tags around the escaping")
    static func description(_ text: String) -> Node { fatalError() }
    @available(*, unavailable, message: "writes meta tags around the escaping")
    static func url(_ url: URLRepresentable) -> Node { fatalError() }
    @available(*, unavailable, message: "writes meta tags around the escaping")
    static func siteName(_ name: String) -> Node { fatalError() }
    @available(*, unavailable, message: "writes meta tags around the escaping")
    static func socialImageLink(_ url: URLRepresentable) -> Node { fatalError() }
    @available(*, unavailable, message: "writes meta tags around the escaping")
    static func twitterUsername(_ username: String) -> Node { fatalError() }
    @available(*, unavailable, message: "use .link(.rel(.icon), .href(…))")
    static func favicon(_ url: URLRepresentable, type: String = "image/png") -> Node { fatalError() }
    @available(*, unavailable, message: "use .link(.rel(.alternate), .href(…))")
    static func rssFeedLink(_ url: URLRepresentable, title: String? = nil) -> Node { fatalError() }
    @available(*, unavailable, message: "use .link(.rel(.stylesheet), .href(…))")
    static func stylesheet(_ url: URLRepresentable, integrity: String? = nil) -> Node { fatalError() }
}

// Elements whose text Plot writes as it is.
extension Node where Context: HTMLContext {
    @available(*, unavailable, message: "Plot writes a comment's text as it is")
    static func comment(_ text: String) -> Node { fatalError() }
}

extension Node where Context == HTML.HeadContext {
    @available(*, unavailable, message: "styles live in the stylesheet (the CSP allows no inline style)")
    static func style(_ css: String) -> Node { fatalError() }
}

extension Element where Context == HTML.RootContext {
    @available(*, unavailable, message: "HTML(…) writes the doctype")
    static func doctype(_ type: String) -> Element { fatalError() }
}
