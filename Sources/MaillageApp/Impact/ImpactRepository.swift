import Fluent
import Foundation
import SQLKit
import MaillageCore
import Vapor

/// One cooperative's figures over a period and the period before, as the viewer may see them.
struct CooperativeFigures: Sendable {
    var cooperative: Cooperative
    var territoryName: String
    /// The viewer works in the cooperative: the figures are exact, not under the statistical secret.
    var exact: Bool
    /// The viewer may open the cooperative's own dashboard (exact or under the secret): what
    /// it shows there is known to them, and cannot hide anything by being hidden elsewhere.
    var readable: Bool = false
    var current: [IndicatorFigure]
    var previous: [IndicatorFigure]
    /// Its road from the residents' collective to the SCIC, when it has one.
    var onboarding: OnboardingProgress? = nil
    /// Under the statistical secret only. Households that bought in each bracket, as the trade
    /// figures count them (`TradeSecret`), over the period and the previous one.
    var tradeHouseholds: [String: Int] = [:]
    var tradeHouseholdsBefore: [String: Int] = [:]
    /// Under the statistical secret, over several whole years: each year's figures (as their
    /// `current`), so that a span shows only what each of its years shows.
    var years: [CooperativeFigures] = []
    var yearsBefore: [CooperativeFigures] = []
}

/// The impact figures of cooperatives the viewer may read (`viewImpact`), over a chosen
/// period, each computed from the records of the other areas.
struct ImpactRepository: Sendable {
    let db: any Database
    let principal: Principal
    /// Connections the figures of several cooperatives are read through side by side (one per
    /// event loop, so one per core): a network's year is CPU-bound, mostly decoding rows.
    var readers: [any Database] = []

    init(db: any Database, principal: Principal, readers: [any Database] = []) {
        self.db = db
        self.principal = principal
        self.readers = readers
    }

    /// The request's database, and one reader on each of the application's event loops.
    init(_ request: Request, principal: Principal) {
        self.init(db: request.db, principal: principal, readers: request.application.eventLoopGroup.makeIterator().compactMap {
            request.application.databases.database(logger: request.logger, on: $0)
        })
    }

    /// `?from=YYYY-MM-DD&to=YYYY-MM-DD`: the current calendar year up to today by default.
    static func period(from rawFrom: String?, to rawTo: String?, today: CalendarDay) throws -> DayPeriod {
        var errors = FieldErrors()
        let to = CalendarDay.parse(rawTo, field: "to", subject: "La fin de la période", fallback: today, latest: nil, into: &errors)
        let from = CalendarDay.parse(rawFrom, field: "from", subject: "Le début de la période", fallback: CalendarDay(year: (to ?? today).year, month: 1, day: 1),
                                     latest: nil, into: &errors)
        if let from, let to {
            if from > to { errors.add("from", "Le début de la période doit précéder sa fin.") }
            else if to > from.adding(months: 60) { errors.add("to", "Une période dure au plus cinq ans.") }
        }
        try errors.throwIfAny()
        return DayPeriod(from: from!, to: to!)
    }

    /// The period of the same length just before.
    static func previous(_ period: DayPeriod) -> DayPeriod {
        // Whole years (the periods under the statistical secret): the years before, so that
        // the previous period is read on the same calendar grid.
        if period.isWholeYears { return period.previousWholeYears }
        let days = period.to.daysSinceEpoch - period.from.daysSinceEpoch
        let end = period.from.adding(days: -1)
        return DayPeriod(from: end.adding(days: -days), to: end)
    }

    /// Exact figures for who manages the cooperative's pathways (its coordination, the network
    /// admins); the statistical secret for everyone else.
    func exact(in coop: Cooperative) -> Bool {
        principal.decide(.managePathways, at: coop.location) == .allowed
    }

    /// The period the viewer reads: as asked when they work in every cooperative shown;
    /// otherwise widened to whole calendar years (`StatisticalSecret`).
    func readable(_ period: DayPeriod, of coops: [Cooperative]) -> DayPeriod {
        coops.allSatisfy(exact(in:)) ? period : period.wholeYears
    }

