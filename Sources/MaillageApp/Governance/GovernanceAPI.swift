import Fluent
import Foundation
import MaillageCore
import Vapor

// MARK: JSON shapes (binding names: see docs/openapi.yaml)

struct MemberCategoryDTO: Content {
    var id: UUID
    var name: String
    var kind: String

    init(_ category: MemberCategory) {
        id = category.id!
        name = category.name
        kind = category.kind
    }
}

struct CollegeDTO: Content {
    var id: UUID
    var name: String
    var weightPercent: Int

    init(_ college: VotingCollege) {
        id = college.id!
        name = college.name
        weightPercent = college.weightPercent
    }
}

struct StatutesDTO: Content {
    struct Quorum: Content {
        /// `1/5`, or absent when there is none.
        var ordinaryFirst: String?
        var ordinarySecond: String?
        var extraordinaryFirst: String?
        var extraordinarySecond: String?
    }
    struct Majority: Content {
        var ordinary: String
        var extraordinary: String
    }
    var legalForm: String
    var collegesEnabled: Bool
    var maxProxiesPerHolder: Int
    var proxySameCollege: Bool
    var quorum: Quorum
    var majority: Majority
    var categories: [MemberCategoryDTO]
    var colleges: [CollegeDTO]
    var collegesTotalPercent: Int
    /// What the statutes still lack (a SCIC's three categories, colleges summing to 100 %).
    var warnings: [String]

    static func load(_ repository: GovernanceRepository) async throws -> StatutesDTO {
        let statutes = try await repository.statutes()
        let rules = statutes.rules
        let colleges = try await repository.colleges()
        let categories = try await repository.categories()
        return StatutesDTO(
            legalForm: repository.scope.cooperative.legalForm, collegesEnabled: statutes.collegesEnabled,
            maxProxiesPerHolder: statutes.maxProxies, proxySameCollege: statutes.proxySameCollege,
            quorum: Quorum(ordinaryFirst: rules.ordinaryFirstQuorum?.description, ordinarySecond: rules.ordinarySecondQuorum?.description,
                           extraordinaryFirst: rules.extraordinaryFirstQuorum?.description, extraordinarySecond: rules.extraordinarySecondQuorum?.description),
            majority: Majority(ordinary: rules.ordinaryMajority.description, extraordinary: rules.extraordinaryMajority.description),
            categories: categories.map(MemberCategoryDTO.init), colleges: colleges.map(CollegeDTO.init),
            collegesTotalPercent: colleges.reduce(0) { $0 + $1.weightPercent }, warnings: repository.warnings(categories: categories, colleges: colleges))
    }
}

struct StatutesBody: Decodable {
    struct Quorum: Decodable {
        var ordinaryFirst: String?
        var ordinarySecond: String?
        var extraordinaryFirst: String?
        var extraordinarySecond: String?
    }
    struct Majority: Decodable {
        var ordinary: String?
        var extraordinary: String?
    }
    var collegesEnabled: Bool?
    var maxProxiesPerHolder: Int?
    var proxySameCollege: Bool?
    var quorum: Quorum?
    var majority: Majority?

    var draft: GovernanceRepository.StatutesDraft {
        var draft = GovernanceRepository.StatutesDraft(collegesEnabled: collegesEnabled, maxProxiesPerHolder: maxProxiesPerHolder, proxySameCollege: proxySameCollege)
        if let quorum {
            var ordinary: [Convocation: String] = [:], extraordinary: [Convocation: String] = [:]
            ordinary[.first] = quorum.ordinaryFirst
            ordinary[.second] = quorum.ordinarySecond
            extraordinary[.first] = quorum.extraordinaryFirst
            extraordinary[.second] = quorum.extraordinarySecond
            draft.quorum = [.ordinary: ordinary, .extraordinary: extraordinary]
        }
        if let majority {
            draft.majority[.ordinary] = majority.ordinary
            draft.majority[.extraordinary] = majority.extraordinary
        }
        return draft
    }
}

struct MemberDTO: Content {
    var id: UUID
    var number: Int
    var displayName: String
    var kind: String
    var representative: String?
    var categoryID: UUID
    var category: String
    var collegeID: UUID?
    var college: String?
    var admittedOn: String?
    var status: String
    /// The member's account, with which they vote from their phone.
    var userID: UUID?

