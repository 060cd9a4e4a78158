import Foundation
import Vapor

/// Every link of the site is built here, so that a path is written once. Route registration
/// uses the same path components (see `SiteURL.Pattern`).
enum SiteURL: Sendable, Equatable {
    case home
    case login(next: String?)
    case logout
    case profile
    case profileLanguage
    case profilePassword
    case profileTokens
    case profileTokenRevoke(UUID)
    case invitation(token: String)
    case territories
    case newTerritory
    case territory(UUID)
    case cooperatives
    case newCooperative
    case adminUsers
    case adminRoleRevoke(UUID)
    case adminInvitations
    case adminAudit
    case cooperative(UUID)
    case cooperativeEdit(UUID)
    case cooperativeAccess(UUID)
    case cooperativeAudit(UUID)
    case cooperativeAccessRevoke(UUID, assignment: UUID)
    case referrals(UUID)
    case newReferral(UUID)
    case referral(UUID, UUID)
    case referralTransitions(UUID, UUID)
    case pathways(UUID)
    case pathway(UUID, UUID)
    case pathwayExit(UUID, UUID)
    case pathwayBarriers(UUID, UUID)
    /// A section of a person's file: `links`, `objectives`, `appointments`, `notes`, `skills`,
    /// `hours`, `export`, `erasure`, `passport`, or a deeper path such as `actions/<id>`.
    case pathwaySection(UUID, UUID, String)
    case ownPathway(UUID)
    case agenda(UUID)
    case appointment(UUID, UUID)
    /// `attendance`, `participants` or `sheet`.
    case appointmentSection(UUID, UUID, String)
    case trainings(UUID)
    case training(UUID, UUID)
    /// `sessions`, `trainees`, or `trainees/<pathwayID>/evaluation`.
    case trainingSection(UUID, UUID, String)
    case competences(UUID)
    case competence(UUID, UUID)
    case products(UUID)
    case product(UUID, UUID)
    case tariffGrids(UUID)
    case households(UUID)
    case householdCard(UUID, card: String)
    case householdSettings(UUID)
    case till(UUID)
    case sales(UUID)
    case sale(UUID, UUID)
    case saleRefund(UUID, UUID)
    case closings(UUID)
    case closingArchive(UUID, UUID)
    case closing(UUID, UUID)
    case drawerOpen(UUID)
    /// A ticket to print (80 mm), and the print counter it goes through.
    case salePrint(UUID, UUID)
    case salePrints(UUID, UUID)
    case invoices(UUID)
    case invoice(UUID, UUID)
    /// `transitions`, `issue` or `credit-note`.
    case invoiceSection(UUID, UUID, String)
    case invoiceSettings(UUID)
    case tradeFigures(UUID)
    case suppliers(UUID)
    case supplier(UUID, UUID)
    case purchases(UUID)
    case purchase(UUID, UUID)
    case purchaseAttachment(UUID, UUID)
    case purchasesImport(UUID)
    case purchasesExport(UUID, year: Int)
    case sourcing(UUID)
    case sourcingSettings(UUID)
    case recipes(UUID)
    case recipe(UUID, UUID)
    case governance(UUID)
    case governanceCategories(UUID)
    case governanceColleges(UUID)
    case members(UUID)
    case capital(UUID)
    case capitalShareClasses(UUID)
    case capitalOperations(UUID)
    case member(UUID, UUID)
    case memberExit(UUID, UUID)
    case memberAccount(UUID, UUID)
    case memberCertificate(UUID, UUID)
    case subscriptionRequests(UUID)
    case subscriptionTransition(UUID, UUID)
    case partners(UUID)
    case resources(UUID)
    case resource(UUID)
    case resourceBookings(UUID)
    case fundingAgreements(UUID)
    case indicators
    case cooperativeImpact(UUID)
    case territoryImpact(UUID)
    case networkImpact
    case networkSettings
    case templates
    case fundingAgreement(UUID, UUID)
    case partner(UUID, UUID)
    case decisions(UUID)
    case decision(UUID, UUID)
    /// `votes` or `close`.
    case decisionAction(UUID, UUID, String)
    case assemblies(UUID)
    case assembly(UUID, UUID)
    /// `bureau`, `convocation`, `attendance`, `resolutions`, `vote`, `minutes`, `minutes/lock`.
    case assemblyAction(UUID, UUID, String)
    case assemblyConvocation(UUID, UUID)
    case assemblyVote(UUID, UUID)
    case assemblyMinutes(UUID, UUID)
    /// `votes` or `close`.
    case resolutionAction(UUID, UUID, UUID, String)
    case stylesheet
    case tillScript
    case printScript
    case tillServiceWorker
    case styleguide

