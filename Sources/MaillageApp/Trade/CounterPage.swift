import Foundation
import MaillageCore
import Plot
import Vapor

/// The till's screen, built for a counter: products by category on the left (or on top on a
/// phone), the ticket pane on the right with the household's line, the lines, a large total
/// and the pay buttons always in view. `till.js` drives it over the JSON API; the ids and data
/// attributes below are what it (and the e2e tests) find things by.
struct TillPage {
    var coop: Cooperative
    var products: [Product]
    var poolCents: Int
    var dayClosed: Bool
    var drawer: DrawerDTO
    /// The float as typed, and why it was refused.
    var floatTyped: String? = nil
    var floatError: String? = nil

    /// Each way to pay, its key and the short label its button shows (four fit in a row).
    static let paymentKeys: [(method: PaymentMethod, key: String, label: String)] = [
        (.cash, "E", "Espèces"), (.card, "C", "Carte"), (.cheque, "Q", "Chèque"), (.mealVoucher, "T", "Titre-resto"),
    ]

    func render(_ context: PageContext, status: HTTPResponseStatus = .ok) -> Response {
        let coopID = coop.id!
        let title = context.t("Caisse", "Till")
        return Layout.render(context, title: title, status: status, scripts: [SiteURL.tillScript.path], content: .group(
            .div(.class("counter-head"),
                .h1(.text(title)),
                counterLinks(coop, context: context),
                .button(.type(.button), .id("till-training-toggle"), .class("till-training-toggle"), .attribute(named: "aria-pressed", value: "false"),
                        .attribute(named: "aria-controls", value: "till"), .text(context.t("Mode école", "Training mode"))),
                drawerLine(context)),
            Kit.errorSummary(floatError.map { ["openingFloat": $0] } ?? [:], order: ["openingFloat"], context: context),
            .p(.id("till-training-banner"), .class("till-training-banner"), .attribute(named: "hidden", value: "hidden"), .attribute(named: "role", value: "status"),
               .text(context.t("Mode école : les tickets sont des exercices, numérotés à part, hors du journal, des chiffres et des clôtures.",
                               "Training mode: tickets are exercises, numbered apart, outside the journal, the figures and the closings."))),
            .if(dayClosed, .p(.class("alert"), .text(context.t("La clôture du jour (Z) est faite : la caisse n'enregistre plus de ticket aujourd'hui.",
                                                            "Today's Z closing is done: the till records no more tickets today.")))),
            .element(named: "noscript", nodes: [.p(.class("alert"), .text(context.t(
                "La caisse a besoin de JavaScript. Les tickets se consultent sur la page Tickets.",
                "The till needs JavaScript. Tickets can be read on the Tickets page.")))]),
            .div(.id("till"), .class("till"), .attribute(named: "tabindex", value: "-1"),
                .attribute(named: "aria-label", value: context.t("Caisse : les touches du clavier ajoutent et encaissent", "Till: keyboard keys add and record")),
                .data(named: "coop", value: coopID.uuidString.lowercased()),
                .data(named: "api", value: "/api/v1/coops/\(coopID.uuidString.lowercased())"),
                .data(named: "csrf", value: context.csrfToken),
                .data(named: "pool", value: String(poolCents)),
                .data(named: "ticket-url", value: SiteURL.sales(coopID).path),
                .data(named: "service-worker", value: SiteURL.tillServiceWorker.path),
                productsPane(context),
                ticketPane(context))
        ))
    }

    /// Whether the drawer was opened today, with its float, or the form that opens it.
    private func drawerLine(_ context: PageContext) -> BodyNode {
        if drawer.opened {
            return .p(.id("drawer-state"), .class("counter-drawer"), Kit.badge(context.t("Caisse ouverte", "Drawer open"), tone: .success),
                      .text(context.t(" fond de caisse ", " float ") + Euros.french(drawer.openingFloatCents)))
        }
        if dayClosed { return .empty }
        return .form(.id("drawer-open-form"), .class("counter-drawer"), .method(.post), .action(SiteURL.drawerOpen(coop.id!).path),
            Kit.csrfField(context.csrfToken),
            .label(.for("openingFloat"), .text(context.t("Fond de caisse (€)", "Opening float (€)"))),
            .input(.type(.text), .id("openingFloat"), .name("openingFloat"), .value(floatTyped ?? ""), .attribute(named: "inputmode", value: "decimal"),
                   .attribute(named: "autocomplete", value: "off"), .attribute(named: "required", value: "required"),
                   .attribute(named: "aria-invalid", value: floatError == nil ? "false" : "true"),
                   .attribute(named: "aria-describedby", value: floatError == nil ? "openingFloat-hint" : "openingFloat-error")),
            .span(.id("openingFloat-hint"), .class("visually-hidden"), .text(context.t("Le fond de caisse compté en début de journée.", "The float counted at the start of the day."))),
            .button(.type(.submit), .id("drawer-open-submit"), .text(context.t("Ouvrir", "Open"))),
            .unwrap(floatError) { .p(.id("openingFloat-error"), .class("error"), .text($0)) })
    }

