import Fluent
import Foundation
import MaillageCore
import SQLKit
import Vapor

/// A class of shares: its nominal value and the least a member subscribes.
final class ShareClass: Model, @unchecked Sendable {
    static let schema = "share_classes"

    @ID(key: .id) var id: UUID?
    @Field(key: "cooperative_id") var cooperativeID: UUID
    @Field(key: "name") var name: String
    @Field(key: "nominal_cents") var nominalCents: Int
    @Field(key: "minimum_quantity") var minimumQuantity: Int
    /// The member categories that may hold this class, ids separated by commas; none: all.
    @OptionalField(key: "eligible_categories") var eligibleCategories: String?

    init() {}

    var eligibleCategoryIDs: Set<UUID> { Set((eligibleCategories ?? "").split(separator: ",").compactMap { UUID(uuidString: String($0)) }) }

    /// Whether a member of `category` may hold shares of this class.
    func admits(category: UUID) -> Bool { eligibleCategoryIDs.isEmpty || eligibleCategoryIDs.contains(category) }
}

/// One entry of the capital register: appended with the next number, never edited.
final class CapitalOperation: Model, @unchecked Sendable {
    static let schema = "capital_operations"

    @ID(key: .id) var id: UUID?
    @Field(key: "cooperative_id") var cooperativeID: UUID
    @Field(key: "number") var number: Int
    @Field(key: "kind") var kind: String
    @Field(key: "member_id") var memberID: UUID
    @OptionalField(key: "to_member_id") var toMemberID: UUID?
    @Field(key: "share_class_id") var shareClassID: UUID
    @Field(key: "quantity") var quantity: Int
    /// A conversion's class and quantity received.
    @OptionalField(key: "to_share_class_id") var toShareClassID: UUID?
    @OptionalField(key: "to_quantity") var toQuantity: Int?
    /// Quantity × nominal value: a reimbursement is at nominal value.
    @Field(key: "amount_cents") var amountCents: Int
    @Field(key: "date") var date: Date
    @Field(key: "author_label") var authorLabel: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    var entry: CapitalRegister.Entry {
        .init(kind: CapitalOperationKind(rawValue: kind) ?? .subscription, member: memberID.uuidString, toMember: toMemberID?.uuidString,
              shareClass: shareClassID.uuidString, quantity: quantity, toShareClass: toShareClassID?.uuidString, toQuantity: toQuantity)
    }
}

/// Who may hold a class of shares, and conversions between classes.
struct AddShareClassRulesAndConversions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ShareClass.schema).field("eligible_categories", .string).update()
        try await database.schema(CapitalOperation.schema).field("to_share_class_id", .uuid).update()
        try await database.schema(CapitalOperation.schema).field("to_quantity", .int).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(CapitalOperation.schema).deleteField("to_quantity").update()
        try await database.schema(CapitalOperation.schema).deleteField("to_share_class_id").update()
        try await database.schema(ShareClass.schema).deleteField("eligible_categories").update()
    }
}

struct CreateCapitalRegister: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ShareClass.schema)
            .id()
            .field("cooperative_id", .uuid, .required, .references(Cooperative.schema, "id"))
            .field("name", .string, .required)
            .field("nominal_cents", .int, .required)
            .field("minimum_quantity", .int, .required)
            .unique(on: "cooperative_id", "name")
            .create()
        try await database.schema(CapitalOperation.schema)
            .id()
            .field("cooperative_id", .uuid, .required, .references(Cooperative.schema, "id"))
            .field("number", .int, .required)
            .field("kind", .string, .required)
            .field("member_id", .uuid, .required, .references(Member.schema, "id"))
            .field("to_member_id", .uuid, .references(Member.schema, "id"))
            .field("share_class_id", .uuid, .required, .references(ShareClass.schema, "id"))
            .field("quantity", .int, .required)
            .field("amount_cents", .int64, .required)
            .field("date", .datetime, .required)
            .field("author_label", .string, .required)
            .field("created_at", .datetime)
            // The register has no gap and no repeat: numbers are taken from the counter below.
            .unique(on: "cooperative_id", "number")
            .create()
        // One row per cooperative: the register's last number. Taking the next one updates it
        // first, so two operations at once wait for each other and see each other's shares.
        try await database.schema("capital_counters")
            .field("cooperative_id", .uuid, .identifier(auto: false), .references(Cooperative.schema, "id"))
            .field("last_number", .int, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("capital_counters").delete()
        try await database.schema(CapitalOperation.schema).delete()
        try await database.schema(ShareClass.schema).delete()
    }
}

/// Share classes and the capital register of one cooperative.
struct CapitalRepository: Sendable {
    let db: any Database
    let scope: CooperativeScope

    func shareClasses() async throws -> [ShareClass] {
        try scope.require(.viewGovernance)
        return try await ShareClass.query(on: db).filter(\.$cooperativeID == scope.id).sort(\.$name).all()
    }

