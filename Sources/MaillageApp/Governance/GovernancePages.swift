import Fluent
import Foundation
import MaillageCore
import Plot
import Vapor

/// The statutes' settings and the members: `/coops/:coopID/governance…`, `/coops/:coopID/members`.
struct GovernancePagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let coop = routes.grouped("coops", ":coopID")
        coop.get("governance", use: statutes)
        coop.post("governance", use: saveStatutes)
        coop.post("governance", "categories", use: createCategory)
        coop.post("governance", "colleges", use: createCollege)
        coop.get("members", use: members)
        coop.post("members", use: admit)
    }

    struct StatutesForm: Content {
        var collegesEnabled: String?, maxProxiesPerHolder: String?, proxySameCollege: String?
        var ordinaryFirst: String?, ordinarySecond: String?, extraordinaryFirst: String?, extraordinarySecond: String?
        var ordinaryMajority: String?, extraordinaryMajority: String?
    }
    // Named apart: the two forms share the statutes page.
    struct CategoryForm: Content { var categoryName: String?, categoryKind: String? }
    struct CollegeForm: Content { var collegeName: String?, weightPercent: String? }

    func statutes(request: Request) async throws -> Response {
        let repository = try await request.governanceRepository(.viewGovernance)
        return try await StatutesPage.render(repository, errors: [:], context: request.pageContext())
    }

    func saveStatutes(request: Request) async throws -> Response {
        let repository = try await request.governanceRepository(.manageGovernance)
        let form = try request.content.decode(StatutesForm.self)
        return try await FormSubmission.handle {
            var errors = FieldErrors()
            var cap: Int?
            if let text = TextRules.clean(form.maxProxiesPerHolder) {
                cap = Int(text)
                if cap == nil { errors.add("maxProxiesPerHolder", "Écrivez un nombre entier.") }
            }
            try errors.throwIfAny()
            var draft = GovernanceRepository.StatutesDraft(collegesEnabled: form.collegesEnabled == "on", maxProxiesPerHolder: cap, proxySameCollege: form.proxySameCollege == "on")
            draft.quorum = [.ordinary: [.first: form.ordinaryFirst ?? "default", .second: form.ordinarySecond ?? "default"],
                            .extraordinary: [.first: form.extraordinaryFirst ?? "default", .second: form.extraordinarySecond ?? "default"]]
            draft.majority = [.ordinary: form.ordinaryMajority ?? "default", .extraordinary: form.extraordinaryMajority ?? "default"]
            _ = try await repository.saveStatutes(draft)
            request.flash(request.language.t("Statuts enregistrés.", "Statutes saved."))
            return request.redirect(to: SiteURL.governance(repository.scope.id).path)
        } invalid: { errors in
            try await StatutesPage.render(repository, errors: errors, context: request.pageContext(), status: .unprocessableEntity)
        }
    }

    func createCategory(request: Request) async throws -> Response {
        let repository = try await request.governanceRepository(.manageGovernance)
        let form = try request.content.decode(CategoryForm.self)
        return try await FormSubmission.handle {
            _ = try await repository.createCategory(MemberCategoryDraft(name: form.categoryName, kind: form.categoryKind))
            request.flash(request.language.t("Catégorie ajoutée.", "Category added."))
            return request.redirect(to: SiteURL.governance(repository.scope.id).path + "#categories")
        } invalid: { errors in
            try await StatutesPage.render(repository, errors: errors.reduce(into: [:]) { $0["category." + $1.key] = $1.value },
                                          context: request.pageContext(), status: .unprocessableEntity)
        }
    }

    func createCollege(request: Request) async throws -> Response {
        let repository = try await request.governanceRepository(.manageGovernance)
        let form = try request.content.decode(CollegeForm.self)
        return try await FormSubmission.handle {
            var weight: Int?
            if let text = TextRules.clean(form.weightPercent) {
                guard let value = Int(text.replacingOccurrences(of: "%", with: "").trimmingWhitespace()) else {
                    throw Problem.invalid(FieldErrors(["weightPercent": "Écrivez un pourcentage entier, par exemple 40."]))
                }
                weight = value
            }
            _ = try await repository.createCollege(CollegeDraft(name: form.collegeName, weightPercent: weight))
            request.flash(request.language.t("Collège ajouté.", "College added."))
            return request.redirect(to: SiteURL.governance(repository.scope.id).path + "#colleges")
        } invalid: { errors in
            try await StatutesPage.render(repository, errors: errors.reduce(into: [:]) { $0["college." + $1.key] = $1.value },
                                          context: request.pageContext(), status: .unprocessableEntity)
        }
    }

    struct MemberForm: Content {
        var displayName: String?, kind: String?, representative: String?, category: String?, collegeID: String?, admittedOn: String?, status: String?
    }

    func members(request: Request) async throws -> Response {
        let repository = try await request.governanceRepository(.viewGovernance)
        let (filter, filterErrors) = request.pageListFilter(states: MembersPage.states)
        return try await MembersPage.render(repository, form: MemberForm(), errors: [:], filter: filter, typed: filterErrors.isEmpty ? request.query[String.self, at: "q"] : nil,
                                            filterErrors: filterErrors, context: request.pageContext(), status: filterErrors.isEmpty ? .ok : .unprocessableEntity)
    }

    func admit(request: Request) async throws -> Response {
        let repository = try await request.governanceRepository(.manageGovernance)
        let form = try request.content.decode(MemberForm.self)
        return try await FormSubmission.handle {
            let member = try await repository.admit(MemberDraft(displayName: form.displayName, kind: form.kind, representative: form.representative,
                                                                admittedOn: form.admittedOn, status: form.status),
                                                    categoryRef: form.category, collegeRef: form.collegeID, today: .today)
            request.flash(request.language.t("Associé·e n° \(member.number) enregistré·e : ", "Member no. \(member.number) recorded: ") + member.displayName + ".")
            return request.redirect(to: SiteURL.members(repository.scope.id).path)
        } invalid: { errors in
            try await MembersPage.render(repository, form: form, errors: errors, context: request.pageContext(), status: .unprocessableEntity)
        }
    }
}

