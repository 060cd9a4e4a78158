/// The period a closing covers: a day (the Z), a month or a year.
public enum ClosingPeriod: String, CaseIterable, Codable, Sendable {
    case day
    case month
    case year

    public var frenchLabel: String {
        switch self {
        case .day: "Clôture du jour (Z)"
        case .month: "Clôture mensuelle"
        case .year: "Clôture annuelle"
        }
    }

    /// First and last day of the period containing `day`.
    public func range(containing day: CalendarDay) -> (first: CalendarDay, last: CalendarDay) {
        switch self {
        case .day: (day, day)
        case .month: (CalendarDay(year: day.year, month: day.month, day: 1), CalendarDay(year: day.year, month: day.month, day: 1).adding(months: 1).adding(days: -1))
        case .year: (CalendarDay(year: day.year, month: 1, day: 1), CalendarDay(year: day.year, month: 12, day: 31))
        }
    }

    /// A day is closed at the end of its service, the same day; a month or a year once over.
    public func mayClose(last: CalendarDay, today: CalendarDay) -> Bool {
        self == .day ? last <= today : last < today
    }
}

/// The totals a closing records, from the journal's tickets of the period.
public struct ClosingTotals: Sendable, Equatable {
    public struct Ticket: Sendable {
        public var lines: [(rate: VATRate, tier: String, grossCents: Int)]
        public var payments: [(method: PaymentMethod, cents: Int)]
        public var changeCents: Int
        public var totalCents: Int

        public init(lines: [(rate: VATRate, tier: String, grossCents: Int)], payments: [(method: PaymentMethod, cents: Int)], changeCents: Int, totalCents: Int) {
            self.lines = lines
            self.payments = payments
            self.changeCents = changeCents
            self.totalCents = totalCents
        }
    }

    public var tickets: Int
    public var totalCents: Int
    public var vat: VATBreakdown
    /// Money received by method; the change given back comes off the cash.
    public var byMethod: [String: Int]
    public var byTier: [String: Int]

    public init(_ tickets: [Ticket]) {
        self.tickets = tickets.count
        totalCents = tickets.reduce(0) { $0 + $1.totalCents }
        vat = VATBreakdown(tickets.flatMap { $0.lines.map { ($0.rate, $0.grossCents) } })
        var methods: [String: Int] = [:]
        var tiers: [String: Int] = [:]
        for ticket in tickets {
            for payment in ticket.payments { methods[payment.method.rawValue, default: 0] += payment.cents }
            if ticket.changeCents != 0 { methods[PaymentMethod.cash.rawValue, default: 0] -= ticket.changeCents }
            for line in ticket.lines { tiers[line.tier, default: 0] += line.grossCents }
        }
        byMethod = methods
        byTier = tiers
    }
}
