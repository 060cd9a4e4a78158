/// A purchases file in ma-cantine's column layout, one purchase line a row: reading it (every
/// row's problems named, in French, with its line and column) and writing it back.
public enum PurchaseFile {
    public static let columns = ["description", "fournisseur", "date", "prix_ht", "famille_produits", "categories_egalim", "origine",
                                 "est_circuit_court", "est_local", "definition_local", "definition_local_km"]
    static let required: Set<String> = ["description", "fournisseur", "date", "prix_ht", "famille_produits"]

    public struct Row: Sendable, Equatable {
        /// The line of the file (the header is line 1).
        public var line: Int
        public var supplierName: String
        public var date: CalendarDay
        public var purchase: PurchaseLineDraft.Valid
    }

    public struct Problem: Sendable, Equatable, Codable {
        public var line: Int
        public var field: String
        public var message: String

        public init(line: Int, field: String, message: String) {
            self.line = line
            self.field = field
            self.message = message
        }
    }

    /// The header's problems: a missing column or one the layout does not have.
    public static func checkHeader(_ header: [String]) -> [Problem] {
        let names = header.map { $0.trimmingWhitespace().lowercased() }
        var problems: [Problem] = []
        for column in columns where required.contains(column) && !names.contains(column) {
            problems.append(Problem(line: 1, field: column, message: "La colonne « \(column) » manque à la première ligne (colonnes attendues : " + columns.joined(separator: ", ") + ")."))
        }
        for name in names where !name.isEmpty && !columns.contains(name) {
            problems.append(Problem(line: 1, field: name, message: "La colonne « \(name) » n'est pas du modèle ma-cantine (colonnes attendues : " + columns.joined(separator: ", ") + ")."))
        }
        return problems
    }

    /// Reads the rows after the header; `cells` of each row in the header's order.
    public static func read(header: [String], rows: [[String]], today: CalendarDay) -> (rows: [Row], problems: [Problem]) {
        let names = header.map { $0.trimmingWhitespace().lowercased() }
        var result: [Row] = []
        var problems: [Problem] = []
        for (offset, cells) in rows.enumerated() {
            let line = offset + 2
            if cells.allSatisfy({ $0.trimmingWhitespace().isEmpty }) { continue }
            var cell: [String: String] = [:]
            for (index, name) in names.enumerated() where index < cells.count { cell[name] = restored(cells[index].trimmingWhitespace()) }
            var errors = FieldErrors()
            let supplier = TextRules.clean(cell["fournisseur"])
            if supplier == nil { errors.add("fournisseur", "Nommez le fournisseur.") }
            if let supplier, supplier.count > 120 { errors.add("fournisseur", "Le nom du fournisseur compte au plus 120 caractères.") }
            let date = parseDate(cell["date"], today: today, into: &errors)
            var cents: Int?
            if let text = TextRules.clean(cell["prix_ht"]) {
                cents = parseEuros(text)
                if cents == nil { errors.add("prix_ht", "Le prix HT s'écrit en euros avec un point ou une virgule, par exemple 90.11.") }
            } else {
                errors.add("prix_ht", "Indiquez le prix hors taxes.")
            }
            var characteristics = (cell["categories_egalim"] ?? "").split(whereSeparator: { $0 == "," || $0 == "|" || $0 == ";" }).map(String.init)
            switch (cell["origine"] ?? "").uppercased() {
            case "": break
            case "FRANCE": characteristics.append("FRANCE")
            case "EUROPE", "UE": characteristics.append("EUROPE")
            default: errors.add("origine", "L'origine est FRANCE, EUROPE ou vide.")
            }
            for (column, code) in [("est_circuit_court", "CIRCUIT_COURT"), ("est_local", "LOCAL")] {
                switch parseBoolean(cell[column]) {
                case .some(true): characteristics.append(code)
                case .some(false): break
                case nil: errors.add(column, "Écrivez oui ou non (ou true, false, 1, 0).")
                }
            }
            var km: Int?
            if let text = TextRules.clean(cell["definition_local_km"]) {
                km = Int(text)
                if km == nil { errors.add("definition_local_km", "La distance s'écrit en kilomètres entiers, par exemple 80.") }
            }
            // A definition on a line that is not local is left aside (some files fill the column on every row).
            let local = characteristics.contains("LOCAL") ? TextRules.clean(cell["definition_local"]).map { LocalDefinitionDraft(kind: $0, km: km) } : nil
            let draft = PurchaseLineDraft(description: cell["description"], family: cell["famille_produits"], priceCents: cents,
                                          characteristics: characteristics, localDefinition: local)
            var lineErrors = FieldErrors()
            let valid = draft.validate(field: "", into: &lineErrors)
            for (field, message) in lineErrors.messages.sorted(by: { $0.key < $1.key }) {
                errors.add(column(forDraftField: field), message)
            }
            if errors.isEmpty, let valid, let supplier, let date {
                result.append(Row(line: line, supplierName: supplier, date: date, purchase: valid))
            } else {
                problems += errors.messages.map { Problem(line: line, field: $0.key, message: $0.value) }.sorted { columnOrder($0.field) < columnOrder($1.field) }
            }
        }
        return (result, problems)
    }

