import Foundation
import MaillageCore
import Plot
import Vapor

enum MemberPage {
    static func render(_ repository: MemberCapitalRepository, _ member: Member, errors: [String: String], context: PageContext,
                       status: HTTPResponseStatus = .ok) async throws -> Response {
        let coop = repository.scope.cooperative
        let detail = try await MemberCapitalController.detail(member, repository: repository)
        let requests = try await SubscriptionRequestDTO.list(try await repository.requests(memberID: member.id), repository: repository)
        let own = try await repository.ownMember()
        let canManage = repository.scope.allows(.manageGovernance)
        let accounts = canManage ? try await repository.governance.accounts() : []
        let title = "n° \(member.number) — " + member.displayName
        let held: String = detail.holdings.isEmpty ? context.t("aucune", "none")
            : detail.holdings.map { "\($0.quantity) × \($0.shareClass)" }.joined(separator: ", ") + " — " + Euros.french(detail.totalCents)
        var facts: [(String, String)] = [
            (context.t("Statut", "Status"), MemberStatus(rawValue: member.status)?.frenchLabel ?? member.status),
            (context.t("Catégorie", "Category"), detail.member.category),
            (context.t("Collège", "College"), detail.member.college ?? "—"),
            (context.t("Admission", "Admitted"), member.admittedOn.map { CalendarDay(date: $0).french } ?? "—"),
            (context.t("Représentant·e", "Representative"), member.representative ?? "—"),
            (context.t("Parts détenues", "Shares held"), held),
        ]
        if let exited = member.exitedOn {
            let reason = member.exitReason.flatMap(ExitReason.init(rawValue:))?.frenchLabel ?? ""
            facts.append((context.t("Sortie", "Exit"), CalendarDay(date: exited).french + " — " + reason))
        }
        return Layout.render(context, title: title, status: status, content: .group(
            .p(.a(.href(SiteURL.members(coop.id!).path), .text(context.t("Associé·es", "Members")))),
            .h1(.text(title)),
            Kit.facts(facts),
            .if(canManage || own?.id == member.id, .p(.a(.id("certificate-link"), .href(SiteURL.memberCertificate(coop.id!, member.id!).path),
                                                        .text(context.t("Attestation de parts sociales à imprimer", "Printable share certificate"))))),
            .h2(.text(context.t("Au registre", "In the register"))),
            detail.operations.isEmpty ? .p(.text(context.t("Aucune opération.", "No operation."))) :
            Kit.table(label: context.t("Opérations", "Operations"),
                .thead(.tr(.th(.class("num"), .text(context.t("N°", "No."))), .th(.text(context.t("Date", "Date"))), .th(.text(context.t("Opération", "Operation"))),
                           .th(.class("num"), .text(context.t("Parts", "Shares"))), .th(.class("num"), .text(context.t("Montant", "Amount"))))),
                .tbody(.forEach(detail.operations) { operation in
                    .tr(.td(.class("num"), .text("\(operation.number)")), .td(.text(CalendarDay(operation.date)?.french ?? operation.date)),
                        .td(.text((CapitalOperationKind(rawValue: operation.kind)?.frenchLabel ?? operation.kind)
                                  + (operation.toMember.map { " → " + $0 } ?? "") + (operation.toMemberID == member.id ? context.t(" (reçue de ", " (from ") + operation.member + ")" : ""))),
                        .td(.class("num"), .text("\(operation.quantity)")), .td(.class("num"), .text(Euros.french(operation.amountCents))))
                })),
            .if(!requests.isEmpty, .group(.h2(.text(context.t("Demandes de souscription", "Subscription requests"))),
                .ul(.forEach(requests) { request in .li(.text(FrenchText.count(request.quantity, "part", "parts") + " "), SubscriptionStatus(rawValue: request.status).map { Kit.badge($0, context: context) } ?? .text(request.status)) }))),
            .if(canManage && member.status != MemberStatus.former.rawValue, .section(.class("panel"), .id("account"),
                .h2(.text(context.t("Compte pour voter depuis le téléphone", "Account to vote from the phone"))),
                Kit.errorSummary(errors.filter { $0.key == "userID" }, order: ["userID"], context: context),
                .form(.id("account-form"), .action(SiteURL.memberAccount(coop.id!, member.id!).path), .method(.post), Kit.csrfField(context.csrfToken),
                    Kit.select(name: "userID", label: context.t("Compte (une personne qui a un rôle dans la coopérative)", "Account (someone with a role in the cooperative)"),
                               options: accounts.map { ($0.userID.uuidString, $0.userName + " — " + $0.email) }, selected: member.userID?.uuidString,
                               error: errors["userID"], required: false, placeholder: context.t("— Aucun —", "— None —")),
                    Kit.submit(context.t("Enregistrer le compte", "Save the account"), id: "account-submit")))),
            .if(canManage && member.status != MemberStatus.former.rawValue, .section(.class("panel"), .id("exit"),
                .h2(.text(context.t("Enregistrer la sortie", "Record the exit"))),
                Kit.errorSummary(errors.filter { $0.key != "userID" }, order: ["date", "reason"], context: context),
                .p(.class("hint"), .text(context.t("Ses parts restent au registre jusqu'à leur remboursement à la valeur nominale (page Capital).",
                                                   "Their shares stay in the register until reimbursed at nominal value (Capital page)."))),
                .form(.id("exit-form"), .action(SiteURL.memberExit(coop.id!, member.id!).path), .method(.post), Kit.csrfField(context.csrfToken),
                    Kit.input(.init(name: "date", label: context.t("Date de sortie", "Exit date"), value: CalendarDay.today.description, type: .date, error: errors["date"])),
                    Kit.select(name: "reason", label: context.t("Motif", "Reason"), options: ExitReason.allCases.map { ($0.rawValue, $0.frenchLabel) }, selected: nil,
                               error: errors["reason"], placeholder: context.t("— Choisissez —", "— Choose —")),
                    Kit.submit(context.t("Enregistrer la sortie", "Record the exit"), id: "exit-submit"))))
        ))
    }
}

