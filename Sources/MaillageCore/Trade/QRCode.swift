/// A QR code (ISO/IEC 18004) small enough for a household card: version 1 (21 × 21 modules),
/// error correction level M (15 % of the symbol can be lost), alphanumeric mode, so up to 20
/// capitals, digits and ` $%*+-./:`. A card code is 4 to 12 of them. A 2D barcode scanner at the
/// till reads it and types the code, exactly as it would type a printed one.
public struct QRCode: Sendable, Equatable {
    public static let size = 21
    public static let capacity = 20
    static let alphanumerics = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")
    static let dataCodewords = 16
    static let errorCorrectionCodewords = 10

    /// `modules[row][column]`, true for a dark module; without the quiet zone.
    public let modules: [[Bool]]
    /// The mask pattern chosen (0–7): the one with the lowest penalty.
    public let mask: Int

    /// Nil when the text is empty, too long or has a character outside the alphanumeric set.
    public init?(_ text: String, mask forcedMask: Int? = nil) {
        let characters = Array(text)
        guard !characters.isEmpty, characters.count <= Self.capacity,
              characters.allSatisfy({ Self.alphanumerics.contains($0) }) else { return nil }
        let codewords = Self.codewords(characters)
        var best: (modules: [[Bool]], mask: Int, penalty: Int)?
        for mask in forcedMask.map({ [$0] }) ?? Array(0..<8) {
            var symbol = Symbol()
            symbol.placeData(codewords)
            symbol.apply(mask: mask)
            // Evaluated before the format bits are written (ISO/IEC 18004 § 7.8).
            let penalty = forcedMask == nil ? symbol.penalty() : 0
            symbol.drawFormat(mask: mask)
            if best == nil || penalty < best!.penalty { best = (symbol.modules, mask, penalty) }
        }
        modules = best!.modules
        mask = best!.mask
    }

    /// Data and error correction codewords, in the order they are placed.
    static func codewords(_ characters: [Character]) -> [UInt8] {
        var bits: [Bool] = []
        func append(_ value: Int, _ count: Int) {
            for shift in stride(from: count - 1, through: 0, by: -1) { bits.append((value >> shift) & 1 == 1) }
        }
        append(0b0010, 4) // alphanumeric mode
        append(characters.count, 9)
        let values = characters.map { alphanumerics.firstIndex(of: $0)! }
        var index = 0
        while index + 1 < values.count {
            append(values[index] * 45 + values[index + 1], 11)
            index += 2
        }
        if index < values.count { append(values[index], 6) }
        let capacityBits = dataCodewords * 8
        append(0, min(4, capacityBits - bits.count)) // terminator
        while bits.count % 8 != 0 { bits.append(false) }
        var data: [UInt8] = stride(from: 0, to: bits.count, by: 8).map { start in
            bits[start..<start + 8].reduce(0) { $0 << 1 | ($1 ? 1 : 0) }
        }
        var pad: UInt8 = 0xEC
        while data.count < dataCodewords {
            data.append(pad)
            pad = pad == 0xEC ? 0x11 : 0xEC
        }
        return data + ReedSolomon.remainder(data, degree: errorCorrectionCodewords)
    }

    /// The symbol with a quiet zone of 4 modules, as an SVG drawing (one path, black on white),
    /// `moduleSize` pixels a module.
    public func svg(moduleSize: Int = 8, title: String) -> String {
        let quiet = 4
        let side = Self.size + 2 * quiet
        var path = ""
        for (row, line) in modules.enumerated() {
            for (column, dark) in line.enumerated() where dark {
                path += "M\(column + quiet) \(row + quiet)h1v1h-1z"
            }
        }
        let escaped = MarkupEscaping.escape(title)
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 \(side) \(side)\" width=\"\(side * moduleSize)\" height=\"\(side * moduleSize)\""
            + " shape-rendering=\"crispEdges\"><title>\(escaped)</title><rect width=\"\(side)\" height=\"\(side)\" fill=\"#fff\"/><path fill=\"#000\" d=\"\(path)\"/></svg>"
    }
}

/// Reed–Solomon over GF(256) with the QR polynomial x⁸ + x⁴ + x³ + x² + 1.
enum ReedSolomon {
    static func multiply(_ x: UInt8, _ y: UInt8) -> UInt8 {
        var result: UInt16 = 0
        for bit in stride(from: 7, through: 0, by: -1) {
            result = (result << 1) ^ ((result >> 7) * 0x11D)
            if (y >> UInt8(bit)) & 1 == 1 { result ^= UInt16(x) }
        }
        return UInt8(result & 0xFF)
    }

    /// The generator polynomial's coefficients (highest degree first, leading 1 left out).
    static func generator(degree: Int) -> [UInt8] {
        var coefficients = [UInt8](repeating: 0, count: degree)
        coefficients[degree - 1] = 1
        var root: UInt8 = 1
        for _ in 0..<degree {
            for index in 0..<degree {
                coefficients[index] = multiply(coefficients[index], root)
                if index + 1 < degree { coefficients[index] ^= coefficients[index + 1] }
            }
            root = multiply(root, 0x02)
        }
        return coefficients
    }

    static func remainder(_ data: [UInt8], degree: Int) -> [UInt8] {
        let divisor = generator(degree: degree)
        var result = [UInt8](repeating: 0, count: degree)
        for byte in data {
            let factor = byte ^ result.removeFirst()
            result.append(0)
            for index in 0..<degree { result[index] ^= multiply(divisor[index], factor) }
        }
        return result
    }
}

