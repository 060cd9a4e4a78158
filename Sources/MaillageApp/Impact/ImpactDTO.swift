import Foundation
import MaillageCore
import Vapor

/// One indicator as the viewer may see it: `masked` (present only when true) replaces a value
/// under the statistical secret, shown as "< 5" for a small count, and as « secret » when
/// `secret` is true too (a share, or a cell hidden so that another cannot be subtracted out).
struct IndicatorRow: Content, Sendable {
    struct Part: Content, Sendable {
        var key: String
        var label: String
        var value: Double?
        var masked: Bool?
        var secret: Bool?
    }

    var key: String
    var name: String
    var unit: String
    var value: Double?
    var masked: Bool?
    var secret: Bool?
    /// The same indicator over the period of the same length just before.
    var previous: Double?
    var previousMasked: Bool?
    var previousSecret: Bool?
    var parts: [Part]?

    var indicator: Indicator? { Indicator(rawValue: key) }

    init(current: ShownFigure, previous: ShownFigure, withParts: Bool = true) {
        let indicator = current.indicator
        key = indicator.rawValue
        name = indicator.frenchName
        unit = indicator.unit.rawValue
        value = current.value
        masked = current.masked ? true : nil
        secret = current.secret ? true : nil
        self.previous = previous.value
        previousMasked = previous.masked ? true : nil
        previousSecret = previous.secret ? true : nil
        parts = withParts && !current.parts.isEmpty
            ? current.parts.map { Part(key: $0.key, label: indicator.partLabel($0.key), value: $0.value, masked: $0.masked ? true : nil, secret: $0.secret ? true : nil) } : nil
    }

    /// Hides the current or the previous value as « secret ».
    mutating func hideAsSecret(previous isPrevious: Bool) {
        if isPrevious {
            previous = nil; previousMasked = true; previousSecret = true
        } else {
            value = nil; masked = true; secret = true
        }
    }

    /// A cooperative's indicators, exact or under the secret.
    static func rows(_ figures: CooperativeFigures, threshold: Int) -> [IndicatorRow] {
        let previous = Dictionary(uniqueKeysWithValues: figures.previous.map { ($0.indicator, $0) })
        return figures.current.map { figure in
            IndicatorRow(current: ShownFigure(figure, exact: figures.exact, threshold: threshold),
                         previous: ShownFigure(previous[figure.indicator] ?? IndicatorFigure(figure.indicator, amount: 0), exact: figures.exact, threshold: threshold))
        }
    }
}

/// Several cooperatives side by side with their total (a territory, the network).
struct ImpactComparison: Content, Sendable {
    struct Coop: Content, Sendable {
        var coopID: UUID
        var name: String
        var territoryID: UUID
        var territory: String
        var stage: String
        /// The viewer works in it: its figures are exact.
        var exact: Bool
        var indicators: [IndicatorRow]
        /// Its road from the residents' collective to the SCIC: steps done of all, the next one.
        var onboarding: Onboarding?
    }

    struct Onboarding: Content, Sendable {
        var done: Int
        var total: Int
        var next: String?
        var nextDueOn: String?
        var late: Bool
    }

    var from: String
    var to: String
    var threshold: Int
    var total: [IndicatorRow]
    var cooperatives: [Coop]

