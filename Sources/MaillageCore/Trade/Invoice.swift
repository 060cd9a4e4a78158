/// An invoice (facture) or a credit note (avoir): each kind has its own number sequence
/// (`F-2026-0001`, `A-2026-0001`, see `InvoiceNumbering`).
public enum InvoiceKind: String, CaseIterable, Codable, Sendable {
    case invoice
    case creditNote = "credit_note"

    /// The number prefix: `F` for a facture, `A` for an avoir.
    public var prefix: String {
        switch self {
        case .invoice: "F"
        case .creditNote: "A"
        }
    }

    public var frenchLabel: String {
        switch self {
        case .invoice: "Facture"
        case .creditNote: "Avoir"
        }
    }

    /// A catering invoice starts as a quote; a credit note is born issued (it corrects an
    /// issued invoice and never goes through the workflow).
    public var initialStatus: InvoiceStatus {
        switch self {
        case .invoice: .quote
        case .creditNote: .issued
        }
    }
}

/// Where a catering invoice stands: `quote → order → delivered → issued`; a quote or an order
/// may be declined. Issued and declined are final.
public enum InvoiceStatus: String, CaseIterable, Codable, Sendable {
    case quote
    case order
    case delivered
    case issued
    case declined

    public var frenchLabel: String {
        switch self {
        case .quote: "Devis"
        case .order: "Commande"
        case .delivered: "Livrée"
        case .issued: "Émise"
        case .declined: "Refusé"
        }
    }

    public var isFinal: Bool { self == .issued || self == .declined }

    /// The steps a person may take from `status`.
    public static func allowedMoves(from status: InvoiceStatus) -> [InvoiceStatus] {
        switch status {
        case .quote: [.order, .declined]
        case .order: [.delivered, .declined]
        case .delivered: [.issued]
        case .issued, .declined: []
        }
    }

    public static func canMove(from: InvoiceStatus, to: InvoiceStatus) -> Bool {
        allowedMoves(from: from).contains(to)
    }
}

extension InvoiceKind: FrenchLabelled {}
extension InvoiceStatus: FrenchLabelled {}

/// One line of an invoice as the coordinator types it. Prices are excluding VAT (HT).
public struct InvoiceLineDraft: Sendable, Equatable {
    public var description: String?
    public var quantity: Int?
    /// Unit price excluding VAT, in cents.
    public var unitPriceCents: Int?
    /// `5.5`, `10` or `20` (or `5,5`), as `VATRate(percent:)` reads it.
    public var vatRate: String?

    public init(description: String?, quantity: Int?, unitPriceCents: Int?, vatRate: String?) {
        self.description = description
        self.quantity = quantity
        self.unitPriceCents = unitPriceCents
        self.vatRate = vatRate
    }
}

/// One validated line of an invoice. A credit note's lines may carry negative prices.
public struct InvoiceLine: Sendable, Equatable, Codable {
    public var description: String
    public var quantity: Int
    /// Unit price excluding VAT, in cents.
    public var unitPriceCents: Int
    public var vatRate: VATRate

    public init(description: String, quantity: Int, unitPriceCents: Int, vatRate: VATRate) {
        self.description = description
        self.quantity = quantity
        self.unitPriceCents = unitPriceCents
        self.vatRate = vatRate
    }

    /// The line's total excluding VAT.
    public var netCents: Int { quantity * unitPriceCents }
}

/// An invoice (or a quote) as the coordinator types it, before validation.
public struct InvoiceDraft: Sendable, Equatable {
    public var customerName: String?
    public var customerAddress: String?
    /// A business (or an association, a public body) rather than a private person; false when nil.
    public var customerIsBusiness: Bool?
    /// The customer's SIREN (9 digits) or SIRET (14 digits); spaces are ignored.
    public var customerSiren: String?
    public var customerEmail: String?
    /// The day of the catering service, `YYYY-MM-DD`.
    public var eventDate: String?
    /// 30 when nil.
    public var paymentTermsDays: Int?
    public var lines: [InvoiceLineDraft]
    public var notes: String?

