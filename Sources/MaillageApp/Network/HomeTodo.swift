import Fluent
import Foundation
import MaillageCore
import Plot
import SQLKit
import Vapor

/// One line of a home page's to-do list: how many things wait, what they are, where they are
/// done, and whether they are late.
struct TodoItem: Sendable, Equatable {
    var id: String
    var count: Int
    var label: String
    var detail: String?
    var path: String
    var tone: Tone
}

/// What waits in one cooperative for the person who opens the home page, by what their roles
/// let them do there.
struct HomeTodoRepository {
    let db: any Database
    let coop: Cooperative
    let principal: Principal
    let language: AppLanguage

    private var coopID: UUID { coop.id! }
    private func may(_ permission: Permission) -> Bool { principal.decide(permission, at: coop.location) == .allowed }
    private func t(_ french: String, _ english: String) -> String { language.t(french, english) }

    func items(today: CalendarDay) async throws -> [TodoItem] {
        var items: [TodoItem] = []
        if may(.manageReferrals) { items += try await referralsWaiting(today: today) }
        if may(.managePathways) {
            items += try await appointmentsToday(today)
            items += try await hoursToValidate()
        }
        if may(.registerHouseholds) { items += try await proofsExpiring(today) }
        if may(.sell) { items += try await till(today) }
        if may(.manageGovernance) { items += try await subscriptionRequests() }
        if may(.viewOwnReferrals) && !may(.manageReferrals) { items += try await ownReferrals() }
        if may(.viewGovernance) {
            items += try await decisionsToVote()
            items += try await nextAssembly(today)
        }
        if may(.viewFunding) && !may(.manageFunding) { items += try await fundersAgreements(today) }
        return items
    }

    /// Everyday decisions still open that the person may vote on and has not.
    private func decisionsToVote() async throws -> [TodoItem] {
        let now = Date()
        let open = try await Decision.query(on: db).filter(\.$cooperativeID == coopID).filter(\.$closedAt == nil)
            .filter(\.$closesAt > now).sort(\.$closesAt).all()
        guard !open.isEmpty else { return [] }
        let voted = Set(try await DecisionVote.query(on: db).filter(\.$decisionID ~~ open.map { $0.id! })
            .filter(\.$userID == principal.userID).all().map(\.decisionID))
        let decisions = DecisionRepository(db: db, scope: CooperativeScope(cooperative: coop, principal: principal))
        var waiting: [Decision] = []
        for decision in open where !voted.contains(decision.id!) {
            if try await decisions.electorate(decision).contains(principal.userID) { waiting.append(decision) }
        }
        guard let first = waiting.first else { return [] }
        return [TodoItem(id: "todo-decisions", count: waiting.count,
                         label: waiting.count == 1 ? t("décision attend votre vote", "decision awaits your vote") : t("décisions attendent votre vote", "decisions await your vote"),
                         detail: t("la première se ferme le ", "the first closes on ") + CalendarDay(date: first.closesAt).french,
                         path: SiteURL.decisions(coopID).path, tone: .warning)]
    }

    /// The next general assembly, from today on.
    private func nextAssembly(_ today: CalendarDay) async throws -> [TodoItem] {
        let coming = try await Assembly.query(on: db).filter(\.$cooperativeID == coopID).filter(\.$heldOn >= today.date)
            .filter(\.$lockedAt == nil).sort(\.$heldOn).all()
        guard let next = coming.first else { return [] }
        let when = next.day.french + (next.time.map { " " + t("à", "at") + " " + FrenchText.clock($0) } ?? "")
        return [TodoItem(id: "todo-assembly", count: coming.count,
                         label: coming.count == 1 ? t("assemblée générale à venir", "general assembly to come") : t("assemblées générales à venir", "general assemblies to come"),
                         detail: t("la prochaine le ", "the next on ") + when,
                         path: SiteURL.assembly(coopID, next.id!).path, tone: .info)]
    }