    init(_ figures: [CooperativeFigures], period: DayPeriod, threshold: Int) {
        from = period.from.description
        to = period.to.description
        self.threshold = threshold
        let allExact = figures.allSatisfy(\.exact)
        var coops = figures.map { coop in
            Coop(coopID: coop.cooperative.id!, name: coop.cooperative.name, territoryID: coop.cooperative.$territory.id, territory: coop.territoryName,
                 stage: coop.cooperative.stage, exact: coop.exact,
                 // A cooperative's breakdown only for who works in it: the parts of several
                 // cooperatives side by side would give each other away.
                 indicators: IndicatorRow.rows(coop, threshold: threshold).map { row in
                     var row = row
                     if !coop.exact { row.parts = nil }
                     return row
                 },
                 onboarding: coop.onboarding.map { Onboarding(done: $0.done, total: $0.total, next: $0.next?.title, nextDueOn: $0.next?.dueOn.description, late: $0.late) })
        }
        // Every cooperative's rows follow the catalogue's order (`ImpactFigures.compute`).
        total = Indicator.allCases.enumerated().map { index, indicator in
            func shown(_ pick: (CooperativeFigures) -> [IndicatorFigure]) -> ShownFigure {
                let sum = IndicatorFigure.total(figures.flatMap(pick), of: indicator)
                var shown = ShownFigure(sum, exact: allExact, threshold: threshold)
                guard !allExact, indicator.countsPeople else { return shown }
                // What the viewer reads anywhere (their own cooperatives exactly, the dashboards
                // they may open under the secret) must not leave a small remainder to subtract:
                // the total, and each of its parts, hide it then.
                var knownAmount = 0.0
                var knownParts: [String: Double] = [:]
                for coop in figures {
                    guard let figure = pick(coop).first(where: { $0.indicator == indicator }) else { continue }
                    let own = ShownFigure(figure, exact: coop.exact, threshold: threshold)
                    guard coop.exact || coop.readable else { continue }
                    if !own.masked { knownAmount += figure.amount }
                    for part in own.parts where !part.masked { knownParts[part.key, default: 0] += part.value ?? 0 }
                }
                if !shown.masked, StatisticalSecret.isSmall(sum.amount - knownAmount, threshold: threshold) {
                    shown.hideAsSecret()
                }
                shown.parts = shown.parts.map { part in
                    let rest = (sum.parts[part.key] ?? 0) - (knownParts[part.key] ?? 0)
                    return !part.masked && StatisticalSecret.isSmall(rest, threshold: threshold) ? .init(key: part.key, value: nil, masked: true, secret: true) : part
                }
                return shown
            }
            var current = shown { $0.current }
            var previous = shown { $0.previous }
            // A cooperative hidden beside the total must not come back by subtraction.
            if !allExact, indicator.countsPeople {
                for isPrevious in [false, true] {
                    let amounts = figures.map { coop in (isPrevious ? coop.previous : coop.current).first { $0.indicator == indicator }?.amount ?? 0 }
                    let hidden = Set(coops.indices.filter { (isPrevious ? coops[$0].indicators[index].previousMasked : coops[$0].indicators[index].masked) == true })
                    // Cells the viewer reads on a cooperative's own dashboard cannot be the
                    // second hidden one: they would be subtracted all the same.
                    let known = Set(figures.indices.filter { figures[$0].exact || (figures[$0].readable && !hidden.contains($0)) })
                    let totalShown = !(isPrevious ? previous.masked : current.masked)
                    let (cells, hideTotal) = StatisticalSecret.across(amounts: amounts, hidden: hidden, known: known, totalShown: totalShown)
                    for cell in cells.subtracting(hidden) {
                        coops[cell].indicators[index].hideAsSecret(previous: isPrevious)
                    }
                    if hideTotal {
                        if isPrevious { previous.hideAsSecret() } else { current.hideAsSecret() }
                    }
                }
            }
            return IndicatorRow(current: current, previous: previous)
        }
        cooperatives = coops
    }
}

/// The catalogue, as served by `GET /api/v1/indicators`.
struct IndicatorDefinitionDTO: Content {
    var key: String
    var name: String
    var definition: String
    var unit: String
    var area: String
    /// Counts people: under the statistical secret outside the cooperative.
    var countsPeople: Bool

    init(_ indicator: Indicator) {
        key = indicator.rawValue
        name = indicator.frenchName
        definition = indicator.definition
        unit = indicator.unit.rawValue
        area = indicator.area
        countsPeople = indicator.countsPeople || indicator.isShareOfPeople
    }
}