    init(_ member: Member, categories: [UUID: String], colleges: [UUID: String]) {
        id = member.id!
        number = member.number
        displayName = member.displayName
        kind = member.kind
        representative = member.representative
        categoryID = member.categoryID
        category = categories[member.categoryID] ?? ""
        collegeID = member.collegeID
        college = member.collegeID.flatMap { colleges[$0] }
        admittedOn = member.admittedOn.map { CalendarDay(date: $0).description }
        status = member.status
        userID = member.userID
    }
}

struct MemberBody: Decodable {
    var displayName: String?
    var kind: String?
    var representative: String?
    /// The category's id or name.
    var category: String?
    var collegeID: String?
    var admittedOn: String?
    var status: String?
    /// An account of someone with a role in the cooperative.
    var userID: String?
}

// MARK: Routes

/// `/api/v1/coops/:coopID/statutes`, `…/member-categories`, `…/colleges`, `…/members`.
struct GovernanceAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let coop = routes.grouped("coops", ":coopID")
        coop.get("statutes", use: statutes)
        coop.put("statutes", use: saveStatutes)
        coop.get("member-categories", use: categories)
        coop.post("member-categories", use: createCategory)
        coop.get("colleges", use: colleges)
        coop.post("colleges", use: createCollege)
        coop.get("members", use: members)
        coop.post("members", use: admit)
    }

    func statutes(request: Request) async throws -> Response {
        let repository = try await request.governanceRepository(.viewGovernance)
        return try Idempotency.encode(status: .ok, body: try await StatutesDTO.load(repository))
    }

    func saveStatutes(request: Request) async throws -> Response {
        let repository = try await request.governanceRepository(.manageGovernance)
        let body = try request.decodeJSON(StatutesBody.self)
        _ = try await repository.saveStatutes(body.draft)
        return try Idempotency.encode(status: .ok, body: try await StatutesDTO.load(repository))
    }

    func categories(request: Request) async throws -> Response {
        let repository = try await request.governanceRepository(.viewGovernance)
        return try Idempotency.encode(status: .ok, body: Page(items: try await repository.categories().map(MemberCategoryDTO.init), nextCursor: nil))
    }

    struct CategoryBody: Decodable { var name: String?, kind: String? }

    func createCategory(request: Request) async throws -> Response {
        let repository = try await request.governanceRepository(.manageGovernance)
        let body = try request.decodeJSON(CategoryBody.self)
        return try Idempotency.encode(status: .created, body: MemberCategoryDTO(try await repository.createCategory(MemberCategoryDraft(name: body.name, kind: body.kind))))
    }

    func colleges(request: Request) async throws -> Response {
        let repository = try await request.governanceRepository(.viewGovernance)
        return try Idempotency.encode(status: .ok, body: Page(items: try await repository.colleges().map(CollegeDTO.init), nextCursor: nil))
    }

    struct CollegeBody: Decodable { var name: String?, weightPercent: Int? }

    func createCollege(request: Request) async throws -> Response {
        let repository = try await request.governanceRepository(.manageGovernance)
        let body = try request.decodeJSON(CollegeBody.self)
        return try Idempotency.encode(status: .created, body: CollegeDTO(try await repository.createCollege(CollegeDraft(name: body.name, weightPercent: body.weightPercent))))
    }

    static func names(_ repository: GovernanceRepository) async throws -> ([UUID: String], [UUID: String]) {
        (Dictionary(uniqueKeysWithValues: try await repository.categories().map { ($0.id!, $0.name) }),
         Dictionary(uniqueKeysWithValues: try await repository.colleges().map { ($0.id!, $0.name) }))
    }

    func members(request: Request) async throws -> Response {
        let repository = try await request.governanceRepository(.viewGovernance)
        let (categories, colleges) = try await Self.names(repository)
        let page = try await repository.members(try request.apiListFilter(states: MembersPage.states))
        let items = page.rows.map { MemberDTO($0, categories: categories, colleges: colleges) }
        return try Idempotency.encode(status: .ok, body: Page(items: items, nextCursor: page.hasNext ? String(page.page + 1) : nil))
    }

    func admit(request: Request) async throws -> Response {
        let repository = try await request.governanceRepository(.manageGovernance)
        let body = try request.decodeJSON(MemberBody.self)
        let member = try await repository.admit(MemberDraft(displayName: body.displayName, kind: body.kind, representative: body.representative,
                                                            admittedOn: body.admittedOn, status: body.status),
                                                categoryRef: body.category, collegeRef: body.collegeID, userRef: body.userID, today: .today)
        let (categories, colleges) = try await Self.names(repository)
        return try Idempotency.encode(status: .created, body: MemberDTO(member, categories: categories, colleges: colleges))
    }
}