    /// A funder's agreements with the cooperative, and the next report they are owed.
    private func fundersAgreements(_ today: CalendarDay) async throws -> [TodoItem] {
        let funding = FundingRepository(db: db, scope: CooperativeScope(cooperative: coop, principal: principal))
        let agreements = try await funding.agreements()
        guard !agreements.isEmpty else { return [] }
        let due = try await ReportingDeadline.query(on: db).filter(\.$agreementID ~~ agreements.map { $0.id! })
            .filter(\.$reportedOn == nil).filter(\.$dueOn >= today.date).sort(\.$dueOn).first()
        let received = try await ReportingDeadline.query(on: db).filter(\.$agreementID ~~ agreements.map { $0.id! })
            .filter(\.$reportedOn != nil).count()
        var items = [TodoItem(id: "todo-agreements", count: agreements.count,
                              label: agreements.count == 1 ? t("convention de financement", "funding agreement") : t("conventions de financement", "funding agreements"),
                              detail: due.map { t("prochain compte rendu attendu le ", "next report due on ") + CalendarDay(date: $0.dueOn).french },
                              path: SiteURL.fundingAgreements(coopID).path, tone: .info)]
        if received > 0 {
            items.append(TodoItem(id: "todo-reports", count: received,
                                  label: received == 1 ? t("compte rendu remis", "report handed in") : t("comptes rendus remis", "reports handed in"),
                                  detail: t("et l'impact de la coopérative", "and the cooperative's impact"),
                                  path: SiteURL.cooperativeImpact(coopID).path, tone: .success))
        }
        return items
    }

    private func referralsWaiting(today: CalendarDay) async throws -> [TodoItem] {
        // As the list shows them: referrals untouched for 30 days have expired (the list
        // records it; the home page only reads).
        let now = Date()
        let waiting = try await Referral.query(on: db).filter(\.$cooperativeID == coopID)
            .filter(\.$status ~~ [ReferralStatus.sent.rawValue, ReferralStatus.received.rawValue, ReferralStatus.interview.rawValue])
            .sort(\.$statusChangedAt).all()
            .filter { !ReferralWorkflow.hasExpired(status: $0.referralStatus, lastChange: $0.statusChangedAt.timeIntervalSince1970, now: now.timeIntervalSince1970) }
        guard let oldest = waiting.first else { return [] }
        let days = max(0, today.daysSinceEpoch - CalendarDay(date: oldest.statusChangedAt).daysSinceEpoch)
        // An answer is due within 15 days (DESIGN.md): older ones are late.
        return [TodoItem(id: "todo-referrals", count: waiting.count,
                         label: waiting.count == 1 ? t("orientation à traiter", "referral to handle") : t("orientations à traiter", "referrals to handle"),
                         detail: t("la plus ancienne attend depuis ", "the oldest has waited ") + FrenchText.count(days, t("jour", "day"), t("jours", "days")),
                         path: SiteURL.referrals(coopID).path, tone: days > 15 ? .danger : .warning)]
    }

    private func appointmentsToday(_ today: CalendarDay) async throws -> [TodoItem] {
        let count = try await Appointment.query(on: db).filter(\.$cooperativeID == coopID)
            .filter(\.$day >= today.date).filter(\.$day < today.adding(days: 1).date).count()
        guard count > 0 else { return [] }
        return [TodoItem(id: "todo-agenda", count: count,
                         label: count == 1 ? t("rendez-vous ou atelier aujourd'hui", "appointment or workshop today") : t("rendez-vous et ateliers aujourd'hui", "appointments and workshops today"),
                         path: SiteURL.agenda(coopID).path, tone: .info)]
    }

