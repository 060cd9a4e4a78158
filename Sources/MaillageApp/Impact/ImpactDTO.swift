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
            IndicatorRow(current: shown(figure, in: figures, current: true, threshold: threshold),
                         previous: shown(previous[figure.indicator] ?? IndicatorFigure(figure.indicator, amount: 0), in: figures, current: false, threshold: threshold))
        }
    }

    /// One figure of a cooperative as the viewer reads it. Meals by bracket follow the trade
    /// figures: a bracket bought in by few households is hidden, and the total with it.
    static func shown(_ figure: IndicatorFigure, in coop: CooperativeFigures, current: Bool, threshold: Int) -> ShownFigure {
        var shown = ShownFigure(figure, exact: coop.exact, threshold: threshold)
        guard !coop.exact else { return shown }
        let households = (current ? coop.tradeHouseholds : coop.tradeHouseholdsBefore).mapValues(Double.init)
        if figure.indicator == .reducedPriceMeals || figure.indicator == .solidarityValue {
            shown.hideBrackets(withFewHouseholds: households, threshold: threshold, wholeBreakdown: figure.indicator == .solidarityValue)
        }
        // A span of years: only what each year shows (else a span minus a year gives it back).
        // A count on the span's last day is the last year's own figure, read the same way.
        let atoms = figure.indicator.isCountAtPeriodEnd ? [] : (current ? coop.years : coop.yearsBefore)
        for year in atoms {
            guard let atom = year.current.first(where: { $0.indicator == figure.indicator }) else { continue }
            let inYear = Self.shown(atom, in: year, current: true, threshold: threshold)
            if inYear.masked, !shown.masked { shown.hideAsSecret() }
            if inYear.parts.contains(where: \.masked) {
                shown.parts = shown.parts.map { part in
                    part.masked || part.value == 0 ? part : .init(key: part.key, value: nil, masked: true, secret: true)
                }
            }
        }
        return shown
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
        let coops = figures.map { coop in
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
        // Under the statistical secret a total is a sum of figures the viewer can read: shown
        // only when no cooperative's figure is hidden (else it would give the hidden one back,
        // alone or with the figures shown elsewhere), its breakdown only when every
        // cooperative's breakdown is known to the viewer.
        let partsKnown = { (coop: CooperativeFigures, figure: IndicatorFigure, current: Bool) -> Bool in
            // Nobody counted: every part is zero, whoever reads it.
            figure.amount == 0 || coop.exact
                || (coop.readable && IndicatorRow.shown(figure, in: coop, current: current, threshold: threshold).parts.allSatisfy { !$0.masked })
        }
        total = Indicator.allCases.enumerated().map { index, indicator in
            func shown(previous isPrevious: Bool) -> ShownFigure {
                let pick: (CooperativeFigures) -> [IndicatorFigure] = { isPrevious ? $0.previous : $0.current }
                let sum = IndicatorFigure.total(figures.flatMap(pick), of: indicator)
                var shown = ShownFigure(sum, exact: allExact, threshold: threshold)
                guard !allExact, indicator.countsPeople || indicator.isShareOfPeople || indicator == .reducedPriceMeals || indicator == .solidarityValue else { return shown }
                let hiddenCell = coops.indices.contains { i in
                    !figures[i].exact && (isPrevious ? coops[i].indicators[index].previousMasked : coops[i].indicators[index].masked) == true
                }
                if hiddenCell, !shown.masked { shown.hideAsSecret() }
                let known = figures.allSatisfy { coop in
                    pick(coop).first { $0.indicator == indicator }.map { partsKnown(coop, $0, !isPrevious) } ?? true
                }
                if !known {
                    shown.parts = shown.parts.map { part in
                        // Zero points at nobody and stays.
                        part.masked || part.value == 0 ? part
                            : .init(key: part.key, value: nil, masked: true, secret: !StatisticalSecret.isSmall(sum.parts[part.key] ?? 0, threshold: threshold))
                    }
                }
                return shown
            }
            return IndicatorRow(current: shown(previous: false), previous: shown(previous: true))
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
