/// Problems with user input, one French message per field. An empty value means valid.
/// Fields are named as in the API (`qpvCode`, `territoryID`…), so the same map serves
/// forms and RFC 9457 problem documents.
public struct FieldErrors: Equatable, Sendable, Error {
    public private(set) var messages: [String: String] = [:]

    public init(_ messages: [String: String] = [:]) {
        self.messages = messages
    }

    public var isEmpty: Bool { messages.isEmpty }

    public subscript(field: String) -> String? { messages[field] }

    /// Records a message unless the field already has one: the first problem is the one to fix.
    public mutating func add(_ field: String, _ message: String) {
        if messages[field] == nil { messages[field] = message }
    }

    public mutating func merge(_ other: FieldErrors) {
        for (field, message) in other.messages { add(field, message) }
    }

    /// Throws itself when not empty, so validators can end with `try errors.throwIfAny()`.
    public func throwIfAny() throws(FieldErrors) {
        if !isEmpty { throw self }
    }
}

/// Small text rules shared by every form.
public enum TextRules {
    /// Trims white space and turns an empty string into nil.
    /// A complete web address that a page can link to: `http(s)://` and a host, in printable
    /// ASCII without spaces, quotes or angle brackets (an address with accents is written
    /// encoded, as browsers copy it).
    public static func isWebAddress(_ text: String, maximumLength: Int) -> Bool {
        guard text.count <= maximumLength, text.hasPrefix("https://") || text.hasPrefix("http://") else { return false }
        let forbidden: Set<Unicode.Scalar> = ["\"", "<", ">", "\\", "^", "`", "{", "|", "}"]
        guard text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && !forbidden.contains($0) }) else { return false }
        let host = text.drop(while: { $0 != "/" }).dropFirst(2).prefix(while: { $0 != "/" && $0 != "?" && $0 != "#" })
        return !host.isEmpty
    }

    public static func clean(_ value: String?) -> String? {
        guard let trimmed = value?.trimmingWhitespace(), !trimmed.isEmpty else { return nil }
        return trimmed
    }

    public static func requireName(_ value: String?, field: String = "name", max: Int = 200, into errors: inout FieldErrors) -> String {
        guard let name = clean(value) else {
            errors.add(field, "Ce champ est obligatoire.")
            return ""
        }
        if name.count > max {
            errors.add(field, "Ce champ ne doit pas dépasser \(max) caractères.")
        }
        return name
    }
}

extension String {
    public func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}

/// A value with a French label, offered in a list (a select, an API enum).
public protocol FrenchLabelled {
    var frenchLabel: String { get }
}

extension TextRules {
    /// `label : code, label : code`: the choices named in a refusal, for a person (the label)
    /// and for an API client (the code) at once.
    public static func choices<Values: Sequence>(_ values: Values, lowercased: Bool = true) -> String
    where Values.Element: FrenchLabelled & RawRepresentable, Values.Element.RawValue == String {
        values.map { "\(lowercased ? $0.frenchLabel.lowercased() : $0.frenchLabel) : \($0.rawValue)" }.joined(separator: ", ")
    }
}