    private func hoursToValidate() async throws -> [TodoItem] {
        let count = try await WorkHoursEntry.query(on: db)
            .join(Pathway.self, on: \WorkHoursEntry.$pathway.$id == \Pathway.$id)
            .filter(Pathway.self, \.$cooperativeID == coopID)
            .filter(\.$status == HoursStatus.submitted.rawValue).count()
        guard count > 0 else { return [] }
        return [TodoItem(id: "todo-hours", count: count,
                         label: count == 1 ? t("ligne d'heures à valider", "line of hours to validate") : t("lignes d'heures à valider", "lines of hours to validate"),
                         path: SiteURL.pathways(coopID).path, tone: .warning)]
    }

    private func proofsExpiring(_ today: CalendarDay) async throws -> [TodoItem] {
        let nextMonth = CalendarDay(year: today.year, month: today.month, day: 1).adding(months: 1)
        let count = try await Household.query(on: db).filter(\.$cooperativeID == coopID)
            .filter(\.$validUntil >= today.date).filter(\.$validUntil < nextMonth.date).count()
        guard count > 0 else { return [] }
        return [TodoItem(id: "todo-proofs", count: count,
                         label: count == 1 ? t("justificatif de ressources expire ce mois-ci", "proof of resources expires this month")
                                           : t("justificatifs de ressources expirent ce mois-ci", "proofs of resources expire this month"),
                         path: SiteURL.households(coopID).path, tone: .warning)]
    }

    /// Today's tickets, and the days with sales before today that no daily closing covers.
    private func till(_ today: CalendarDay) async throws -> [TodoItem] {
        guard let sql = db as? any SQLDatabase else { return [] }
        let lastClosed = try await Closing.query(on: db).filter(\.$cooperativeID == coopID)
            .filter(\.$period == ClosingPeriod.day.rawValue).sort(\.$lastDay, .descending).first()
            .map { CalendarDay(date: $0.lastDay).description } ?? ""
        struct Row: Decodable { var days: Int?; var tickets: Int?; var takings: Int? }
        let row = try await sql.raw("""
            SELECT COUNT(DISTINCT CASE WHEN day < \(bind: today.description) AND day > \(bind: lastClosed) THEN day END) AS days,
                   CAST(SUM(CASE WHEN day = \(bind: today.description) THEN tickets ELSE 0 END) AS BIGINT) AS tickets,
                   (SELECT CAST(SUM(sales_cents) AS BIGINT) FROM sale_day_lines
                    WHERE cooperative_id = \(bind: coopID) AND day = \(bind: today.description)) AS takings
            FROM sale_day_tickets WHERE cooperative_id = \(bind: coopID)
            """).first(decoding: Row.self)
        let tickets = row?.tickets ?? 0, days = row?.days ?? 0
        // Today's sales (net of refunds), then where to go.
        let takings = tickets > 0 ? Euros.french(row?.takings ?? 0) + t(" de ventes — ", " of sales — ") : ""
        var items = [TodoItem(id: "todo-till", count: tickets,
                              label: tickets <= 1 ? t("ticket aujourd'hui", "ticket today") : t("tickets aujourd'hui", "tickets today"),
                              detail: takings + t("ouvrir la caisse", "open the till"), path: SiteURL.till(coopID).path, tone: .neutral)]
        if days > 0 {
            items.append(TodoItem(id: "todo-closings", count: days,
                                  label: days == 1 ? t("journée de vente sans clôture", "day of sales not closed") : t("journées de vente sans clôture", "days of sales not closed"),
                                  path: SiteURL.closings(coopID).path, tone: .danger))
        }
        return items
    }

    private func subscriptionRequests() async throws -> [TodoItem] {
        let count = try await SubscriptionRequest.query(on: db).filter(\.$cooperativeID == coopID)
            .filter(\.$status == SubscriptionStatus.draft.rawValue).count()
        guard count > 0 else { return [] }
        return [TodoItem(id: "todo-subscriptions", count: count,
                         label: count == 1 ? t("demande de souscription à traiter", "subscription request to handle") : t("demandes de souscription à traiter", "subscription requests to handle"),
                         path: SiteURL.members(coopID).path, tone: .warning)]
    }

