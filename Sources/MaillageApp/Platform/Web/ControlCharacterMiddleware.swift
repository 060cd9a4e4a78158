import Foundation
import MaillageCore
import Vapor

/// Refuses, with a 422 naming each field, the texts that hold a control character or an
/// invisible bidirectional override (`ControlCharacters`), in a query, a JSON body or a form,
/// before any route stores them: PostgreSQL answered 500 to a NUL, even on the login form.
/// Files (CSV, PDF) are not texts and are left to their own readers.
struct ControlCharacterMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        var errors = FieldErrors()
        if let query = request.url.query {
            Self.checkForm(query, into: &errors)
        }
        if ![.GET, .HEAD, .OPTIONS].contains(request.method), Self.isText(request.headers.contentType) {
            // The route's own limit (a purchases file may be 10 MB); over it, the route answers 413.
            let limit = CSRFMiddleware.uploadLimit(path: request.url.path) ?? request.application.routes.defaultMaxBodySize.value
            let body = try await request.body.collect(max: limit).get()
            if let body, body.readableBytes > 0 {
                let bytes = Data(body.readableBytesView)
                if request.headers.contentType == .urlEncodedForm {
                    Self.checkForm(String(decoding: bytes, as: UTF8.self), into: &errors)
                } else if !Self.checkJSON(bytes, into: &errors), bytes.contains(where: { ($0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D) || $0 == 0x7F }) {
                    // Not JSON (a CSV file, a text): a raw control byte.
                    errors.add("body", ControlCharacters.message)
                }
            }
        }
        guard errors.isEmpty else {
            throw Problem.invalid(errors, detail: ControlCharacters.message)
        }
        return try await next.respond(to: request)
    }

    /// `a=1&b=%00`: each name and value, decoded as a form decodes them.
    static func checkForm(_ text: String, into errors: inout FieldErrors) {
        // Fast path: nothing percent-encoded below 0x20, no DEL, no raw bidi mark.
        guard text.contains("%") || ControlCharacters.contains(text) else { return }
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                let spaced = part.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            let name = decode(parts[0])
            let value = parts.count > 1 ? decode(parts[1]) : ""
            if ControlCharacters.contains(name) || ControlCharacters.contains(value) {
                errors.add(ControlCharacters.stripped(name).isEmpty ? "query" : ControlCharacters.stripped(name), ControlCharacters.message)
            }
        }
    }

    /// Bodies read as text: JSON whatever its declared type (a client may send `text/json`, or
    /// none, and the API still decodes it), forms, CSV. Files (multipart, PDF, images) are not.
    static func isText(_ type: HTTPMediaType?) -> Bool {
        guard let type else { return true }
        if type.type == "multipart" { return false }
        return type.type == "text" || type.subType.contains("json") || type == .urlEncodedForm
    }

    /// Every string of a JSON document, keys included, named by its path (`lines[0].name`);
    /// false when the body is not JSON.
    @discardableResult
    static func checkJSON(_ data: Data, into errors: inout FieldErrors) -> Bool {
        // Fast path: a control character can only be escaped (`\u0000`, `\b`, `\f`) in JSON;
        // a bidi mark is raw (E2 80 AA–AE, E2 81 A6–A9) or escaped (`\u202e`).
        let hasEscape = data.firstRange(of: Data("\\u".utf8)) != nil || data.firstRange(of: Data("\\b".utf8)) != nil
            || data.firstRange(of: Data("\\f".utf8)) != nil
        let hasBidi = data.firstRange(of: Data([0xE2, 0x80])) != nil || data.firstRange(of: Data([0xE2, 0x81])) != nil
        guard let first = data.first(where: { !" \t\r\n".utf8.contains($0) }), first == UInt8(ascii: "{") || first == UInt8(ascii: "[") || first == UInt8(ascii: "\"") else { return false }
        guard hasEscape || hasBidi else { return true }
        guard let document = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else { return false }
        walk(document, path: "", into: &errors)
        return true
    }

    private static func walk(_ value: Any, path: String, into errors: inout FieldErrors) {
        switch value {
        case let text as String:
            if ControlCharacters.contains(text) { errors.add(path.isEmpty ? "body" : path, ControlCharacters.message) }
        case let object as [String: Any]:
            for (key, child) in object {
                let childPath = path.isEmpty ? key : "\(path).\(key)"
                if ControlCharacters.contains(key) { errors.add(path.isEmpty ? "body" : path, ControlCharacters.message) }
                walk(child, path: ControlCharacters.stripped(childPath), into: &errors)
            }
        case let array as [Any]:
            for (index, child) in array.enumerated() {
                walk(child, path: "\(path)[\(index)]", into: &errors)
            }
        default:
            break
        }
    }
}