    /// `eligibleCategories`: the member categories (ids or names) that may hold it; none for all.
    func createShareClass(name rawName: String?, nominalCents: Int?, minimumQuantity: Int?, eligibleCategories: [String] = []) async throws -> ShareClass {
        try scope.require(.manageGovernance)
        var errors = FieldErrors()
        let name = TextRules.requireName(rawName, field: "name", max: 80, into: &errors)
        if let nominalCents { if !(1...1_000_000).contains(nominalCents) { errors.add("nominalCents", "La valeur nominale va de 0,01 € à 10 000 €.") } }
        else { errors.add("nominalCents", "Indiquez la valeur nominale d'une part, en centimes.") }
        let minimum = minimumQuantity ?? 1
        if !(1...10_000).contains(minimum) { errors.add("minimumQuantity", "Le minimum de parts va de 1 à 10 000.") }
        if try await shareClasses().contains(where: { $0.name.lowercased() == name.lowercased() }) { errors.add("name", "Une catégorie de parts porte déjà ce nom.") }
        var eligible: [UUID] = []
        if !eligibleCategories.isEmpty {
            let categories = try await MemberCategory.query(on: db).filter(\.$cooperativeID == scope.id).all()
            for reference in eligibleCategories.compactMap(TextRules.clean) {
                guard let category = GovernanceRepository.find(reference, in: categories, id: { $0.id! }, names: { [$0.name, $0.kind] }) else {
                    errors.add("eligibleCategories", "« \(reference) » n'est pas une catégorie d'associés de la coopérative.")
                    continue
                }
                if !eligible.contains(category.id!) { eligible.append(category.id!) }
            }
        }
        try errors.throwIfAny()
        let shareClass = ShareClass()
        shareClass.cooperativeID = scope.id
        shareClass.name = name
        shareClass.nominalCents = nominalCents!
        shareClass.minimumQuantity = minimum
        shareClass.eligibleCategories = eligible.isEmpty ? nil : eligible.map(\.uuidString).joined(separator: ",")
        try await shareClass.create(on: db)
        return shareClass
    }

    func register() async throws -> [CapitalOperation] {
        try scope.require(.viewGovernance)
        return try await CapitalOperation.query(on: db).filter(\.$cooperativeID == scope.id).sort(\.$number).all()
    }

    struct OperationDraft: Sendable {
        var kind: String?
        var memberID: String?
        var toMemberID: String?
        var shareClassID: String?
        var quantity: Int?
        var date: String?
        /// A conversion's class received.
        var toShareClassID: String? = nil
    }

