import Fluent
import Foundation
import MaillageCore
import Vapor

/// A funding agreement between a funder (a partner of the territory) and a cooperative.
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
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
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
    var targets: [FundingTarget]
    var deadlines: [ReportingDeadline]
    var instalments: [FundingInstalment]
    /// Indicator → the value computed for the agreement's period (up to today); absent
    /// where the area does not compute it yet or the viewer may not read it.
    var achieved: [FundingIndicator: Double]
}

/// The funding agreements of one cooperative.
struct FundingRepository: Sendable {
    let db: any Database
    let scope: CooperativeScope

    func agreements() async throws -> [FundingAgreement] {
        try scope.require(.viewFunding)
        return try await FundingAgreement.query(on: db).filter(\.$cooperativeID == scope.id).sort(\.$startsOn, .descending).all()
    }

    func agreement(_ id: UUID?) async throws -> FundingAgreement {
        try scope.require(.viewFunding)
        guard let id, let agreement = try await FundingAgreement.query(on: db).filter(\.$id == id).filter(\.$cooperativeID == scope.id).first() else { throw Problem.notFound }
        return agreement
    }

    /// The territory's partners, one of which funds.
    func funders() async throws -> [Partner] {
        try await Partner.query(on: db).filter(\.$territoryID == scope.cooperative.$territory.id).sort(\.$name).all()
    }

    func create(funderID: String?, _ draft: FundingAgreementDraft, today: CalendarDay) async throws -> FundingAgreement {
        try scope.require(.manageFunding)
        var errors = FieldErrors()
        var valid: FundingAgreementDraft.Valid?
        do { valid = try draft.validate(today: today) } catch { errors.merge(error) }
        let funder = try await funders().first { $0.id?.uuidString.lowercased() == TextRules.clean(funderID)?.lowercased() }
        if funder == nil { errors.add("funderID", "Choisissez le financeur parmi les partenaires du territoire (ajoutez-le d'abord à l'annuaire).") }
        try errors.throwIfAny()
        let (checked, cooperativeID, funderID) = (valid!, scope.id, funder!.id!)
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
        let from = CalendarDay(date: agreement.startsOn)
        let to = min(CalendarDay(date: agreement.endsOn), today)
        var achieved: [FundingIndicator: Double] = [:]
        if from <= to {
            for target in targets {
                guard let indicator = FundingIndicator(rawValue: target.indicator) else { continue }
                achieved[indicator] = try await figure(indicator, from: from, to: to)
            }
        }
        return FundingRecord(
            agreement: agreement, funderName: try await Partner.find(agreement.funderID, on: db)?.name ?? "",
            targets: targets, deadlines: try await ReportingDeadline.query(on: db).filter(\.$agreementID == id).sort(\.$dueOn).all(),
            instalments: try await FundingInstalment.query(on: db).filter(\.$agreementID == id).sort(\.$dueOn).all(), achieved: achieved)
    }

    /// What the other areas compute for `indicator` over the period, when the viewer may read it.
    func figure(_ indicator: FundingIndicator, from: CalendarDay, to: CalendarDay) async throws -> Double? {
        switch indicator {
        case .peopleAccompanied:
            guard scope.allows(.managePathways) || scope.allows(.viewTradeFigures) else { return nil }
            let pathways = try await Pathway.query(on: db).filter(\.$cooperativeID == scope.id).filter(\.$openedOn < to.adding(days: 1).date).all()
            return Double(pathways.filter { $0.exitDate.map { CalendarDay(date: $0) >= from } ?? true }.count)
        case .mealsSold, .solidarityGiven:
            guard scope.allows(.viewTradeFigures) else { return nil }
            let summary = try await TradeFiguresRepository(db: db, scope: scope).figures(from: from, to: to)
            return indicator == .mealsSold ? Double(summary.meals) : Double(summary.solidarityCents)
        case .egalimShare, .localShare:
            guard scope.allows(.viewSourcingIndicators) else { return nil }
            let figures = try await SourcingRepository(db: db, scope: scope).indicators(from: from, to: to)
            return (indicator == .egalimShare ? figures.egalimShare : figures.localShare).map { $0 * 100 }
        case .members:
            guard scope.allows(.viewGovernance) || scope.allows(.viewTradeFigures) else { return nil }
            let members = try await Member.query(on: db).filter(\.$cooperativeID == scope.id).all()
            return Double(members.filter { $0.hadVote(on: to) }.count)
        }
    }

    /// Records that an instalment came, or that a report was sent, on `date` (today by default,
    /// not in the future).
    func markInstalmentReceived(_ agreement: FundingAgreement, instalmentID: UUID?, date: String?, today: CalendarDay) async throws {
        try scope.require(.manageFunding)
        guard let instalmentID, let instalment = try await FundingInstalment.query(on: db).filter(\.$id == instalmentID).filter(\.$agreementID == agreement.id!).first() else {
            throw Problem.notFound
        }
        instalment.receivedOn = try Self.pastDay(date, subject: "La date de réception", today: today).date
        try await instalment.save(on: db)
    }

    func markReported(_ agreement: FundingAgreement, deadlineID: UUID?, date: String?, today: CalendarDay) async throws {
        try scope.require(.manageFunding)
        guard let deadlineID, let deadline = try await ReportingDeadline.query(on: db).filter(\.$id == deadlineID).filter(\.$agreementID == agreement.id!).first() else {
            throw Problem.notFound
        }
        deadline.reportedOn = try Self.pastDay(date, subject: "La date d'envoi", today: today).date
        try await deadline.save(on: db)
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
