/// The counter's part of the stylesheet (docs/UI.md, « Comptoir »): the till's screen, the cash
/// count, and the 80 mm tickets (a sale, a Z) with their print layout.
enum CounterStylesheet {
    static let css = """
    /* The till takes the whole screen: the products scroll on their own, the ticket pane with
       its total and pay buttons always stays in view (tablet, laptop, phone). */
    body:has(.till) { display: flex; flex-direction: column; height: 100vh; height: 100dvh; }
    body:has(.till) .site-footer, body:has(.till) .coop-menu { display: none; }
    body:has(.till) .shell { flex: 1 1 auto; min-height: 0; display: flex; flex-direction: column; max-width: none; width: 100%; padding: 0; }
    body:has(.till) .shell main { flex: 1 1 auto; min-height: 0; display: flex; flex-direction: column; max-width: none; width: 100%; margin: 0;
      padding: var(--space-2) var(--space-3); }
    body:has(.till) .flash, body:has(.till) main > .alert { margin: 0 0 var(--space-2); padding: var(--space-2) var(--space-3); }
    .counter-head { display: flex; flex-wrap: wrap; align-items: center; gap: 0 var(--space-4); margin-bottom: var(--space-2); }
    .counter-head h1 { font-size: var(--text-xl); margin: 0; }
    .counter-head .tabs ul { margin: 0; border-bottom: none; }
    .counter-drawer { display: flex; flex-wrap: wrap; align-items: center; gap: var(--space-1) var(--space-2); margin: 0 0 0 auto; }
    .counter-drawer label { margin: 0; white-space: nowrap; }
    .counter-drawer input { width: 6.5rem; flex: 0 1 6.5rem; min-width: 0; }
    .counter-drawer .error { flex-basis: 100%; margin: 0; }
    .till-training-toggle[aria-pressed="true"] { background: var(--warning-bg); color: var(--warning-ink); border-color: #c99a00; }
    .till-training-banner { margin: 0 0 var(--space-2); padding: var(--space-1) var(--space-3); background: var(--warning-bg); color: var(--warning-ink);
      border-left: 4px solid #c99a00; font-weight: 600; }
    .till.till-training .till-ticket { border: 3px dashed #c99a00; }
    .till { flex: 1 1 auto; min-height: 0; display: grid; gap: var(--space-3);
      grid-template-columns: minmax(0, 1fr) minmax(21rem, 27rem); grid-template-rows: minmax(0, 1fr); }
    .till:focus, .till:focus-visible { outline: none; box-shadow: none; }
    .till [hidden] { display: none; }
    .till-products-pane { min-height: 0; overflow-y: auto; display: flex; flex-direction: column; gap: var(--space-2); padding: 3px; }
    .till-finder { display: flex; flex-wrap: wrap; gap: var(--space-2); align-items: center; }
    .till-finder input { flex: 1 1 12rem; width: auto; max-width: none; }
    .till-categories { display: flex; flex-wrap: wrap; gap: var(--space-1); }
    .till-category { padding: .25rem .9rem; border-radius: 1.5rem; }
    .till-category[aria-pressed="true"] { background: var(--brand); color: var(--brand-ink); }
    .till-products { display: grid; grid-template-columns: repeat(auto-fill, minmax(8.5rem, 1fr)); gap: var(--space-2); align-content: start; }
    .till-product { min-height: 5rem; display: flex; flex-direction: column; justify-content: space-between; align-items: flex-start; gap: .15rem;
      text-align: left; font-weight: 600; padding: .5rem .75rem; background: var(--paper); word-break: normal; hyphens: none; }
    .till-product .key { font-size: var(--text-sm); color: var(--muted); font-weight: 400; }
    .till-product .price { font-size: var(--text-lg); }
    .till-shortcuts { margin: auto 0 0; padding-top: var(--space-2); font-size: var(--text-sm); color: var(--muted); display: flex; flex-wrap: wrap; gap: var(--space-1) var(--space-3); }
    .till-shortcut { white-space: nowrap; }
    kbd { font-family: ui-monospace, monospace; font-size: .85em; border: 1px solid var(--line); border-bottom-width: 2px; border-radius: .25rem;
      padding: 0 .3rem; background: var(--wash); color: var(--ink); white-space: nowrap; font-weight: 400; }
    .till-ticket { container-type: inline-size; min-height: 0; display: flex; flex-direction: column; gap: var(--space-2); background: var(--paper);
      border: 1px solid var(--line); border-radius: var(--radius); padding: var(--space-3); }
    .till-card-form { display: flex; gap: var(--space-2); align-items: center; }
    .till-card-form label { margin: 0; }
    .till-card-form input { flex: 1 1 6rem; min-width: 0; width: auto; }
    .till-household { margin: 0; font-weight: 600; }
    .till-household.alert { padding: var(--space-1) var(--space-2); }
    .till-lines-area { flex: 1 1 auto; min-height: 3rem; overflow-y: auto; }
    .till-lines-area > p { margin: var(--space-2) 0; }
    .till-lines { list-style: none; margin: 0; padding: 0; }
    .till-line { display: grid; grid-template-columns: minmax(0, 1fr) auto auto; gap: 0 var(--space-2); align-items: center;
      padding: var(--space-1) 0; border-bottom: 1px solid var(--line); }
    .till-line-name { font-weight: 600; word-break: normal; hyphens: none; }
    .till-line-detail { grid-column: 1 / -1; font-size: var(--text-sm); color: var(--muted); }
    .till-line-qty { display: flex; align-items: center; }
    .till-line-total { font-weight: 700; text-align: right; white-space: nowrap; min-width: 4.5rem; }
    .till-qty { min-width: var(--touch); padding: 0; }
    .till-count { display: inline-block; min-width: 2rem; text-align: center; }
    .till-extras summary { min-height: var(--touch); display: flex; flex-wrap: wrap; align-items: center; gap: 0 .25rem; cursor: pointer; font-size: var(--text-sm); }
    .till-field { display: flex; align-items: center; gap: var(--space-2); margin: var(--space-1) 0; }
    .till-field label { margin: 0; flex: 1 1 auto; }
    .till-field input { width: 7rem; }
    .till-sum dl { margin: 0; }
    .till-sum-main { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: var(--space-2); }
    .till-sum-main > div { background: var(--wash); border-radius: var(--radius-sm); padding: var(--space-1) var(--space-2); }
    .till-sum dt { font-size: var(--text-sm); color: var(--muted); font-weight: 600; }
    .till-sum dd { margin: 0; font-weight: 700; white-space: nowrap; }
    .till-sum-main dd { font-size: clamp(1.05rem, 4.2vw, var(--text-xl)); }
    .till-sum-main #till-due { color: var(--brand); }
    .till-sum-details { display: flex; flex-wrap: wrap; gap: 0 var(--space-3); font-size: var(--text-sm); margin-top: var(--space-1) !important; }
    .till-sum-details > div { display: flex; gap: .3rem; }
    .till-sum-details dt { font-weight: 400; font-size: inherit; }
    .till-amount { display: flex; align-items: center; gap: var(--space-2); }
    .till-amount label { margin: 0; white-space: nowrap; }
    .till-amount input { flex: 1 1 auto; min-width: 0; width: auto; max-width: none; }
    .till-methods { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: var(--space-2); margin-top: var(--space-2); }
    .till-pay { min-height: 3.25rem; padding: .2rem .25rem; display: flex; flex-direction: column; align-items: center; justify-content: center; gap: .15rem;
      line-height: 1.1; font-size: var(--text-sm); font-weight: 600; }
    .till-pay span { white-space: nowrap; }
    .till-payments { list-style: none; margin: 0; padding: 0; font-size: var(--text-sm); }
    .till-payments li { display: flex; align-items: center; gap: var(--space-2); }
    .till-payments button { min-height: 2rem; padding: 0 .5rem; }
    .till-status { min-height: 1.5rem; margin: 0; font-weight: 600; }
    .till-status.error { color: var(--danger); }
    .till-waiting { margin: 0; padding: var(--space-1) var(--space-2); background: var(--warning-bg); color: var(--warning-ink); border-radius: var(--radius-sm); font-weight: 600; }
    .till-actions { display: flex; gap: var(--space-2); }
    .till-actions #till-record { flex: 1 1 auto; min-height: 3.25rem; font-size: var(--text-lg); font-weight: 700; }
    .till-receipt { border: 2px solid var(--brand); border-radius: var(--radius); padding: var(--space-2) var(--space-3); margin-top: var(--space-2); }
    .till-receipt h2 { font-size: var(--text-lg); margin: 0; }
    .till-receipt p, .till-receipt ul { margin: .25rem 0; }
    @media (max-width: 47.99rem) {
      .till { grid-template-columns: minmax(0, 1fr); grid-template-rows: minmax(7.5rem, 1fr) auto; gap: var(--space-2); }
      .till-finder input, .till-sum-details, .till-pool-label { display: none; }
      .till-categories { flex-wrap: nowrap; overflow-x: auto; }
      .till-category { flex: none; }
      .till-pay { padding: 0; font-size: .8125rem; }
      .till-ticket { padding: var(--space-2); gap: var(--space-1); }
      .till-lines-area { flex: 0 1 auto; max-height: 18dvh; }
      .till-shortcuts { display: none; }
      .till-products { grid-template-columns: repeat(auto-fill, minmax(7.5rem, 1fr)); }
      .till-product { min-height: 3rem; padding: .25rem .5rem; flex-direction: row; align-items: center; gap: .5rem; line-height: 1.2; }
      .till-product .price { font-size: var(--text-base); white-space: nowrap; }
      .till-product .key, .till-pay kbd { display: none; }
      .till-pay { min-height: var(--touch); }
      .till-card-label { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
      .counter-drawer { margin: 0; flex-wrap: nowrap; }
      .counter-head .tabs a { min-height: 2.5rem; }
    }
    /* The cash count: one field per note and coin. */
    fieldset.cash-count { max-width: none; margin-bottom: var(--space-4); }
    .cash-count-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(6.5rem, 1fr)); gap: 0 var(--space-3); }
    .cash-count-grid .field { margin-bottom: var(--space-2); }
    /* Tickets on an 80 mm till printer: a sale, a Z. */
    .print-actions { margin: var(--space-2) 0; }
    .receipt-80 { page: receipt; width: 80mm; max-width: 100%; margin: var(--space-3) auto; background: #fff; color: #000; padding: 4mm;
      border: 1px solid var(--line); font-size: .9rem; line-height: 1.35; }
    .receipt-center { text-align: center; margin: .5rem 0; }
    .receipt-duplicate { text-align: center; font-weight: 700; font-size: 1.2rem; border: 2px solid #000; padding: .25rem; letter-spacing: .08em; }
    .receipt-lines { background: transparent; font-size: .85rem; }
    .receipt-lines th, .receipt-lines td { padding: .15rem .1rem; border-bottom: 1px dashed #777; }
    .receipt-heading { font-size: .95rem; margin: .75rem 0 .25rem; border-bottom: 1px solid #000; }
    .receipt-totals { margin: .5rem 0; }
    .receipt-totals > div { display: flex; justify-content: space-between; gap: .5rem; }
    .receipt-totals dt { font-weight: 400; }
    .receipt-totals dd { margin: 0; white-space: nowrap; font-weight: 600; }
    .receipt-small { font-size: .75rem; text-align: center; }
    @page receipt { size: 80mm auto; margin: 3mm; }
    @media print {
      body:has(.receipt-80) .site-header, body:has(.receipt-80) .site-footer, body:has(.receipt-80) .coop-menu { display: none; }
      .receipt-80 { border: none; margin: 0; padding: 0; width: 74mm; font-size: 9pt; }
    }
    """
}
