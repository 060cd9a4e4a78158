import Foundation
import MaillageCore
import Plot
import Vapor

/// The minutes of a general assembly, written from its data: when and where, the bureau, who
/// took part and how, the quorum, and each resolution's text with its result by college. In
/// French: it is a legal record.
enum MinutesView {
    static func title(_ assembly: Assembly) -> String {
        "Procès-verbal de l'" + assembly.assemblyKind.frenchLabel.lowercased() + " du " + assembly.day.french
    }

    /// The locked minutes as they were written, or today's draft.
    static func fragment(_ assembly: Assembly, repository: AssemblyRepository) async throws -> String {
        if let stored = assembly.minutesHTML { return stored }
        return draftBanner + render(try await repository.record(assembly))
    }

    static let draftBanner = #"<p class="notice no-print" id="minutes-draft">Projet : le procès-verbal sera figé quand le bureau le verrouillera.</p>"#

    /// A standalone printable document (the API's answer).
    static func document(_ fragment: String, title: String) -> Response {
        let html = HTML(
            .lang(.french),
            .head(.meta(.charset(.utf8)), .meta(.name("viewport"), .content("width=device-width, initial-scale=1")),
                  .title(title), .link(.rel(.stylesheet), .href(SiteURL.stylesheet.path))),
            .body(.main(.class("minutes"), .markup(Markup(escapedHTML: fragment))))
        )
        return Layout.htmlResponse(html.render())
    }

    static func render(_ record: AssemblyRecord) -> String {
        let assembly = record.assembly
        let members = record.members
        func name(_ id: UUID?) -> String {
            guard let id, let member = members[id] else { return "" }
            return "n° \(member.number) " + member.displayName + (member.representative.map { " (représentée par \($0))" } ?? "")
        }
        let present = record.attending(.present), remote = record.attending(.remote)
        let postal = record.attending(.postal), represented = record.attending(.represented)
        let when = assembly.day.french + (assembly.time.map { " à " + FrenchText.clock($0) } ?? "")
        let whereText = [assembly.place, assembly.remoteLink.map { "et à distance (" + $0 + ")" }].compactMap { $0 }.joined(separator: " ")
        let convened = assembly.convenedOn.map { ", adressée le " + CalendarDay(date: $0).french } ?? ""
        let quorumText: String
        if let quorum = record.quorum {
            let needed = (record.membersWithVote * quorum.numerator + quorum.denominator - 1) / quorum.denominator
            quorumText = "Le quorum requis est de \(quorum) des associé·es ayant voix, soit \(needed) ; il est "
                + (record.quorumReached ? "atteint." : "non atteint : l'assemblée ne peut délibérer valablement.")
        } else {
            quorumText = "Aucun quorum n'est requis sur deuxième convocation."
        }
        let node: Node<HTML.BodyContext> = .article(.class("minutes-sheet"), .id("minutes"),
            .h1(.text(title(assembly))),
            .p(.class("minutes-coop"), .text(record.cooperativeName)),
            .p(.text("Les associé·es de " + record.cooperativeName + " se sont réuni·es en " + assembly.assemblyKind.frenchLabel.lowercased()
                     + " le " + when + (whereText.isEmpty ? "" : ", " + whereText) + ", sur " + assembly.assemblyConvocation.frenchLabel.lowercased() + convened + ".")),
            .h2(.text("Bureau")),
            .ul(.li(.text("Présidence de séance : " + (assembly.chair ?? "non désignée"))),
                .li(.text("Secrétariat : " + (assembly.secretary ?? "non désigné"))),
                .li(.text("Scrutateurs : " + (assembly.tellerNames.isEmpty ? "non désignés" : assembly.tellerNames.joined(separator: ", "))))),
            .h2(.text("Présences et quorum")),
            .p(.id("minutes-attendance"), .text("Sur \(record.membersWithVote) associé·es ayant voix, \(record.attendance.count) ont pris part : "
                + "\(present.count) présent·es, \(remote.count) à distance, \(postal.count) par correspondance, \(represented.count) représenté·es.")),
            .p(.id("minutes-quorum"), .text(quorumText)),
            list("Présent·es", present.map { name($0.memberID) }),
            list("À distance", remote.map { name($0.memberID) }),
            list("Par correspondance", postal.map { name($0.memberID) }),
            list("Représenté·es", represented.map { name($0.memberID) + ", par " + name($0.proxyHolderID) }),
            .if(!assembly.agendaItems.isEmpty, .group(.h2(.text("Ordre du jour")), .ol(.forEach(assembly.agendaItems) { .li(.text($0)) }))),
            .h2(.text("Résolutions")),
            record.results.isEmpty ? .p(.text("Aucune résolution n'a été mise aux voix.")) : .group(record.results.map(resolution)),
            .p(.class("minutes-footer"), .text(assembly.lockedAt.map { "Procès-verbal établi par Maillage à partir des données de l'assemblée, verrouillé le " + CalendarDay(date: $0).french + "." }
                                              ?? "Procès-verbal établi par Maillage à partir des données de l'assemblée.")),
            .div(.class("signatures"),
                 .p(.text("La présidence de séance : " + (assembly.chair ?? ""))),
                 .p(.text("Le secrétariat : " + (assembly.secretary ?? ""))))
        )
        return node.render()
    }

