import CSV
import Foundation
import MaillageCore

/// Purchases files as bytes: comma- or semicolon-separated, UTF-8 with or without BOM, read
/// and written with CSV.swift; what the columns mean is `PurchaseFile`'s (in the core).
enum PurchaseCSV {
    struct Table {
        var header: [String]
        var rows: [[String]]
    }

    static let maximumRows = 20_000

    /// The delimiter is the one of the header line: a semicolon when it has more of them than
    /// commas (a French spreadsheet's export), a comma otherwise.
    static func parse(_ raw: String) throws -> Table {
        let text = raw.hasPrefix("\u{FEFF}") ? String(raw.dropFirst()) : raw
        let firstLine = text.prefix { $0 != "\n" && $0 != "\r\n" && $0 != "\r" }
        guard !String(firstLine).trimmingWhitespace().isEmpty else {
            throw PurchaseFile.Problem(line: 1, field: "fichier", message: "Le fichier est vide : la première ligne doit nommer les colonnes (" + PurchaseFile.columns.joined(separator: ", ") + ").")
        }
        let semicolons = firstLine.filter { $0 == ";" }.count, commas = firstLine.filter { $0 == "," }.count
        let delimiter: UnicodeScalar = semicolons > commas ? ";" : ","
        do {
            let reader = try CSVReader(string: text, hasHeaderRow: true, delimiter: delimiter)
            var rows: [[String]] = []
            while let row = reader.next() {
                rows.append(row)
                if rows.count > maximumRows { break }
            }
            if let error = reader.error { throw error }
            return Table(header: reader.headerRow ?? [], rows: rows)
        } catch let problem as PurchaseFile.Problem {
            throw problem
        } catch {
            throw PurchaseFile.Problem(line: 1, field: "fichier", message: "Ce fichier n'est pas un CSV lisible (guillemet non fermé ?).")
        }
    }

    /// The file, with its header, comma-separated, in UTF-8.
    static func write(_ rows: [[String]]) throws -> String {
        try CSVText.write(header: PurchaseFile.columns, rows: rows, what: "des achats")
    }
}

extension PurchaseFile.Problem: Error {}