    /// The draft's field names (`.family`, `.characteristics[2]`) as the file's columns.
    static func column(forDraftField field: String) -> String {
        if field.hasPrefix(".description") { return "description" }
        if field.hasPrefix(".family") { return "famille_produits" }
        if field.hasPrefix(".priceCents") { return "prix_ht" }
        if field.hasPrefix(".localDefinition.km") { return "definition_local_km" }
        if field.hasPrefix(".localDefinition") { return "definition_local" }
        return "categories_egalim"
    }

    static func columnOrder(_ field: String) -> Int { columns.firstIndex(of: field) ?? columns.count }

    /// `2026-03-14`, or `14/03/2026` as a French spreadsheet writes it.
    static func parseDate(_ raw: String?, today: CalendarDay, into errors: inout FieldErrors) -> CalendarDay? {
        guard let text = TextRules.clean(raw) else {
            errors.add("date", "Indiquez la date d'achat, par exemple 04/12/2026.")
            return nil
        }
        var day = CalendarDay(text)
        if day == nil {
            let parts = text.split(separator: "/")
            if parts.count == 3, let d = Int(parts[0]), let m = Int(parts[1]), let y = Int(parts[2]), parts[2].count == 4 {
                day = CalendarDay(String(format: "%04d-%02d-%02d", y, m, d))
            }
        }
        guard let day else {
            errors.add("date", "La date s'écrit comme 04/12/2026.")
            return nil
        }
        if day > today { errors.add("date", "La date d'achat ne peut pas être dans le futur.") }
        return day
    }

    /// `90.11`, `90,11`, `1 234,5` → cents; nil for anything else.
    public static func parseEuros(_ raw: String) -> Int? {
        let text = raw.filter { !$0.isWhitespace && $0 != "\u{202F}" && $0 != "\u{A0}" && $0 != "€" }.replacingOccurrences(of: ",", with: ".")
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].allSatisfy(\.isASCIIDigit), parts[0].count <= 9 else { return nil }
        var cents = Int(parts[0])! * 100
        if parts.count == 2 {
            let decimals = Array(parts[1])
            guard !decimals.isEmpty, decimals.allSatisfy(\.isASCIIDigit) else { return nil }
            cents += (decimals.first?.wholeNumberValue ?? 0) * 10 + (decimals.count > 1 ? decimals[1].wholeNumberValue! : 0)
            // Half up: what is left past the cent reaches half a cent when its first digit does.
            if decimals.count > 2, decimals[2].wholeNumberValue! >= 5 { cents += 1 }
        }
        return cents
    }

    static func parseBoolean(_ raw: String?) -> Bool? {
        switch (raw ?? "").trimmingWhitespace().lowercased() {
        case "", "non", "false", "faux", "0", "n", "no": false
        case "oui", "true", "vrai", "1", "o", "y", "yes": true
        default: nil
        }
    }

    /// Text a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a
    /// carriage return, as OWASP lists them) is written after an apostrophe, which
    /// spreadsheets hide and `read` takes off. A plain number (`-12.50`) stays a number.
    public static func neutralised(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, formulaStarts.contains(first), !isPlainNumber(text) else { return text }
        return "'" + text
    }

    static func restored(_ text: String) -> String {
        guard text.hasPrefix("'"), let second = text.unicodeScalars.dropFirst().first, formulaStarts.contains(second) else { return text }
        return String(text.dropFirst())
    }

    private static let formulaStarts: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]

    private static func isPlainNumber(_ text: String) -> Bool {
        text.wholeMatch(of: /[+-]?[0-9]+([.,][0-9]+)?/) != nil
    }

    /// One exported row, in `columns`' order.
    public static func row(supplierName: String, date: CalendarDay, line: PurchaseLineDraft.Valid) -> [String] {
        let characteristics = Set(line.characteristics)
        let labels = line.characteristics.filter { ![.france, .europe, .shortCircuit, .local].contains($0) }.map(\.rawValue).joined(separator: ",")
        let origin = characteristics.contains(.france) ? "FRANCE" : characteristics.contains(.europe) ? "EUROPE" : ""
        let local = characteristics.contains(.local) ? line.localDefinition : nil
        return [neutralised(line.description), neutralised(supplierName), date.description, String(format: "%d.%02d", line.priceCents / 100, line.priceCents % 100),
                line.family.maCantineCode, labels, origin, characteristics.contains(.shortCircuit) ? "oui" : "non",
                characteristics.contains(.local) ? "oui" : "non", local?.kind.fileCode ?? "", local?.km.map(String.init) ?? ""]
    }
}
