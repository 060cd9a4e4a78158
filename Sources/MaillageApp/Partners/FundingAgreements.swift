import Fluent
import Foundation
import MaillageCore
import Vapor

/// A funding agreement between a funder (a partner of the territory) and a cooperative, the
/// lead, which may cover other cooperatives of the network too (`FundingCoverage`).
final class FundingAgreement: Model, @unchecked Sendable {
    static let schema = "funding_agreements"

    @ID(key: .id) var id: UUID?
    @Field(key: "cooperative_id") var cooperativeID: UUID
    @Field(key: "funder_id") var funderID: UUID
    @Field(key: "programme") var programme: String
    @Field(key: "amount_cents") var amountCents: Int
    @Field(key: "starts_on") var startsOn: Date
    @Field(key: "ends_on") var endsOn: Date
    @OptionalField(key: "purpose") var purpose: String?
    /// The coordinator's words for the funder's report (see `AddFundingReportText`).
    @OptionalField(key: "report_text") var reportText: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

/// The short text the coordinator writes for the funder's report.
struct AddFundingReportText: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(FundingAgreement.schema).field("report_text", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(FundingAgreement.schema).deleteField("report_text").update()
    }
}

/// A cooperative an agreement covers; the lead cooperative has its row too, so "the
/// agreements of a cooperative" is one query.
final class FundingCoverage: Model, @unchecked Sendable {
    static let schema = "funding_agreement_cooperatives"

    @ID(key: .id) var id: UUID?
    @Field(key: "agreement_id") var agreementID: UUID
    @Field(key: "cooperative_id") var cooperativeID: UUID

    init() {}

    init(agreementID: UUID, cooperativeID: UUID) {
        self.agreementID = agreementID
        self.cooperativeID = cooperativeID
    }
}

/// Agreements covering several cooperatives; each existing agreement covers its own.
struct CreateFundingCoverage: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(FundingCoverage.schema)
            .id()
            .field("agreement_id", .uuid, .required, .references(FundingAgreement.schema, "id", onDelete: .cascade))
            .field("cooperative_id", .uuid, .required, .references(Cooperative.schema, "id"))
            .unique(on: "agreement_id", "cooperative_id")
            .create()
        try await database.transaction { tx in
            // Only the columns this migration knows: later ones (report_text) do not exist yet.
            for agreement in try await FundingAgreement.query(on: tx).field(\.$id).field(\.$cooperativeID).all() {
                try await FundingCoverage(agreementID: agreement.id!, cooperativeID: agreement.cooperativeID).create(on: tx)
            }
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(FundingCoverage.schema).delete()
    }
}

final class FundingTarget: Model, @unchecked Sendable {
    static let schema = "funding_targets"

    @ID(key: .id) var id: UUID?
    @Field(key: "agreement_id") var agreementID: UUID
    @Field(key: "indicator") var indicator: String
    @Field(key: "target") var target: Double

    init() {}
}

final class ReportingDeadline: Model, @unchecked Sendable {
    static let schema = "reporting_deadlines"

    @ID(key: .id) var id: UUID?
    @Field(key: "agreement_id") var agreementID: UUID
    @Field(key: "due_on") var dueOn: Date
    @Field(key: "label") var label: String
    @OptionalField(key: "reported_on") var reportedOn: Date?

    init() {}
}

final class FundingInstalment: Model, @unchecked Sendable {
    static let schema = "funding_instalments"

    @ID(key: .id) var id: UUID?
    @Field(key: "agreement_id") var agreementID: UUID
    @Field(key: "due_on") var dueOn: Date
    @Field(key: "amount_cents") var amountCents: Int
    @OptionalField(key: "received_on") var receivedOn: Date?

    init() {}
}

