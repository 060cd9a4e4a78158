import Foundation

/// What a person asks of a list that grows: words to find, states to keep, which page. The
/// same values come from a page's address and from the API's query string, so a filtered list
/// can be bookmarked and another program can ask for it.
public struct ListFilter: Sendable, Equatable {
    public static let defaultPerPage = 50
    public static let maximumPerPage = 200

    /// Words typed in the search box, folded (no case, no accent); empty when none.
    public var words: [String]
    /// States to keep (raw values); empty keeps every state.
    public var states: Set<String>
    /// 1 for the first page.
    public var page: Int
    public var perPage: Int

    public init(words: [String] = [], states: Set<String> = [], page: Int = 1, perPage: Int = ListFilter.defaultPerPage) {
        self.words = words
        self.states = states
        self.page = page
        self.perPage = perPage
    }

    /// Reads `q`, `status` (one state or several, comma-separated), `page` and `limit`; a
    /// state not in `allowedStates` or a page that is not a number is refused, naming it.
    public static func parse(query: String?, status: String?, page: String?, limit: String?,
                             allowedStates: [(raw: String, label: String)]) throws(FieldErrors) -> ListFilter {
        var errors = FieldErrors()
        var filter = ListFilter()
        if (query ?? "").count > 200 { errors.add("q", "La recherche tient en 200 caractères au plus.") }
        filter.words = SearchText.fold(query ?? "").split(whereSeparator: \.isWhitespace).map(String.init).prefix(8).map { $0 }
        let states = (status ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let allowed = Set(allowedStates.map(\.raw))
        if let unknown = states.first(where: { !allowed.contains($0) }) {
            errors.add("status", "« \(unknown) » n'est pas un état de cette liste : " + allowedStates.map { "\($0.label) : \($0.raw)" }.joined(separator: ", ") + ".")
        }
        filter.states = Set(states)
        if let page, !page.isEmpty {
            if let value = Int(page), value >= 1, value <= 100_000 { filter.page = value } else { errors.add("page", "La page est un nombre à partir de 1.") }
        }
        if let limit, !limit.isEmpty {
            if let value = Int(limit), (1...maximumPerPage).contains(value) { filter.perPage = value } else {
                errors.add("limit", "La limite doit être un nombre entre 1 et \(maximumPerPage).")
            }
        }
        try errors.throwIfAny()
        return filter
    }

    /// Whether a row whose searchable texts are `texts` and whose state is `state` is kept:
    /// every word is found in one of the texts.
    public func keeps(texts: [String], state: String? = nil) -> Bool {
        if !states.isEmpty, !states.contains(state ?? "") { return false }
        guard !words.isEmpty else { return true }
        let haystack = texts.map(SearchText.fold).joined(separator: " ")
        return words.allSatisfy { haystack.contains($0) }
    }

    /// One page of rows already filtered and sorted.
    public func page<Row>(of rows: [Row]) -> ListPage<Row> {
        let perPage = max(1, self.perPage), page = max(1, self.page)
        let pageCount = max(1, (rows.count + perPage - 1) / perPage)
        let current = min(page, pageCount)
        let start = (current - 1) * perPage
        let slice = start < rows.count ? Array(rows[start..<min(rows.count, start + perPage)]) : []
        return ListPage(rows: slice, total: rows.count, page: current, pageCount: pageCount)
    }

    public var isFiltering: Bool { !words.isEmpty || !states.isEmpty }
}

public struct ListPage<Row> {
    public var rows: [Row]
    public var total: Int
    public var page: Int
    public var pageCount: Int

    public init(rows: [Row], total: Int, page: Int, pageCount: Int) {
        self.rows = rows
        self.total = total
        self.page = page
        self.pageCount = pageCount
    }

    public var hasNext: Bool { page < pageCount }
    public var hasPrevious: Bool { page > 1 }
}

extension ListPage: Sendable where Row: Sendable {}

/// Text compared the way people search: `Aïcha` is found by `aicha`, `LÉA` by `lea`.
public enum SearchText {
    public static func fold(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: Locale(identifier: "fr_FR")).lowercased()
    }
}
