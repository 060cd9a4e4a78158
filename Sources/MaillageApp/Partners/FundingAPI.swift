import Fluent
import Foundation
import MaillageCore
import Plot
import Vapor

struct FundingAgreementDTO: Content {
    /// `achieved`: all the covered cooperatives together; `byCoop`: each one the viewer may read.
    /// `masked`: a count of people under the statistical secret ("< 5"), present only when true.
    /// `secret`: the masked figure is not itself a small count (the total of several
    /// cooperatives, one of which is small; a rate): shown as « secret », never as "< 5".
    struct Target: Content { var indicator: String, label: String, target: Double, achieved: Double?, masked: Bool?, secret: Bool?, byCoop: [CoopFigure] }
    struct CoopFigure: Content { var coopID: UUID, achieved: Double?, masked: Bool? }
    struct Coop: Content { var id: UUID, name: String }
    struct Deadline: Content { var id: UUID, dueOn: String, label: String, reportedOn: String? }
    struct Instalment: Content { var id: UUID, dueOn: String, amountCents: Int, receivedOn: String? }
    var id: UUID
    /// The lead cooperative, which recorded the agreement.
    var coopID: UUID
    /// Every cooperative covered, the lead first.
    var coopIDs: [UUID]
    var cooperatives: [Coop]
    var funderID: UUID
    var funder: String
    var programme: String
    var amountCents: Int
    var receivedCents: Int
    var startsOn: String
    var endsOn: String
    var purpose: String?
    /// Each committed indicator, with what the other areas compute for the period so far
    /// (absent where no area computes it yet).
    var targets: [Target]
    var deadlines: [Deadline]
    var instalments: [Instalment]
    /// The coordinator's text for the funder's report.
    var reportText: String?

    init(_ record: FundingRecord) {
        let agreement = record.agreement
        id = agreement.id!
        coopID = agreement.cooperativeID
        coopIDs = record.cooperatives.map { $0.id! }
        cooperatives = record.cooperatives.map { Coop(id: $0.id!, name: $0.name) }
        funderID = agreement.funderID
        funder = record.funderName
        programme = agreement.programme
        amountCents = agreement.amountCents
        receivedCents = record.instalments.filter { $0.receivedOn != nil }.reduce(0) { $0 + $1.amountCents }
        startsOn = CalendarDay(date: agreement.startsOn).description
        endsOn = CalendarDay(date: agreement.endsOn).description
        purpose = agreement.purpose
        reportText = agreement.reportText
        targets = record.targets.map { target in
            let indicator = FundingIndicator(rawValue: target.indicator)
            let byCoop = indicator.flatMap { record.achievedByCoop[$0] } ?? [:]
            let masked = indicator.flatMap { record.maskedByCoop[$0] } ?? []
            return Target(indicator: target.indicator, label: indicator?.frenchLabel ?? target.indicator, target: target.target,
                          achieved: indicator.flatMap { record.achieved($0) }, masked: masked.isEmpty ? nil : true,
                          secret: !masked.isEmpty && (record.cooperatives.count > 1 || indicator?.isPercent == true) ? true : nil,
                          byCoop: record.cooperatives.compactMap { coop in
                              masked.contains(coop.id!) ? CoopFigure(coopID: coop.id!, achieved: nil, masked: true)
                                  : byCoop[coop.id!].map { CoopFigure(coopID: coop.id!, achieved: $0.value, masked: nil) }
                          })
        }
        deadlines = record.deadlines.map { Deadline(id: $0.id!, dueOn: CalendarDay(date: $0.dueOn).description, label: $0.label, reportedOn: $0.reportedOn.map { CalendarDay(date: $0).description }) }
        instalments = record.instalments.map { Instalment(id: $0.id!, dueOn: CalendarDay(date: $0.dueOn).description, amountCents: $0.amountCents, receivedOn: $0.receivedOn.map { CalendarDay(date: $0).description }) }
    }
}