struct CreateFundingAgreements: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(FundingAgreement.schema)
            .id()
            .field("cooperative_id", .uuid, .required, .references(Cooperative.schema, "id"))
            .field("funder_id", .uuid, .required, .references(Partner.schema, "id"))
            .field("programme", .string, .required)
            .field("amount_cents", .int64, .required)
            .field("starts_on", .datetime, .required)
            .field("ends_on", .datetime, .required)
            .field("purpose", .string)
            .field("created_at", .datetime)
            .create()
        try await database.schema(FundingTarget.schema)
            .id()
            .field("agreement_id", .uuid, .required, .references(FundingAgreement.schema, "id"))
            .field("indicator", .string, .required)
            .field("target", .double, .required)
            .create()
        try await database.schema(ReportingDeadline.schema)
            .id()
            .field("agreement_id", .uuid, .required, .references(FundingAgreement.schema, "id"))
            .field("due_on", .datetime, .required)
            .field("label", .string, .required)
            .field("reported_on", .datetime)
            .create()
        try await database.schema(FundingInstalment.schema)
            .id()
            .field("agreement_id", .uuid, .required, .references(FundingAgreement.schema, "id"))
            .field("due_on", .datetime, .required)
            .field("amount_cents", .int64, .required)
            .field("received_on", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        for schema in [FundingInstalment.schema, ReportingDeadline.schema, FundingTarget.schema, FundingAgreement.schema] { try await database.schema(schema).delete() }
    }
}

/// An agreement with its parts, and the figures the other areas compute for its period.
struct FundingRecord: Sendable {
    var agreement: FundingAgreement
    var funderName: String
    /// The cooperatives covered, the lead first.
    var cooperatives: [Cooperative]
    var targets: [FundingTarget]
    var deadlines: [ReportingDeadline]
    var instalments: [FundingInstalment]
    /// Indicator → cooperative → its figure for the agreement's period (up to today); absent
    /// where the area does not compute it yet or the viewer may not read it there.
    var achievedByCoop: [FundingIndicator: [UUID: FundingFigure]]
    /// Counts of people the viewer sees under the statistical secret ("< 5"): the cooperatives
    /// concerned, by indicator.
    var maskedByCoop: [FundingIndicator: Set<UUID>] = [:]
    /// The network's threshold of the statistical secret.
    var threshold = StatisticalSecret.defaultThreshold

    /// The cooperatives' figures together, when the viewer may read every one of them.
    func achieved(_ indicator: FundingIndicator) -> Double? {
        guard let figures = achievedByCoop[indicator], figures.count == cooperatives.count else { return nil }
        return FundingFigure.total(cooperatives.compactMap { figures[$0.id!] })?.value
    }
}

/// The funding agreements of one cooperative.
struct FundingRepository: Sendable {
    let db: any Database
    let scope: CooperativeScope

    /// The agreements covering the cooperative, its own and joint ones.
    func agreements() async throws -> [FundingAgreement] {
        try scope.require(.viewFunding)
        let ids = try await FundingCoverage.query(on: db).filter(\.$cooperativeID == scope.id).all().map(\.agreementID)
        guard !ids.isEmpty else { return [] }
        return try await FundingAgreement.query(on: db).filter(\.$id ~~ ids).sort(\.$startsOn, .descending).all()
    }

    func agreement(_ id: UUID?) async throws -> FundingAgreement {
        try scope.require(.viewFunding)
        guard let id, try await FundingCoverage.query(on: db).filter(\.$agreementID == id).filter(\.$cooperativeID == scope.id).first() != nil,
              let agreement = try await FundingAgreement.find(id, on: db) else { throw Problem.notFound }
        return agreement
    }

    /// The other cooperatives of the network an agreement recorded here may cover: those where
    /// the principal manages funding too.
    func jointCandidates() async throws -> [Cooperative] {
        try await Cooperative.query(on: db).filter(\.$networkID == scope.cooperative.networkID).filter(\.$id != scope.id).sort(\.$name).all()
            .filter { scope.principal.decide(.manageFunding, at: $0.location) == .allowed }
    }

    /// The territory's partners, one of which funds.
    func funders() async throws -> [Partner] {
        try await Partner.query(on: db).filter(\.$territoryID == scope.cooperative.$territory.id).sort(\.$name).all()
    }

