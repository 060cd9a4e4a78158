import Fluent
import Foundation
import MaillageCore
import Plot
import Vapor

/// Pages of referrals and pathways: `/coops/:coopID/referrals…`, `/coops/:coopID/pathways…`.
struct PathwaysPagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let coop = routes.grouped("coops", ":coopID")
        coop.get("referrals", use: referrals)
        coop.get("referrals", "new", use: newReferral)
        coop.post("referrals", "new", use: createReferral)
        coop.get("referrals", ":referralID", use: referral)
        coop.post("referrals", ":referralID", "transitions", use: moveReferral)
        coop.get("pathways", use: pathways)
        coop.get("pathways", ":pathwayID", use: pathway)
        coop.post("pathways", ":pathwayID", "exit", use: recordExit)
        coop.post("pathways", ":pathwayID", "barriers", use: assessBarrier)
    }

    struct ReferralForm: Content {
        var firstName: String?
        var lastName: String?
        var birthYear: String?
        var contact: String?
        var commune: String?
        var qpvCode: String?
        var situationAtEntry: String?
        var educationLevel: String?
        var reason: String?
        var barriers: [String]?
        var preferredContact: String?
        var consent: String?
        var consentDate: String?

        var draft: ReferralDraft {
            ReferralDraft(
                firstName: firstName, lastName: lastName, birthYear: TextRules.clean(birthYear).flatMap { Int($0) },
                contact: contact, commune: commune, qpvCode: qpvCode, situationAtEntry: situationAtEntry,
                educationLevel: educationLevel, reason: reason, barriers: barriers ?? [], preferredContact: preferredContact,
                consentGiven: consent == "on", consentDate: consentDate
            )
        }
    }

    // MARK: Referrals

    func referrals(request: Request) async throws -> Response {
        let scope = try await request.cooperativeScope(anyOf: [.manageReferrals, .viewOwnReferrals])
        let repository = PathwaysRepository(db: request.db, scope: scope)
        let (filter, errors) = request.pageListFilter(states: PathwaysRepository.referralStates)
        let page = try await repository.referrals(filter)
        return ReferralsPage.render(.init(coop: scope.cooperative, page: page, filter: filter, typed: request.query[String.self, at: "q"], errors: errors,
                                          coordination: scope.allows(.manageReferrals), canCreate: scope.allows(.createReferral)),
                                    context: request.pageContext(), status: errors.isEmpty ? .ok : .unprocessableEntity)
    }

    func newReferral(request: Request) async throws -> Response {
        let scope = try await request.cooperativeScope(.createReferral)
        return ReferralFormPage.render(coop: scope.cooperative, form: ReferralForm(), errors: [:], context: request.pageContext())
    }

    func createReferral(request: Request) async throws -> Response {
        let scope = try await request.cooperativeScope(.createReferral)
        let form = try request.content.decode(ReferralForm.self)
        return try await FormSubmission.handle {
            let birthYearError: FieldErrors? = TextRules.clean(form.birthYear).map { Int($0) == nil ? FieldErrors(["person.birthYear": "L'année de naissance s'écrit en chiffres, par exemple 1990."]) : FieldErrors() }
            if let birthYearError, !birthYearError.isEmpty { throw birthYearError }
            let valid = try form.draft.validate(today: .today)
            let referral = try await PathwaysRepository(db: request.db, scope: scope).createReferral(valid, request: request)
            request.flash(request.language.t("Orientation envoyée à la coopérative.", "Referral sent to the cooperative."))
            return request.redirect(to: SiteURL.referral(scope.id, referral.id!).path)
        } invalid: { errors in
            ReferralFormPage.render(coop: scope.cooperative, form: form, errors: ReferralFormPage.formKeys(errors), context: request.pageContext(), status: .unprocessableEntity)
        }
    }

    func referral(request: Request) async throws -> Response {
        let scope = try await request.cooperativeScope(anyOf: [.manageReferrals, .viewOwnReferrals])
        let repository = PathwaysRepository(db: request.db, scope: scope)
        let referral = try await repository.referral(try request.uuidParameter("referralID"))
        let steps = try await repository.transitions(of: referral)
        let duplicates = try await repository.possibleDuplicates(of: referral)
        return ReferralPage.render(.init(coop: scope.cooperative, referral: referral, steps: steps, coordination: scope.allows(.manageReferrals), duplicates: duplicates),
                                   errors: [:], context: request.pageContext())
    }

    struct TransitionForm: Content {
        var to: String?
        var reason: String?
        var shareReason: String?
    }

    func moveReferral(request: Request) async throws -> Response {
        let scope = try await request.cooperativeScope(.manageReferrals)
        let repository = PathwaysRepository(db: request.db, scope: scope)
        let referral = try await repository.referral(try request.uuidParameter("referralID"))
        let form = try request.content.decode(TransitionForm.self)
        return try await FormSubmission.handle {
            let moved = try await repository.move(referral, to: form.to, reason: form.reason, shareReason: form.shareReason == "on", request: request)
            if let pathwayID = moved.pathwayID, moved.referralStatus == .accepted {
                request.flash(request.language.t("Orientation acceptée : le parcours est ouvert.", "Referral accepted: the pathway is open."))
                return request.redirect(to: SiteURL.pathway(scope.id, pathwayID).path)
            }
            request.flash(request.language.t("Orientation mise à jour.", "Referral updated."))
            return request.redirect(to: SiteURL.referral(scope.id, referral.id!).path)
        } invalid: { errors in
            let steps = try await repository.transitions(of: referral)
            return ReferralPage.render(.init(coop: scope.cooperative, referral: referral, steps: steps, coordination: true),
                                       errors: errors, context: request.pageContext(), status: .unprocessableEntity)
        }
    }

    // MARK: Pathways

    func pathways(request: Request) async throws -> Response {
        try await PathwaysListPage.respond(request)
    }

    func pathway(request: Request) async throws -> Response {
        let (repository, pathway, viewer) = try await request.pathwayForCoordinationOrPerson()
        return PathwayPage.render(try await PathwayPage.model(repository, pathway, viewer: viewer), tab: PathwayTab(query: request.query[String.self, at: "onglet"]),
                                  context: request.pageContext())
    }

    struct BarrierForm: Content {
        var barrier: String?
        var level: String?
        var barrierDate: String?
    }

    func assessBarrier(request: Request) async throws -> Response {
        let (repository, pathway) = try await request.pathwayInScope()
        let form = try request.content.decode(BarrierForm.self)
        return try await FormSubmission.handle {
            _ = try await repository.assessBarrier(pathway, barrier: form.barrier, level: form.level, date: form.barrierDate, today: .today, request: request)
            request.flash(request.language.t("Évaluation enregistrée.", "Assessment saved."))
            return request.redirect(to: SiteURL.pathway(repository.scope.id, pathway.id!).path + "#freins")
        } invalid: { errors in
            PathwayPage.render(try await PathwayPage.model(repository, pathway, viewer: .coordination),
                               form: SectionForm(section: "barriers", values: ["barrier": form.barrier ?? "", "level": form.level ?? "", "barrierDate": form.barrierDate ?? ""],
                                                 errors: errors, fields: ["date": "barrierDate"]),
                               context: request.pageContext(), status: .unprocessableEntity)
        }
    }

    struct ExitForm: Content {
        var date: String?
        var destination: String?
    }

    func recordExit(request: Request) async throws -> Response {
        let (repository, pathway) = try await request.pathwayInScope()
        let form = try request.content.decode(ExitForm.self)
        return try await FormSubmission.handle {
            _ = try await repository.recordExit(pathway, .init(date: form.date, destination: form.destination), today: .today, request: request)
            request.flash(request.language.t("Sortie enregistrée.", "Exit recorded."))
            return request.redirect(to: PathwayTab.sortie.path(SiteURL.pathway(repository.scope.id, pathway.id!).path) + "#sortie")
        } invalid: { errors in
            PathwayPage.render(try await PathwayPage.model(repository, pathway, viewer: .coordination),
                               form: SectionForm(section: "exit", values: ["date": form.date ?? "", "destination": form.destination ?? ""], errors: errors),
                               context: request.pageContext(), status: .unprocessableEntity)
        }
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        switch self {
        case .some(let value): try await transform(value)
        case .none: nil
        }
    }
}

enum ReferralLabels {
    static func status(_ raw: String, _ language: AppLanguage) -> String {
        guard let status = ReferralStatus(rawValue: raw) else { return raw }
        return language == .french ? status.frenchLabel : status.englishLabel
    }
}
