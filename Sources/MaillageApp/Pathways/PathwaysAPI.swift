import Fluent
import Foundation
import MaillageCore
import Vapor

// MARK: JSON shapes (binding names: see docs/openapi.yaml)

struct PersonDTO: Content {
    var firstName: String?
    var lastName: String?
    var birthYear: Int?
    var contact: String?
    var commune: String?
    var qpvCode: String?
    var situationAtEntry: String?
    var educationLevel: String?

    init(_ person: Person) {
        firstName = person.firstName
        lastName = person.lastName
        birthYear = person.birthYear
        contact = person.contact
        commune = person.commune
        qpvCode = person.qpvCode
        situationAtEntry = person.situationAtEntry
        educationLevel = person.educationLevel
    }
}

struct ReferralDTO: Content {
    struct Consent: Content {
        var given: Bool
        var date: String
        var purpose: String
    }
    struct Step: Content {
        var from: String
        var to: String
        var author: String
        var at: Date
        var reason: String?
    }

    var id: UUID
    var status: String
    var person: PersonDTO
    var reason: String
    var barriers: [String]
    var preferredContact: String?
    var consent: Consent
    var referrer: String
    /// The referrer's organisation (a partner of the territory) and its kind, when they belong to one.
    var referrerPartnerID: UUID?
    var referrerKind: String?
    var refusalReason: String?
    var shareReason: Bool
    var pathwayID: UUID?
    var createdAt: Date?
    var statusChangedAt: Date
    var transitions: [Step]?
    /// The cooperative's other referrals of, probably, the same person (same names and birth
    /// year); only on one referral read by the coordination.
    var possibleDuplicateIDs: [UUID]?

    /// `forCoordination` shows the refusal reason and the history; a referrer sees the reason
    /// only when the coordinator chose to share it.
    init(_ referral: Referral, transitions: [ReferralTransition]?, forCoordination: Bool) {
        id = referral.id!
        status = referral.status
        person = PersonDTO(referral.person)
        reason = referral.reason
        barriers = referral.barriers
        preferredContact = referral.preferredContact
        consent = Consent(given: true, date: CalendarDay(date: referral.consentDate).description, purpose: referral.consentPurpose)
        referrer = referral.referrerLabel
        referrerPartnerID = referral.referrerPartnerID
        referrerKind = referral.referrerKind
        refusalReason = forCoordination || referral.shareReason ? referral.refusalReason : nil
        shareReason = referral.shareReason
        pathwayID = referral.pathwayID
        createdAt = referral.createdAt
        statusChangedAt = referral.statusChangedAt
        self.transitions = transitions?.map {
            Step(from: $0.fromStatus, to: $0.toStatus, author: $0.authorLabel, at: $0.occurredAt,
                 reason: forCoordination || referral.shareReason ? $0.reason : nil)
        }
    }
}

struct ExitDTO: Content {
    var date: String
    var destination: String
    var category: String
    var followUpDue: String?
}

struct ReferralBody: Decodable {
    /// The person is sent in the shape the API answers with.
    typealias PersonBody = PersonDTO
    struct ConsentBody: Decodable {
        var given: Bool?
        var date: String?
    }
    var person: PersonBody?
    var reason: String?
    var barriers: [String]?
    var preferredContact: String?
    var consent: ConsentBody?

    var draft: ReferralDraft {
        ReferralDraft(
            firstName: person?.firstName, lastName: person?.lastName, birthYear: person?.birthYear,
            contact: person?.contact, commune: person?.commune, qpvCode: person?.qpvCode,
            situationAtEntry: person?.situationAtEntry, educationLevel: person?.educationLevel,
            reason: reason, barriers: barriers ?? [], preferredContact: preferredContact,
            consentGiven: consent?.given == true, consentDate: consent?.date
        )
    }
}

struct TransitionBody: Decodable {
    var to: String?
    var reason: String?
    var shareReason: Bool?
}

struct ExitBody: Decodable {
    var date: String?
    var destination: String?
}

// MARK: Routes

