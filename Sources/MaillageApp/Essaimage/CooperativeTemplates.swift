import Fluent
import Foundation
import MaillageCore
import Vapor

/// A cooperative's setup saved by the network admin, to start new cooperatives from it.
final class CooperativeTemplateRecord: Model, @unchecked Sendable {
    static let schema = "cooperative_templates"

    @ID(key: .id) var id: UUID?
    @Field(key: "network_id") var networkID: UUID
    @Field(key: "name") var name: String
    @OptionalField(key: "description") var presentation: String?
    @OptionalField(key: "source_coop_id") var sourceCoopID: UUID?
    /// `TemplateSetup` as JSON: a snapshot, so later changes to the source cooperative do not
    /// change the template.
    @Field(key: "setup") var setupJSON: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    var setup: TemplateSetup { (try? JSONDecoder().decode(TemplateSetup.self, from: Data(setupJSON.utf8))) ?? TemplateSetup() }
}

/// One step of a cooperative's road from a residents' collective to a registered SCIC.
final class OnboardingTask: Model, @unchecked Sendable {
    static let schema = "onboarding_tasks"

    @ID(key: .id) var id: UUID?
    @Field(key: "cooperative_id") var cooperativeID: UUID
    @Field(key: "position") var position: Int
    @Field(key: "key") var key: String
    @Field(key: "title") var title: String
    @Field(key: "who") var who: String
    @Field(key: "due_on") var dueOn: Date
    @OptionalField(key: "done_on") var doneOn: Date?

    init() {}
}

struct CreateEssaimage: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(CooperativeTemplateRecord.schema)
            .id()
            .field("network_id", .uuid, .required, .references(Network.schema, "id"))
            .field("name", .string, .required)
            .field("description", .string)
            .field("source_coop_id", .uuid, .references(Cooperative.schema, "id", onDelete: .setNull))
            .field("setup", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "network_id", "name")
            .create()
        try await database.schema(OnboardingTask.schema)
            .id()
            .field("cooperative_id", .uuid, .required, .references(Cooperative.schema, "id", onDelete: .cascade))
            .field("position", .int, .required)
            .field("key", .string, .required)
            .field("title", .string, .required)
            .field("who", .string, .required)
            .field("due_on", .datetime, .required)
            .field("done_on", .datetime)
            .unique(on: "cooperative_id", "key")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(OnboardingTask.schema).delete()
        try await database.schema(CooperativeTemplateRecord.schema).delete()
    }
}

/// The network's templates, and what starting a cooperative from one writes.
struct TemplateRepository: Sendable {
    let db: any Database
    let principal: Principal

    /// The network the principal administers (403 for anyone else).
    func network() throws -> UUID {
        guard principal.has(.networkAdmin), let id = principal.networkIDs.sorted(by: { $0.uuidString < $1.uuidString }).first(where: {
            principal.decide(.administerNetwork, at: ResourceLocation(networkID: $0.uuidString)) == .allowed
        }) else { throw Problem.forbidden }
        return id
    }

    func templates() async throws -> [CooperativeTemplateRecord] {
        try await CooperativeTemplateRecord.query(on: db).filter(\.$networkID == network()).sort(\.$name).all()
    }

    /// The template `raw` names, of the network of `networkID`; a 422 on `templateID` otherwise.
    func template(_ raw: String?, networkID: UUID) async throws -> CooperativeTemplateRecord? {
        guard let text = TextRules.clean(raw) else { return nil }
        guard let id = UUID(uuidString: text), let template = try await CooperativeTemplateRecord.query(on: db).filter(\.$id == id).filter(\.$networkID == networkID).first() else {
            throw Problem.invalid(FieldErrors(["templateID": "Choisissez un modèle du réseau."]))
        }
        return template
    }