/// `/api/v1/coops/:coopID/funding-agreements` and the pages `/coops/:coopID/funding-agreements…`.
struct FundingController: RouteCollection {
    let api: Bool

    func boot(routes: any RoutesBuilder) throws {
        let agreements = routes.grouped("coops", ":coopID", "funding-agreements")
        if api {
            agreements.get(use: list)
            agreements.post(use: create)
            agreements.get(":agreementID", use: show)
            agreements.post(":agreementID", "instalments", ":instalmentID", "received", use: received)
            agreements.post(":agreementID", "deadlines", ":deadlineID", "reported", use: reported)
            agreements.get(":agreementID", "report", use: report)
            agreements.put(":agreementID", "report", use: saveReport)
            agreements.get(":agreementID", "report.csv", use: reportCSV)
        } else {
            agreements.get(use: listPage)
            agreements.post(use: createFromForm)
            agreements.get(":agreementID", use: page)
            agreements.post(":agreementID", "instalments", ":instalmentID", "received", use: receivedFromForm)
            agreements.post(":agreementID", "deadlines", ":deadlineID", "reported", use: reportedFromForm)
            agreements.get(":agreementID", "report", use: reportPage)
            agreements.post(":agreementID", "report", use: saveReportFromForm)
        }
    }

    struct AgreementBody: Decodable {
        struct Target: Decodable { var indicator: String?, target: Double? }
        struct Deadline: Decodable { var dueOn: String?, label: String? }
        struct Instalment: Decodable { var dueOn: String?, amountCents: Int?, receivedOn: String? }
        var funderID: String?, programme: String?, amountCents: Int?, startsOn: String?, endsOn: String?, purpose: String?
        var targets: [Target]?, deadlines: [Deadline]?, instalments: [Instalment]?
        /// Other cooperatives of the network the agreement covers too.
        var coopIDs: [String]?
    }

    func list(request: Request) async throws -> Response {
        let repository = try await request.fundingRepository(.viewFunding)
        var items: [FundingAgreementDTO] = []
        for agreement in try await repository.agreements() { items.append(FundingAgreementDTO(try await repository.record(agreement, today: .today))) }
        return try Idempotency.encode(status: .ok, body: Page(items: items, nextCursor: nil))
    }

    func create(request: Request) async throws -> Response {
        let repository = try await request.fundingRepository(.manageFunding)
        let body = try request.decodeJSON(AgreementBody.self)
        let draft = FundingAgreementDraft(
            programme: body.programme, amountCents: body.amountCents, startsOn: body.startsOn, endsOn: body.endsOn, purpose: body.purpose,
            targets: (body.targets ?? []).map { .init(indicator: $0.indicator, target: $0.target) },
            deadlines: (body.deadlines ?? []).map { .init(dueOn: $0.dueOn, label: $0.label) },
            instalments: (body.instalments ?? []).map { .init(dueOn: $0.dueOn, amountCents: $0.amountCents, receivedOn: $0.receivedOn) })
        let agreement = try await repository.create(funderID: body.funderID, draft, jointCoopIDs: body.coopIDs ?? [], today: .today)
        return try Idempotency.encode(status: .created, body: FundingAgreementDTO(try await repository.record(agreement, today: .today)))
    }

    struct DateBody: Decodable { var date: String? }

    func show(request: Request) async throws -> Response {
        let repository = try await request.fundingRepository(.viewFunding)
        let agreement = try await repository.agreement(request.parameters.get("agreementID", as: UUID.self))
        return try Idempotency.encode(status: .ok, body: FundingAgreementDTO(try await repository.record(agreement, today: .today)))
    }