    /// `jointCoopIDs`: other cooperatives of the network the agreement covers too.
    func create(funderID: String?, _ draft: FundingAgreementDraft, jointCoopIDs: [String] = [], today: CalendarDay) async throws -> FundingAgreement {
        try scope.require(.manageFunding)
        var errors = FieldErrors()
        var valid: FundingAgreementDraft.Valid?
        do { valid = try draft.validate(today: today) } catch { errors.merge(error) }
        let funder = try await funders().first { $0.id?.uuidString.lowercased() == TextRules.clean(funderID)?.lowercased() }
        if funder == nil { errors.add("funderID", "Choisissez le financeur parmi les partenaires du territoire (ajoutez-le d'abord à l'annuaire).") }
        let candidates = jointCoopIDs.isEmpty ? [] : try await jointCandidates()
        var joint: [UUID] = []
        for (index, raw) in jointCoopIDs.enumerated() {
            guard let coop = candidates.first(where: { $0.id?.uuidString.lowercased() == TextRules.clean(raw)?.lowercased() }) else {
                errors.add("coopIDs[\(index)]", "Choisissez une autre coopérative du réseau dont vous gérez les conventions.")
                continue
            }
            if !joint.contains(coop.id!) { joint.append(coop.id!) }
        }
        try errors.throwIfAny()
        let (checked, cooperativeID, funderID, covered) = (valid!, scope.id, funder!.id!, [scope.id] + joint)
        return try await db.transaction { tx in
            let agreement = FundingAgreement()
            agreement.cooperativeID = cooperativeID
            agreement.funderID = funderID
            agreement.programme = checked.programme
            agreement.amountCents = checked.amountCents
            agreement.startsOn = checked.startsOn.date
            agreement.endsOn = checked.endsOn.date
            agreement.purpose = checked.purpose
            try await agreement.create(on: tx)
            for coopID in covered { try await FundingCoverage(agreementID: agreement.id!, cooperativeID: coopID).create(on: tx) }
            for target in checked.targets {
                let row = FundingTarget()
                row.agreementID = agreement.id!
                row.indicator = target.indicator.rawValue
                row.target = target.target
                try await row.create(on: tx)
            }
            for deadline in checked.deadlines {
                let row = ReportingDeadline()
                row.agreementID = agreement.id!
                row.dueOn = deadline.dueOn.date
                row.label = deadline.label
                try await row.create(on: tx)
            }
            for instalment in checked.instalments {
                let row = FundingInstalment()
                row.agreementID = agreement.id!
                row.dueOn = instalment.dueOn.date
                row.amountCents = instalment.amountCents
                row.receivedOn = instalment.receivedOn?.date
                try await row.create(on: tx)
            }
            return agreement
        }
    }

    func record(_ agreement: FundingAgreement, today: CalendarDay) async throws -> FundingRecord {
        try scope.require(.viewFunding)
        let id = agreement.id!
        let targets = try await FundingTarget.query(on: db).filter(\.$agreementID == id).all()
        let coverage = try await FundingCoverage.query(on: db).filter(\.$agreementID == id).all().map(\.cooperativeID)
        let cooperatives = try await Cooperative.query(on: db).filter(\.$id ~~ coverage).sort(\.$name).all()
            .sorted { ($0.id == agreement.cooperativeID ? 0 : 1) < ($1.id == agreement.cooperativeID ? 0 : 1) }
        var (from, to) = (CalendarDay(date: agreement.startsOn), min(CalendarDay(date: agreement.endsOn), today))
        // Under the statistical secret (a funder), figures are read over whole calendar years,
        // as on the dashboards, so that no two periods can be subtracted (`StatisticalSecret`).
        if from <= to, !cooperatives.allSatisfy({ scope.principal.decide(.managePathways, at: $0.location) == .allowed }) {
            (from, to) = (DayPeriod(from: from, to: to).wholeYears.from, DayPeriod(from: from, to: to).wholeYears.to)
        }
        var achieved: [FundingIndicator: [UUID: FundingFigure]] = [:]
        var masked: [FundingIndicator: Set<UUID>] = [:]
        let threshold = try await ImpactController.threshold(of: scope.cooperative.networkID, on: db)
        if from <= to {
            for coop in cooperatives {
                // The viewer's rights are checked in each cooperative: a joint agreement shows a
                // partner cooperative's figure only to who may read it there.
                let coopScope = coop.id == scope.id ? scope : CooperativeScope(cooperative: coop, principal: scope.principal)
                for target in targets {
                    guard let indicator = FundingIndicator(rawValue: target.indicator),
                          let figure = try await Self.figure(indicator, in: coopScope, from: from, to: to, on: db) else { continue }
                    // A funder reads counts of people and the till's figures under the statistical
                    // secret, over whole years: hidden when any of them hides it.
                    if !coopScope.allows(.managePathways), try await Self.hiddenUnderSecret(indicator, figure, in: coopScope, from: from, to: to, threshold: threshold, on: db) {
                        masked[indicator, default: []].insert(coop.id!)
                        continue
                    }
                    achieved[indicator, default: [:]][coop.id!] = figure
                }
            }
        }
        return FundingRecord(
            agreement: agreement, funderName: try await Partner.find(agreement.funderID, on: db)?.name ?? "", cooperatives: cooperatives,
            targets: targets, deadlines: try await ReportingDeadline.query(on: db).filter(\.$agreementID == id).sort(\.$dueOn).all(),
            instalments: try await FundingInstalment.query(on: db).filter(\.$agreementID == id).sort(\.$dueOn).all(), achievedByCoop: achieved, maskedByCoop: masked, threshold: threshold)
    }