    /// A referrer's own referrals, by state.
    private func ownReferrals() async throws -> [TodoItem] {
        let referrals = try await Referral.query(on: db).filter(\.$cooperativeID == coopID).filter(\.$referrerUserID == principal.userID).all()
        let byStatus = Dictionary(grouping: referrals, by: \.status)
        return ReferralStatus.allCases.compactMap { status in
            guard let count = byStatus[status.rawValue]?.count else { return nil }
            return TodoItem(id: "todo-own-referrals-\(status.rawValue)", count: count,
                            label: t("orientation(s) : ", "referral(s): ") + ReferralLabels.status(status.rawValue, language).lowercased(),
                            path: SiteURL.referrals(coopID).path, tone: status.tone)
        }
    }
}

extension HomeController {
    /// A cooperative's to-do list on the home page; nothing when nothing waits.
    static func todoPanel(_ coop: Cooperative, _ items: [TodoItem], context: PageContext) -> BodyNode {
        guard !items.isEmpty else { return .empty }
        return .section(
            .class("panel todo"), .id("todo-\(coop.id!.uuidString.lowercased())"),
            .h2(.text(context.t("À faire — ", "To do — ") + coop.name)),
            .ul(.class("todo-list"), .forEach(items) { item in
                .li(.id(item.id),
                    .a(.href(item.path),
                       .span(.class("badge badge-\(item.tone.rawValue) todo-count"), .text(FrenchText.integer(item.count))),
                       .span(.class("todo-label"), .text(item.label),
                             .unwrap(item.detail) { .span(.class("todo-detail"), .text($0)) })))
            }))
    }

    /// The network admin's to-do: every cooperative by stage, with what it is late on (the
    /// red lines of its to-do list and the funders' reports overdue).
    static func networkPanel(_ rows: [(coop: Cooperative, late: [String])], context: PageContext) -> BodyNode {
        let sorted = rows.sorted {
            let stages = (CooperativeStage(rawValue: $0.coop.stage) ?? .emergence, CooperativeStage(rawValue: $1.coop.stage) ?? .emergence)
            return stages.0 != stages.1 ? stages.0 < stages.1 : $0.coop.name < $1.coop.name
        }
        let lateCount = rows.filter { !$0.late.isEmpty }.count
        return .section(.class("panel todo"), .id("network-todo"),
            .h2(.text(context.t("Les coopératives, par étape", "The cooperatives, by stage"))),
            .p(.text(lateCount == 0 ? context.t("Aucune n'est en retard.", "None is late.")
                                    : context.t("\(FrenchText.count(lateCount, "coopérative est en retard", "coopératives sont en retard")) sur quelque chose.",
                                                "\(lateCount) late on something."))),
            Kit.table(label: context.t("Les coopératives, par étape", "The cooperatives, by stage"),
                .thead(.tr(.th(.text(context.t("Coopérative", "Cooperative"))), .th(.text(context.t("Étape", "Stage"))),
                           .th(.text(context.t("En retard", "Late"))))),
                .tbody(.forEach(sorted) { row in
                    .tr(.td(.a(.href(SiteURL.cooperative(row.coop.id!).path), .text(row.coop.name))),
                        .td(CooperativeStage(rawValue: row.coop.stage).map { Kit.badge($0, context: context) } ?? .text(row.coop.stage)),
                        .td(row.late.isEmpty ? .text("—") : .ul(.class("plain"), .forEach(row.late) { .li(.text($0)) })))
                })))
    }

    /// What a cooperative is late on, from its to-do list.
    static func lateness(_ items: [TodoItem]) -> [String] {
        items.filter { $0.tone == .danger }.map { item in
            "\(FrenchText.integer(item.count)) \(item.label)" + (item.detail.map { " (\($0))" } ?? "")
        }
    }
}