    /// `{date?}`: the instalment came on that day (today by default).
    func received(request: Request) async throws -> Response {
        let repository = try await request.fundingRepository(.manageFunding)
        let agreement = try await repository.agreement(request.parameters.get("agreementID", as: UUID.self))
        let body = try request.decodeJSON(DateBody.self)
        try await repository.markInstalmentReceived(agreement, instalmentID: request.parameters.get("instalmentID", as: UUID.self), date: body.date, today: .today)
        return try Idempotency.encode(status: .ok, body: FundingAgreementDTO(try await repository.record(agreement, today: .today)))
    }

    /// `{date?}`: the report was sent on that day (today by default); its reminder stops.
    func reported(request: Request) async throws -> Response {
        let repository = try await request.fundingRepository(.manageFunding)
        let agreement = try await repository.agreement(request.parameters.get("agreementID", as: UUID.self))
        let body = try request.decodeJSON(DateBody.self)
        try await repository.markReported(agreement, deadlineID: request.parameters.get("deadlineID", as: UUID.self), date: body.date, today: .today)
        return try Idempotency.encode(status: .ok, body: FundingAgreementDTO(try await repository.record(agreement, today: .today)))
    }

    // MARK: The funder's report

    /// The agreement, and every indicator of the covered cooperatives over its period so far,
    /// under the statistical secret for whoever does not work in them.
    struct ReportDTO: Content {
        var agreement: FundingAgreementDTO
        var from: String
        var to: String
        var indicators: ImpactComparison
    }

    static func reportData(_ request: Request) async throws -> (FundingRepository, FundingRecord, ReportDTO) {
        let repository = try await request.fundingRepository(.viewFunding)
        let agreement = try await repository.agreement(request.parameters.get("agreementID", as: UUID.self))
        let record = try await repository.record(agreement, today: .today)
        let from = CalendarDay(date: agreement.startsOn)
        let impact = ImpactRepository(request, principal: repository.scope.principal)
        let period = impact.readable(DayPeriod(from: from, to: max(from, min(CalendarDay(date: agreement.endsOn), .today))), of: record.cooperatives)
        let figures = try await impact.figures(of: record.cooperatives, period: period)
        return (repository, record, ReportDTO(agreement: FundingAgreementDTO(record), from: period.from.description, to: period.to.description,
                                              indicators: ImpactComparison(figures, period: period, threshold: record.threshold)))
    }

    func report(request: Request) async throws -> Response {
        try Idempotency.encode(status: .ok, body: try await Self.reportData(request).2)
    }

    struct ReportBody: Content { var text: String? }

    /// `{text}`: the coordinator's words for the report.
    func saveReport(request: Request) async throws -> Response {
        let repository = try await request.fundingRepository(.manageFunding)
        let agreement = try await repository.agreement(request.parameters.get("agreementID", as: UUID.self))
        try await repository.saveReportText(agreement, text: try request.decodeJSON(ReportBody.self).text)
        return try Idempotency.encode(status: .ok, body: FundingAgreementDTO(try await repository.record(agreement, today: .today)))
    }

    /// The commitments against the achieved, then every indicator (together and by cooperative).
    func reportCSV(request: Request) async throws -> Response {
        let (_, _, report) = try await Self.reportData(request)
        let commitments = ReportTables.commitmentLines(report.agreement.targets, scope: "Engagements", threshold: report.indicators.threshold)
        return try ImpactController.csv(commitments + ImpactCSV.rows(report.indicators), name: "compte-rendu-\(report.from)-\(report.to).csv")
    }

    func reportPage(request: Request) async throws -> Response {
        let (repository, record, report) = try await Self.reportData(request)
        return FundingReportView.render(report, record: record, canWrite: repository.scope.allows(.manageFunding) && record.agreement.cooperativeID == repository.scope.id,
                                        coopID: repository.scope.id, errors: [:], context: request.pageContext())
    }

