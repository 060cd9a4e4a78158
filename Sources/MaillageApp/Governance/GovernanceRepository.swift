import Fluent
import Foundation
import MaillageCore
import Vapor

/// The statutes' settings, member categories, voting colleges and members of one cooperative.
struct GovernanceRepository: Sendable {
    let db: any Database
    let scope: CooperativeScope

    // MARK: Statutes

    func statutes() async throws -> Statutes {
        try scope.require(.viewGovernance)
        if let stored = try await Statutes.find(scope.id, on: db) { return stored }
        let statutes = Statutes()
        statutes.id = scope.id
        statutes.collegesEnabled = false
        statutes.maxProxies = 2
        statutes.proxySameCollege = false
        return statutes
    }

    struct StatutesDraft: Sendable {
        var collegesEnabled: Bool?
        var maxProxiesPerHolder: Int?
        var proxySameCollege: Bool?
        /// `1/5`, `none`, or `default` (the Code de commerce's); nil keeps the value.
        var quorum: [AssemblyKind: [Convocation: String]] = [:]
        var majority: [AssemblyKind: String] = [:]
    }

    func saveStatutes(_ draft: StatutesDraft) async throws -> Statutes {
        try scope.require(.manageGovernance)
        let statutes = try await statutes()
        var errors = FieldErrors()
        if let cap = draft.maxProxiesPerHolder {
            if (0...20).contains(cap) { statutes.maxProxies = cap } else { errors.add("maxProxiesPerHolder", "Le plafond de pouvoirs par mandataire va de 0 à 20.") }
        }
        if let same = draft.proxySameCollege { statutes.proxySameCollege = same }
        for (kind, convocations) in draft.quorum {
            for (convocation, text) in convocations {
                let field = "quorum.\(kind.rawValue)\(convocation == .first ? "First" : "Second")"
                let value = text.trimmingWhitespace()
                let stored: String?
                switch value {
                case "default", "": stored = nil
                case "none": stored = "none"
                default:
                    guard let fraction = FractionText.parse(value) else {
                        errors.add(field, "Un quorum s'écrit comme une fraction (1/5), « none » (aucun) ou « default » (Code de commerce).")
                        continue
                    }
                    stored = fraction.description
                }
                switch (kind, convocation) {
                case (.ordinary, .first): statutes.ordinaryFirstQuorum = stored
                case (.ordinary, .second): statutes.ordinarySecondQuorum = stored
                case (.extraordinary, .first): statutes.extraordinaryFirstQuorum = stored
                case (.extraordinary, .second): statutes.extraordinarySecondQuorum = stored
                }
            }
        }
        for (kind, text) in draft.majority {
            let value = text.trimmingWhitespace()
            if value == "default" || value.isEmpty {
                if kind == .ordinary { statutes.ordinaryMajority = nil } else { statutes.extraordinaryMajority = nil }
            } else if let fraction = FractionText.parse(value), 2 * fraction.numerator >= fraction.denominator {
                if kind == .ordinary { statutes.ordinaryMajority = fraction.description } else { statutes.extraordinaryMajority = fraction.description }
            } else {
                errors.add("majority.\(kind.rawValue)", "Une majorité s'écrit comme une fraction d'au moins la moitié (1/2, 2/3), ou « default ».")
            }
        }
        if let enabled = draft.collegesEnabled {
            if enabled {
                let weights = try await colleges().map(\.weight)
                if weights.isEmpty {
                    errors.add("collegesEnabled", "Créez d'abord les collèges de vote (au moins trois, de 10 à 50 % chacun).")
                } else if let problem = CollegeRules.problems(weights).messages.sorted(by: { $0.key < $1.key }).first {
                    errors.add("collegesEnabled", problem.value)
                }
            }
            statutes.collegesEnabled = enabled
        }
        try errors.throwIfAny()
        try await statutes.save(on: db)
        return statutes
    }

    /// What the statutes still lack, said while it lasts.
    func warnings(categories: [MemberCategory], colleges: [VotingCollege]) -> [String] {
        var warnings: [String] = []
        if LegalForm(rawValue: scope.cooperative.legalForm) == .scic {
            warnings += StatutesRules.scicWarnings(categories: Set(categories.map(\.categoryKind)))
        }
        let weights = colleges.map(\.weight)
        if !weights.isEmpty {
            warnings += CollegeRules.problems(weights).messages.sorted { $0.key < $1.key }.map(\.value)
        }
        return warnings
    }

    // MARK: Categories and colleges

    func categories() async throws -> [MemberCategory] {
        try scope.require(.viewGovernance)
        return try await MemberCategory.query(on: db).filter(\.$cooperativeID == scope.id).sort(\.$name).all()
    }

    func createCategory(_ draft: MemberCategoryDraft) async throws -> MemberCategory {
        try scope.require(.manageGovernance)
        var errors = FieldErrors()
        var valid: (name: String, kind: MemberCategoryKind)?
        do { valid = try draft.validate() } catch { errors.merge(error) }
        if let name = TextRules.clean(draft.name)?.lowercased(), try await categories().contains(where: { $0.name.lowercased() == name }) {
            errors.add("name", "Une catégorie porte déjà ce nom.")
        }
        try errors.throwIfAny()
        let category = MemberCategory()
        category.cooperativeID = scope.id
        category.name = valid!.name
        category.kind = valid!.kind.rawValue
        try await category.create(on: db)
        return category
    }

    func colleges() async throws -> [VotingCollege] {
        try scope.require(.viewGovernance)
        return try await VotingCollege.query(on: db).filter(\.$cooperativeID == scope.id).sort(\.$name).all()
    }