    /// Under the secret: a count of people small over the period or in one of its years; the
    /// meals sold or the solidarity given in a year where a bracket of few households is hidden
    /// from the trade figures (the total would give it back).
    static func hiddenUnderSecret(_ indicator: FundingIndicator, _ figure: FundingFigure, in scope: CooperativeScope, from: CalendarDay, to: CalendarDay,
                                  threshold: Int, on db: any Database) async throws -> Bool {
        guard indicator.countsPeople || indicator == .mealsSold || indicator == .solidarityGiven else { return false }
        if indicator.countsPeople, let value = figure.value, StatisticalSecret.isSmall(value, threshold: threshold) { return true }
        for year in from.year...to.year {
            let (start, end) = (CalendarDay(year: year, month: 1, day: 1), CalendarDay(year: year, month: 12, day: 31))
            if indicator.countsPeople {
                if let value = try await Self.figure(indicator, in: scope, from: start, to: end, on: db)?.value,
                   StatisticalSecret.isSmall(value, threshold: threshold) { return true }
            } else {
                let households = try await TradeFiguresRepository.householdsByTier(of: scope.id, from: start, to: end, on: db)
                if TradeSecret.decide(householdsByTier: households, tiers: Array(households.keys), threshold: threshold).hideTotals { return true }
            }
        }
        return false
    }

    /// What the other areas compute for `indicator` in one cooperative over the period, when
    /// the viewer may read it there.
    static func figure(_ indicator: FundingIndicator, in scope: CooperativeScope, from: CalendarDay, to: CalendarDay, on db: any Database) async throws -> FundingFigure? {
        switch indicator {
        case .peopleAccompanied:
            guard scope.allows(.managePathways) || scope.allows(.viewTradeFigures) else { return nil }
            let pathways = try await Pathway.query(on: db).filter(\.$cooperativeID == scope.id).filter(\.$openedOn < to.adding(days: 1).date).all()
            return .amount(Double(pathways.filter { $0.exitDate.map { CalendarDay(date: $0) >= from } ?? true }.count))
        case .mealsSold, .solidarityGiven:
            guard scope.allows(.viewTradeFigures) else { return nil }
            let summary = try await TradeFiguresRepository(db: db, scope: scope).figures(from: from, to: to)
            return .amount(indicator == .mealsSold ? Double(summary.meals) : Double(summary.solidarityCents))
        case .egalimShare, .localShare:
            guard scope.allows(.viewSourcingIndicators) else { return nil }
            let figures = try await SourcingRepository(db: db, scope: scope).indicators(from: from, to: to)
            return .share(part: indicator == .egalimShare ? figures.egalimCents : figures.localCents, whole: figures.totalCents)
        case .members:
            guard scope.allows(.viewGovernance) || scope.allows(.viewTradeFigures) else { return nil }
            let members = try await Member.query(on: db).filter(\.$cooperativeID == scope.id).all()
            return .amount(Double(members.filter { $0.hadVote(on: to) }.count))
        }
    }

    /// The coordinator's text for the funder's report (4 000 characters at most; empty clears it).
    func saveReportText(_ agreement: FundingAgreement, text: String?) async throws {
        try requireRecording(agreement)
        let clean = TextRules.clean(text)
        if let clean, clean.count > 4_000 { throw Problem.invalid(FieldErrors(["text": "Le texte du compte rendu compte au plus 4 000 caractères."])) }
        agreement.reportText = clean
        try await db.transaction { tx in
            try await agreement.save(on: tx)
            try await audit(.fundingReportWritten, agreement, details: "\(clean?.count ?? 0) caractères", on: tx)
        }
    }

