import Fluent
import Foundation
import MaillageCore
import Vapor

/// A sale as the till sends it.
struct SaleDraft: Sendable {
    struct LineDraft: Sendable {
        var productID: String?
        var quantity: Int?
    }
    struct PaymentDraft: Sendable {
        var method: String?
        var amountCents: Int?
    }
    var householdID: String?
    var lines: [LineDraft]
    var payments: [PaymentDraft]
    var donationCents: Int?
    var suspendedMealsUsed: Int?
}

/// A sale checked and priced, ready to be numbered: plain values, read before the journal's
/// lock is taken.
struct PricedSale: Sendable {
    struct Line: Sendable {
        var productID: UUID
        var productName: String
        var category: String
        var quantity: Int
        var publicPriceCents: Int
        var priceCents: Int
        var vatRate: Int
        var tier: String
        var fundedBy: String?
    }
    struct Payment: Sendable {
        var method: String
        var amountCents: Int
    }
    var householdID: UUID?
    var tier: String
    var totalCents: Int
    var donationCents: Int
    var poolDrawCents: Int
    var suspendedMeals: Int
    var changeCents: Int
    var lines: [Line]
    var payments: [Payment]

    /// The ticket with its number, recorded now (to the second, as the journal hashes it).
    func sale(number: Int, cooperativeID: UUID, cashier: String) -> Sale {
        let sale = Sale()
        sale.id = UUID()
        sale.cooperativeID = cooperativeID
        sale.number = number
        sale.householdID = householdID
        sale.tier = tier
        sale.totalCents = totalCents
        sale.donationCents = donationCents
        sale.poolDrawCents = poolDrawCents
        sale.suspendedMeals = suspendedMeals
        sale.changeCents = changeCents
        sale.cashierLabel = cashier
        sale.recordedAt = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        return sale
    }

    /// The ticket's lines and payments, in their order.
    func rows(of saleID: UUID) -> (lines: [SaleLine], payments: [SalePayment]) {
        (lines.enumerated().map { index, line in
            SaleLine(saleID: saleID, position: index, productID: line.productID, productName: line.productName, category: line.category,
                     quantity: line.quantity, publicPriceCents: line.publicPriceCents, priceCents: line.priceCents, vatRate: line.vatRate,
                     tier: line.tier, fundedBy: line.fundedBy)
         },
         payments.enumerated().map { SalePayment(saleID: saleID, position: $0, method: $1.method, amountCents: $1.amountCents) })
    }
}

extension TradeRepository {
    private func salesQuery() -> QueryBuilder<Sale> {
        Sale.query(on: db).filter(\.$cooperativeID == scope.id).with(\.$lines).with(\.$payments)
    }

    func sale(_ id: UUID) async throws -> Sale {
        try scope.require(.sell)
        guard let sale = try await salesQuery().filter(\.$id == id).first() else { throw Problem.notFound }
        return sale
    }

    /// The list's filter: sales or refunds.
    static var saleStates: [(raw: String, label: String)] { [("sale", "Ventes"), ("refund", "Remboursements")] }

    /// One page of tickets, newest first, read from the database page by page (a year holds
    /// tens of thousands): a ticket's number, sales or refunds, a period of Paris days.
    func sales(_ filter: ListFilter, number: Int?, from: CalendarDay?, to: CalendarDay?) async throws -> ListPage<Sale> {
        try scope.require(.sell)
        func query() -> QueryBuilder<Sale> {
            let query = Sale.query(on: db).filter(\.$cooperativeID == scope.id)
            if let number { query.filter(\.$number == number) }
            if filter.states == ["refund"] { query.filter(\.$refundOf != nil) }
            if filter.states == ["sale"] { query.filter(\.$refundOf == nil) }
            if let from { query.filter(\.$recordedAt >= from.date) }
            if let to { query.filter(\.$recordedAt < to.adding(days: 1).date) }
            return query
        }
        let total = try await query().count()
        let perPage = max(1, filter.perPage)
        let pageCount = max(1, (total + perPage - 1) / perPage)
        let page = min(max(1, filter.page), pageCount)
        let rows = try await query().with(\.$lines).with(\.$payments).sort(\.$number, .descending)
            .range(((page - 1) * perPage)..<(page * perPage)).all()
        return ListPage(rows: rows, total: total, page: page, pageCount: pageCount)
    }


    /// The pool of suspended meals and donations: what came in minus what went out, added up
    /// from the day totals (a few rows a day, kept in each sale's transaction) rather than from
    /// every ticket ever made: the till page shows it, and a suspended meal checks it.
    func poolBalance(on database: (any Database)? = nil) async throws -> Int {
        let sums = try await SaleDayTotals.pool(of: scope.id, on: database ?? db)
        return SolidarityPool.balance([.donation(cents: sums.donation), .draw(cents: sums.poolDraw)])
    }

