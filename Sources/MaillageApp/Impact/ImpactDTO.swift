import Foundation
import MaillageCore
import Vapor

/// One indicator as the viewer may see it: `masked` (present only when true) replaces a value
/// under the statistical secret, shown as "< 5".
struct IndicatorRow: Content, Sendable {
    struct Part: Content, Sendable {
        var key: String
        var label: String
        var value: Double?
        var masked: Bool?
    }

    var key: String
    var name: String
    var unit: String
    var value: Double?
    var masked: Bool?
    /// The same indicator over the period of the same length just before.
    var previous: Double?
    var previousMasked: Bool?
    var parts: [Part]?

    var indicator: Indicator? { Indicator(rawValue: key) }

    init(current: ShownFigure, previous: ShownFigure, withParts: Bool = true) {
        let indicator = current.indicator
        key = indicator.rawValue
        name = indicator.frenchName
        unit = indicator.unit.rawValue
        value = current.value
        masked = current.masked ? true : nil
        self.previous = previous.value
        previousMasked = previous.masked ? true : nil
        parts = withParts && !current.parts.isEmpty
            ? current.parts.map { Part(key: $0.key, label: indicator.partLabel($0.key), value: $0.value, masked: $0.masked ? true : nil) } : nil
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
                // What the viewer knows exactly (their own cooperatives) must not leave a small
                // remainder to subtract: the total, and each of its parts, hide it then.
                let known = figures.filter(\.exact).flatMap(pick).filter { $0.indicator == indicator }
                if StatisticalSecret.isSmall(sum.amount - known.reduce(0) { $0 + $1.amount }, threshold: threshold) {
                    shown.value = nil
                    shown.masked = true
                }
                shown.parts = shown.parts.map { part in
                    let rest = (sum.parts[part.key] ?? 0) - known.reduce(0) { $0 + ($1.parts[part.key] ?? 0) }
                    return StatisticalSecret.isSmall(rest, threshold: threshold) ? .init(key: part.key, value: nil, masked: true) : part
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
                    let known = Set(figures.indices.filter { figures[$0].exact })
                    let totalShown = !(isPrevious ? previous.masked : current.masked)
                    let (cells, hideTotal) = StatisticalSecret.across(amounts: amounts, hidden: hidden, known: known, totalShown: totalShown)
                    for cell in cells {
                        if isPrevious { coops[cell].indicators[index].previous = nil; coops[cell].indicators[index].previousMasked = true }
                        else { coops[cell].indicators[index].value = nil; coops[cell].indicators[index].masked = true }
                    }
                    if hideTotal {
                        if isPrevious { previous.value = nil; previous.masked = true } else { current.value = nil; current.masked = true }
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
