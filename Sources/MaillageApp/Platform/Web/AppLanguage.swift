import Vapor

/// The interface language: French first, English second. Views call `t("…", "…")` with the
/// French text and its English translation side by side, so neither can be forgotten.
enum AppLanguage: String, CaseIterable, Sendable, Codable {
    case french = "fr"
    case english = "en"

    func t(_ french: String, _ english: String) -> String {
        self == .french ? french : english
    }

    var nativeName: String {
        switch self {
        case .french: "Français"
        case .english: "English"
        }
    }
}

extension Request {
    static let anonymousLanguageKey = "lang"

    /// The signed-in user's language, or for a visitor the one chosen on the login page.
    var language: AppLanguage {
        if let principal { return principal.language }
        if let query = query[String.self, at: "lang"], let language = AppLanguage(rawValue: query) { return language }
        if hasSession, let stored = session.data[Self.anonymousLanguageKey], let language = AppLanguage(rawValue: stored) {
            return language
        }
        return .french
    }
}