    /// Saves `coopID`'s setup as a template of its network.
    func save(from coopID: String?, _ draft: TemplateDraft) async throws -> CooperativeTemplateRecord {
        let networkID = try network()
        var errors = FieldErrors()
        var valid: (name: String, description: String?)?
        do { valid = try draft.validate() } catch { errors.merge(error) }
        let coop = try await UUID(uuidString: TextRules.clean(coopID) ?? "").asyncFlatMap { try await Cooperative.find($0, on: db) }
        if coop?.networkID != networkID { errors.add("coopID", "Choisissez une coopérative du réseau.") }
        if let name = valid?.name, try await CooperativeTemplateRecord.query(on: db).filter(\.$networkID == networkID).filter(\.$name == name).count() > 0 {
            errors.add("name", "Un modèle porte déjà ce nom.")
        }
        try errors.throwIfAny()
        let template = CooperativeTemplateRecord()
        template.networkID = networkID
        template.name = valid!.name
        template.presentation = valid!.description
        template.sourceCoopID = coop!.id
        template.setupJSON = String(decoding: try JSONEncoder().encode(try await snapshot(of: coop!)), as: UTF8.self)
        try await template.create(on: db)
        return template
    }

    /// What a cooperative's founders typed, as a template keeps it.
    func snapshot(of coop: Cooperative) async throws -> TemplateSetup {
        let coopID = coop.id!
        var setup = TemplateSetup()
        let categories = try await MemberCategory.query(on: db).filter(\.$cooperativeID == coopID).sort(\.$name).all()
        let names = Dictionary(uniqueKeysWithValues: categories.map { ($0.id!.uuidString, $0.name) })
        setup.categories = categories.map { .init(name: $0.name, kind: $0.kind) }
        setup.colleges = try await VotingCollege.query(on: db).filter(\.$cooperativeID == coopID).sort(\.$name).all().map { .init(name: $0.name, weightPercent: $0.weightPercent) }
        setup.shareClasses = try await ShareClass.query(on: db).filter(\.$cooperativeID == coopID).sort(\.$name).all().map { shareClass in
            .init(name: shareClass.name, nominalCents: shareClass.nominalCents, minimumQuantity: shareClass.minimumQuantity,
                  eligibleCategories: (shareClass.eligibleCategories ?? "").split(separator: ",").compactMap { names[String($0).uppercased()] ?? names[String($0)] })
        }
        if let statutes = try await Statutes.find(coopID, on: db) {
            setup.statutes = .init(collegesEnabled: statutes.collegesEnabled, maxProxies: statutes.maxProxies, proxySameCollege: statutes.proxySameCollege,
                                   ordinaryFirstQuorum: statutes.ordinaryFirstQuorum, ordinarySecondQuorum: statutes.ordinarySecondQuorum,
                                   extraordinaryFirstQuorum: statutes.extraordinaryFirstQuorum, extraordinarySecondQuorum: statutes.extraordinarySecondQuorum,
                                   ordinaryMajority: statutes.ordinaryMajority, extraordinaryMajority: statutes.extraordinaryMajority)
        }
        // The grids in force today: a new cooperative starts from the current prices.
        setup.tariffGrids = try await TariffGridRecord.query(on: db).filter(\.$cooperativeID == coopID).sort(\.$validFrom).all()
            .filter { $0.validTo.map { CalendarDay(date: $0) >= .today } ?? true }
            .map { .init(name: $0.name, brackets: $0.brackets, effortPermille: $0.effortPermille, effortMinCents: $0.effortMinCents, effortMaxCents: $0.effortMaxCents, funderName: $0.funderName) }
        setup.products = try await Product.query(on: db).filter(\.$cooperativeID == coopID).filter(\.$active == true).sort(\.$name).all()
            .map { .init(name: $0.name, category: $0.category, publicPriceCents: $0.publicPriceCents, vatRate: $0.vatRate) }
        setup.competences = try await Competence.query(on: db).filter(\.$cooperativeID == coopID).filter(\.$active == true).sort(\.$position).all().map(\.label)
        return setup
    }

