import Foundation
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

    static func escape(_ value: String) -> String {
        guard value.contains(where: { "&\"'<>".contains($0) }) else { return value }
        var escaped = ""
        escaped.reserveCapacity(value.count + 16)
        for character in value {
            switch character {
            case "&": escaped += "&amp;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
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