/// The 21 × 21 grid being drawn: function patterns first, then data, mask and format.
private struct Symbol {
    let size = QRCode.size
    var modules: [[Bool]]
    var isFunction: [[Bool]]

    init() {
        modules = Array(repeating: Array(repeating: false, count: QRCode.size), count: QRCode.size)
        isFunction = modules
        for index in 0..<size {
            set(row: 6, column: index, index % 2 == 0) // timing patterns
            set(row: index, column: 6, index % 2 == 0)
        }
        drawFinder(row: 3, column: 3)
        drawFinder(row: 3, column: size - 4)
        drawFinder(row: size - 4, column: 3)
        reserveFormatAreas()
    }

    /// The format areas, left light until the mask is chosen.
    mutating func reserveFormatAreas() {
        for index in 0...8 where index != 6 {
            set(row: index, column: 8, false)
            set(row: 8, column: index, false)
        }
        for index in 0..<8 {
            set(row: 8, column: size - 1 - index, false)
            set(row: size - 1 - index, column: 8, false)
        }
    }

    mutating func set(row: Int, column: Int, _ dark: Bool) {
        modules[row][column] = dark
        isFunction[row][column] = true
    }

    /// A 7 × 7 finder centred on (row, column) with its light separator.
    mutating func drawFinder(row: Int, column: Int) {
        for dy in -4...4 {
            for dx in -4...4 {
                let (r, c) = (row + dy, column + dx)
                guard (0..<size).contains(r), (0..<size).contains(c) else { continue }
                let distance = max(abs(dx), abs(dy))
                set(row: r, column: c, distance != 2 && distance != 4)
            }
        }
    }

    /// Both copies of the 15 format bits (level M, the mask), and the dark module.
    mutating func drawFormat(mask: Int) {
        let data = 0b00 << 3 | mask // level M is 00
        var remainder = data
        for _ in 0..<10 { remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537) }
        let bits = (data << 10 | remainder) ^ 0x5412
        func bit(_ index: Int) -> Bool { (bits >> index) & 1 == 1 }
        for index in 0...5 { set(row: index, column: 8, bit(index)) }
        set(row: 7, column: 8, bit(6))
        set(row: 8, column: 8, bit(7))
        set(row: 8, column: 7, bit(8))
        for index in 9..<15 { set(row: 8, column: 14 - index, bit(index)) }
        for index in 0..<8 { set(row: 8, column: size - 1 - index, bit(index)) }
        for index in 8..<15 { set(row: size - 15 + index, column: 8, bit(index)) }
        set(row: size - 8, column: 8, true)
    }

    /// Codewords in the zigzag of two-module columns, from the bottom right, skipping the
    /// vertical timing pattern.
    mutating func placeData(_ codewords: [UInt8]) {
        var bitIndex = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            let upward = (right + 1) & 2 == 0
            for vertical in 0..<size {
                for offset in 0..<2 {
                    let column = right - offset
                    let row = upward ? size - 1 - vertical : vertical
                    guard !isFunction[row][column], bitIndex < codewords.count * 8 else { continue }
                    modules[row][column] = (codewords[bitIndex >> 3] >> UInt8(7 - bitIndex & 7)) & 1 == 1
                    bitIndex += 1
                }
            }
            right -= 2
        }
    }

    mutating func apply(mask: Int) {
        for row in 0..<size {
            for column in 0..<size where !isFunction[row][column] {
                let (i, j) = (row, column)
                let invert: Bool
                switch mask {
                case 0: invert = (i + j) % 2 == 0
                case 1: invert = i % 2 == 0
                case 2: invert = j % 3 == 0
                case 3: invert = (i + j) % 3 == 0
                case 4: invert = (i / 2 + j / 3) % 2 == 0
                case 5: invert = (i * j) % 2 + (i * j) % 3 == 0
                case 6: invert = ((i * j) % 2 + (i * j) % 3) % 2 == 0
                default: invert = ((i + j) % 2 + (i * j) % 3) % 2 == 0
                }
                if invert { modules[row][column].toggle() }
            }
        }
    }

    /// The four penalty rules of ISO/IEC 18004 § 7.8.3: runs of five or more, 2 × 2 blocks,
    /// finder-like patterns, and the balance of dark and light.
    func penalty() -> Int {
        var total = 0
        let columns = (0..<size).map { column in modules.map { $0[column] } }
        let finderLike: [Bool] = [true, false, true, true, true, false, true]
        for line in modules + columns {
            var run = 1
            for index in 1..<size {
                if line[index] == line[index - 1] {
                    run += 1
                    if run == 5 { total += 3 } else if run > 5 { total += 1 }
                } else {
                    run = 1
                }
            }
            // 1:1:3:1:1 with 4 light modules before or after; beyond the edge is the light
            // quiet zone.
            for start in 0...(size - 7) where Array(line[start..<start + 7]) == finderLike {
                let before = line[max(0, start - 4)..<start].allSatisfy { !$0 }
                let after = line[(start + 7)..<min(size, start + 11)].allSatisfy { !$0 }
                if before || after { total += 40 }
            }
        }
        for row in 0..<size - 1 {
            for column in 0..<size - 1 {
                let colour = modules[row][column]
                if modules[row][column + 1] == colour, modules[row + 1][column] == colour, modules[row + 1][column + 1] == colour { total += 3 }
            }
        }
        let dark = modules.reduce(0) { $0 + $1.filter { $0 }.count }
        let count = size * size
        total += abs(dark * 20 - count * 10) / count * 10 // 10 points a 5 % step away from half dark
        return total
    }
}