    var path: String {
        switch self {
        case .home: return "/"
        case .login(let next):
            guard let next, next != "/", next.hasPrefix("/"), !next.hasPrefix("//") else { return "/login" }
            return "/login?next=" + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
        case .logout: return "/logout"
        case .profile: return "/profile"
        case .profileLanguage: return "/profile/language"
        case .profilePassword: return "/profile/password"
        case .profileTokens: return "/profile/tokens"
        case .profileTokenRevoke(let id): return "/profile/tokens/\(id.uuidString.lowercased())/revoke"
        case .invitation(let token): return "/invitations/\(token)"
        case .territories: return "/territories"
        case .newTerritory: return "/territories/new"
        case .territory(let id): return "/territories/\(id.uuidString.lowercased())"
        case .cooperatives: return "/coops"
        case .newCooperative: return "/coops/new"
        case .adminUsers: return "/admin/users"
        case .adminRoleRevoke(let id): return "/admin/roles/\(id.uuidString.lowercased())/revoke"
        case .adminInvitations: return "/admin/invitations"
        case .adminAudit: return "/admin/audit"
        case .cooperative(let id): return "/coops/\(id.uuidString.lowercased())"
        case .cooperativeEdit(let id): return "/coops/\(id.uuidString.lowercased())/edit"
        case .cooperativeAccess(let id): return "/coops/\(id.uuidString.lowercased())/access"
        case .cooperativeAudit(let id): return "/coops/\(id.uuidString.lowercased())/audit"
        case .cooperativeAccessRevoke(let id, let assignment):
            return "/coops/\(id.uuidString.lowercased())/access/\(assignment.uuidString.lowercased())/revoke"
        case .referrals(let coop): return SiteURL.cooperative(coop).path + "/referrals"
        case .newReferral(let coop): return SiteURL.cooperative(coop).path + "/referrals/new"
        case .referral(let coop, let id): return SiteURL.cooperative(coop).path + "/referrals/\(id.uuidString.lowercased())"
        case .referralTransitions(let coop, let id): return SiteURL.referral(coop, id).path + "/transitions"
        case .pathways(let coop): return SiteURL.cooperative(coop).path + "/pathways"
        case .pathway(let coop, let id): return SiteURL.cooperative(coop).path + "/pathways/\(id.uuidString.lowercased())"
        case .pathwayExit(let coop, let id): return SiteURL.pathway(coop, id).path + "/exit"
        case .pathwayBarriers(let coop, let id): return SiteURL.pathway(coop, id).path + "/barriers"
        case .pathwaySection(let coop, let id, let section): return SiteURL.pathway(coop, id).path + "/" + section
        case .ownPathway(let coop): return SiteURL.cooperative(coop).path + "/me/pathway"
        case .agenda(let coop): return SiteURL.cooperative(coop).path + "/agenda"
        case .appointment(let coop, let id): return SiteURL.agenda(coop).path + "/\(id.uuidString.lowercased())"
        case .appointmentSection(let coop, let id, let section): return SiteURL.appointment(coop, id).path + "/" + section
        case .trainings(let coop): return SiteURL.cooperative(coop).path + "/trainings"
        case .training(let coop, let id): return SiteURL.trainings(coop).path + "/\(id.uuidString.lowercased())"
        case .trainingSection(let coop, let id, let section): return SiteURL.training(coop, id).path + "/" + section
        case .competences(let coop): return SiteURL.cooperative(coop).path + "/competences"
        case .competence(let coop, let id): return SiteURL.competences(coop).path + "/\(id.uuidString.lowercased())"
        case .products(let coop): return SiteURL.cooperative(coop).path + "/products"
        case .product(let coop, let id): return SiteURL.products(coop).path + "/\(id.uuidString.lowercased())"
        case .tariffGrids(let coop): return SiteURL.cooperative(coop).path + "/tariff-grids"
        case .households(let coop): return SiteURL.cooperative(coop).path + "/households"
        case .householdCard(let coop, let card): return SiteURL.households(coop).path + "/\(card)/card"
        case .householdSettings(let coop): return SiteURL.households(coop).path + "/settings"
        case .till(let coop): return SiteURL.cooperative(coop).path + "/till"
        case .sales(let coop): return SiteURL.cooperative(coop).path + "/sales"
        case .sale(let coop, let id): return SiteURL.sales(coop).path + "/\(id.uuidString.lowercased())"
        case .saleRefund(let coop, let id): return SiteURL.sale(coop, id).path + "/refund"
        case .closings(let coop): return SiteURL.cooperative(coop).path + "/closings"
        case .closingArchive(let coop, let id): return SiteURL.closings(coop).path + "/\(id.uuidString.lowercased())/archive"
        case .closing(let coop, let id): return SiteURL.closings(coop).path + "/\(id.uuidString.lowercased())"
        case .drawerOpen(let coop): return SiteURL.cooperative(coop).path + "/drawer/open"
        case .salePrint(let coop, let id): return SiteURL.sale(coop, id).path + "/print"
        case .salePrints(let coop, let id): return SiteURL.sale(coop, id).path + "/prints"
        case .invoices(let coop): return SiteURL.cooperative(coop).path + "/invoices"
        case .invoice(let coop, let id): return SiteURL.invoices(coop).path + "/\(id.uuidString.lowercased())"
        case .invoiceSection(let coop, let id, let section): return SiteURL.invoice(coop, id).path + "/" + section
        case .invoiceSettings(let coop): return SiteURL.invoices(coop).path + "/settings"
        case .tradeFigures(let coop): return SiteURL.cooperative(coop).path + "/trade-figures"
        case .suppliers(let coop): return SiteURL.cooperative(coop).path + "/suppliers"
        case .supplier(let coop, let id): return SiteURL.suppliers(coop).path + "/\(id.uuidString.lowercased())"
        case .purchases(let coop): return SiteURL.cooperative(coop).path + "/purchases"
        case .purchase(let coop, let id): return SiteURL.purchases(coop).path + "/\(id.uuidString.lowercased())"
        case .purchaseAttachment(let coop, let id): return SiteURL.purchase(coop, id).path + "/attachment"
        case .purchasesImport(let coop): return SiteURL.purchases(coop).path + "/import"
        case .purchasesExport(let coop, let year): return "/api/v1" + SiteURL.purchases(coop).path + "/export?year=\(year)"
        case .sourcing(let coop): return SiteURL.cooperative(coop).path + "/sourcing"
        case .sourcingSettings(let coop): return SiteURL.sourcing(coop).path + "/settings"
        case .recipes(let coop): return SiteURL.cooperative(coop).path + "/recipes"
        case .recipe(let coop, let id): return SiteURL.recipes(coop).path + "/\(id.uuidString.lowercased())"
        case .governance(let coop): return SiteURL.cooperative(coop).path + "/governance"
        case .governanceCategories(let coop): return SiteURL.governance(coop).path + "/categories"
        case .governanceColleges(let coop): return SiteURL.governance(coop).path + "/colleges"
        case .members(let coop): return SiteURL.cooperative(coop).path + "/members"
        case .capital(let coop): return SiteURL.cooperative(coop).path + "/capital"
        case .capitalShareClasses(let coop): return SiteURL.capital(coop).path + "/share-classes"
        case .capitalOperations(let coop): return SiteURL.capital(coop).path + "/operations"
        case .member(let coop, let member): return SiteURL.members(coop).path + "/\(member)"
        case .memberExit(let coop, let member): return SiteURL.member(coop, member).path + "/exit"
        case .memberAccount(let coop, let member): return SiteURL.member(coop, member).path + "/account"
        case .memberCertificate(let coop, let member): return SiteURL.member(coop, member).path + "/certificate"
        case .subscriptionRequests(let coop): return SiteURL.cooperative(coop).path + "/subscription-requests"
        case .subscriptionTransition(let coop, let request): return SiteURL.subscriptionRequests(coop).path + "/\(request)/transitions"
        case .fundingAgreements(let coop): return SiteURL.cooperative(coop).path + "/funding-agreements"
        case .indicators: return "/indicators"
        case .cooperativeImpact(let coop): return SiteURL.cooperative(coop).path + "/impact"
        case .territoryImpact(let territory): return SiteURL.territory(territory).path + "/impact"
        case .networkImpact: return "/network/impact"
        case .networkSettings: return "/network/settings"
        case .templates: return "/templates"
        case .fundingAgreement(let coop, let agreement): return SiteURL.fundingAgreements(coop).path + "/\(agreement)"
        case .resources(let territory): return SiteURL.territory(territory).path + "/resources"
        case .resource(let resource): return "/resources/\(resource.uuidString.lowercased())"
        case .resourceBookings(let resource): return SiteURL.resource(resource).path + "/bookings"
        case .partners(let territory): return SiteURL.territory(territory).path + "/partners"
        case .partner(let territory, let partner): return SiteURL.partners(territory).path + "/\(partner)"
        case .decisions(let coop): return SiteURL.cooperative(coop).path + "/decisions"
        case .decision(let coop, let decision): return SiteURL.decisions(coop).path + "/\(decision)"
        case .decisionAction(let coop, let decision, let action): return SiteURL.decision(coop, decision).path + "/" + action
        case .assemblies(let coop): return SiteURL.cooperative(coop).path + "/assemblies"
        case .assembly(let coop, let assembly): return SiteURL.assemblies(coop).path + "/\(assembly)"
        case .assemblyAction(let coop, let assembly, let action): return SiteURL.assembly(coop, assembly).path + "/" + action
        case .assemblyConvocation(let coop, let assembly): return SiteURL.assembly(coop, assembly).path + "/convocation"
        case .assemblyVote(let coop, let assembly): return SiteURL.assembly(coop, assembly).path + "/vote"
        case .assemblyMinutes(let coop, let assembly): return SiteURL.assembly(coop, assembly).path + "/minutes"
        case .resolutionAction(let coop, let assembly, let resolution, let action):
            return SiteURL.assembly(coop, assembly).path + "/resolutions/\(resolution)/" + action
        case .stylesheet: return "/assets/maillage.css"
        case .styleguide: return "/styleguide"
        case .tillScript: return "/assets/till.js"
        case .printScript: return "/assets/print.js"
        case .tillServiceWorker: return "/assets/till-sw.js"
        }
    }
}

extension Request {
    /// A UUID path parameter; a malformed one is a 404 like any unknown id.
    func uuidParameter(_ name: String) throws -> UUID {
        guard let raw = parameters.get(name), let id = UUID(uuidString: raw) else { throw Problem.notFound }
        return id
    }
}