    func figures(of cooperatives: [Cooperative], period: DayPeriod) async throws -> [CooperativeFigures] {
        let territories = try await Territory.query(on: db).filter(\.$id ~~ Set(cooperatives.map { $0.$territory.id })).all()
        let names = Dictionary(uniqueKeysWithValues: territories.map { ($0.id!, $0.name) })
        let tasks = cooperatives.isEmpty ? [] : try await OnboardingTask.query(on: db).filter(\.$cooperativeID ~~ cooperatives.map { $0.id! }).sort(\.$position).all()
        let previous = Self.previous(period)
        // Each reader takes every n-th cooperative and reads its batch with one statement per
        // kind of record (not one per cooperative); the figures come back in order.
        let readers = cooperatives.count > 1 && readers.count > 1 ? readers : [db]
        let computed = try await withThrowingTaskGroup(of: [UUID: (current: [IndicatorFigure], previous: [IndicatorFigure])].self) { group in
            for (lane, reader) in readers.enumerated() {
                let batch = Array(stride(from: lane, to: cooperatives.count, by: readers.count).map { cooperatives[$0] })
                let repository = ImpactRepository(db: reader, principal: principal)
                group.addTask { try await repository.compute(batch, period: period, previous: previous) }
            }
            var all: [UUID: (current: [IndicatorFigure], previous: [IndicatorFigure])] = [:]
            for try await figures in group { all.merge(figures) { first, _ in first } }
            return all
        }
        var result = cooperatives.map { coop in
            CooperativeFigures(cooperative: coop, territoryName: names[coop.$territory.id] ?? "", exact: exact(in: coop),
                               readable: principal.decide(.viewImpact, at: coop.location) == .allowed,
                               current: computed[coop.id!]?.current ?? [], previous: computed[coop.id!]?.previous ?? [],
                               onboarding: OnboardingRepository.progress(tasks.filter { $0.cooperativeID == coop.id }))
        }
        try await addSecretAtoms(&result, period: period, previous: previous)
        return result
    }

    /// What the statistical secret needs beside the figures, for the cooperatives the viewer
    /// reads under it: the trade figures' households by bracket, and each year of a span.
    private func addSecretAtoms(_ figures: inout [CooperativeFigures], period: DayPeriod, previous: DayPeriod) async throws {
        let underSecret = figures.indices.filter { !figures[$0].exact }
        guard !underSecret.isEmpty else { return }
        for index in underSecret {
            let coopID = figures[index].cooperative.id!
            figures[index].tradeHouseholds = try await TradeFiguresRepository.householdsByTier(of: coopID, from: period.from, to: period.to, on: db)
            figures[index].tradeHouseholdsBefore = try await TradeFiguresRepository.householdsByTier(of: coopID, from: previous.from, to: previous.to, on: db)
        }
        guard period.isWholeYears, period.to.year > period.from.year else { return }
        let coops = underSecret.map { figures[$0].cooperative }
        func years(of span: DayPeriod) async throws -> [[CooperativeFigures]] {
            var result: [[CooperativeFigures]] = []
            for year in span.from.year...span.to.year {
                result.append(try await self.figures(of: coops, period: DayPeriod(from: CalendarDay(year: year, month: 1, day: 1), to: CalendarDay(year: year, month: 12, day: 31))))
            }
            return result
        }
        let current = try await years(of: period), before = try await years(of: previous)
        for (position, index) in underSecret.enumerated() {
            figures[index].years = current.map { $0[position] }
            figures[index].yearsBefore = before.map { $0[position] }
        }
    }

    /// The cooperatives of one territory, by name.
    func cooperatives(in territory: Territory) async throws -> [Cooperative] {
        try await Cooperative.query(on: db).filter(\.$territory.$id == territory.id!).sort(\.$name).all()
    }