    /// Appends an operation with the next number, in `tx`: the counter is taken first, so the
    /// holdings checked are those of every operation before it.
    func append(_ draft: OperationDraft, today: CalendarDay, on tx: any Database) async throws -> CapitalOperation {
        try scope.require(.manageGovernance)
        guard let sql = tx as? any SQLDatabase else { throw Problem.internalError }
        try await sql.raw("INSERT INTO capital_counters (cooperative_id, last_number) VALUES (\(bind: scope.id), 0) ON CONFLICT (cooperative_id) DO NOTHING").run()
        struct Row: Decodable { var last_number: Int }
        guard let number = try await sql.raw("UPDATE capital_counters SET last_number = last_number + 1 WHERE cooperative_id = \(bind: scope.id) RETURNING last_number")
            .first(decoding: Row.self)?.last_number else { throw Problem.internalError }

        var errors = FieldErrors()
        let kind = CapitalOperationKind(rawValue: TextRules.clean(draft.kind) ?? "")
        if kind == nil { errors.add("kind", "L'opération est subscription (souscription), transfer (cession), reimbursement (remboursement) ou conversion.") }
        let members = try await Member.query(on: tx).filter(\.$cooperativeID == scope.id).all()
        func member(_ raw: String?, field: String) -> Member? {
            guard let raw = TextRules.clean(raw) else { return nil }
            guard let found = members.first(where: { $0.id == UUID(uuidString: raw) }) else {
                errors.add(field, "Cet·te associé·e n'existe pas dans la coopérative.")
                return nil
            }
            return found
        }
        let giver = member(draft.memberID, field: "memberID")
        if TextRules.clean(draft.memberID) == nil { errors.add("memberID", "Choisissez l'associé·e.") }
        let receiver = member(draft.toMemberID, field: "toMemberID")
        // A member who left is reimbursed or transfers their shares; they subscribe and receive none.
        if let giver, giver.status == MemberStatus.former.rawValue, kind == .subscription {
            errors.add("memberID", "Cet·te associé·e est sorti·e de la coopérative : ses parts se remboursent ou se cèdent.")
        }
        if let receiver, receiver.status == MemberStatus.former.rawValue { errors.add("toMemberID", "Cet·te associé·e est sorti·e de la coopérative.") }
        let classes = try await ShareClass.query(on: tx).filter(\.$cooperativeID == scope.id).all()
        let shareClass = classes.first { $0.id == UUID(uuidString: TextRules.clean(draft.shareClassID) ?? "") }
        if shareClass == nil { errors.add("shareClassID", classes.isEmpty ? "Créez d'abord une catégorie de parts." : "Choisissez la catégorie de parts.") }
        var toClass: ShareClass?
        if kind == .conversion {
            toClass = classes.first { $0.id == UUID(uuidString: TextRules.clean(draft.toShareClassID) ?? "") }
            if toClass == nil { errors.add("toShareClassID", "Une conversion nomme la catégorie de parts reçue.") }
        }
        // A class may be reserved to some categories of associates (founders', partners'…).
        let holder = kind == .transfer ? receiver : giver
        let heldClass = kind == .conversion ? toClass : shareClass
        if let holder, let heldClass, kind != .reimbursement, !heldClass.admits(category: holder.categoryID) {
            errors.add(kind == .transfer ? "toMemberID" : (kind == .conversion ? "toShareClassID" : "shareClassID"),
                       "Les parts « \(heldClass.name) » sont réservées à d'autres catégories d'associés.")
        }
        let date = CalendarDay.parse(draft.date, field: "date", subject: "La date de l'opération", fallback: today, latest: today, into: &errors)
        if draft.quantity == nil { errors.add("quantity", "Indiquez le nombre de parts.") }
        try errors.throwIfAny()

        let categories = try await MemberCategory.query(on: tx).filter(\.$cooperativeID == scope.id).all()
        let publicCategories = Set(categories.filter { $0.categoryKind == .publicBodies }.map(\.id!))
        let converted = toClass.map { draft.quantity! * shareClass!.nominalCents / $0.nominalCents }
        let entry = CapitalRegister.Entry(kind: kind!, member: giver!.id!.uuidString, toMember: receiver?.id?.uuidString,
                                          shareClass: shareClass!.id!.uuidString, quantity: draft.quantity!,
                                          toShareClass: toClass?.id?.uuidString, toQuantity: converted)
        let earlier = try await CapitalOperation.query(on: tx).filter(\.$cooperativeID == scope.id).all().map(\.entry)
        let problems = CapitalRegister.problems(entry, after: earlier,
                                                nominalCents: Dictionary(uniqueKeysWithValues: classes.map { ($0.id!.uuidString, $0.nominalCents) }),
                                                minimumQuantity: Dictionary(uniqueKeysWithValues: classes.map { ($0.id!.uuidString, $0.minimumQuantity) }),
                                                publicBodies: Set(members.filter { publicCategories.contains($0.categoryID) }.map { $0.id!.uuidString }))
        try problems.throwIfAny()
        let operation = CapitalOperation()
        operation.cooperativeID = scope.id
        operation.number = number
        operation.kind = kind!.rawValue
        operation.memberID = giver!.id!
        operation.toMemberID = kind == .transfer ? receiver?.id : nil
        operation.shareClassID = shareClass!.id!
        operation.quantity = draft.quantity!
        operation.toShareClassID = toClass?.id
        operation.toQuantity = converted
        operation.amountCents = draft.quantity! * shareClass!.nominalCents
        operation.date = date!.date
        operation.authorLabel = scope.principal.name
        try await operation.create(on: tx)
        return operation
    }

    struct Summary: Sendable {
        var totalCents: Int
        var byCategory: [(name: String, cents: Int)]
        var publicBodiesCents: Int
        /// The register and the members' names it was summed from, for the answer to show.
        var register: [CapitalOperation]
        var memberNames: [UUID: String]
    }

    func summary() async throws -> Summary {
        let operations = try await register()
        let classes = try await shareClasses()
        let nominal = Dictionary(uniqueKeysWithValues: classes.map { ($0.id!.uuidString, $0.nominalCents) })
        let memberRows = try await Member.query(on: db).filter(\.$cooperativeID == scope.id).all()
        let members = Dictionary(uniqueKeysWithValues: memberRows.map { ($0.id!.uuidString, $0) })
        let categories = Dictionary(uniqueKeysWithValues: try await MemberCategory.query(on: db).filter(\.$cooperativeID == scope.id).all().map { ($0.id!, $0) })
        var byCategory: [String: Int] = [:]
        var publicCents = 0
        var total = 0
        for (holding, quantity) in CapitalRegister.holdings(operations.map(\.entry)) {
            let cents = quantity * (nominal[holding.shareClass] ?? 0)
            total += cents
            let category = members[holding.member].flatMap { categories[$0.categoryID] }
            byCategory[category?.name ?? "—", default: 0] += cents
            if category?.categoryKind == .publicBodies { publicCents += cents }
        }
        return Summary(totalCents: total, byCategory: byCategory.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, publicBodiesCents: publicCents,
                       register: operations, memberNames: Dictionary(uniqueKeysWithValues: memberRows.map { ($0.id!, $0.displayName) }))
    }
}

extension Request {
    func capitalRepository(_ permission: Permission) async throws -> CapitalRepository {
        CapitalRepository(db: db, scope: try await cooperativeScope(permission))
    }
}