    public init(
        customerName: String? = nil, customerAddress: String? = nil, customerIsBusiness: Bool? = nil,
        customerSiren: String? = nil, customerEmail: String? = nil, eventDate: String? = nil,
        paymentTermsDays: Int? = nil, lines: [InvoiceLineDraft] = [], notes: String? = nil
    ) {
        self.customerName = customerName
        self.customerAddress = customerAddress
        self.customerIsBusiness = customerIsBusiness
        self.customerSiren = customerSiren
        self.customerEmail = customerEmail
        self.eventDate = eventDate
        self.paymentTermsDays = paymentTermsDays
        self.lines = lines
        self.notes = notes
    }

    public struct Valid: Sendable, Equatable {
        public var customerName: String
        public var customerAddress: String
        public var customerIsBusiness: Bool
        /// The customer's SIREN, 9 digits (the first nine of a SIRET when a SIRET was typed).
        public var customerSiren: String?
        /// The customer's SIRET, 14 digits, when one was typed.
        public var customerSiret: String?
        public var customerEmail: String?
        public var eventDate: CalendarDay?
        public var paymentTermsDays: Int
        public var lines: [InvoiceLine]
        public var notes: String?
    }

    public static let defaultPaymentTermsDays = 30
    /// French law caps payment terms at 60 days from the invoice date (art. L441-10 du Code de commerce).
    public static let maximumPaymentTermsDays = 60
    public static let maximumLines = 50
    public static let maximumQuantity = 9_999
    /// One million euros (1 000 000 € × 100 cents): beyond, it is a typing mistake.
    public static let maximumUnitPriceCents = 1_000_000 * 100
    public static let maximumNotesLength = 1_000

    public func validate() throws(FieldErrors) -> Valid {
        var errors = FieldErrors()
        let name = TextRules.requireName(customerName, field: "customerName", max: 200, into: &errors)

        let address = TextRules.clean(customerAddress)
        if address == nil {
            errors.add("customerAddress", "Indiquez l'adresse du client : elle figure obligatoirement sur la facture.")
        } else if let address, address.count > 500 {
            errors.add("customerAddress", "L'adresse ne doit pas dépasser 500 caractères.")
        }

        let isBusiness = customerIsBusiness ?? false
        var siren: String?
        var siret: String?
        if let raw = TextRules.clean(customerSiren) {
            let digits = raw.filter { !$0.isWhitespace }
            if !(digits.count == 9 || digits.count == 14) || !digits.allSatisfy(\.isASCIIDigit) {
                errors.add("customerSiren", "Le SIREN compte 9 chiffres, le SIRET 14 chiffres.")
            } else if !InvoiceRules.sirenLuhnIsValid(digits) {
                errors.add("customerSiren", "Ce numéro n'est pas un SIREN ou un SIRET valide : sa clé de contrôle ne correspond pas. Vérifiez les chiffres.")
            } else {
                siren = String(digits.prefix(9))
                siret = digits.count == 14 ? digits : nil
            }
        } else if isBusiness {
            errors.add("customerSiren", "Indiquez le SIREN (9 chiffres) ou le SIRET (14 chiffres) du client professionnel : il figure obligatoirement sur la facture.")
        }

        let email = TextRules.clean(customerEmail)
        if let email, !FrenchIdentifiers.isPlausibleEmail(email) {
            errors.add("customerEmail", "Cette adresse électronique n'est pas valide.")
        }

        var eventDay: CalendarDay?
        if TextRules.clean(eventDate) != nil {
            eventDay = CalendarDay.parse(eventDate, field: "eventDate", subject: "La date de la prestation",
                                         fallback: nil, latest: nil, into: &errors)
        }

        let terms = paymentTermsDays ?? Self.defaultPaymentTermsDays
        if !(0...Self.maximumPaymentTermsDays).contains(terms) {
            errors.add("paymentTermsDays", "Le délai de paiement va de 0 à \(Self.maximumPaymentTermsDays) jours : la loi ne permet pas d'aller au-delà de 60 jours.")
        }

        var validLines: [InvoiceLine] = []
        if lines.isEmpty {
            errors.add("lines", "Ajoutez au moins une ligne.")
        } else if lines.count > Self.maximumLines {
            errors.add("lines", "Une facture compte au plus \(Self.maximumLines) lignes.")
        }
        for (index, line) in lines.enumerated() {
            let field = "lines[\(index)]"
            let description = TextRules.clean(line.description)
            if description == nil {
                errors.add("\(field).description", "Décrivez ce qui est facturé sur cette ligne.")
            } else if let description, description.count > 300 {
                errors.add("\(field).description", "La description ne doit pas dépasser 300 caractères.")
            }
            if let quantity = line.quantity {
                if !(1...Self.maximumQuantity).contains(quantity) {
                    errors.add("\(field).quantity", "La quantité va de 1 à 9 999.")
                }
            } else {
                errors.add("\(field).quantity", "Indiquez la quantité.")
            }
            if let cents = line.unitPriceCents {
                if !(0...Self.maximumUnitPriceCents).contains(cents) {
                    errors.add("\(field).unitPriceCents", "Le prix unitaire HT va de 0 à 1 000 000 €.")
                }
            } else {
                errors.add("\(field).unitPriceCents", "Indiquez le prix unitaire HT.")
            }
            let rate = VATRate(percent: TextRules.clean(line.vatRate) ?? "")
            if rate == nil { errors.add("\(field).vatRate", "Le taux de TVA est 5.5, 10 ou 20.") }
            if let description, let quantity = line.quantity, let cents = line.unitPriceCents, let rate {
                validLines.append(InvoiceLine(description: description, quantity: quantity, unitPriceCents: cents, vatRate: rate))
            }
        }

        let notes = TextRules.clean(notes)
        if let notes, notes.count > Self.maximumNotesLength {
            errors.add("notes", "Les notes ne doivent pas dépasser 1 000 caractères.")
        }

        try errors.throwIfAny()
        return Valid(
            customerName: name, customerAddress: address!, customerIsBusiness: isBusiness,
            customerSiren: siren, customerSiret: siret, customerEmail: email, eventDate: eventDay,
            paymentTermsDays: terms, lines: validLines, notes: notes
        )
    }
}