    /// The network the principal reads the dashboards of, with its cooperatives: 404 for who
    /// has no role in any, 403 for a role without the right.
    func network() async throws -> (Network, [Cooperative]) {
        guard let id = principal.networkIDs.sorted(by: { $0.uuidString < $1.uuidString }).first, let network = try await Network.find(id, on: db) else { throw Problem.notFound }
        try NetworkRepository.check(principal, .viewImpact, at: ResourceLocation(networkID: id.uuidString))
        return (network, try await Cooperative.query(on: db).filter(\.$networkID == id).sort(\.$name).all())
    }

    /// The figures of each calendar month of the period (the last twelve), for the charts over
    /// months: the records are read once, the trade figures month by month.
    func monthly(of coop: Cooperative, period: DayPeriod) async throws -> [(month: DayPeriod, figures: [IndicatorFigure])] {
        let months = ImpactFigures.months(of: period)
        guard let first = months.first else { return [] }
        var facts = try await records(of: coop, over: DayPeriod(from: first.from, to: period.to)).facts
        var result: [(month: DayPeriod, figures: [IndicatorFigure])] = []
        for month in months {
            facts.trade = try await TradeFiguresRepository.figures(of: coop.id!, from: month.from, to: month.to, on: db)
            result.append((month, ImpactFigures.compute(facts, period: month).filter { ImpactFigures.monthlySeries.contains($0.indicator) }))
        }
        return result
    }

    /// What one cooperative's records say whatever the period within `window`: the figures
    /// filter them by period themselves (`ImpactFigures.compute`).
    struct Records {
        struct Associate { var categoryID: UUID; var collegeID: UUID?; var vote: VotingRight }
        var facts = ImpactFacts()
        var members: [Associate] = []
        var categories: [UUID: String] = [:]
        var colleges: [UUID: String] = [:]
    }

    /// The figures of a batch of cooperatives over the period and the previous one: the
    /// records once for both periods, the trade, households and purchases once per period.
    func compute(_ coops: [Cooperative], period: DayPeriod, previous: DayPeriod) async throws -> [UUID: (current: [IndicatorFigure], previous: [IndicatorFigure])] {
        guard !coops.isEmpty else { return [:] }
        let records = try await records(of: coops, over: DayPeriod(from: previous.from, to: period.to))
        let current = try await facts(records, of: coops, period: period)
        let before = try await facts(records, of: coops, period: previous)
        return Dictionary(uniqueKeysWithValues: coops.map { coop in
            (coop.id!, (ImpactFigures.compute(current[coop.id!]!, period: period), ImpactFigures.compute(before[coop.id!]!, period: previous)))
        })
    }

    /// What the records of each cooperative say, for `period` (within the records' window).
    func facts(_ records: [UUID: Records], of coops: [Cooperative], period: DayPeriod) async throws -> [UUID: ImpactFacts] {
        let ids = coops.map { $0.id! }
        let trade = try await SaleDayTotals.figures(of: ids, from: period.from, to: period.to, on: db)
        let households = try await Self.householdsServed(of: ids, period: period, on: db)
        let purchases = try await SourcingRepository.indicators(of: ids, from: period.from, to: period.to, on: db)
        return Dictionary(uniqueKeysWithValues: ids.map { coopID in
            let coopRecords = records[coopID] ?? Records()
            var facts = coopRecords.facts
            facts.trade = trade[coopID]
            facts.householdPurchases = households[coopID] ?? []
            facts.purchases = purchases[coopID]
            facts.membersAtEnd = coopRecords.members.filter { $0.vote.hadVote(on: period.to) }
                .map { (coopRecords.categories[$0.categoryID] ?? "—", $0.collegeID.flatMap { coopRecords.colleges[$0] }) }
            return (coopID, facts)
        })
    }