    func createCollege(_ draft: CollegeDraft) async throws -> VotingCollege {
        try scope.require(.manageGovernance)
        let existing = try await colleges()
        var errors = FieldErrors()
        var valid: (name: String, weightPercent: Int)?
        do { valid = try draft.validate(others: existing.map(\.weightPercent)) } catch { errors.merge(error) }
        if let name = TextRules.clean(draft.name)?.lowercased(), existing.contains(where: { $0.name.lowercased() == name }) {
            errors.add("name", "Un collège porte déjà ce nom.")
        }
        try errors.throwIfAny()
        let college = VotingCollege()
        college.cooperativeID = scope.id
        college.name = valid!.name
        college.weightPercent = valid!.weightPercent
        try await college.create(on: db)
        return college
    }

    // MARK: Members

    /// The register searched by name or representative, filtered by status, one page.
    func members(_ filter: ListFilter) async throws -> ListPage<Member> {
        Self.page(try await members(), filter)
    }

    static func page(_ members: [Member], _ filter: ListFilter) -> ListPage<Member> {
        filter.page(of: members.filter { filter.keeps(texts: [$0.displayName, $0.representative ?? "", String($0.number)], state: $0.status) })
    }

    func members() async throws -> [Member] {
        try scope.require(.viewGovernance)
        return try await Member.query(on: db).filter(\.$cooperativeID == scope.id).sort(\.$number).all()
    }

    /// Admits (or records as a candidate) an associate, with the next member number.
    func admit(_ draft: MemberDraft, categoryRef: String?, collegeRef: String?, userRef: String? = nil, today: CalendarDay) async throws -> Member {
        try scope.require(.manageGovernance)
        var errors = FieldErrors()
        var valid: MemberDraft.Valid?
        do { valid = try draft.validate(today: today) } catch { errors.merge(error) }
        let categories = try await categories()
        let category = Self.find(categoryRef, in: categories, id: { $0.id! }, names: { [$0.name, $0.kind] })
        if category == nil {
            errors.add("category", categories.isEmpty ? "Créez d'abord les catégories d'associés dans les statuts."
                                                      : "Choisissez la catégorie (" + categories.map(\.name).joined(separator: ", ") + ").")
        }
        let statutes = try await statutes()
        let colleges = try await colleges()
        var college: VotingCollege?
        if TextRules.clean(collegeRef) != nil {
            college = Self.find(collegeRef, in: colleges, id: { $0.id! }, names: { [$0.name] })
            if college == nil { errors.add("collegeID", "Ce collège n'existe pas dans la coopérative.") }
        } else if statutes.collegesEnabled {
            errors.add("collegeID", "Les statuts prévoient des collèges : choisissez celui de l'associé·e.")
        }
        let userID = try await account(userRef, for: nil, into: &errors)
        try errors.throwIfAny()
        let cooperativeID = scope.id
        let (checked, categoryID, collegeID, account) = (valid!, category!.id!, college?.id, userID)
        return try await db.transaction { db in
            let last = try await Member.query(on: db).filter(\.$cooperativeID == cooperativeID).max(\.$number) ?? 0
            let member = Member()
            member.cooperativeID = cooperativeID
            member.number = last + 1
            member.displayName = checked.displayName
            member.kind = checked.kind.rawValue
            member.representative = checked.representative
            member.categoryID = categoryID
            member.collegeID = collegeID
            member.admittedOn = checked.admittedOn?.date
            member.status = checked.status.rawValue
            member.userID = account
            try await member.create(on: db)
            return member
        }
    }

    /// The accounts that may be a member's: those with a role in the cooperative.
    func accounts() async throws -> [AccessService.Holder] {
        var seen = Set<UUID>()
        return try await AccessService(db: db).holders(scopes: [(.cooperative, scope.id)]).filter { seen.insert($0.userID).inserted }
    }

    /// The account `reference` names, if it may be `member`'s (nil: a new member): only
    /// someone who already has a role in the cooperative, so that a member's account is not a
    /// way into another one, and not another member's already.
    private func account(_ reference: String?, for member: Member?, into errors: inout FieldErrors) async throws -> UUID? {
        guard let text = TextRules.clean(reference) else { return nil }
        let holders = try await accounts()
        guard let userID = UUID(uuidString: text).flatMap({ id in holders.first { $0.userID == id }?.userID }) else {
            errors.add("userID", "Ce compte n'a pas de rôle dans la coopérative : invitez d'abord la personne.")
            return nil
        }
        if let other = try await Member.query(on: db).filter(\.$cooperativeID == scope.id).filter(\.$userID == userID).first(), other.id != member?.id {
            errors.add("userID", "Ce compte est déjà celui de \(other.displayName) (n° \(other.number)).")
        }
        return userID
    }

    /// Gives a member their account (to vote from their phone), or takes it away (nil).
    func linkAccount(_ member: Member, userRef: String?) async throws -> Member {
        try scope.require(.manageGovernance)
        var errors = FieldErrors()
        let userID = try await account(userRef, for: member, into: &errors)
        try errors.throwIfAny()
        member.userID = userID
        try await member.save(on: db)
        return member
    }

    /// A category or college named by its id or its name (or a category by its kind).
    static func find<T>(_ reference: String?, in items: [T], id: (T) -> UUID, names: (T) -> [String]) -> T? {
        guard let text = TextRules.clean(reference) else { return nil }
        if let uuid = UUID(uuidString: text), let found = items.first(where: { id($0) == uuid }) { return found }
        return items.first { names($0).contains { $0.lowercased() == text.lowercased() } }
    }
}

extension Request {
    func governanceRepository(_ permission: Permission) async throws -> GovernanceRepository {
        GovernanceRepository(db: db, scope: try await cooperativeScope(permission))
    }
}