    private var categories: [String] {
        var seen: [String] = []
        for product in products where !seen.contains(product.category) { seen.append(product.category) }
        return seen
    }

    private func productsPane(_ context: PageContext) -> BodyNode {
        .section(.class("till-products-pane"), .attribute(named: "aria-label", value: context.t("Produits", "Products")),
            .div(.class("till-finder"),
                .label(.class("visually-hidden"), .for("till-search"), .text(context.t("Chercher un produit", "Find a product"))),
                .input(.type(.search), .id("till-search"), .attribute(named: "placeholder", value: context.t("Chercher un produit (F)", "Find a product (F)")),
                       .attribute(named: "autocomplete", value: "off"), .attribute(named: "aria-keyshortcuts", value: "F"),
                       .attribute(named: "aria-controls", value: "till-products")),
                .if(categories.count > 1,
                    .div(.class("till-categories"), .attribute(named: "role", value: "group"), .attribute(named: "aria-label", value: context.t("Catégories", "Categories")),
                        .button(.type(.button), .class("till-category"), .data(named: "category", value: ""), .attribute(named: "aria-pressed", value: "true"),
                                .text(context.t("Tout", "All"))),
                        .forEach(categories) { category in
                            .button(.type(.button), .class("till-category"), .data(named: "category", value: category), .attribute(named: "aria-pressed", value: "false"),
                                    .text(category.prefix(1).uppercased() + category.dropFirst()))
                        }))),
            .div(.id("till-products"), .class("till-products"),
                .forEach(Array(products.enumerated())) { index, product in productButton(product, key: index < 9 ? String(index + 1) : nil, context: context) }),
            .p(.id("till-no-product"), .class("muted"), .attribute(named: "hidden", value: "hidden"), .text(context.t("Aucun produit ne correspond.", "No product matches."))),
            shortcuts(context))
    }

    private func productButton(_ product: Product, key: String?, context: PageContext) -> Node<HTML.BodyContext> {
        .button(.type(.button), .class("till-product"),
            .data(named: "product-id", value: product.id!.uuidString),
            .data(named: "name", value: product.name),
            .data(named: "price", value: String(product.publicPriceCents)),
            .data(named: "category", value: product.category),
            .unwrap(key) { .data(named: "key", value: $0) },
            .unwrap(key) { .attribute(named: "aria-keyshortcuts", value: $0) },
            .unwrap(key) { .span(.class("key"), .text(context.t("touche ", "key ") + $0)) },
            .span(.class("till-product-name"), .text(product.name)),
            .span(.class("price"), .text(Euros.french(product.publicPriceCents))))
    }

    private func shortcuts(_ context: PageContext) -> BodyNode {
        let keys: [(String, String)] = [
            ("1–9", context.t("produit", "product")), ("+ −", context.t("quantité", "quantity")), ("/", context.t("carte", "card")),
            ("F", context.t("chercher", "find")), ("E C Q T", context.t("paiement", "payment")), (context.t("Entrée", "Enter"), context.t("encaisser", "record")),
            (context.t("Échap", "Esc"), context.t("effacer", "clear")),
        ]
        return .p(.id("till-shortcuts"), .class("till-shortcuts"),
                  .span(.class("visually-hidden"), .text(context.t("Raccourcis clavier : ", "Keyboard shortcuts: "))),
                  .forEach(keys) { key, label in .span(.class("till-shortcut"), .element(named: "kbd", nodes: [.text(key)]), .text(" " + label)) })
    }

    private func ticketPane(_ context: PageContext) -> BodyNode {
        .section(.class("till-ticket"), .attribute(named: "aria-label", value: context.t("Ticket en cours", "Current ticket")),
            .form(.id("till-card-form"), .class("till-card-form"),
                .label(.for("till-card"), .class("till-card-label"), .text(context.t("Carte", "Card"))),
                .input(.type(.text), .id("till-card"), .name("card"), .attribute(named: "autocomplete", value: "off"),
                       .attribute(named: "autocapitalize", value: "characters"), .attribute(named: "aria-keyshortcuts", value: "/"),
                       .attribute(named: "placeholder", value: context.t("foyer (/)", "household (/)"))),
                .button(.type(.submit), .text(context.t("Appliquer", "Apply")))),
            .p(.id("till-household"), .class("till-household"), .text(context.t("Sans carte : prix public.", "No card: public price."))),
            .div(.class("till-lines-area"),
                .ol(.id("till-lines-body"), .class("till-lines"), .attribute(named: "aria-label", value: context.t("Lignes du ticket", "Ticket lines"))),
                .p(.id("till-empty"), .class("muted"), .text(context.t("Touchez un produit, ou tapez son numéro.", "Tap a product, or type its number."))),
                receipt(context)),
            solidarity(context),
            totals(context),
            payment(context))
    }