    /// Each household card used during the period with the tier of its last sale (refunds
    /// aside): the figures count households by tier, so only the last sale of each matters.
    /// One index seek per card of the cooperatives, rather than reading every ticket.
    static func householdsServed(of coopIDs: [UUID], period: DayPeriod, on db: any Database) async throws -> [UUID: [ImpactFacts.Purchase]] {
        guard let sql = db as? any SQLDatabase else { throw Problem.internalError }
        guard !coopIDs.isEmpty else { return [:] }
        struct Row: Decodable { var cooperative_id: UUID; var household_id: UUID; var tier: String? }
        let rows = try await sql.raw("""
            SELECT h.cooperative_id AS cooperative_id, h.id AS household_id, (
                SELECT s.tier FROM sales s WHERE s.household_id = h.id AND s.refund_of IS NULL
                AND s.recorded_at >= \(bind: period.from.date) AND s.recorded_at < \(bind: period.to.adding(days: 1).date)
                ORDER BY s.recorded_at DESC, s.number DESC LIMIT 1
            ) AS tier FROM households h WHERE h.cooperative_id IN (\(binds: coopIDs))
            """).all(decoding: Row.self)
        var result: [UUID: [ImpactFacts.Purchase]] = [:]
        for row in rows { if let tier = row.tier { result[row.cooperative_id, default: []].append(.init(household: row.household_id.uuidString, tier: tier)) } }
        return result
    }

    /// The records of one cooperative (see the batch version).
    func records(of coop: Cooperative, over window: DayPeriod) async throws -> Records {
        try await records(of: [coop], over: window)[coop.id!] ?? Records()
    }