    /// What a joint agreement holds (its report, instalments, deadlines) is the recording
    /// cooperative's to change; the others covered read it.
    func requireRecording(_ agreement: FundingAgreement) throws {
        try scope.require(.manageFunding)
        guard agreement.cooperativeID == scope.id else {
            throw Problem(status: .forbidden, title: "Convention d'une autre coopérative",
                          detail: "Cette convention commune est tenue par la coopérative qui l'a enregistrée : elle seule la modifie.")
        }
    }

    private func audit(_ action: AuditAction, _ agreement: FundingAgreement, details: String, on tx: any Database) async throws {
        try await AuditLog.record(action, on: tx, actor: scope.principal.userID, actorLabel: scope.principal.email,
                                  subject: AuditSubject(entityType: "funding-agreement", entityID: agreement.id,
                                                        networkID: scope.cooperative.networkID, cooperativeID: scope.id),
                                  details: details)
    }

    /// Records that an instalment came, or that a report was sent, on `date` (today by default,
    /// not in the future).
    func markInstalmentReceived(_ agreement: FundingAgreement, instalmentID: UUID?, date: String?, today: CalendarDay) async throws {
        try requireRecording(agreement)
        guard let instalmentID, let instalment = try await FundingInstalment.query(on: db).filter(\.$id == instalmentID).filter(\.$agreementID == agreement.id!).first() else {
            throw Problem.notFound
        }
        let day = try Self.pastDay(date, subject: "La date de réception", today: today)
        instalment.receivedOn = day.date
        try await db.transaction { tx in
            try await instalment.save(on: tx)
            try await audit(.fundingInstalmentReceived, agreement, details: "\(Euros.french(instalment.amountCents)) le \(day)", on: tx)
        }
    }

    func markReported(_ agreement: FundingAgreement, deadlineID: UUID?, date: String?, today: CalendarDay) async throws {
        try requireRecording(agreement)
        guard let deadlineID, let deadline = try await ReportingDeadline.query(on: db).filter(\.$id == deadlineID).filter(\.$agreementID == agreement.id!).first() else {
            throw Problem.notFound
        }
        let day = try Self.pastDay(date, subject: "La date d'envoi", today: today)
        deadline.reportedOn = day.date
        try await db.transaction { tx in
            try await deadline.save(on: tx)
            try await audit(.fundingReportSent, agreement, details: "échéance du \(CalendarDay(date: deadline.dueOn)) envoyée le \(day)", on: tx)
        }
    }

    /// A day typed for something that happened: today when blank, never in the future.
    private static func pastDay(_ text: String?, subject: String, today: CalendarDay) throws -> CalendarDay {
        var errors = FieldErrors()
        let day = CalendarDay.parse(text, field: "date", subject: subject, fallback: today, latest: today, into: &errors)
        try errors.throwIfAny()
        return day ?? today
    }

    /// Deadlines not yet reported, due within 30 days or overdue, for the home page.
    func reminders(today: CalendarDay) async throws -> [(agreement: FundingAgreement, deadline: ReportingDeadline, level: ReportingReminder.Level)] {
        guard scope.allows(.manageFunding) else { return [] }
        let agreements = try await agreements()
        guard !agreements.isEmpty else { return [] }
        let byID = Dictionary(uniqueKeysWithValues: agreements.map { ($0.id!, $0) })
        let deadlines = try await ReportingDeadline.query(on: db).filter(\.$agreementID ~~ agreements.map { $0.id! }).filter(\.$reportedOn == nil).sort(\.$dueOn).all()
        return deadlines.compactMap { deadline in
            guard let level = ReportingReminder.level(dueOn: CalendarDay(date: deadline.dueOn), today: today, reported: false), let agreement = byID[deadline.agreementID] else { return nil }
            return (agreement, deadline, level)
        }
    }
}

extension Request {
    func fundingRepository(_ permission: Permission) async throws -> FundingRepository {
        FundingRepository(db: db, scope: try await cooperativeScope(permission))
    }
}
