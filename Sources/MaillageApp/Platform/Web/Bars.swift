import MaillageCore
/// Horizontal bars drawn by the server as SVG (no script): a label, a bar for a fraction of
/// the widest, the figure as text, and an optional target mark. The figures also appear in a
/// table beside the chart for screen readers.
enum Bars {
    struct Row {
        var label: String
        /// 0 to 1 of the bar's full width.
        var fraction: Double
        var text: String
        var target: Double? = nil
    }

    static func escape(_ text: String) -> String { MarkupEscaping.escape(text) }

    static func svg(_ rows: [Row], title: String) -> Markup {
        let rowHeight = 34, labelWidth = 230, barWidth = 300
        let height = rows.count * rowHeight + 10
        var body = ""
        for (index, row) in rows.enumerated() {
            let y = index * rowHeight + 5
            let width = Int((min(max(row.fraction, 0), 1) * Double(barWidth)).rounded())
            body += "<text x=\"0\" y=\"\(y + 20)\" font-size=\"14\" fill=\"#1f2a30\">\(escape(row.label))</text>"
            body += "<rect x=\"\(labelWidth)\" y=\"\(y + 6)\" width=\"\(barWidth)\" height=\"18\" fill=\"#e3e8ea\"/>"
            body += "<rect x=\"\(labelWidth)\" y=\"\(y + 6)\" width=\"\(width)\" height=\"18\" fill=\"#0b5d4b\"/>"
            if let target = row.target {
                let x = labelWidth + Int((target * Double(barWidth)).rounded())
                body += "<line x1=\"\(x)\" y1=\"\(y + 2)\" x2=\"\(x)\" y2=\"\(y + 28)\" stroke=\"#8a1c1c\" stroke-width=\"2\"/>"
            }
            body += "<text x=\"\(labelWidth + barWidth + 8)\" y=\"\(y + 20)\" font-size=\"14\" fill=\"#1f2a30\">\(escape(row.text))</text>"
        }
        let width = labelWidth + barWidth + 110
        return Markup(escapedHTML: "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"\(escape(title))\" viewBox=\"0 0 \(width) \(height)\" width=\"100%\" "
            + "preserveAspectRatio=\"xMinYMin meet\"><title>\(escape(title))</title>\(body)</svg>")
    }
}

/// A line over months drawn by the server as SVG: one point per month, a gap where the figure
/// is hidden (statistical secret) or missing. The figures also appear in a table beside it.
enum Lines {
    struct Point {
        var label: String
        var value: Double?
    }

    static func svg(_ points: [Point], title: String) -> Markup {
        let width = 640, height = 220, left = 50, right = 20, top = 20, bottom = 40
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let highest = max(points.compactMap(\.value).max() ?? 0, 1)
        let step = points.count > 1 ? Double(plotWidth) / Double(points.count - 1) : 0
        func x(_ index: Int) -> Int { left + Int((Double(index) * step).rounded()) }
        func y(_ value: Double) -> Int { top + plotHeight - Int((value / highest * Double(plotHeight)).rounded()) }
        var body = "<line x1=\"\(left)\" y1=\"\(top + plotHeight)\" x2=\"\(width - right)\" y2=\"\(top + plotHeight)\" stroke=\"#8a959b\"/>"
        body += "<text x=\"\(left - 6)\" y=\"\(top + 5)\" font-size=\"12\" text-anchor=\"end\" fill=\"#1f2a30\">\(Bars.escape(ImpactViews.number(highest)))</text>"
        body += "<text x=\"\(left - 6)\" y=\"\(top + plotHeight)\" font-size=\"12\" text-anchor=\"end\" fill=\"#1f2a30\">0</text>"
        // Consecutive known points are joined; a hidden month breaks the line.
        var segment: [String] = []
        func flush() {
            if segment.count > 1 { body += "<polyline fill=\"none\" stroke=\"#0b5d4b\" stroke-width=\"3\" points=\"\(segment.joined(separator: " "))\"/>" }
            segment = []
        }
        for (index, point) in points.enumerated() {
            if let value = point.value {
                segment.append("\(x(index)),\(y(value))")
                body += "<circle cx=\"\(x(index))\" cy=\"\(y(value))\" r=\"4\" fill=\"#0b5d4b\"/>"
            } else {
                flush()
            }
            body += "<text x=\"\(x(index))\" y=\"\(height - 12)\" font-size=\"12\" text-anchor=\"middle\" fill=\"#1f2a30\">\(Bars.escape(point.label))</text>"
        }
        flush()
        return Markup(escapedHTML: "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"\(Bars.escape(title))\" viewBox=\"0 0 \(width) \(height)\" width=\"100%\" "
            + "preserveAspectRatio=\"xMinYMin meet\"><title>\(Bars.escape(title))</title>\(body)</svg>")
    }
}
