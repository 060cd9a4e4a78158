import MaillageCore
import Plot

/// What a status means to the person reading it, hence its colour: one colour per meaning
/// across every state machine (docs/UI.md).
enum Tone: String, CaseIterable, Sendable {
    /// Nothing to do, or not started (a draft, a quote).
    case neutral
    /// Moving on, in someone's hands (sent, in progress, convened).
    case info
    /// Waiting for someone here: the reader may have to act (to validate, to send).
    case warning
    /// Done and good (accepted, paid, validated, adopted).
    case success
    /// Stopped or refused (refused, expired, cancelled, rejected).
    case danger
}

/// A state that shows as a badge: its label in the page's language and its tone.
protocol StatusBadged: FrenchLabelled, RawRepresentable<String> {
    var tone: Tone { get }
}

extension ReferralStatus: StatusBadged {
    var tone: Tone {
        switch self {
        case .sent: .warning
        case .received, .interview: .info
        case .accepted: .success
        case .refused, .expired: .danger
        }
    }
}

extension InvoiceStatus: StatusBadged {
    var tone: Tone {
        switch self {
        case .quote: .neutral
        case .order, .delivered: .info
        case .issued: .success
        case .declined: .danger
        }
    }
}

extension SubscriptionStatus: StatusBadged {
    var tone: Tone {
        switch self {
        case .draft: .warning
        case .validated, .called: .info
        case .paid: .success
        case .cancelled: .danger
        }
    }
}

extension HoursStatus: StatusBadged {
    var tone: Tone { self == .submitted ? .warning : .success }
}

extension ActionStatus: StatusBadged {
    var tone: Tone {
        switch self {
        case .inProgress: .info
        case .done: .success
        case .abandoned: .danger
        }
    }
}

extension MemberStatus: StatusBadged {
    var tone: Tone {
        switch self {
        case .candidate: .warning
        case .member: .success
        case .former: .neutral
        }
    }
}

extension CooperativeStage: StatusBadged {
    var tone: Tone { self == .consolidation ? .success : .info }
}

/// The components every page is built from (docs/UI.md; shown together on /styleguide).
extension Kit {
    /// A coloured status. The colour is never the only sign: the label says it too.
    static func badge(_ label: String, tone: Tone) -> BodyNode {
        .span(.class("badge badge-\(tone.rawValue)"), .text(label))
    }

    static func badge(_ status: some StatusBadged, context: PageContext) -> BodyNode {
        badge(context.language == .french ? status.frenchLabel : englishLabel(status), tone: status.tone)
    }

    /// English pages show the state's code made readable (`in_progress` → `in progress`).
    private static func englishLabel(_ status: some StatusBadged) -> String {
        status.rawValue.replacingOccurrences(of: "_", with: " ")
    }

    /// One step of a breadcrumb: the current page has no link.
    struct Crumb {
        var label: String
        var path: String?
    }

    /// The top of a page: where it is (breadcrumb), what it is (title), what to do (actions).
    static func pageHeader(_ title: String, breadcrumb: [Crumb] = [], lede: String? = nil, actions: [BodyNode] = [], context: PageContext) -> BodyNode {
        .div(
            .class("page-header"),
            .if(!breadcrumb.isEmpty, .nav(
                .class("breadcrumb"),
                .ariaLabel(context.t("Fil d'Ariane", "Breadcrumb")),
                .ol(.forEach(breadcrumb) { crumb in
                    .li(.unwrap(crumb.path, { .a(.href($0), .text(crumb.label)) }, else: .span(.attribute(named: "aria-current", value: "page"), .text(crumb.label))))
                })
            )),
            .div(.class("page-title"),
                 .h1(.text(title)),
                 .if(!actions.isEmpty, .div(.class("button-group"), .group(actions)))),
            .unwrap(lede) { .p(.class("lede"), .text($0)) }
        )
    }

    /// A link styled as a button; `primary` for the page's main action (one per page).
    static func linkButton(_ label: String, href: String, primary: Bool = false, id: String? = nil) -> BodyNode {
        .a(.class(primary ? "button primary" : "button"), .href(href), .unwrap(id) { .id($0) }, .text(label))
    }

    /// Buttons side by side with room between them, wrapping on a phone.
    static func buttonGroup(_ buttons: [BodyNode]) -> BodyNode {
        .div(.class("button-group"), .group(buttons))
    }

    struct Tab {
        var label: String
        var path: String
        var current: Bool
        var count: Int? = nil
    }

    /// Sections of one record, as links (each tab is its own address, so it can be bookmarked
    /// and works without JavaScript).
    static func tabs(_ tabs: [Tab], label: String) -> BodyNode {
        .nav(.class("tabs"), .ariaLabel(label),
             .ul(.forEach(tabs) { tab in
                 .li(.a(.href(tab.path),
                        .if(tab.current, .attribute(named: "aria-current", value: "page")),
                        .text(tab.label),
                        .unwrap(tab.count) { .span(.class("count"), .text(FrenchText.integer($0))) }))
             }))
    }

    /// A form kept closed behind its button ("Ajouter…") so that a record's page reads as a
    /// record; open when that form was just refused, so its error summary is in view.
    static func addForm(_ label: String, id: String, open: Bool, _ content: BodyNode) -> BodyNode {
        .element(named: "details", nodes: [
            .class("add-form no-print"), .id(id),
            .if(open, .attribute(named: "open", value: "open")),
            .element(named: "summary", nodes: [.class("button"), .text(label)]),
            content,
        ])
    }

    /// What an empty list says, and what to do about it.
    static func emptyState(_ message: String, action: (label: String, path: String)? = nil) -> BodyNode {
        .div(.class("empty-state"),
             .p(.text(message)),
             .unwrap(action) { linkButton($0.label, href: $0.path, primary: true) })
    }
}