    func saveReportFromForm(request: Request) async throws -> Response {
        let repository = try await request.fundingRepository(.manageFunding)
        let agreement = try await repository.agreement(request.parameters.get("agreementID", as: UUID.self))
        let form = try request.content.decode(ReportBody.self)
        return try await FormSubmission.handle {
            try await repository.saveReportText(agreement, text: form.text)
            request.flash(request.language.t("Texte du compte rendu enregistré.", "Report text saved."))
            return request.redirect(to: SiteURL.fundingAgreement(repository.scope.id, agreement.id!).path + "/report")
        } invalid: { errors in
            let (_, record, report) = try await Self.reportData(request)
            var shown = report
            shown.agreement.reportText = form.text
            return FundingReportView.render(shown, record: record, canWrite: true, coopID: repository.scope.id, errors: errors,
                                            context: request.pageContext(), status: .unprocessableEntity)
        }
    }

    func receivedFromForm(request: Request) async throws -> Response {
        let repository = try await request.fundingRepository(.manageFunding)
        let agreement = try await repository.agreement(request.parameters.get("agreementID", as: UUID.self))
        try await repository.markInstalmentReceived(agreement, instalmentID: request.parameters.get("instalmentID", as: UUID.self), date: nil, today: .today)
        request.flash(request.language.t("Versement reçu aujourd'hui.", "Instalment received today."))
        return request.redirect(to: SiteURL.fundingAgreement(repository.scope.id, agreement.id!).path)
    }

    func reportedFromForm(request: Request) async throws -> Response {
        let repository = try await request.fundingRepository(.manageFunding)
        let agreement = try await repository.agreement(request.parameters.get("agreementID", as: UUID.self))
        try await repository.markReported(agreement, deadlineID: request.parameters.get("deadlineID", as: UUID.self), date: nil, today: .today)
        request.flash(request.language.t("Compte rendu remis aujourd'hui.", "Report sent today."))
        return request.redirect(to: SiteURL.fundingAgreement(repository.scope.id, agreement.id!).path)
    }

    // MARK: Pages

    struct AgreementForm: Content {
        var funderID: String?, programme: String?, amount: String?, startsOn: String?, endsOn: String?, purpose: String?
        var indicator: String?, target: String?, deadlineOn: String?, deadlineLabel: String?
        var coopIDs: [String]?
    }

    func listPage(request: Request) async throws -> Response {
        let repository = try await request.fundingRepository(.viewFunding)
        return try await FundingPages.list(repository, form: AgreementForm(), errors: [:], context: request.pageContext())
    }

    func createFromForm(request: Request) async throws -> Response {
        let repository = try await request.fundingRepository(.manageFunding)
        let form = try request.content.decode(AgreementForm.self)
        return try await FormSubmission.handle {
            let cents = try TradePagesController.euros(form.amount, field: "amountCents")
            var target: Double?
            if let text = TextRules.clean(form.target) {
                guard let value = Double(text.replacingOccurrences(of: ",", with: ".").replacingOccurrences(of: "%", with: "").trimmingWhitespace()) else {
                    throw Problem.invalid(FieldErrors(["target": "Écrivez la cible en chiffres, par exemple 40."]))
                }
                target = value
            }
            let draft = FundingAgreementDraft(
                programme: form.programme, amountCents: cents, startsOn: form.startsOn, endsOn: form.endsOn, purpose: form.purpose,
                targets: TextRules.clean(form.indicator) == nil ? [] : [.init(indicator: form.indicator, target: target)],
                deadlines: TextRules.clean(form.deadlineOn) == nil ? [] : [.init(dueOn: form.deadlineOn, label: form.deadlineLabel)])
            let agreement = try await repository.create(funderID: form.funderID, draft, jointCoopIDs: form.coopIDs ?? [], today: .today)
            request.flash(request.language.t("Convention enregistrée.", "Agreement recorded."))
            return request.redirect(to: SiteURL.fundingAgreement(repository.scope.id, agreement.id!).path)
        } invalid: { errors in
            let named = errors.reduce(into: [String: String]()) { named, error in
                let key = error.key.hasPrefix("targets[0].indicator") ? "indicator" : error.key.hasPrefix("targets[0].target") ? "target"
                    : error.key.hasPrefix("deadlines[0].dueOn") ? "deadlineOn" : error.key.hasPrefix("deadlines[0].label") ? "deadlineLabel"
                    : error.key.hasPrefix("coopIDs") ? "coopIDs" : error.key
                named[key] = error.value
            }
            return try await FundingPages.list(repository, form: form, errors: named, context: request.pageContext(), status: .unprocessableEntity)
        }
    }