enum StatutesPage {
    static func render(_ repository: GovernanceRepository, errors: [String: String], context: PageContext, status: HTTPResponseStatus = .ok) async throws -> Response {
        let coop = repository.scope.cooperative
        let statutes = try await StatutesDTO.load(repository)
        let canManage = repository.scope.allows(.manageGovernance)
        let title = context.t("Statuts et collèges", "Statutes and colleges")
        let quorumText = { (value: String?) in value ?? context.t("aucun", "none") }
        return Layout.render(context, title: title, status: status, content: .group(
            .p(.a(.href(SiteURL.cooperative(coop.id!).path), .text(coop.name))),
            .h1(.text(title)),
            statutes.warnings.isEmpty ? .empty : .div(.class("notice"), .id("warnings"),
                .h2(.text(context.t("À compléter", "To complete"))),
                .ul(.forEach(statutes.warnings) { .li(.text($0)) })),
            Kit.facts([
                (context.t("Forme juridique", "Legal form"), LegalForm(rawValue: statutes.legalForm)?.frenchLabel ?? statutes.legalForm),
                (context.t("Collèges de vote", "Voting colleges"), statutes.collegesEnabled ? context.t("oui, vote pondéré par collège", "yes, votes weighted by college") : context.t("non : une personne, une voix", "no: one person, one vote")),
                (context.t("Quorum AGO (1re / 2e convocation)", "Ordinary quorum (1st / 2nd call)"), quorumText(statutes.quorum.ordinaryFirst) + " / " + quorumText(statutes.quorum.ordinarySecond)),
                (context.t("Quorum AGE (1re / 2e convocation)", "Extraordinary quorum (1st / 2nd call)"), quorumText(statutes.quorum.extraordinaryFirst) + " / " + quorumText(statutes.quorum.extraordinarySecond)),
                (context.t("Majorité AGO / AGE (des voix exprimées)", "Majority, ordinary / extraordinary (of votes cast)"),
                 context.t("plus de ", "more than ") + statutes.majority.ordinary + context.t(" / au moins ", " / at least ") + statutes.majority.extraordinary),
                (context.t("Pouvoirs par mandataire", "Proxies per holder"), "\(statutes.maxProxiesPerHolder)" + (statutes.proxySameCollege ? context.t(", du même collège", ", same college") : "")),
            ]),
            .h2(.id("categories"), .text(context.t("Catégories d'associés", "Member categories"))),
            statutes.categories.isEmpty ? .p(.text(context.t("Aucune catégorie.", "No category."))) :
                .ul(.forEach(statutes.categories) { category in
                    .li(.text(category.name + " — " + (MemberCategoryKind(rawValue: category.kind)?.frenchLabel ?? category.kind)))
                }),
            .h2(.id("colleges"), .text(context.t("Collèges de vote", "Voting colleges"))),
            statutes.colleges.isEmpty ? .p(.text(context.t("Aucun collège.", "No college."))) :
                .ul(.forEach(statutes.colleges) { college in .li(.text("\(college.name) — \(college.weightPercent) %")) }),
            .p(.text(context.t("Total des collèges : \(statutes.collegesTotalPercent) %", "Colleges' total: \(statutes.collegesTotalPercent) %"))),
            .if(canManage, .group(
                Kit.errorSummary(errors, order: ["collegesEnabled", "maxProxiesPerHolder", "category.name", "category.kind", "college.name", "college.weightPercent"], context: context),
                .section(.class("panel"),
                    .h2(.text(context.t("Ajouter une catégorie d'associés", "Add a member category"))),
                    .form(.id("category-form"), .action(SiteURL.governanceCategories(coop.id!).path), .method(.post),
                        Kit.csrfField(context.csrfToken),
                        Kit.input(.init(name: "categoryName", label: context.t("Nom", "Name"), error: errors["category.name"], required: true)),
                        Kit.select(name: "categoryKind", label: context.t("Elle réunit", "It gathers"), options: MemberCategoryKind.allCases.map { ($0.rawValue, $0.frenchLabel) },
                                   selected: nil, error: errors["category.kind"], placeholder: context.t("— Choisissez —", "— Choose —")),
                        Kit.submit(context.t("Ajouter la catégorie", "Add the category"), id: "category-submit"))),
                .section(.class("panel"),
                    .h2(.text(context.t("Ajouter un collège de vote", "Add a voting college"))),
                    .form(.id("college-form"), .action(SiteURL.governanceColleges(coop.id!).path), .method(.post),
                        Kit.csrfField(context.csrfToken),
                        Kit.input(.init(name: "collegeName", label: context.t("Nom", "Name"), error: errors["college.name"], required: true)),
                        Kit.input(.init(name: "weightPercent", label: context.t("Poids (% des voix)", "Weight (% of votes)"), error: errors["college.weightPercent"],
                                        hint: context.t("De 10 à 50 % ; tous les collèges ensemble font 100 %.", "10 to 50 %; all colleges together make 100 %."), required: true, inputMode: "numeric")),
                        Kit.submit(context.t("Ajouter le collège", "Add the college"), id: "college-submit"))),
                .section(.class("panel"),
                    .h2(.text(context.t("Règles des statuts", "Statutes' rules"))),
                    .p(.class("hint"), .text(context.t("Quorum et majorité : une fraction (1/5), « none » pour aucun quorum, vide pour la règle du Code de commerce.",
                                                       "Quorum and majority: a fraction (1/5), “none” for no quorum, empty for the Code de commerce's rule."))),
                    .form(.id("statutes-form"), .action(SiteURL.governance(coop.id!).path), .method(.post),
                        Kit.csrfField(context.csrfToken),
                        Kit.checkbox(name: "collegesEnabled", label: context.t("Vote pondéré par collège", "Votes weighted by college"), checked: statutes.collegesEnabled, error: errors["collegesEnabled"]),
                        Kit.input(.init(name: "maxProxiesPerHolder", label: context.t("Pouvoirs au plus par mandataire", "Proxies at most per holder"), value: String(statutes.maxProxiesPerHolder),
                                        error: errors["maxProxiesPerHolder"], inputMode: "numeric")),
                        Kit.checkbox(name: "proxySameCollege", label: context.t("Le mandataire est du même collège", "The holder is of the same college"), checked: statutes.proxySameCollege),
                        Kit.input(.init(name: "ordinaryFirst", label: context.t("Quorum AGO, 1re convocation", "Ordinary quorum, 1st call"), error: errors["quorum.ordinaryFirst"])),
                        Kit.input(.init(name: "ordinarySecond", label: context.t("Quorum AGO, 2e convocation", "Ordinary quorum, 2nd call"), error: errors["quorum.ordinarySecond"])),
                        Kit.input(.init(name: "extraordinaryFirst", label: context.t("Quorum AGE, 1re convocation", "Extraordinary quorum, 1st call"), error: errors["quorum.extraordinaryFirst"])),
                        Kit.input(.init(name: "extraordinarySecond", label: context.t("Quorum AGE, 2e convocation", "Extraordinary quorum, 2nd call"), error: errors["quorum.extraordinarySecond"])),
                        Kit.input(.init(name: "ordinaryMajority", label: context.t("Majorité AGO (plus de)", "Ordinary majority (more than)"), error: errors["majority.ordinary"])),
                        Kit.input(.init(name: "extraordinaryMajority", label: context.t("Majorité AGE (au moins)", "Extraordinary majority (at least)"), error: errors["majority.extraordinary"])),
                        Kit.submit(context.t("Enregistrer les règles", "Save the rules"), id: "statutes-submit")))))
        ))
    }
}

