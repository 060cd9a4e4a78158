/// What a user may try to do. Later areas add their own cases; `roles` is the single
/// matrix that says which role may do what.
public enum Permission: String, CaseIterable, Sendable, Hashable {
    /// Create territories and cooperatives, invite users anywhere in the network, read the
    /// network's audit log.
    case administerNetwork
    /// See a territory's card.
    case viewTerritory
    /// See a cooperative's card (name, territory, legal form, stage).
    case viewCooperative
    /// Change a cooperative's card.
    case editCooperative
    /// Invite people into the cooperative and give or take their roles there.
    case manageCooperativeAccess
    /// Read the cooperative's audit log.
    case viewCooperativeAudit
    /// Send a referral (orientation) to the cooperative.
    case createReferral
    /// See the referrals one has sent, and their state.
    case viewOwnReferrals
    /// See every referral of the cooperative and move it through its workflow.
    case manageReferrals
    /// Open a person's pathway file and write in it (entry data, plan, hours, exit…), run
    /// the agenda, trainings and competence grid.
    case managePathways
    /// Read and write the confidential accompaniment notes (the person's referent may too).
    case readConfidentialNotes
    /// A cooperant's own pathway: see it, assess their own skills, type their hours.
    case viewOwnPathway
    /// See the catalogue, the tariff grids and the households' cards (the till needs them).
    case viewCatalogue
    /// Change the catalogue and create tariff grids.
    case manageCatalogue
    /// Register a household's proof and give it a card (at the counter or in the office).
    case registerHouseholds
    /// Record sales and refunds at the till, verify the cash journal.
    case sell
    /// Catering quotes, orders, invoices and credit notes.
    case invoice
    /// The trade figures: sales by tier, solidarity given and who funded it.
    case viewTradeFigures
    /// Suppliers, purchases (typed, imported, exported), recipes and portion costs.
    case purchase
    /// The sourcing indicators: EGAlim, local, short-circuit, QPV and ESS shares.
    case viewSourcingIndicators
    /// What the cooperative calls local.
    case manageSourcing
    /// The statutes' governance settings, the categories, colleges and members: the
    /// cooperative's people read them.
    case viewGovernance
    /// Change the statutes' settings, categories and colleges; admit members.
    case manageGovernance
    /// The territory's directory of partners and the services they offer.
    case viewPartners
    /// Add and update the territory's partners (shared by its cooperatives).
    case managePartners
    /// The cooperative's funding agreements, their targets against the figures, deadlines.
    case viewFunding
    /// Record funding agreements.
    case manageFunding
    /// Book the territory's pooled resources (rooms, kitchen, vehicle…).
    case bookResources
    /// The impact dashboards and funder reports. Figures are exact only for who works in the
    /// cooperative (`managePathways`); others see them under the statistical secret.
    case viewImpact

    /// Roles allowed to use this permission on a resource within their scope.
    public var roles: Set<Role> {
        switch self {
        case .administerNetwork: [.networkAdmin]
        case .viewTerritory, .viewCooperative, .viewPartners: Set(Role.allCases)
        case .managePartners, .manageFunding: [.networkAdmin, .coordinator]
        case .viewFunding, .viewImpact: [.networkAdmin, .coordinator, .funder]
        case .bookResources: [.networkAdmin, .coordinator, .staff]
        case .editCooperative, .manageCooperativeAccess, .viewCooperativeAudit: [.networkAdmin, .coordinator]
        case .createReferral, .viewOwnReferrals: [.networkAdmin, .coordinator, .referrer]
        case .manageReferrals, .managePathways: [.networkAdmin, .coordinator]
        case .readConfidentialNotes: [.coordinator]
        case .viewOwnPathway: [.cooperant]
        case .viewCatalogue, .registerHouseholds, .sell, .invoice: [.networkAdmin, .coordinator, .staff]
        case .viewTradeFigures: [.networkAdmin, .coordinator, .funder]
        case .manageCatalogue, .manageSourcing, .manageGovernance: [.networkAdmin, .coordinator]
        case .viewGovernance: [.networkAdmin, .coordinator, .staff, .cooperant, .member]
        case .purchase: [.networkAdmin, .coordinator, .staff]
        case .viewSourcingIndicators: [.networkAdmin, .coordinator, .staff, .funder]
        }
    }

    /// Whether someone whose role is on a place below the resource may use it (a cooperative's
    /// staff may see their own territory's card).
    public var readableFromBelow: Bool {
        switch self {
        // The territory's directory belongs to every cooperative in it.
        case .viewTerritory, .viewPartners, .managePartners, .bookResources: true
        // The territory's and the network's dashboards compare the cooperatives: a coordinator
        // or a funder of one sees the others under the statistical secret.
        case .viewImpact: true
        default: false
        }
    }
}