    func page(request: Request) async throws -> Response {
        let repository = try await request.fundingRepository(.viewFunding)
        let agreement = try await repository.agreement(request.parameters.get("agreementID", as: UUID.self))
        return try await FundingPages.agreement(repository, try await repository.record(agreement, today: .today), context: request.pageContext())
    }
}

enum FundingPages {
    /// A one-button form that records today's date.
    static func mark(_ action: String, id: String, label: String, context: PageContext) -> Node<HTML.BodyContext> {
        .form(.class("inline"), .action(action), .method(.post), Kit.csrfField(context.csrfToken),
              .button(.type(.submit), .id(id), .text(label)))
    }

    static func figure(_ value: Double?, _ indicator: FundingIndicator?, masked: Bool? = nil, secret: Bool? = nil, threshold: Int = StatisticalSecret.defaultThreshold) -> String {
        if masked == true { return secret == true || indicator?.isPercent == true ? "secret" : "< \(threshold)" }
        guard let value else { return "—" }
        if indicator == .solidarityGiven { return Euros.french(Int(value.rounded())) }
        if indicator?.isPercent == true { return MinutesView.percent(value / 100) }
        return value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }

    static func list(_ repository: FundingRepository, form: FundingController.AgreementForm, errors: [String: String], context: PageContext,
                     status: HTTPResponseStatus = .ok) async throws -> Response {
        let coop = repository.scope.cooperative
        let agreements = try await repository.agreements()
        let funders = Dictionary(uniqueKeysWithValues: try await repository.funders().map { ($0.id!, $0.name) })
        let candidates = repository.scope.allows(.manageFunding) ? try await repository.jointCandidates() : []
        let title = context.t("Conventions de financement", "Funding agreements")
        return Layout.render(context, title: title, status: status, content: .group(
            .p(.a(.href(SiteURL.cooperative(coop.id!).path), .text(coop.name))),
            .h1(.text(title)),
            agreements.isEmpty ? .p(.text(context.t("Aucune convention.", "No agreement."))) :
            Kit.table(label: title,
                .thead(.tr(.th(.text(context.t("Financeur", "Funder"))), .th(.text(context.t("Programme", "Programme"))), .th(.class("num"), .text(context.t("Montant", "Amount"))),
                           .th(.text(context.t("Période", "Period"))), .th(.text(context.t("État", "Status"))))),
                .tbody(.forEach(agreements) { agreement in
                    .tr(.td(.a(.href(SiteURL.fundingAgreement(coop.id!, agreement.id!).path), .text(funders[agreement.funderID] ?? "—"))),
                        .td(.text(agreement.programme)), .td(.class("num"), .text(Euros.french(agreement.amountCents))),
                        .td(.text(CalendarDay(date: agreement.startsOn).french + " – " + CalendarDay(date: agreement.endsOn).french)),
                        .td(agreementState(agreement, context: context)))
                })),
            .if(repository.scope.allows(.manageFunding), .section(.class("panel"),
                .h2(.text(context.t("Enregistrer une convention", "Record an agreement"))),
                Kit.errorSummary(errors, order: ["funderID", "programme", "amountCents", "startsOn", "endsOn", "purpose", "indicator", "target", "deadlineOn", "deadlineLabel", "coopIDs"],
                                 context: context),
                .form(.id("agreement-form"), .action(SiteURL.fundingAgreements(coop.id!).path), .method(.post),
                    Kit.csrfField(context.csrfToken),
                    Kit.select(name: "funderID", label: context.t("Financeur (un partenaire du territoire)", "Funder (a partner of the territory)"),
                               options: funders.sorted { $0.value < $1.value }.map { ($0.key.uuidString, $0.value) }, selected: form.funderID, error: errors["funderID"],
                               placeholder: context.t("— Choisissez —", "— Choose —")),
                    Kit.input(.init(name: "programme", label: context.t("Programme", "Programme"), value: form.programme, error: errors["programme"],
                                    hint: context.t("Politique de la ville, FSE+, Région emploi, CDC…", "Politique de la ville, FSE+, Région emploi, CDC…"), required: true)),
                    Kit.input(.init(name: "amount", label: context.t("Montant (€)", "Amount (€)"), value: form.amount, error: errors["amountCents"], required: true, inputMode: "decimal")),
                    Kit.input(.init(name: "startsOn", label: context.t("Début", "Start"), value: form.startsOn, type: .date, error: errors["startsOn"], required: true)),
                    Kit.input(.init(name: "endsOn", label: context.t("Fin", "End"), value: form.endsOn, type: .date, error: errors["endsOn"], required: true)),
                    Kit.textarea(name: "purpose", label: context.t("Objet", "Purpose"), value: form.purpose, error: errors["purpose"]),
                    Kit.select(name: "indicator", label: context.t("Indicateur engagé", "Committed indicator"), options: FundingIndicator.allCases.map { ($0.rawValue, $0.frenchLabel) },
                               selected: form.indicator, error: errors["indicator"], required: false, placeholder: "—"),
                    Kit.input(.init(name: "target", label: context.t("Cible", "Target"), value: form.target, error: errors["target"], inputMode: "decimal")),
                    Kit.input(.init(name: "deadlineOn", label: context.t("Échéance de compte rendu", "Reporting deadline"), value: form.deadlineOn, type: .date, error: errors["deadlineOn"])),
                    Kit.input(.init(name: "deadlineLabel", label: context.t("Compte rendu attendu", "Report expected"), value: form.deadlineLabel, error: errors["deadlineLabel"])),
                    .if(!candidates.isEmpty, Kit.checkboxes(name: "coopIDs", legend: context.t("Convention commune : autres coopératives couvertes", "Joint agreement: other cooperatives covered"),
                                                            options: candidates.map { ($0.id!.uuidString, $0.name) }, checked: Set(form.coopIDs ?? []), error: errors["coopIDs"])),
                    Kit.submit(context.t("Enregistrer la convention", "Record the agreement"), id: "agreement-submit"))))
        ))
    }