/// An invoice's totals. Prices are excluding VAT: the VAT is computed once per rate, on the
/// rate's net total (not line by line), rounded half up to the cent.
public struct InvoiceTotals: Sendable, Equatable {
    public struct RateLine: Sendable, Equatable {
        public var rate: VATRate
        public var netCents: Int
        public var vatCents: Int
        public var grossCents: Int
    }

    /// One line per rate present, by rate ascending. Under the franchise en base the lines
    /// remain (their VAT is 0) but should not be printed as a VAT breakdown.
    public var lines: [RateLine]
    public var netCents: Int
    public var vatCents: Int
    public var grossCents: Int
    /// Franchise en base de TVA (art. 293 B du CGI): no VAT, gross = net.
    public var vatExempt: Bool

    public init(lines invoiceLines: [InvoiceLine], vatExempt: Bool) {
        var byRate: [VATRate: Int] = [:]
        for line in invoiceLines { byRate[line.vatRate, default: 0] += line.netCents }
        let rateLines = VATRate.allCases.compactMap { rate -> RateLine? in
            guard let net = byRate[rate] else { return nil }
            let vat = vatExempt ? 0 : InvoiceTotals.vat(onNet: net, rate: rate)
            return RateLine(rate: rate, netCents: net, vatCents: vat, grossCents: net + vat)
        }
        self.lines = rateLines
        self.netCents = rateLines.reduce(0) { $0 + $1.netCents }
        self.vatCents = rateLines.reduce(0) { $0 + $1.vatCents }
        self.grossCents = rateLines.reduce(0) { $0 + $1.grossCents }
        self.vatExempt = vatExempt
    }

    /// The VAT on a net amount: net × rate / 1000 (the rate in tenths of a percent), rounded
    /// half up to the cent; a negative net (a credit note) gives the exact opposite.
    public static func vat(onNet netCents: Int, rate: VATRate) -> Int {
        let vat = (abs(netCents) * rate.rawValue + 500) / 1000
        return netCents < 0 ? -vat : vat
    }
}