    private static func list(_ heading: String, _ names: [String]) -> Node<HTML.BodyContext> {
        names.isEmpty ? .empty : .group(.h3(.text(heading)), .ul(.forEach(names) { .li(.text($0)) }))
    }

    static func resolution(_ result: ResolutionResult) -> Node<HTML.BodyContext> {
        let tally = result.tally
        let verdict = result.adopted ? "Adoptée" : "Rejetée"
        let reason = !result.quorumReached ? " (quorum non atteint)" : ""
        return .section(.class("minutes-resolution"), .id("minutes-resolution-\(result.resolution.number)"),
            .h3(.text("Résolution n° \(result.resolution.number) — " + result.resolution.title)),
            .group(result.resolution.text.split(whereSeparator: \.isNewline).map { .p(.text(String($0))) }),
            .p(.class("hint"), .text("Majorité requise : " + result.majority.french(result.rules) + ".")),
            .if(!tally.byCollege.isEmpty, collegeTable(tally)),
            .p(.text("Voix exprimées : \(tally.cast) — pour : \(tally.forVotes), contre : \(tally.against) ; abstentions : \(tally.abstain).")),
            .unwrap(tally.weightedForShare) { share in
                .p(.text("Résultat pondéré par collège : " + percent(share) + " pour."
                         + (result.adopted != result.adoptedByHeadCount
                            ? " Au décompte par tête, la résolution aurait été " + (result.adoptedByHeadCount ? "adoptée" : "rejetée") + " ; les statuts font voter par collège." : "")))
            },
            .p(.class(result.adopted ? "verdict adopted" : "verdict rejected"), .strong(.text(verdict + reason + ".")))
        )
    }

    static func collegeTable(_ tally: Tally) -> Node<HTML.BodyContext> {
        Kit.table(label: "Voix par collège",
            .thead(.tr(.th(.text("Collège")), .th(.class("num"), .text("Poids")), .th(.class("num"), .text("Pour")), .th(.class("num"), .text("Contre")),
                       .th(.class("num"), .text("Abstention")), .th(.class("num"), .text("Pour / exprimées")))),
            .tbody(.forEach(tally.byCollege) { part in
                .tr(.td(.text(part.college.name)),
                    .td(.class("num"), .text("\(part.college.weightPercent) %" + (part.cast > 0 && Int((part.effectiveWeight * 100).rounded()) != part.college.weightPercent
                                                                                  ? " (" + percent(part.effectiveWeight) + ")" : ""))),
                    .td(.class("num"), .text("\(part.forVotes)")), .td(.class("num"), .text("\(part.against)")), .td(.class("num"), .text("\(part.abstain)")),
                    .td(.class("num"), .text(part.forShare.map(percent) ?? "aucune voix exprimée")))
            }))
    }

    /// `54,17 %`.
    static func percent(_ share: Double) -> String {
        let hundredths = Int((share * 10_000).rounded())
        let cents = hundredths % 100
        return "\(hundredths / 100)," + (cents < 10 ? "0\(cents)" : "\(cents)") + " %"
    }
}

/// The convocation: a printable letter and its email.
/// `cooperative` is the cooperative's name after « de », with its article (`Cooperative.ofName`:
/// « de la Coopérative d'habitants des Caillols »).
enum ConvocationLetter {
    static func subject(_ assembly: Assembly, cooperative: String) -> String {
        "Convocation : " + assembly.assemblyKind.frenchLabel.lowercased() + " " + cooperative + " le " + assembly.day.french
    }

    static func text(_ assembly: Assembly, cooperative: String, to name: String) -> String {
        var lines = ["Bonjour \(name),", "",
                     "Vous êtes convoqué·e à l'" + assembly.assemblyKind.frenchLabel.lowercased() + " des associé·es " + cooperative
                        + " (" + assembly.assemblyConvocation.frenchLabel.lowercased() + "), le " + assembly.day.french
                        + (assembly.time.map { " à " + FrenchText.clock($0) } ?? "") + (assembly.place.map { ", " + $0 } ?? "") + "."]
        if let link = assembly.remoteLink { lines.append("Vous pouvez aussi y participer à distance : " + link) }
        if !assembly.agendaItems.isEmpty {
            lines += ["", "Ordre du jour :"] + assembly.agendaItems.enumerated().map { "\($0.offset + 1). \($0.element)" }
        }
        lines += ["", "Si vous ne pouvez pas venir, vous pouvez donner pouvoir à un·e autre associé·e présent·e, ou voter par correspondance.",
                  "", "Le bureau " + cooperative]
        return lines.joined(separator: "\n")
    }

    static func email(_ assembly: Assembly, cooperative: String) -> @Sendable (Member) -> (subject: String, body: String) {
        let subject = subject(assembly, cooperative: cooperative)
        let letter = { @Sendable (name: String) in text(assembly, cooperative: cooperative, to: name) }
        return { member in (subject, letter(member.representative ?? member.displayName)) }
    }
}