    static func agreement(_ repository: FundingRepository, _ record: FundingRecord, context: PageContext) async throws -> Response {
        let coop = repository.scope.cooperative
        let dto = FundingAgreementDTO(record)
        // A joint agreement is kept by the cooperative that recorded it.
        let canManage = repository.scope.allows(.manageFunding) && record.agreement.cooperativeID == repository.scope.id
        let title = dto.funder + " — " + dto.programme
        let joint = dto.cooperatives.count > 1
        return Layout.render(context, title: title, content: .group(
            .p(.a(.href(SiteURL.fundingAgreements(coop.id!).path), .text(context.t("Conventions de financement", "Funding agreements")))),
            .h1(.text(title)),
            Kit.facts([
                (context.t("Montant", "Amount"), Euros.french(dto.amountCents)),
                (context.t("Reçu", "Received"), Euros.french(dto.receivedCents)),
                (context.t("Période", "Period"), (CalendarDay(dto.startsOn)?.french ?? dto.startsOn) + " – " + (CalendarDay(dto.endsOn)?.french ?? dto.endsOn)),
                (context.t("Objet", "Purpose"), dto.purpose ?? "—"),
                (context.t("Coopératives couvertes", "Cooperatives covered"), dto.cooperatives.map(\.name).joined(separator: ", ")),
            ]),
            .p(.a(.id("report-link"), .class("button"), .href(SiteURL.fundingAgreement(coop.id!, dto.id).path + "/report"),
                  .text(context.t("Compte rendu pour le financeur (à imprimer)", "Report for the funder (printable)"))), .text(" "),
               .a(.id("funder-report-link"), .class("button"), .href(SiteURL.cooperative(coop.id!).path + "/funders/\(dto.funderID)/report"),
                  .text(context.t("Toutes les conventions de ", "All the agreements of ") + dto.funder))),
            .h2(.text(context.t("Engagements et réalisé", "Commitments and achieved"))),
            dto.targets.isEmpty ? .p(.text(context.t("Aucun indicateur engagé.", "No committed indicator."))) :
            Kit.table(label: context.t("Engagements", "Commitments"),
                .thead(.tr(.th(.text(context.t("Indicateur", "Indicator"))), .th(.class("num"), .text(context.t("Cible", "Target"))),
                           .th(.class("num"), .text(joint ? context.t("Réalisé à ce jour, ensemble", "Achieved so far, together") : context.t("Réalisé à ce jour", "Achieved so far"))),
                           .if(joint, .forEach(dto.cooperatives) { .th(.class("num"), .text($0.name)) }))),
                .tbody(.forEach(dto.targets) { target in
                    let indicator = FundingIndicator(rawValue: target.indicator)
                    return .tr(.td(.text(target.label)), .td(.class("num"), .text(figure(target.target, indicator))), .td(.class("num"), .text(figure(target.achieved, indicator, masked: target.masked, threshold: record.threshold))),
                               .if(joint, .forEach(dto.cooperatives) { coop in
                                   let cell = target.byCoop.first { $0.coopID == coop.id }
                                   return .td(.class("num"), .text(figure(cell?.achieved, indicator, masked: cell?.masked, threshold: record.threshold)))
                               }))
                })),
            .h2(.text(context.t("Comptes rendus", "Reports"))),
            dto.deadlines.isEmpty ? .p(.text("—")) : .ul(.id("deadlines"), .forEach(dto.deadlines) { deadline in
                .li(.text((CalendarDay(deadline.dueOn)?.french ?? deadline.dueOn) + " — " + deadline.label + (deadline.reportedOn.map { context.t(" (remis le ", " (sent on ") + (CalendarDay($0)?.french ?? $0) + ")" } ?? "")),
                    .if(canManage && deadline.reportedOn == nil, mark(SiteURL.fundingAgreement(coop.id!, dto.id).path + "/deadlines/\(deadline.id)/reported",
                                                                     id: "reported-\(deadline.id)", label: context.t("Remis aujourd'hui", "Sent today"), context: context)))
            }),
            .h2(.text(context.t("Versements", "Instalments"))),
            dto.instalments.isEmpty ? .p(.text("—")) : .ul(.id("instalments"), .forEach(dto.instalments) { instalment in
                .li(.text((CalendarDay(instalment.dueOn)?.french ?? instalment.dueOn) + " — " + Euros.french(instalment.amountCents)
                          + (instalment.receivedOn.map { context.t(" — reçu le ", " — received on ") + (CalendarDay($0)?.french ?? $0) } ?? context.t(" — attendu", " — expected"))),
                    .if(canManage && instalment.receivedOn == nil, mark(SiteURL.fundingAgreement(coop.id!, dto.id).path + "/instalments/\(instalment.id)/received",
                                                                        id: "received-\(instalment.id)", label: context.t("Reçu aujourd'hui", "Received today"), context: context)))
            })
        ))
    }
}

