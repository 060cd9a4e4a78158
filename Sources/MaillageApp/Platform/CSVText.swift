import CSV
import Foundation

/// A CSV file written in memory (comma-separated, UTF-8) with CSV.swift, for the exports.
enum CSVText {
    static func write(header: [String], rows: [[String]], what: String) throws -> String {
        let writer = try CSVWriter(stream: .toMemory())
        try writer.write(row: header)
        for row in rows { try writer.write(row: row) }
        writer.stream.close()
        guard let data = writer.stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data else {
            throw Problem(status: .internalServerError, title: "Export impossible", detail: "Le fichier \(what) n'a pas pu être écrit.")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