enum MembersPage {
    static var states: [(raw: String, label: String)] { MemberStatus.allCases.map { ($0.rawValue, $0.frenchLabel) } }

    static func render(_ repository: GovernanceRepository, form: GovernancePagesController.MemberForm, errors: [String: String],
                       filter: ListFilter = ListFilter(), typed: String? = nil, filterErrors: [String: String] = [:],
                       context: PageContext, status: HTTPResponseStatus = .ok) async throws -> Response {
        let coop = repository.scope.cooperative
        let (categories, colleges) = (try await repository.categories(), try await repository.colleges())
        let names = (Dictionary(uniqueKeysWithValues: categories.map { ($0.id!, $0.name) }), Dictionary(uniqueKeysWithValues: colleges.map { ($0.id!, $0.name) }))
        let all = try await repository.members()
        let page = GovernanceRepository.page(all, filter)
        let members = page.rows
        let title = context.t("Associé·es", "Members")
        let path = SiteURL.members(coop.id!).path
        return Layout.render(context, title: title, status: status, content: .group(
            Kit.pageHeader(title, breadcrumb: [.init(label: coop.name, path: SiteURL.cooperative(coop.id!).path), .init(label: title, path: nil)], context: context),
            .p(.text(FrenchText.count(all.filter { $0.status == MemberStatus.member.rawValue }.count, context.t("associé·e", "member"), context.t("associé·es", "members")))),
            Kit.listFilterErrors(filterErrors, context: context),
            Kit.listFilterForm(action: path, filter: filter, typed: typed, states: states, context: context),
            .if(filter.isFiltering, Kit.listSummary(page, singular: context.t("résultat", "result"), plural: context.t("résultats", "results"), context: context)),
            members.isEmpty ? Kit.emptyState(filter.isFiltering ? context.t("Personne ne correspond à cette recherche.", "Nobody matches this search.") : context.t("Aucun·e associé·e.", "No member.")) :
            Kit.table(label: title,
                .thead(.tr(.th(.class("num"), .text(context.t("N°", "No."))), .th(.text(context.t("Nom", "Name"))), .th(.text(context.t("Catégorie", "Category"))),
                           .th(.text(context.t("Collège", "College"))), .th(.text(context.t("Admission", "Admitted"))), .th(.text(context.t("Statut", "Status"))))),
                .tbody(.forEach(members) { member in
                    .tr(.td(.class("num"), .text("\(member.number)")),
                        .td(.a(.href(SiteURL.member(coop.id!, member.id!).path), .text(member.displayName)),
                            .text(member.representative.map { context.t(" (représentée par ", " (represented by ") + $0 + ")" } ?? "")),
                        .td(.text(names.0[member.categoryID] ?? "")), .td(.text(member.collegeID.flatMap { names.1[$0] } ?? "—")),
                        .td(.text(member.admittedOn.map { CalendarDay(date: $0).french } ?? "—")),
                        .td(MemberStatus(rawValue: member.status).map { Kit.badge($0, context: context) } ?? .text(member.status)))
                })),
            Kit.pagination(page, path: path, typed: typed, filter: filter, context: context),
            .if(repository.scope.allows(.manageGovernance), .section(.class("panel"),
                .h2(.text(context.t("Enregistrer un·e associé·e", "Record a member"))),
                Kit.errorSummary(errors, order: ["displayName", "kind", "representative", "category", "collegeID", "admittedOn", "status"], context: context),
                .form(.id("member-form"), .action(SiteURL.members(coop.id!).path), .method(.post),
                    Kit.csrfField(context.csrfToken),
                    Kit.input(.init(name: "displayName", label: context.t("Nom", "Name"), value: form.displayName, error: errors["displayName"], required: true)),
                    Kit.select(name: "kind", label: context.t("C'est", "It is"), options: MemberKind.allCases.map { ($0.rawValue, $0.frenchLabel) },
                               selected: form.kind ?? MemberKind.person.rawValue, error: errors["kind"]),
                    Kit.input(.init(name: "representative", label: context.t("Représentant·e (pour une organisation)", "Representative (for an organisation)"), value: form.representative, error: errors["representative"])),
                    Kit.select(name: "category", label: context.t("Catégorie", "Category"), options: categories.map { ($0.id!.uuidString, $0.name) },
                               selected: form.category, error: errors["category"], placeholder: context.t("— Choisissez —", "— Choose —")),
                    Kit.select(name: "collegeID", label: context.t("Collège", "College"), options: colleges.map { ($0.id!.uuidString, $0.name) },
                               selected: form.collegeID, error: errors["collegeID"], placeholder: "—"),
                    Kit.input(.init(name: "admittedOn", label: context.t("Date d'admission", "Admission date"), value: form.admittedOn ?? CalendarDay.today.description, type: .date, error: errors["admittedOn"])),
                    Kit.select(name: "status", label: context.t("Statut", "Status"), options: MemberStatus.allCases.filter { $0 != .former }.map { ($0.rawValue, $0.frenchLabel) },
                               selected: form.status ?? MemberStatus.member.rawValue, error: errors["status"]),
                    Kit.submit(context.t("Enregistrer", "Record"), id: "member-submit"))))
        ))
    }
}