    /// Records a sale: checked and priced first, then numbered, hashed and written in the
    /// journal. `recordSale` does both on one connection; the API prices before its
    /// transaction so that the journal's lock is held only for the numbering and the writes.
    func recordSale(_ draft: SaleDraft, on tx: any Database, today: CalendarDay = .today) async throws -> Sale {
        try await record(try await price(draft, on: tx, today: today), on: tx, today: today)
    }

    /// Checks a sale and prices it at the household's tier on the grid in force: the
    /// household, the products, the quantities, the payments and the change. Reads only:
    /// nothing is locked, nothing written.
    func price(_ draft: SaleDraft, on database: (any Database)? = nil, today: CalendarDay = .today) async throws -> PricedSale {
        try scope.require(.sell)
        let db = database ?? self.db
        var errors = FieldErrors()
        var household: Household?
        if let raw = TextRules.clean(draft.householdID) {
            if let id = UUID(uuidString: raw) {
                household = try await Household.query(on: db).filter(\.$id == id).filter(\.$cooperativeID == scope.id).first()
            }
            if household == nil { errors.add("householdID", "Cette carte n'est pas connue de la coopérative.") }
        }
        if draft.lines.isEmpty { errors.add("lines", "Ajoutez au moins un produit.") }
        if draft.lines.count > SaleRules.maximumLines {
            errors.add("lines", "Un ticket compte au plus \(SaleRules.maximumLines) lignes.")
            try errors.throwIfAny()
        }
        let ids = draft.lines.compactMap { $0.productID.flatMap(UUID.init(uuidString:)) }
        let products = Dictionary(uniqueKeysWithValues: try await Product.query(on: db).filter(\.$cooperativeID == scope.id)
            .filter(\.$id ~~ ids).all().map { ($0.id!, $0) })
        var items: [(Product, SaleRules.Item)] = []
        for (index, line) in draft.lines.enumerated() {
            guard let id = line.productID.flatMap(UUID.init(uuidString:)), let product = products[id], product.active else {
                errors.add("lines[\(index)].productID", "Ce produit n'est pas au catalogue (ou n'est plus en vente).")
                continue
            }
            guard let quantity = line.quantity, (1...SaleRules.maximumQuantity).contains(quantity) else {
                errors.add("lines[\(index)].quantity", "La quantité va de 1 à \(SaleRules.maximumQuantity).")
                continue
            }
            items.append((product, SaleRules.Item(publicPriceCents: product.publicPriceCents, vatRate: product.rate, category: product.category, quantity: quantity)))
        }
        let donation = draft.donationCents ?? 0
        if donation < 0 || donation > ProductDraft.maximumPriceCents { errors.add("donationCents", "Le don va de 0 à 10 000 €.") }
        let meals = draft.suspendedMealsUsed ?? 0
        if meals < 0 { errors.add("suspendedMealsUsed", "Le nombre de repas suspendus ne peut pas être négatif.") }
        var payments: [(method: PaymentMethod, cents: Int)] = []
        for (index, payment) in draft.payments.enumerated() {
            guard let method = PaymentMethod(rawValue: payment.method ?? "") else {
                errors.add("payments[\(index)].method", "Moyen de paiement : " + PaymentMethod.allCases.map { "\($0.frenchLabel.lowercased()) (\($0.rawValue))" }.joined(separator: ", ") + ".")
                continue
            }
            guard let cents = payment.amountCents, (0...ProductDraft.maximumPriceCents * 10).contains(cents) else {
                errors.add("payments[\(index)].amountCents", "Le montant est en centimes, positif.")
                continue
            }
            payments.append((method, cents))
        }
        let applied = household.map { Eligibility.tier(stored: Tier(code: $0.tier) ?? .publicPrice, validUntil: CalendarDay(date: $0.validUntil), on: today) }
        let tier = applied?.tier ?? .publicPrice
        if meals > 0 {
            if tier == .publicPrice { errors.add("suspendedMealsUsed", "Un repas suspendu est réservé à un foyer dont le justificatif est valable.") }
            if meals > SaleRules.mealUnits(items.map(\.1)) { errors.add("suspendedMealsUsed", "Chaque repas suspendu paie un repas du ticket.") }
        }
        try errors.throwIfAny()

        let grid = try await TradeRepository(db: db, scope: scope).currentGrid(on: today)
        let ticket = SaleRules.ticket(items: items.map(\.1), tier: tier, familyQuotient: household?.familyQuotient, grid: grid?.grid,
                                      donationCents: donation, suspendedMeals: meals)
        let change: Int
        switch SaleRules.change(due: ticket.dueCents, payments: payments) {
        case .success(let cents): change = cents
        case .failure(.notCovered(let missing)):
            throw Problem.invalid(FieldErrors(["payments": "Il manque \(Euros.french(missing)) pour couvrir le ticket."]))
        case .failure(.changeWithoutCash):
            throw Problem.invalid(FieldErrors(["payments": "Le rendu de monnaie ne se fait qu'en espèces : ajustez les montants."]))
        }
        return PricedSale(
            householdID: household?.id, tier: ticket.lines.first?.tier.description ?? tier.description, totalCents: ticket.totalCents,
            donationCents: donation, poolDrawCents: ticket.poolDrawCents, suspendedMeals: meals, changeCents: change,
            lines: zip(items, ticket.lines).map { pair in
                PricedSale.Line(productID: pair.0.0.id!, productName: pair.0.0.name, category: pair.0.0.category, quantity: pair.1.item.quantity,
                                publicPriceCents: pair.1.item.publicPriceCents, priceCents: pair.1.priceCents, vatRate: pair.1.item.vatRate.rawValue,
                                tier: pair.1.tier.description, fundedBy: pair.1.solidarityCents > 0 ? grid?.funderName : nil)
            },
            payments: payments.map { PricedSale.Payment(method: $0.method.rawValue, amountCents: $0.cents) })
    }