    /// The records of the cooperatives up to the window's end (and, for the dated ones, from
    /// its start), but for the trade and purchases, read per period. One statement per kind of
    /// record for the whole batch: at network scale the statements' own cost (building,
    /// preparing, hopping threads) outweighed the rows.
    func records(of coops: [Cooperative], over window: DayPeriod) async throws -> [UUID: Records] {
        let ids = coops.map { $0.id! }
        guard !ids.isEmpty else { return [:] }
        let start = window.from.date, end = window.to.adding(days: 1).date
        var records = Dictionary(uniqueKeysWithValues: ids.map { ($0, Records()) })

        // Plain rows rather than models: at network scale, Fluent's per-model reflection costs
        // more than the queries themselves.
        guard let sql = db as? any SQLDatabase else { throw Problem.internalError }
        struct ReferralRow: Decodable { var id: UUID; var cooperative_id: UUID; var created_at: Date?; var status_changed_at: Date; var referrer_kind: String?; var barriers: [String] }
        let referrals = try await sql.raw("""
            SELECT id, cooperative_id, created_at, status_changed_at, referrer_kind, barriers FROM referrals WHERE cooperative_id IN (\(binds: ids))
            """).all(decoding: ReferralRow.self)
        for referral in referrals {
            records[referral.cooperative_id]?.facts.referrals.append(.init(sentOn: CalendarDay(date: referral.created_at ?? referral.status_changed_at), referrerKind: referral.referrer_kind))
        }
        let barriersByReferral = Dictionary(uniqueKeysWithValues: referrals.map { ($0.id, $0.barriers) })
        struct PathwayRow: Decodable {
            var id: UUID; var cooperative_id: UUID; var referral_id: UUID?; var opened_on: Date; var exit_date: Date?; var exit_destination: String?; var qpv_code: String?
        }
        let pathways = try await sql.raw("""
            SELECT p.id AS id, p.cooperative_id AS cooperative_id, p.referral_id AS referral_id, p.opened_on AS opened_on, p.exit_date AS exit_date,
                   p.exit_destination AS exit_destination, ps.qpv_code AS qpv_code
            FROM pathways p JOIN persons ps ON ps.id = p.person_id WHERE p.cooperative_id IN (\(binds: ids)) AND p.opened_on < \(bind: end)
            """).all(decoding: PathwayRow.self)
        struct CheckRow: Decodable { var pathway_id: UUID; var barrier: String; var level: String; var assessed_on: Date }
        let checks = Dictionary(grouping: try await sql.raw("""
            SELECT b.pathway_id AS pathway_id, b.barrier AS barrier, b.level AS level, b.assessed_on AS assessed_on
            FROM barrier_assessments b JOIN pathways p ON p.id = b.pathway_id
            WHERE p.cooperative_id IN (\(binds: ids)) AND p.opened_on < \(bind: end) ORDER BY b.assessed_on, b.created_at
            """).all(decoding: CheckRow.self), by: \.pathway_id)
        for pathway in pathways {
            let exit: (day: CalendarDay, destination: ExitDestination)? = {
                guard let date = pathway.exit_date, let destination = pathway.exit_destination.flatMap(ExitDestination.init(rawValue:)) else { return nil }
                return (CalendarDay(date: date), destination)
            }()
            records[pathway.cooperative_id]?.facts.pathways.append(ImpactFacts.Pathway(
                openedOn: CalendarDay(date: pathway.opened_on), exit: exit, qpvCode: pathway.qpv_code,
                barriersAtEntry: (pathway.referral_id.flatMap { barriersByReferral[$0] } ?? []).compactMap(Barrier.init(rawValue:)),
                barrierChecks: (checks[pathway.id] ?? []).compactMap { check in
                    guard let barrier = Barrier(rawValue: check.barrier), let level = BarrierLevel(rawValue: check.level) else { return nil }
                    return .init(barrier, level, on: CalendarDay(date: check.assessed_on))
                }))
        }
        for (coopID, hours) in try await Self.hoursByWeek(of: ids, from: start, to: end, on: db) { records[coopID]?.facts.hours = hours }
        for attendance in try await Attendance.query(on: db).join(Appointment.self, on: \Attendance.$appointment.$id == \Appointment.$id)
            .filter(Appointment.self, \.$cooperativeID ~~ ids).filter(Appointment.self, \.$kind == AppointmentKind.trainingSession.rawValue)
            .filter(Appointment.self, \.$day >= start).filter(Appointment.self, \.$day < end).with(\.$appointment).all() {
            records[attendance.appointment.cooperativeID]?.facts.trainingSessions.append(
                (CalendarDay(date: attendance.appointment.day), attendance.appointment.durationMinutes, AttendanceStatus(rawValue: attendance.status) ?? .registered))
        }
        for assessment in try await SkillAssessment.query(on: db).join(Pathway.self, on: \SkillAssessment.$pathway.$id == \Pathway.$id)
            .filter(Pathway.self, \.$cooperativeID ~~ ids).filter(Pathway.self, \.$openedOn < end).filter(\.$assessedOn < end)
            // A skill counts as gained when the coordination assesses it, not on the resident's own word.
            .filter(\.$source == SkillSource.coordinator.rawValue)
            .sort(\.$assessedOn).sort(\.$createdAt).all() {
            guard let level = SkillLevel(rawValue: assessment.level), let coopID = try? assessment.joined(Pathway.self).cooperativeID else { continue }
            records[coopID]?.facts.skills.append(.init(person: assessment.$pathway.id.uuidString, competence: assessment.$competence.id.uuidString, level: level,
                                                       day: CalendarDay(date: assessment.assessedOn)))
        }

        struct MemberRow: Decodable { var cooperative_id: UUID; var category_id: UUID; var college_id: UUID?; var admitted_on: Date?; var exited_on: Date?; var status: String }
        let members = try await sql.raw("""
            SELECT cooperative_id, category_id, college_id, admitted_on, exited_on, status FROM members WHERE cooperative_id IN (\(binds: ids))
            """).all(decoding: MemberRow.self)
        for member in members {
            records[member.cooperative_id]?.members.append(Records.Associate(
                categoryID: member.category_id, collegeID: member.college_id,
                vote: VotingRight(status: member.status, admittedOn: member.admitted_on, exitedOn: member.exited_on)))
        }
        for category in try await MemberCategory.query(on: db).filter(\.$cooperativeID ~~ ids).all() { records[category.cooperativeID]?.categories[category.id!] = category.name }
        for college in try await VotingCollege.query(on: db).filter(\.$cooperativeID ~~ ids).all() { records[college.cooperativeID]?.colleges[college.id!] = college.name }
        struct CapitalRow: Decodable { var cooperative_id: UUID; var kind: String; var amount_cents: Int; var date: Date }
        for operation in try await sql.raw("""
            SELECT cooperative_id, kind, amount_cents, date FROM capital_operations WHERE cooperative_id IN (\(binds: ids)) AND date < \(bind: end)
            """).all(decoding: CapitalRow.self) {
            guard let kind = CapitalOperationKind(rawValue: operation.kind) else { continue }
            records[operation.cooperative_id]?.facts.capitalMoves.append(.init(day: CalendarDay(date: operation.date), kind: kind, cents: operation.amount_cents))
        }
        // Assemblies nobody attended are left out, as the figures want.
        struct AssemblyRow: Decodable { var cooperative_id: UUID; var held_on: Date; var attendees: Int }
        for assembly in try await sql.raw("""
            SELECT a.cooperative_id AS cooperative_id, a.held_on AS held_on, CAST(COUNT(DISTINCT t.member_id) AS BIGINT) AS attendees
            FROM assemblies a JOIN assembly_attendances t ON t.assembly_id = a.id
            WHERE a.cooperative_id IN (\(binds: ids)) AND a.held_on >= \(bind: start) AND a.held_on < \(bind: end)
            GROUP BY a.id, a.cooperative_id, a.held_on
            """).all(decoding: AssemblyRow.self) {
            let day = CalendarDay(date: assembly.held_on)
            let voters = records[assembly.cooperative_id]?.members.filter { $0.vote.hadVote(on: day) }.count ?? 0
            records[assembly.cooperative_id]?.facts.assemblies.append(.init(day: day, attendees: assembly.attendees, voters: voters))
        }

        let roles = try await PartnerRole.query(on: db).filter(\.$cooperativeID ~~ ids).all()
        let kinds = roles.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await Partner.query(on: db).filter(\.$id ~~ Set(roles.map(\.partnerID))).all().map { ($0.id!, $0.kind) })
        // A partner counts once per cooperative, whatever its roles there.
        for (coopID, coopRoles) in Dictionary(grouping: roles, by: \.cooperativeID) {
            records[coopID]?.facts.partnerKinds = Set(coopRoles.map(\.partnerID)).compactMap { kinds[$0] }
        }
        for booking in try await ResourceBooking.query(on: db).filter(\.$cooperativeID ~~ ids.map { Optional($0) }).all() {
            guard let coopID = booking.cooperativeID, let day = CalendarDay(String(booking.startsAt.prefix(10))) else { continue }
            records[coopID]?.facts.bookings.append(day)
        }
        return records
    }

    /// Minutes by week and status: the figures add them up, so the database does first.
    static func hoursByWeek(of coopIDs: [UUID], from start: Date, to end: Date, on db: any Database) async throws -> [UUID: [(week: CalendarDay, minutes: Int, status: HoursStatus)]] {
        guard let sql = db as? any SQLDatabase else { throw Problem.internalError }
        struct Row: Decodable { var cooperative_id: UUID; var week: Date; var status: String; var minutes: Int }
        var result: [UUID: [(week: CalendarDay, minutes: Int, status: HoursStatus)]] = [:]
        for row in try await sql.raw("""
            SELECT p.cooperative_id AS cooperative_id, w.week AS week, w.status AS status, CAST(SUM(w.minutes) AS BIGINT) AS minutes
            FROM work_hours w JOIN pathways p ON p.id = w.pathway_id
            WHERE p.cooperative_id IN (\(binds: coopIDs)) AND w.week >= \(bind: start) AND w.week < \(bind: end)
            GROUP BY p.cooperative_id, w.week, w.status
            """).all(decoding: Row.self) {
            result[row.cooperative_id, default: []].append((CalendarDay(date: row.week), row.minutes, HoursStatus(rawValue: row.status) ?? .submitted))
        }
        return result
    }
}
