import Fluent
import Foundation
import MaillageCore
import Vapor

struct SaleDTO: Content {
    struct Line: Content {
        var productID: UUID
        var name: String
        var quantity: Int
        var publicPriceCents: Int
        var priceCents: Int
        var solidarityCents: Int
        var tier: String
        var vatRate: Double
    }
    struct Payment: Content {
        var method: String
        var amountCents: Int
    }
    struct VATLine: Content {
        var rate: Double
        var grossCents: Int
        var vatCents: Int
    }
    var id: UUID
    var number: Int
    var householdID: UUID?
    var tier: String
    var lines: [Line]
    var payments: [Payment]
    var totalCents: Int
    var dueCents: Int
    var donationCents: Int
    var poolDrawCents: Int
    var suspendedMealsUsed: Int
    var changeCents: Int
    var solidarityCents: Int
    var vat: [VATLine]
    var refundOf: UUID?
    var recordedAt: Date
    var cashier: String
    var hash: String
    /// A ticket of the training mode (mode école): numbered apart, outside the journal.
    var training: Bool?

    init(_ sale: Sale) {
        id = sale.id!
        number = sale.number
        householdID = sale.householdID
        tier = sale.tier
        let rows = sale.lines.sorted { $0.position < $1.position }
        lines = rows.map {
            Line(productID: $0.productID, name: $0.productName, quantity: $0.quantity, publicPriceCents: $0.publicPriceCents, priceCents: $0.priceCents,
                 solidarityCents: ($0.publicPriceCents - $0.priceCents) * $0.quantity, tier: $0.tier, vatRate: Double($0.vatRate) / 10)
        }
        payments = sale.payments.sorted { $0.position < $1.position }.map { Payment(method: $0.method, amountCents: $0.amountCents) }
        totalCents = sale.totalCents
        dueCents = sale.totalCents - sale.poolDrawCents
        donationCents = sale.donationCents
        poolDrawCents = sale.poolDrawCents
        suspendedMealsUsed = sale.suspendedMeals
        changeCents = sale.changeCents
        solidarityCents = lines.reduce(0) { $0 + $1.solidarityCents }
        vat = VATBreakdown(rows.map { (VATRate(rawValue: $0.vatRate) ?? .standard, $0.priceCents * $0.quantity) }).lines.map {
            VATLine(rate: Double($0.rate.rawValue) / 10, grossCents: $0.grossCents, vatCents: $0.vatCents)
        }
        refundOf = sale.refundOf
        recordedAt = sale.recordedAt
        cashier = sale.cashierLabel
        hash = sale.hash
    }
}

struct SaleBody: Decodable {
    struct Line: Decodable {
        var productID: String?
        var quantity: Int?
    }
    struct Payment: Decodable {
        var method: String?
        var amountCents: Int?
    }
    var householdID: String?
    var lines: [Line]?
    var payments: [Payment]?
    var donationCents: Int?
    var suspendedMealsUsed: Int?
    /// The training mode (mode école): priced like a sale, recorded apart.
    var training: Bool?

    var draft: SaleDraft {
        SaleDraft(householdID: householdID, lines: (lines ?? []).map { .init(productID: $0.productID, quantity: $0.quantity) },
                  payments: (payments ?? []).map { .init(method: $0.method, amountCents: $0.amountCents) },
                  donationCents: donationCents, suspendedMealsUsed: suspendedMealsUsed)
    }
}

struct JournalVerificationDTO: Content {
    var ok: Bool
    var entries: Int
    var firstBrokenNumber: Int?
}

