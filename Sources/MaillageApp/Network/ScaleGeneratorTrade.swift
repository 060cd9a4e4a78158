import Fluent
import Foundation
import MaillageCore
import SQLKit
import Vapor

/// A cooperative's sourcing and till at scale: suppliers and their purchases, the catalogue and
/// three years of tickets chained in the cash journal (`seed --scale N`, ScaleData.swift).
extension ScaleGenerator {
    // MARK: Suppliers and purchases

    mutating func sourcing(on tx: any Database) async throws {
        let families = ProductFamily.allCases
        var suppliers: [(supplier: Supplier, labels: [PurchaseCharacteristic])] = []
        for number in 1...volumes.suppliers {
            let kind = SupplierKind.allCases[number % SupplierKind.allCases.count]
            var labels: [PurchaseCharacteristic] = [.france]
            if number % 3 == 0 { labels.append(.bio) }
            if number % 4 == 1 { labels.append(.labelRouge) }
            if kind == .producer || number % 2 == 0 { labels += [.shortCircuit, .local] }
            let supplier = Supplier()
            supplier.id = UUID()
            supplier.cooperativeID = coopID
            supplier.name = "Fournisseur \(ScaleData.twoDigits(number)) de la coopérative \(index)"
            supplier.siret = nil
            supplier.kind = kind.rawValue
            supplier.address = nil
            supplier.postalCode = "13012"
            supplier.commune = "Marseille"
            supplier.departement = "13"
            supplier.region = "Provence-Alpes-Côte d'Azur"
            supplier.distanceKm = Double(2 + number * 7)
            supplier.latitude = nil
            supplier.longitude = nil
            supplier.qpvCode = number % 5 == 0 ? "QN01306M" : nil
            supplier.intermediaries = number % 2
            supplier.labels = labels.map(\.rawValue).joined(separator: ",")
            supplier.localKind = labels.contains(.local) ? LocalDefinitionKind.departement.rawValue : nil
            supplier.localKm = nil
            supplier.defaultFamily = families[number % families.count].rawValue
            supplier.contactName = nil
            supplier.contactEmail = nil
            supplier.contactPhone = nil
            try await supplier.create(on: tx)
            suppliers.append((supplier, labels))
        }
        var purchases = BatchWriter<Purchase>(on: tx)
        var lines = try RowWriter(on: tx, into: PurchaseLine.schema, columns: ["id", "purchase_id", "cooperative_id", "supplier_id", "date", "position", "description",
                                                                              "family", "price_cents", "quantity", "unit", "characteristics", "local_kind",
                                                                              "local_km", "egalim"])
        for number in 0..<volumes.purchases {
            let (supplier, labels) = suppliers[random.next(suppliers.count)]
            let day = first.adding(days: number * volumes.days / volumes.purchases)
            let purchase = Purchase()
            purchase.id = UUID()
            purchase.cooperativeID = coopID
            purchase.supplierID = supplier.id!
            purchase.date = day.date
            purchase.reference = "F\(day.year)-\(number)"
            purchase.source = "form"
            purchase.authorLabel = coordinator
            purchase.attachmentName = nil
            purchase.attachmentType = nil
            var total = 0
            for position in 0..<volumes.linesPerPurchase {
                let family = families[(position + random.next(3)) % families.count]
                // A line carries its supplier's labels; one in five leaves out the short-circuit and local mentions.
                let characteristics = random.next(5) == 0 ? labels.filter { $0 != .shortCircuit && $0 != .local } : labels
                let cents = 500 + random.next(9_500)
                lines.add([UUID(), purchase.id, coopID, supplier.id, day.date, position, "\(family.frenchLabel) n° \(position + 1)",
                           family.rawValue, cents, Double(1 + random.next(20)), "kg", characteristics.map(\.rawValue).joined(separator: ","),
                           characteristics.contains(.local) ? supplier.localKind : nil, nil as Int?, EgalimClass.classify(Set(characteristics)).rawValue])
                total += cents
            }
            purchase.totalCents = total
            purchases.add(purchase)
            if lines.isFull { try await purchases.flush(); try await lines.flush() }
        }
        try await purchases.flush(); try await lines.flush()
        counts.purchases = purchases.written
        counts.purchaseLines = lines.written
    }

    // MARK: The till