/// The certificate of shares held: what the member holds on the day it is printed.
enum CertificatePage {
    static func render(_ repository: MemberCapitalRepository, _ member: Member, context: PageContext) async throws -> Response {
        let coop = repository.scope.cooperative
        let detail = try await MemberCapitalController.detail(member, repository: repository)
        let title = "Attestation de détention de parts sociales"
        return Layout.render(context, title: title, content: .group(
            .p(.class("no-print"), .a(.href(SiteURL.member(coop.id!, member.id!).path), .text(context.t("Retour", "Back")))),
            .article(.class("invoice-sheet"), .id("certificate"),
                .p(.strong(.text(coop.name))),
                .h1(.text(title)),
                .p(.text((coop.article == nil ? "La coopérative " + coop.name : NameArticle.capitalized(coop.namedInSentence)) + " atteste que " + member.displayName
                         + (member.representative.map { ", représentée par " + $0 + "," } ?? "")
                         + " est inscrit·e au registre des associé·es sous le n° \(member.number)"
                         + (member.admittedOn.map { ", admis·e le " + CalendarDay(date: $0).french } ?? "")
                         + (member.exitedOn.map { ", sorti·e le " + CalendarDay(date: $0).french } ?? "") + ".")),
                .p(.text("Catégorie d'associé·es : " + detail.member.category + (detail.member.college.map { " ; collège de vote : " + $0 } ?? "") + ".")),
                detail.holdings.isEmpty ? .p(.text("À ce jour, il ou elle ne détient aucune part sociale.")) :
                Kit.table(label: "Parts détenues",
                    .thead(.tr(.th(.text("Catégorie de parts")), .th(.class("num"), .text("Nombre")), .th(.class("num"), .text("Valeur")))),
                    .tbody(.forEach(detail.holdings) { line in
                        .tr(.td(.text(line.shareClass)), .td(.class("num"), .text("\(line.quantity)")), .td(.class("num"), .text(Euros.french(line.amountCents))))
                    })),
                .p(.id("certificate-total"), .text("Soit un capital détenu de " + Euros.french(detail.totalCents) + " à la date du " + CalendarDay.today.french + ".")),
                .p(.class("hint"), .text("Opérations au registre : " + (detail.operations.isEmpty ? "aucune" : detail.operations.map { "n° \($0.number)" }.joined(separator: ", ")) + ".")),
                .p(.text("Fait pour servir et valoir ce que de droit.")),
                .p(.text("Pour la coopérative :")))
        ))
    }
}

/// Columns drawn by the server: the capital at the end of each month.
enum MonthColumns {
    static func svg(_ months: [CapitalHistory.Month], title: String) -> Markup {
        let columnWidth = 26, gap = 6, chartHeight = 160, top = 10, labelHeight = 34
        let maximum = max(months.map(\.totalCents).max() ?? 0, 1)
        let escape = MarkupEscaping.escape
        var body = ""
        for (index, month) in months.enumerated() {
            let x = index * (columnWidth + gap)
            let height = Int((Double(max(month.totalCents, 0)) / Double(maximum) * Double(chartHeight)).rounded())
            body += "<rect x=\"\(x)\" y=\"\(top + chartHeight - height)\" width=\"\(columnWidth)\" height=\"\(height)\" fill=\"#0b5d4b\">"
                + "<title>\(escape(month.month + " : " + Euros.french(month.totalCents)))</title></rect>"
            // One label a quarter, so that they stay readable on a phone.
            if index % 3 == 0 || index == months.count - 1 {
                body += "<text x=\"\(x)\" y=\"\(top + chartHeight + 16)\" font-size=\"11\" fill=\"#1f2a30\">\(escape(String(month.month.suffix(2)) + "/" + String(month.month.prefix(4).suffix(2))))</text>"
            }
        }
        let width = max(months.count * (columnWidth + gap), 100)
        body += "<text x=\"0\" y=\"\(top + chartHeight + labelHeight - 4)\" font-size=\"11\" fill=\"#55636a\">\(escape("max. " + Euros.french(maximum)))</text>"
        return Markup(escapedHTML: "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"\(escape(title))\" viewBox=\"0 0 \(width) \(top + chartHeight + labelHeight)\" width=\"100%\" "
            + "preserveAspectRatio=\"xMinYMin meet\"><title>\(escape(title))</title>\(body)</svg>")
    }
}