/// `/api/v1/coops/:coopID/sales…`, `/journal/verify`, `/pool`.
struct SalesAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let coop = routes.grouped("coops", ":coopID")
        coop.post("sales", use: record)
        coop.get("sales", use: list)
        coop.get("sales", ":saleID", use: show)
        coop.post("sales", ":saleID", "refund", use: refund)
        coop.get("journal", "verify", use: verify)
        coop.get("pool", use: pool)
        coop.post("closings", use: close)
        coop.get("closings", use: closings)
        coop.get("closings", ":closingID", "archive", use: archive)
    }

    func archive(request: Request) async throws -> Response {
        let repository = try await request.tradeRepository(.sell)
        let closing = try await repository.closing(try request.uuidParameter("closingID"))
        return TillPagesController.archiveResponse(try await repository.archive(of: closing), closing: closing)
    }

    struct ClosingBody: Decodable {
        var period: String?
        var date: String?
        /// The cash counted in the drawer (a Z), in cents…
        var countedCashCents: Int?
        /// …or the pieces by denomination, in cents (`{"2000": 3}`: three 20 € notes).
        var cashCount: [String: Int]?
    }

    func close(request: Request) async throws -> Response {
        let scope = try await request.cooperativeScope(.sell)
        let body = try request.decodeJSON(ClosingBody.self)
        var pieces: [Int: Int] = [:]
        for (key, count) in body.cashCount ?? [:] {
            guard let cents = Int(key), CashCount.denominations.contains(cents) else {
                throw Problem.invalid(FieldErrors(["cashCount": "« \(key) » n'est pas une pièce ni un billet en euros : les clés sont en centimes, de 1 à 50000."]))
            }
            pieces[cents] = count
        }
        let count = CashCountDraft(pieces: pieces, totalCents: body.countedCashCents)
        return try await Idempotency.respond(to: request, status: .created) { db in
            try await db.transaction { tx in
                ClosingDTO(try await TradeRepository(db: tx, scope: scope).close(period: body.period, date: body.date, count: count, today: .today, on: tx))
            }
        }
    }

    func closings(request: Request) async throws -> Response {
        let repository = try await request.tradeRepository(.sell)
        return try Idempotency.encode(status: .ok, body: Page(items: try await repository.closings().map(ClosingDTO.init), nextCursor: nil))
    }

    /// With an `Idempotency-Key`, a sale sent again after a network drop answers the first one.
    func record(request: Request) async throws -> Response {
        let scope = try await request.cooperativeScope(.sell)
        let body = try request.decodeJSON(SaleBody.self)
        let draft = body.draft
        if let replay = try await Idempotency.storedAnswer(to: request) { return replay }
        // Checked and priced before the transaction: the journal's lock is held only for the
        // numbering, the hash and the writes.
        let priced = try await TradeRepository(db: request.db, scope: scope).price(draft)
        let training = body.training == true
        return try await Idempotency.respond(to: request, status: .created) { db in
            try await db.transaction { tx in
                let repository = TradeRepository(db: tx, scope: scope)
                return training ? try await repository.recordTraining(priced, on: tx) : SaleDTO(try await repository.record(priced, on: tx))
            }
        }
    }

    func list(request: Request) async throws -> Response {
        let repository = try await request.tradeRepository(.sell)
        // Fifty tickets a page unless a `limit` is asked for: a year holds tens of thousands.
        let asked = try request.ticketsQuery()
        let page = try await repository.sales(asked.filter, number: asked.number, from: asked.from, to: asked.to)
        return try Idempotency.encode(status: .ok, body: Page(items: page.rows.map(SaleDTO.init), nextCursor: page.hasNext ? String(page.page + 1) : nil))
    }

    func show(request: Request) async throws -> Response {
        let repository = try await request.tradeRepository(.sell)
        return try Idempotency.encode(status: .ok, body: SaleDTO(try await repository.sale(try request.uuidParameter("saleID"))))
    }

    func refund(request: Request) async throws -> Response {
        let repository = try await request.tradeRepository(.sell)
        let original = try await repository.sale(try request.uuidParameter("saleID"))
        let scope = repository.scope
        return try await Idempotency.respond(to: request, status: .created) { db in
            try await db.transaction { tx in
                SaleDTO(try await TradeRepository(db: tx, scope: scope).refund(original, on: tx))
            }
        }
    }

    func verify(request: Request) async throws -> Response {
        let repository = try await request.tradeRepository(.sell)
        let result = try await repository.verifyJournal()
        return try Idempotency.encode(status: .ok, body: JournalVerificationDTO(ok: result.ok, entries: result.entries, firstBrokenNumber: result.firstBrokenNumber))
    }

    struct PoolDTO: Content { var balanceCents: Int }

    func pool(request: Request) async throws -> Response {
        let repository = try await request.tradeRepository(.sell)
        return try Idempotency.encode(status: .ok, body: PoolDTO(balanceCents: try await repository.poolBalance()))
    }
}

/// `maillage journal verify --coop ID`: recomputes the chain; exits non-zero when broken.
struct JournalCommands: AsyncCommandGroup {
    var help: String { "The tamper-evident cash journal." }
    var commands: [String: any AnyAsyncCommand] { ["verify": JournalVerifyCommand()] }
}

struct JournalVerifyCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "coop", help: "The cooperative's id") var coop: String?
    }

    var help: String { "Recomputes a cooperative's cash journal chain and names the first broken entry." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let db = context.application.db
        guard let raw = signature.coop, let id = UUID(uuidString: raw), try await Cooperative.find(id, on: db) != nil else {
            throw CommandFailure("Coopérative inconnue : --coop ID attend l'identifiant d'une coopérative.")
        }
        let result = try await TradeRepository.verify(cooperativeID: id, on: db)
        if result.ok {
            context.console.print("Journal intègre : \(result.entries) écritures vérifiées.")
        } else {
            throw CommandFailure("Journal rompu à l'écriture n° \(result.firstBrokenNumber ?? 0) (sur \(result.entries)).")
        }
    }
}