/// The rules of issuing invoices and credit notes, and the mentions French law requires on them.
public enum InvoiceRules {
    /// The day payment is due: `paymentTermsDays` after the invoice's date.
    public static func dueDate(issuedOn: CalendarDay, paymentTermsDays: Int) -> CalendarDay {
        issuedOn.adding(days: paymentTermsDays)
    }

    /// What may still be credited on an invoice of `invoiceGrossCents` (TTC) on which credit
    /// notes totalling `alreadyCreditedCents` (a positive amount) were issued; never below 0.
    public static func creditLimit(invoiceGrossCents: Int, alreadyCreditedCents: Int) -> Int {
        max(0, invoiceGrossCents - alreadyCreditedCents)
    }

    /// Whether a credit note of `cents` (TTC, positive) may be issued on that invoice.
    public static func mayCredit(_ cents: Int, invoiceGrossCents: Int, alreadyCreditedCents: Int) -> Bool {
        cents > 0 && cents <= creditLimit(invoiceGrossCents: invoiceGrossCents, alreadyCreditedCents: alreadyCreditedCents)
    }

    /// The cooperative that issues the invoice.
    public struct Seller: Sendable, Equatable {
        public var name: String
        /// `SCIC SAS`, `SCOP SARL`, `Association loi 1901`…
        public var legalForm: String
        public var address: String?
        public var siret: String?
        /// The intra-community VAT number (`FR44732829320`); nil under the franchise en base.
        public var vatNumber: String?

        public init(name: String, legalForm: String, address: String?, siret: String?, vatNumber: String?) {
            self.name = name
            self.legalForm = legalForm
            self.address = address
            self.siret = siret
            self.vatNumber = vatNumber
        }

        /// Without a VAT number the cooperative invoices under the franchise en base (art. 293 B du CGI).
        public var isVatExempt: Bool { TextRules.clean(vatNumber) == nil }
    }

    /// The customer.
    public struct Buyer: Sendable, Equatable {
        public var name: String
        public var address: String
        public var isBusiness: Bool
        /// SIREN (9 digits) or SIRET (14 digits); the mention prints the SIREN.
        public var siren: String?

        public init(name: String, address: String, isBusiness: Bool, siren: String?) {
            self.name = name
            self.address = address
            self.isBusiness = isBusiness
            self.siren = siren
        }
    }

    /// What the cooperative's record lacks before it may issue an invoice, one French sentence
    /// each. An invoice cannot be issued while this is not empty.
    public static func missingSellerMentions(_ seller: Seller) -> [String] {
        var missing: [String] = []
        if TextRules.clean(seller.name) == nil {
            missing.append("Indiquez la raison sociale de la coopérative.")
        }
        if TextRules.clean(seller.legalForm) == nil {
            missing.append("Indiquez la forme juridique de la coopérative (par exemple SCIC SAS).")
        }
        if TextRules.clean(seller.address) == nil {
            missing.append("Indiquez l'adresse du siège de la coopérative : elle figure obligatoirement sur chaque facture.")
        }
        let siret = TextRules.clean(seller.siret).map(digitsOnly)
        if let siret {
            if !FrenchIdentifiers.isValidSiret(siret) {
                missing.append("Le SIRET de la coopérative n'est pas valide : il compte 14 chiffres avec une clé de contrôle valide.")
            }
        } else {
            missing.append("Indiquez le SIRET de la coopérative : il figure obligatoirement sur chaque facture.")
        }
        if let vat = TextRules.clean(seller.vatNumber).map(normalisedVatNumber) {
            let body = Array(vat.dropFirst(2))
            if !vat.hasPrefix("FR") || body.count != 11 || !body.allSatisfy(\.isASCIIDigit) {
                missing.append("Le numéro de TVA intracommunautaire doit s'écrire FR suivi de 11 chiffres.")
            } else {
                let key = Int(String(body.prefix(2)))!
                let siren = String(body.dropFirst(2))
                if key != (12 + 3 * (Int(siren)! % 97)) % 97 {
                    missing.append("Le numéro de TVA intracommunautaire n'est pas valide : sa clé ne correspond pas au SIREN.")
                } else if let siret, FrenchIdentifiers.isValidSiret(siret), !siret.hasPrefix(siren) {
                    missing.append("Le numéro de TVA intracommunautaire ne correspond pas au SIRET de la coopérative.")
                }
            }
        }
        return missing
    }