    mutating func trade(on tx: any Database) async throws {
        var products: [Product] = []
        for item in DemoTrade.products {
            let product = Product()
            product.cooperativeID = coopID
            product.name = item.name
            product.category = item.category
            product.publicPriceCents = item.cents
            product.vatRate = item.rate.rawValue
            product.active = true
            try await product.create(on: tx)
            products.append(product)
        }
        let grid = TariffGridRecord()
        grid.cooperativeID = coopID
        grid.name = "Grille solidaire"
        grid.validFrom = first.adding(days: -1).date
        let brackets = [TariffBracketDTO(maxFamilyQuotient: 400, priceCents: nil, percentOfPublic: 25),
                        TariffBracketDTO(maxFamilyQuotient: 700, priceCents: nil, percentOfPublic: 50),
                        TariffBracketDTO(maxFamilyQuotient: 1_000, priceCents: nil, percentOfPublic: 75),
                        TariffBracketDTO(maxFamilyQuotient: nil, priceCents: nil, percentOfPublic: 100)]
        grid.brackets = String(decoding: try JSONEncoder().encode(brackets), as: UTF8.self)
        grid.authorLabel = coordinator
        grid.funderName = "CCAS du territoire \(index)"
        try await grid.create(on: tx)
        let rules = grid.grid

        var households: [(id: UUID, tier: Tier)] = []
        var cards = BatchWriter<Household>(on: tx)
        for number in 1...volumes.households {
            let tier: Tier = number == 1 ? .bracket(1) : .bracket(1 + random.next(3))
            let issued = today.adding(days: -random.next(300))
            let household = Household()
            household.id = UUID()
            household.cooperativeID = coopID
            household.card = ScaleData.card(index, number)
            household.proofKind = ProofKind.cafCertificate.rawValue
            household.issuedOn = issued.date
            household.validUntil = issued.adding(months: ProofDraft.defaultValidityMonths).date
            household.tier = tier.description
            household.familyQuotient = nil
            household.gridID = grid.id
            household.verifiedByLabel = coordinator
            cards.add(household)
            households.append((household.id!, tier))
            if cards.isFull { try await cards.flush() }
        }
        try await cards.flush()

        let meal = products[0], child = products[1], coffee = products[2], platter = products[3], lamp = products[4], sewing = products[5]
        var sales = try RowWriter(on: tx, into: Sale.schema, columns: SaleJournal.ticketColumns)
        var lines = try RowWriter(on: tx, into: SaleLine.schema, columns: SaleJournal.lineColumns)
        var payments = try RowWriter(on: tx, into: SalePayment.schema, columns: SaleJournal.paymentColumns)
        let formatter = ISO8601DateFormatter()
        var totals = SaleDayTotals.Increment()
        var number = 0
        var previousHash = CashJournal.genesis
        var pool = 0
        for offset in stride(from: volumes.days, through: 1, by: -1) {
            let day = today.adding(days: -offset)
            guard day.isoWeekday <= 5 else { continue }
            let midnight = day.date
            let tickets = volumes.ticketsPerDay.least + random.next(volumes.ticketsPerDay.spread)
            for ticketIndex in 0..<tickets {
                let lunch = ticketIndex < tickets * 85 / 100
                let minutes = lunch ? 11 * 60 + 45 + random.next(150) : 15 * 60 + random.next(120)
                let household = random.next(100) < 45 ? nil : households[random.next(households.count)]
                let tier = household?.tier ?? .publicPrice
                var items: [(Product, Int)]
                if lunch {
                    items = [(meal, 1 + (random.next(4) == 0 ? 1 : 0))]
                    if random.next(20) < 17 { items.append((coffee, 1 + random.next(2))) }
                    if household != nil && random.next(3) == 0 { items.append((child, 1 + random.next(2))) }
                } else {
                    items = [([lamp, sewing, platter][random.next(3)], 1), (coffee, 1)]
                    if random.next(2) == 0 { items.append((meal, 1)) }
                }
                let donation = household == nil && lunch && random.next(8) == 0 ? 900 : 0
                let wantsSuspended = tier == .bracket(1) && lunch && random.next(3) == 0
                let ruleItems = items.map { SaleRules.Item(publicPriceCents: $0.0.publicPriceCents, vatRate: VATRate(rawValue: $0.0.vatRate) ?? .standard,
                                                           category: $0.0.category, quantity: $0.1) }
                var ticket = SaleRules.ticket(items: ruleItems, tier: tier, familyQuotient: nil, grid: rules, donationCents: donation, suspendedMeals: wantsSuspended ? 1 : 0)
                if ticket.poolDrawCents > pool {
                    ticket = SaleRules.ticket(items: ruleItems, tier: tier, familyQuotient: nil, grid: rules, donationCents: donation, suspendedMeals: 0)
                }
                pool += ticket.donationCents - ticket.poolDrawCents
                let due = ticket.dueCents
                var paid: [(PaymentMethod, Int)] = []
                var change = 0
                if due > 0 {
                    if random.next(2) == 0 {
                        let given = ((due + 499) / 500) * 500
                        paid = [(.cash, given)]
                        change = given - due
                    } else {
                        paid = [(.card, due)]
                    }
                }
                number += 1
                let sale = Sale()
                sale.id = UUID()
                sale.cooperativeID = coopID
                sale.number = number
                sale.householdID = household?.id
                sale.tier = ticket.lines.first?.tier.description ?? tier.description
                sale.totalCents = ticket.totalCents
                sale.donationCents = donation
                sale.poolDrawCents = ticket.poolDrawCents
                sale.suspendedMeals = ticket.poolDrawCents > 0 ? 1 : 0
                sale.changeCents = change
                sale.refundOf = nil
                sale.cashierLabel = cashier
                sale.recordedAt = midnight.addingTimeInterval(Double(minutes * 60 + random.next(60)))
                let saleLines = zip(items, ticket.lines).enumerated().map { position, pair in
                    SaleLine(saleID: sale.id!, position: position, productID: pair.0.0.id!, productName: pair.0.0.name, category: pair.0.0.category,
                             quantity: pair.1.item.quantity, publicPriceCents: pair.1.item.publicPriceCents, priceCents: pair.1.priceCents,
                             vatRate: pair.1.item.vatRate.rawValue, tier: pair.1.tier.description, fundedBy: pair.1.solidarityCents > 0 ? grid.funderName : nil)
                }
                let salePayments = paid.enumerated().map { SalePayment(saleID: sale.id!, position: $0.offset, method: $0.element.0.rawValue, amountCents: $0.element.1) }
                sale.payload = SaleJournal.payload(sale: sale, lines: saleLines, payments: salePayments, formatter: formatter)
                sale.hash = CashJournal.hash(number: number, previousHash: previousHash, payload: sale.payload)
                previousHash = sale.hash
                totals.add(day: day, tier: sale.tier, isRefund: false, donationCents: donation, poolDrawCents: sale.poolDrawCents,
                           suspendedMeals: sale.suspendedMeals,
                           lines: saleLines.map { ($0.tier, $0.fundedBy, $0.category, $0.quantity, $0.priceCents, $0.publicPriceCents) })
                sales.add([sale.id, coopID, number, sale.householdID, sale.tier, sale.totalCents, sale.donationCents, sale.poolDrawCents,
                           sale.suspendedMeals, sale.changeCents, nil, cashier, sale.recordedAt, sale.payload, sale.hash])
                for line in saleLines {
                    lines.add([UUID(), sale.id, line.position, line.productID, line.productName, line.category, line.quantity,
                               line.publicPriceCents, line.priceCents, line.vatRate, line.tier, line.fundedBy])
                }
                for payment in salePayments { payments.add([UUID(), sale.id, payment.position, payment.method, payment.amountCents]) }
            }
            if lines.isFull { try await sales.flush(); try await lines.flush(); try await payments.flush() }
        }
        // Lines reference their sale: the sales go in first.
        try await sales.flush(); try await lines.flush(); try await payments.flush()
        // A new cooperative has no day rows yet: plain batched inserts rather than upserts.
        var dayLines = try RowWriter(on: tx, into: SaleDayTotals.linesTable, columns: ["cooperative_id", "day", "tier", "funded_by", "category", "quantity",
                                                                                     "sales_cents", "public_value_cents"])
        for (key, sums) in totals.lines {
            dayLines.add([coopID, key.day, key.tier, key.fundedBy, key.category, sums.quantity, sums.salesCents, sums.publicValueCents])
            if dayLines.isFull { try await dayLines.flush() }
        }
        try await dayLines.flush()
        var dayTickets = try RowWriter(on: tx, into: SaleDayTotals.ticketsTable, columns: ["cooperative_id", "day", "tier", "tickets", "donation_cents",
                                                                                         "pool_draw_cents", "suspended_meals"])
        for (key, sums) in totals.tickets {
            dayTickets.add([coopID, key.day, key.tier, sums.tickets, sums.donationCents, sums.poolDrawCents, sums.suspendedMeals])
            if dayTickets.isFull { try await dayTickets.flush() }
        }
        try await dayTickets.flush()
        if let sql = tx as? any SQLDatabase {
            try await sql.raw("INSERT INTO cash_counters (cooperative_id, last_number, last_hash) VALUES (\(bind: coopID), \(bind: number), \(bind: previousHash))").run()
        }
        counts.sales = sales.written
        counts.saleLines = lines.written
    }
}
