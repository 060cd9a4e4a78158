/// On a phone a table becomes a stack of cards, each value under its column's name: this gives
/// every body cell a `data-label` naming its column, read from the table's head, so that every
/// table of the app does so without each view repeating its headings.
///
/// It works on markup the app rendered itself (escaped texts, quoted attributes, no nested
/// table): a heading's text is taken without its tags, and its quotes are escaped for the
/// attribute (its `&`, `<` and `>` already are).
public enum TableCellLabels {
    public static func label(_ html: String) -> String {
        let bytes = Array(html.utf8)
        guard let headStart = find(bytes, "<thead", from: 0), let headEnd = find(bytes, "</thead>", from: headStart) else { return html }
        let labels = headings(bytes, from: headStart, to: headEnd)
        guard labels.contains(where: { !$0.isEmpty }) else { return html }

        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 4)
        out.append(contentsOf: bytes[..<headEnd])
        var index = headEnd
        var column = 0
        while index < bytes.count {
            if startsTag(bytes, "<tr", at: index) {
                column = 0
            } else if startsTag(bytes, "<td", at: index) || startsTag(bytes, "<th", at: index) {
                let tagEnd = find(bytes, ">", from: index) ?? bytes.count
                let tag = bytes[index..<tagEnd]
                out.append(contentsOf: bytes[index..<index + 3])
                if column < labels.count, !labels[column].isEmpty, find(Array(tag), "data-label=", from: 0) == nil {
                    out.append(contentsOf: Array(" data-label=\"".utf8) + labels[column] + [UInt8(ascii: "\"")])
                }
                index += 3
                column += span(Array(tag))
                continue
            }
            out.append(bytes[index])
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The labels of the head's last row, one per column (a heading spanning two columns
    /// names both), as attribute-ready bytes.
    private static func headings(_ bytes: [UInt8], from start: Int, to end: Int) -> [[UInt8]] {
        var rowStart = start
        var search = start
        while let row = find(bytes, "<tr", from: search), row < end {
            rowStart = row
            search = row + 3
        }
        var labels: [[UInt8]] = []
        var index = rowStart
        while index < end {
            guard startsTag(bytes, "<th", at: index), let open = find(bytes, ">", from: index),
                  let close = find(bytes, "</th>", from: open) else {
                index += 1
                continue
            }
            let text = attributeText(Array(bytes[(open + 1)..<close]))
            labels += Array(repeating: text, count: span(Array(bytes[index..<open])))
            index = close + 5
        }
        return labels
    }

    /// The text of a heading without its tags, spaces collapsed, quotes escaped.
    private static func attributeText(_ inner: [UInt8]) -> [UInt8] {
        var text: [UInt8] = []
        var inTag = false
        var pendingSpace = false
        for byte in inner {
            switch byte {
            case UInt8(ascii: "<"): inTag = true
            case UInt8(ascii: ">"): inTag = false
            case _ where inTag: break
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                pendingSpace = !text.isEmpty
            default:
                if pendingSpace { text.append(UInt8(ascii: " ")); pendingSpace = false }
                switch byte {
                case UInt8(ascii: "\""): text += Array("&quot;".utf8)
                case UInt8(ascii: "'"): text += Array("&#39;".utf8)
                default: text.append(byte)
                }
            }
        }
        return text
    }

    /// A cell's `colspan`, 1 when it has none.
    private static func span(_ tag: [UInt8]) -> Int {
        guard let at = find(tag, "colspan=\"", from: 0) else { return 1 }
        var value = 0
        var index = at + 9
        while index < tag.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(tag[index]), value < 1000 {
            value = value * 10 + Int(tag[index] - UInt8(ascii: "0"))
            index += 1
        }
        return max(value, 1)
    }

    /// `<td` followed by a space or `>` (so that `<thead` is not a `<th`).
    private static func startsTag(_ bytes: [UInt8], _ name: String, at index: Int) -> Bool {
        let name = Array(name.utf8)
        guard index + name.count < bytes.count, bytes[index..<index + name.count].elementsEqual(name) else { return false }
        let next = bytes[index + name.count]
        return next == UInt8(ascii: " ") || next == UInt8(ascii: ">")
    }

    private static func find(_ bytes: [UInt8], _ needle: String, from start: Int) -> Int? {
        let needle = Array(needle.utf8)
        guard !needle.isEmpty, bytes.count >= needle.count, start <= bytes.count - needle.count else { return nil }
        var index = start
        let last = bytes.count - needle.count
        while index <= last {
            if bytes[index] == needle[0], bytes[index..<index + needle.count].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