/// `/api/v1/coops/:coopID/referrals…` and `/api/v1/coops/:coopID/pathways…`.
struct PathwaysAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let referrals = routes.grouped("coops", ":coopID", "referrals")
        referrals.post(use: createReferral)
        referrals.get(use: listReferrals)
        referrals.get(":referralID", use: showReferral)
        referrals.post(":referralID", "transitions", use: moveReferral)
        let pathways = routes.grouped("coops", ":coopID", "pathways")
        pathways.get(use: listPathways)
        pathways.get("summary", use: summary)
        pathways.get(":pathwayID", use: showPathway)
        pathways.post(":pathwayID", "exit", use: recordExit)
        pathways.post(":pathwayID", "barriers", use: assessBarrier)
    }

    private func repository(_ request: Request, _ permissions: [Permission]) async throws -> PathwaysRepository {
        PathwaysRepository(db: request.db, scope: try await request.cooperativeScope(anyOf: permissions))
    }

    func createReferral(request: Request) async throws -> Response {
        let scope = try await request.cooperativeScope(.createReferral)
        let valid = try request.decodeJSON(ReferralBody.self).draft.validate(today: .today)
        return try await Idempotency.respond(to: request, status: .created) { db in
            let referral = try await PathwaysRepository(db: db, scope: scope).createReferral(valid, request: request)
            return ReferralDTO(referral, transitions: nil, forCoordination: scope.allows(.manageReferrals))
        }
    }

    func listReferrals(request: Request) async throws -> Response {
        let repository = try await repository(request, [.manageReferrals, .viewOwnReferrals])
        let coordination = repository.scope.allows(.manageReferrals)
        let filter = try request.apiListFilter(states: PathwaysRepository.referralStates)
        let page = try await repository.referrals(filter)
        let items = page.rows.map { ReferralDTO($0, transitions: nil, forCoordination: coordination) }
        // The cursor of a searched list is the next page's number.
        return try Idempotency.encode(status: .ok, body: Page(items: items, nextCursor: page.hasNext ? String(page.page + 1) : nil))
    }

    func showReferral(request: Request) async throws -> Response {
        let repository = try await repository(request, [.manageReferrals, .viewOwnReferrals])
        let referral = try await repository.referral(try request.uuidParameter("referralID"))
        let steps = try await repository.transitions(of: referral)
        var body = ReferralDTO(referral, transitions: steps, forCoordination: repository.scope.allows(.manageReferrals))
        if repository.scope.allows(.manageReferrals) {
            body.possibleDuplicateIDs = try await repository.possibleDuplicates(of: referral).map { $0.id! }
        }
        return try Idempotency.encode(status: .ok, body: body)
    }

    func moveReferral(request: Request) async throws -> Response {
        let repository = try await repository(request, [.manageReferrals])
        let referral = try await repository.referral(try request.uuidParameter("referralID"))
        let body = try request.decodeJSON(TransitionBody.self)
        let moved = try await repository.move(referral, to: body.to, reason: body.reason, shareReason: body.shareReason ?? false, request: request)
        let steps = try await repository.transitions(of: moved)
        return try Idempotency.encode(status: .ok, body: ReferralDTO(moved, transitions: steps, forCoordination: true))
    }

    struct SummaryDTO: Content {
        var from: String
        var to: String
        var referralsByStatus: [String: Int]
        var accompanied: Int
        var byBarrier: [String: Int]
        var byQpv: [String: Int]
        var hoursWorked: Double
        var trainingHours: Double
        var exitsByCategory: [String: Int]
        var dynamicExitRate: Double?

        init(_ summary: PathwaySummary, period: DayPeriod) {
            from = period.from.description
            to = period.to.description
            referralsByStatus = summary.referralsByStatus
            accompanied = summary.accompanied
            byBarrier = summary.byBarrier
            byQpv = summary.byQpv
            hoursWorked = summary.hoursWorked
            trainingHours = summary.trainingHours
            exitsByCategory = summary.exitsByCategory
            dynamicExitRate = summary.dynamicExitRate
        }

        func encode(to encoder: any Encoder) throws {
            // `dynamicExitRate` is always present: null says "nobody left in the period".
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(from, forKey: .from)
            try container.encode(to, forKey: .to)
            try container.encode(referralsByStatus, forKey: .referralsByStatus)
            try container.encode(accompanied, forKey: .accompanied)
            try container.encode(byBarrier, forKey: .byBarrier)
            try container.encode(byQpv, forKey: .byQpv)
            try container.encode(hoursWorked, forKey: .hoursWorked)
            try container.encode(trainingHours, forKey: .trainingHours)
            try container.encode(exitsByCategory, forKey: .exitsByCategory)
            try container.encode(dynamicExitRate, forKey: .dynamicExitRate)
        }
    }

    /// `?from=YYYY-MM-DD&to=YYYY-MM-DD`, by default the current calendar year.
    func summary(request: Request) async throws -> Response {
        let repository = try await repository(request, [.managePathways])
        let today = CalendarDay.today
        var errors = FieldErrors()
        func day(_ name: String, _ fallback: CalendarDay) -> CalendarDay {
            CalendarDay.parse(request.query[String.self, at: name], field: name, fallback: fallback, latest: nil, into: &errors) ?? fallback
        }
        let period = DayPeriod(from: day("from", CalendarDay(year: today.year, month: 1, day: 1)), to: day("to", CalendarDay(year: today.year, month: 12, day: 31)))
        if errors.isEmpty && period.to < period.from { errors.add("to", "La fin de la période précède son début.") }
        try errors.throwIfAny()
        return try Idempotency.encode(status: .ok, body: SummaryDTO(try await repository.summary(period), period: period))
    }

    func showPathway(request: Request) async throws -> Response {
        let (repository, pathway, viewer) = try await request.pathwayForCoordinationOrPerson()
        return try Idempotency.encode(status: .ok, body: PathwayDTO(try await repository.file(pathway, viewer: viewer), viewer: viewer))
    }

    func recordExit(request: Request) async throws -> Response {
        let (repository, pathway) = try await request.pathwayInScope()
        let body = try request.decodeJSON(ExitBody.self)
        let updated = try await repository.recordExit(pathway, .init(date: body.date, destination: body.destination), today: .today, request: request)
        return try Idempotency.encode(status: .ok, body: PathwayDTO(try await repository.file(updated, viewer: .coordination), viewer: .coordination))
    }

    struct BarrierBody: Decodable {
        var barrier: String?
        var level: String?
        var date: String?
    }

    /// A new assessment of one barrier; answers the pathway with its current diagnostic.
    func assessBarrier(request: Request) async throws -> Response {
        let (repository, pathway) = try await request.pathwayInScope()
        let scope = repository.scope
        let body = try request.decodeJSON(BarrierBody.self)
        return try await Idempotency.respond(to: request, status: .created) { db in
            let repository = PathwaysRepository(db: db, scope: scope)
            _ = try await repository.assessBarrier(pathway, barrier: body.barrier, level: body.level, date: body.date, today: .today, request: request)
            return PathwayDTO(try await repository.file(pathway, viewer: .coordination), viewer: .coordination)
        }
    }
}