    /// Writes a template's setup into a new cooperative, and its road to the SCIC from
    /// `start`, in the caller's transaction.
    static func apply(_ setup: TemplateSetup, to coop: Cooperative, start: CalendarDay, authorLabel: String, on tx: any Database) async throws {
        let coopID = coop.id!
        var categoryIDs: [String: UUID] = [:]
        for category in setup.categories {
            let row = MemberCategory()
            row.cooperativeID = coopID
            row.name = category.name
            row.kind = category.kind
            try await row.create(on: tx)
            categoryIDs[category.name] = row.id
        }
        for college in setup.colleges {
            let row = VotingCollege()
            row.cooperativeID = coopID
            row.name = college.name
            row.weightPercent = college.weightPercent
            try await row.create(on: tx)
        }
        for shareClass in setup.shareClasses {
            let row = ShareClass()
            row.cooperativeID = coopID
            row.name = shareClass.name
            row.nominalCents = shareClass.nominalCents
            row.minimumQuantity = shareClass.minimumQuantity
            let eligible = shareClass.eligibleCategories.compactMap { categoryIDs[$0]?.uuidString }
            row.eligibleCategories = eligible.isEmpty ? nil : eligible.joined(separator: ",")
            try await row.create(on: tx)
        }
        if let statutes = setup.statutes {
            let row = Statutes()
            row.id = coopID
            row.collegesEnabled = statutes.collegesEnabled
            row.maxProxies = statutes.maxProxies
            row.proxySameCollege = statutes.proxySameCollege
            row.ordinaryFirstQuorum = statutes.ordinaryFirstQuorum
            row.ordinarySecondQuorum = statutes.ordinarySecondQuorum
            row.extraordinaryFirstQuorum = statutes.extraordinaryFirstQuorum
            row.extraordinarySecondQuorum = statutes.extraordinarySecondQuorum
            row.ordinaryMajority = statutes.ordinaryMajority
            row.extraordinaryMajority = statutes.extraordinaryMajority
            try await row.create(on: tx)
        }
        for grid in setup.tariffGrids {
            let row = TariffGridRecord()
            row.cooperativeID = coopID
            row.name = grid.name
            row.validFrom = start.date
            row.brackets = grid.brackets
            row.effortPermille = grid.effortPermille
            row.effortMinCents = grid.effortMinCents
            row.effortMaxCents = grid.effortMaxCents
            row.funderName = grid.funderName
            row.authorLabel = authorLabel
            try await row.create(on: tx)
        }
        for product in setup.products {
            let row = Product()
            row.cooperativeID = coopID
            row.name = product.name
            row.category = product.category
            row.publicPriceCents = product.publicPriceCents
            row.vatRate = product.vatRate
            row.active = true
            try await row.create(on: tx)
        }
        for (position, label) in setup.competences.enumerated() {
            let row = Competence()
            row.cooperativeID = coopID
            row.label = label
            row.position = position + 1
            row.active = true
            try await row.create(on: tx)
        }
        try await startOnboarding(setup.onboarding, for: coop, start: start, on: tx)
    }

    /// The road's steps, due so many weeks after `start`.
    static func startOnboarding(_ steps: [OnboardingStep], for coop: Cooperative, start: CalendarDay, on tx: any Database) async throws {
        for (position, step) in steps.enumerated() {
            let row = OnboardingTask()
            row.cooperativeID = coop.id!
            row.position = position + 1
            row.key = step.key
            row.title = step.title
            row.who = step.who
            row.dueOn = start.adding(days: step.weeksAfterStart * 7).date
            try await row.create(on: tx)
        }
    }
}

/// A cooperative's road from the collective to the SCIC.
struct OnboardingRepository: Sendable {
    let db: any Database
    let scope: CooperativeScope

    func tasks() async throws -> [OnboardingTask] {
        try await OnboardingTask.query(on: db).filter(\.$cooperativeID == scope.id).sort(\.$position).all()
    }

    /// Marks a step done today (or undone); for the coordination and the network admins.
    func mark(_ taskID: UUID?, done: Bool) async throws -> [OnboardingTask] {
        try scope.require(.editCooperative)
        guard let taskID, let task = try await OnboardingTask.query(on: db).filter(\.$id == taskID).filter(\.$cooperativeID == scope.id).first() else { throw Problem.notFound }
        task.doneOn = done ? (task.doneOn ?? CalendarDay.today.date) : nil
        try await task.save(on: db)
        return try await tasks()
    }

    static func progress(_ tasks: [OnboardingTask]) -> OnboardingProgress? {
        tasks.isEmpty ? nil : OnboardingProgress(tasks.map { ($0.title, CalendarDay(date: $0.dueOn), $0.doneOn.map { CalendarDay(date: $0) }) }, today: .today)
    }
}