    /// Writes a priced sale in the journal: the next number first (writing before reading makes
    /// SQLite take the write lock at once, and on PostgreSQL the counter's row lock makes the
    /// cooperative's sales wait for each other), then the day's closing and the pool checked
    /// under that lock, so that two sales cannot spend the same balance.
    func record(_ priced: PricedSale, on tx: any Database, today: CalendarDay = .today) async throws -> Sale {
        try scope.require(.sell)
        let entry = try await SaleJournal.nextEntry(cooperativeID: scope.id, on: tx)
        try await refuseIfClosed(today, on: tx)
        if priced.poolDrawCents > 0 {
            let balance = try await poolBalance(on: tx)
            guard SolidarityPool.canDraw(priced.poolDrawCents, from: balance) else {
                throw Problem.invalid(FieldErrors(["suspendedMealsUsed": "La caisse de solidarité n'a que \(Euros.french(balance)) : pas assez pour ces repas."]))
            }
        }
        let sale = priced.sale(number: entry.number, cooperativeID: scope.id, cashier: scope.principal.name)
        let rows = priced.rows(of: sale.id!)
        try await seal(sale, lines: rows.lines, payments: rows.payments, previousHash: entry.previousHash, on: tx)
        return sale
    }

    private func refuseIfClosed(_ day: CalendarDay, on tx: any Database) async throws {
        if try await dayIsClosed(day, on: tx) {
            throw Problem(status: .conflict, title: "Journée clôturée", detail: "La clôture du jour (Z) est faite : plus de ticket aujourd'hui.")
        }
    }

    /// Appends the entry to the journal and moves the cooperative's counter to its hash.
    private func seal(_ sale: Sale, lines: [SaleLine], payments: [SalePayment], previousHash: String, on tx: any Database) async throws {
        try await SaleJournal.append(sale, lines: lines, payments: payments, previousHash: previousHash, on: tx)
        try await SaleJournal.close(cooperativeID: scope.id, hash: sale.hash, on: tx)
    }

    /// A refund: a new negative ticket mirroring the sale, never an edit. A sale is refunded
    /// once; the pool gets back what it paid and gives back the donation.
    func refund(_ original: Sale, on tx: any Database) async throws -> Sale {
        try scope.require(.sell)
        let entry = try await SaleJournal.nextEntry(cooperativeID: scope.id, on: tx)
        try await refuseIfClosed(.today, on: tx)
        guard original.refundOf == nil else {
            throw Problem(status: .conflict, title: "Remboursement impossible", detail: "Un remboursement ne se rembourse pas.")
        }
        if try await Sale.query(on: tx).filter(\.$refundOf == original.id!).count() > 0 {
            throw Problem(status: .conflict, title: "Déjà remboursée", detail: "Cette vente a déjà été remboursée.")
        }
        // Giving back a donation the pool has already spent would make it negative.
        if original.donationCents > original.poolDrawCents {
            let balance = try await poolBalance(on: tx)
            guard SolidarityPool.canDraw(original.donationCents - original.poolDrawCents, from: balance) else {
                throw Problem(status: .conflict, title: "Caisse de solidarité insuffisante",
                              detail: "Le don de cette vente a déjà servi : la caisse de solidarité ne peut pas le rendre.")
            }
        }
        let (refund, lines, payments) = Sale.refund(of: original, number: entry.number, cashier: scope.principal.name,
                                                    at: Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down)))
        try await seal(refund, lines: lines, payments: payments, previousHash: entry.previousHash, on: tx)
        return refund
    }

    /// Recomputes the whole chain from the rows.
    func verifyJournal() async throws -> CashJournal.Verification {
        try scope.require(.sell)
        return try await Self.verify(cooperativeID: scope.id, on: db)
    }

    static func verify(cooperativeID: UUID, on db: any Database) async throws -> CashJournal.Verification {
        try await SaleJournal.verify(cooperativeID: cooperativeID, on: db)
    }
}