    /// The legal mentions printed at the foot of an invoice or a credit note, one French
    /// sentence each. A credit note carries no payment terms (the cooperative is the one
    /// that owes) but names the invoice it corrects.
    public static func legalMentions(
        kind: InvoiceKind, seller: Seller, buyer: Buyer, issuedOn: CalendarDay, eventDate: CalendarDay?,
        paymentTermsDays: Int, creditedInvoiceNumber: String?
    ) -> [String] {
        var mentions: [String] = []
        if let vat = TextRules.clean(seller.vatNumber).map(normalisedVatNumber) {
            mentions.append("N° de TVA intracommunautaire : \(vat).")
        } else {
            mentions.append("TVA non applicable, art. 293 B du CGI.")
        }

        var identity = [seller.name, seller.legalForm].compactMap { TextRules.clean($0) }
        if let siret = TextRules.clean(seller.siret).map(digitsOnly) {
            identity.append("SIRET \(groupedSiret(siret))")
        }
        if let address = TextRules.clean(seller.address) {
            identity.append(address.split(whereSeparator: \.isNewline).map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }.joined(separator: ", "))
        }
        if !identity.isEmpty { mentions.append(identity.joined(separator: ", ") + ".") }

        if let eventDate {
            mentions.append("Date de la prestation : \(eventDate.invoiceFrenchDate).")
        }

        if kind == .invoice {
            if paymentTermsDays <= 0 {
                mentions.append("Paiement à réception.")
            } else {
                let due = dueDate(issuedOn: issuedOn, paymentTermsDays: paymentTermsDays)
                mentions.append("Paiement à \(paymentTermsDays) jours, au plus tard le \(due.invoiceFrenchDate).")
            }
            mentions.append("Pas d'escompte pour paiement anticipé.")
            if buyer.isBusiness {
                mentions.append("En cas de retard de paiement : pénalités au taux de trois fois le taux d'intérêt légal, et indemnité forfaitaire pour frais de recouvrement de 40 € (art. L441-10 et D441-5 du Code de commerce).")
            }
        }

        if buyer.isBusiness, let siren = TextRules.clean(buyer.siren).map(digitsOnly), siren.count >= 9 {
            mentions.append("SIREN du client : \(siren.prefix(9)).")
        }

        if kind == .creditNote, let number = TextRules.clean(creditedInvoiceNumber) {
            mentions.append("Avoir se rapportant à la facture \(number).")
        }
        return mentions
    }

    /// The INSEE check of a SIREN (9 digits) or a SIRET (14 digits): the Luhn key. La Poste's
    /// establishments (SIRET starting with 356000000, other than the head office) use another
    /// rule, as INSEE documents: their digits sum to a multiple of 5.
    public static func sirenLuhnIsValid(_ digits: String) -> Bool {
        switch digits.count {
        case 9: FrenchIdentifiers.isValidSiren(digits)
        case 14: FrenchIdentifiers.isValidSiret(digits)
        default: false
        }
    }

    private static func digitsOnly(_ text: String) -> String {
        text.filter { !$0.isWhitespace && $0 != "." && $0 != "-" }
    }

    private static func normalisedVatNumber(_ text: String) -> String {
        text.filter { !$0.isWhitespace && $0 != "." && $0 != "-" }.uppercased()
    }

    /// `732 829 320 00074`: the SIREN in threes, then the establishment's five digits.
    private static func groupedSiret(_ siret: String) -> String {
        guard siret.count == 14 else { return siret }
        let chars = Array(siret)
        return [chars[0..<3], chars[3..<6], chars[6..<9], chars[9..<14]].map { String($0) }.joined(separator: " ")
    }
}

extension CalendarDay {
    /// `26/11/2026`, as printed on an invoice.
    var invoiceFrenchDate: String {
        let d = day < 10 ? "0\(day)" : "\(day)"
        let m = month < 10 ? "0\(month)" : "\(month)"
        return "\(d)/\(m)/\(year)"
    }
}