/// The funder's report: one printable A4 document, commitments against achieved with bars,
/// the coordinator's words, every indicator of the covered cooperatives.
enum FundingReportView {
    static func render(_ report: FundingController.ReportDTO, record: FundingRecord, canWrite: Bool, coopID: UUID, errors: [String: String],
                       context: PageContext, status: HTTPResponseStatus = .ok) -> Response {
        let dto = report.agreement
        let base = SiteURL.fundingAgreement(coopID, dto.id).path
        let title = context.t("Compte rendu — ", "Report — ") + dto.funder + " — " + dto.programme
        let period = (CalendarDay(report.from)?.french ?? report.from) + context.t(" au ", " to ") + (CalendarDay(report.to)?.french ?? report.to)
        let bars = dto.targets.map { target -> Bars.Row in
            let indicator = FundingIndicator(rawValue: target.indicator)
            let fraction = target.target > 0 ? (target.achieved ?? 0) / target.target : 0
            return Bars.Row(label: target.label, fraction: fraction,
                            text: FundingPages.figure(target.achieved, indicator, masked: target.masked, secret: target.secret, threshold: record.threshold) + " / " + FundingPages.figure(target.target, indicator), target: 1)
        }
        return Layout.render(context, title: title, status: status, content: .group(
            .p(.class("no-print"), .a(.href(base), .text(context.t("La convention", "The agreement"))), .text(" · "),
               .a(.id("report-csv"), .href("/api/v1/coops/\(coopID)/funding-agreements/\(dto.id)/report.csv"), .text(context.t("Exporter en CSV", "Export as CSV")))),
            .div(.class("invoice-sheet"), .id("report"),
                .h1(.text(title)),
                Kit.facts([
                    (context.t("Financeur", "Funder"), dto.funder),
                    (context.t("Programme", "Programme"), dto.programme),
                    (context.t("Coopératives", "Cooperatives"), dto.cooperatives.map(\.name).joined(separator: ", ")),
                    (context.t("Période du compte rendu", "Period reported"), period),
                    (context.t("Montant", "Amount"), Euros.french(dto.amountCents) + context.t(", dont reçu ", ", received ") + Euros.french(dto.receivedCents)),
                ]),
                .h2(.text(context.t("Engagements et réalisé", "Commitments and achieved"))),
                dto.targets.isEmpty ? .p(.text(context.t("Aucun indicateur engagé.", "No committed indicator."))) : .group(
                    .div(.class("chart"), .markup(Bars.svg(bars, title: context.t("Réalisé rapporté à la cible", "Achieved against the target")))),
                    ReportTables.commitments(dto.targets, label: context.t("Engagements", "Commitments"), threshold: record.threshold, context: context)),
                .h2(.text(context.t("Le mot de la coordination", "The coordination's words"))),
                .div(.id("report-text"), .forEach(ReportTables.paragraphs(dto.reportText ?? context.t("(à écrire)", "(to be written)"))) { .p(.text($0)) }),
                .h2(.text(context.t("Les indicateurs de la période", "The period's indicators"))),
                ReportTables.indicators(report.indicators, rowID: "report-row-", context: context)),
            .if(canWrite, .section(.class("panel no-print"),
                .h2(.text(context.t("Écrire le mot de la coordination", "Write the coordination's words"))),
                Kit.errorSummary(errors, order: ["text"], context: context),
                .form(.id("report-form"), .action(base + "/report"), .method(.post),
                    Kit.csrfField(context.csrfToken),
                    Kit.textarea(name: "text", label: context.t("Texte du compte rendu", "Report text"), value: dto.reportText, error: errors["text"]),
                    Kit.submit(context.t("Enregistrer le texte", "Save the text"), id: "report-submit"))))
        ))
    }
}

/// An agreement's state from its dates, as a badge: to come, running, ended.
private func agreementState(_ agreement: FundingAgreement, context: PageContext) -> BodyNode {
    let today = CalendarDay.today
    if today < CalendarDay(date: agreement.startsOn) { return Kit.badge(context.t("à venir", "to come"), tone: .neutral) }
    if today > CalendarDay(date: agreement.endsOn) { return Kit.badge(context.t("terminée", "ended"), tone: .success) }
    return Kit.badge(context.t("en cours", "running"), tone: .info)
}