    private func solidarity(_ context: PageContext) -> BodyNode {
        .element(named: "details", nodes: [.class("till-extras"),
            .element(named: "summary", nodes: [.text(context.t("Don, repas suspendus", "Donation, suspended meals")), .text(" · "),
                                               .span(.class("till-pool-label"), .text(context.t("caisse de solidarité ", "solidarity pool "))),
                                               .span(.id("till-pool"), .text(Euros.french(poolCents)))]),
            .div(.class("till-field"),
                .label(.for("till-donation"), .text(context.t("Don (€)", "Donation (€)"))),
                .input(.type(.text), .id("till-donation"), .attribute(named: "inputmode", value: "decimal"), .attribute(named: "autocomplete", value: "off"))),
            .div(.class("till-field"),
                .label(.for("till-meals"), .text(context.t("Repas suspendus utilisés", "Suspended meals used"))),
                .input(.type(.number), .id("till-meals"), .attribute(named: "min", value: "0"), .attribute(named: "max", value: "99"), .value("0"))),
        ])
    }

    private func totals(_ context: PageContext) -> BodyNode {
        .div(.class("till-sum"),
            .dl(.class("till-sum-main"),
                .div(.dt(.text(context.t("Total TTC", "Total incl. VAT"))), .dd(.id("till-total"), .text(Euros.french(0)))),
                .div(.dt(.text(context.t("À payer", "Due"))), .dd(.id("till-due"), .class("till-due"), .text(Euros.french(0)))),
                .div(.dt(.id("till-change-label"), .text(context.t("Rendu", "Change"))), .dd(.id("till-change"), .text(Euros.french(0))))),
            .dl(.class("till-sum-details"),
                .div(.dt(.text(context.t("Prix public", "Public price"))), .dd(.id("till-public-total"), .text(Euros.french(0)))),
                .div(.dt(.text(context.t("Solidarité", "Solidarity"))), .dd(.id("till-solidarity"), .text(Euros.french(0)))),
                .div(.dt(.text(context.t("Payé", "Paid"))), .dd(.id("till-paid"), .text(Euros.french(0))))))
    }

    private func payment(_ context: PageContext) -> BodyNode {
        .div(.class("till-pay-area"),
            .div(.class("till-amount"),
                .label(.for("till-amount"), .text(context.t("Reçu (€)", "Received (€)"))),
                .input(.type(.text), .id("till-amount"), .attribute(named: "inputmode", value: "decimal"), .attribute(named: "autocomplete", value: "off"),
                       .attribute(named: "placeholder", value: context.t("vide : le reste", "empty: the rest")),
                       .attribute(named: "aria-describedby", value: "till-amount-hint")),
                .span(.id("till-amount-hint"), .class("visually-hidden"), .text(context.t(
                    "Vide : le reste à payer. Touches E espèces, C carte, Q chèque, T titre-restaurant ; Entrée encaisse, Échap efface.",
                    "Empty: what remains due. Keys E cash, C card, Q cheque, T meal voucher; Enter records, Escape clears.")))),
            .div(.class("till-methods"),
                .forEach(Self.paymentKeys) { method, key, label in
                    .button(.type(.button), .class("till-pay"), .data(named: "method", value: method.rawValue),
                            .attribute(named: "aria-keyshortcuts", value: key), .attribute(named: "title", value: method.frenchLabel),
                            .span(.text(context.language == .french ? label : method.rawValue.replacingOccurrences(of: "_", with: " "))),
                            .element(named: "kbd", nodes: [.text(key)]))
                }),
            .ul(.id("till-payments-list"), .class("till-payments")),
            .p(.id("till-status"), .class("till-status"), .attribute(named: "role", value: "status"), .attribute(named: "aria-live", value: "polite")),
            .p(.id("till-waiting"), .class("till-waiting"), .attribute(named: "hidden", value: "hidden")),
            .div(.class("till-actions"),
                .button(.type(.button), .id("till-record"), .class("primary"), .attribute(named: "aria-keyshortcuts", value: "Enter"), .text(context.t("Encaisser", "Record sale"))),
                .button(.type(.button), .id("till-cancel"), .attribute(named: "aria-keyshortcuts", value: "Escape"), .text(context.t("Effacer", "Clear")))))
    }

    private func receipt(_ context: PageContext) -> BodyNode {
        .div(.id("till-receipt"), .class("till-receipt"), .attribute(named: "hidden", value: "hidden"),
            .h2(.text(context.t("Ticket", "Receipt"))),
            .div(.id("till-receipt-body")),
            .div(.class("button-group"),
                .a(.id("till-print"), .class("button"), .href("#"), .text(context.t("Imprimer le ticket", "Print the ticket"))),
                .button(.type(.button), .id("till-new-sale"), .class("primary"), .text(context.t("Nouvelle vente", "New sale")))))
    }
}
