import Vapor

/// The whole stylesheet: small, hand-written, served by the app (no CDN, no external font).
/// Colours meet WCAG 2.1 AA contrast on their backgrounds.
enum Stylesheet {
    static let css = base + CounterStylesheet.css

    static let base = """
    /* Tokens: colours (AA contrast on their backgrounds), spacing, type, shapes. docs/UI.md. */
    :root { --ink: #1d2430; --muted: #4a5565; --paper: #ffffff; --wash: #f3f5f7; --brand: #0b5d4b;
      --brand-ink: #ffffff; --line: #c9d1da; --danger: #a4161a; --focus: #f2b705;
      --neutral-bg: #eceff3; --neutral-ink: #343d4a; --info-bg: #e3eefb; --info-ink: #0b4a8b;
      --success-bg: #e0f2e9; --success-ink: #135c36; --warning-bg: #fff1cc; --warning-ink: #6b4a00;
      --danger-bg: #fbe4e4; --danger-ink: #8a1216;
      --space-1: .25rem; --space-2: .5rem; --space-3: .75rem; --space-4: 1rem; --space-5: 1.5rem; --space-6: 2rem;
      --text-sm: .875rem; --text-base: 1rem; --text-lg: 1.125rem; --text-xl: 1.375rem; --text-2xl: 1.75rem;
      --radius: .5rem; --radius-sm: .35rem; --touch: 2.75rem; }
    * { box-sizing: border-box; }
    html { font-size: 100%; }
    body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
      color: var(--ink); background: var(--wash); line-height: 1.5; overflow-wrap: break-word; }
    a { color: var(--brand); }
    a:hover { text-decoration-thickness: 2px; }
    /* Two rings: dark on light backgrounds, yellow on the dark header (3:1 on both). */
    :focus-visible { outline: 3px solid var(--ink); outline-offset: 2px; box-shadow: 0 0 0 5px var(--focus); }
    .skip-link { position: absolute; left: -999px; top: 0; background: var(--paper); padding: .5rem 1rem; }
    .skip-link:focus { left: .5rem; z-index: 10; }
    .site-header { background: var(--brand); color: var(--brand-ink); padding: .5rem 1rem;
      display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1.5rem; }
    .site-header a { color: var(--brand-ink); }
    .brand { font-weight: 700; font-size: 1.25rem; text-decoration: none; }
    .site-header nav ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .25rem 1rem; }
    .site-header nav a { display: inline-block; padding: .5rem 0; }
    .site-header nav a[aria-current="page"] { font-weight: 700; text-decoration-thickness: 3px; }
    .logout { margin-left: auto; display: flex; align-items: center; gap: .5rem; }
    .logout button { background: transparent; color: var(--brand-ink); border: 1px solid var(--brand-ink); }
    /* On a phone: the brand and the logout on one line, the navigation under them. */
    @media (max-width: 40rem) {
      .site-header { gap: 0 1rem; padding: .25rem 1rem; }
      .site-header nav { order: 3; width: 100%; }
      .site-header .who { display: none; }
    }
    main { max-width: 60rem; margin: 0 auto; padding: 1rem; min-width: 0; }
    /* Inside a cooperative: its navigation, a menu that unfolds on a phone, a side column on a desk. */
    .shell.with-coop-nav { max-width: 80rem; margin: 0 auto; }
    .coop-menu { margin: var(--space-3) var(--space-4) 0; background: var(--paper); border: 1px solid var(--line); border-radius: var(--radius); }
    .coop-menu summary { min-height: var(--touch); padding: var(--space-2) var(--space-3); font-weight: 600; cursor: pointer; list-style: none; display: flex; align-items: center; gap: var(--space-2); }
    .coop-menu summary::-webkit-details-marker { display: none; }
    .coop-menu summary::after { content: "▾"; margin-left: auto; }
    .coop-menu[open] summary::after { content: "▴"; }
    .coop-menu nav { padding: 0 var(--space-3) var(--space-3); }
    .coop-nav-name { font-weight: 700; margin: 0 0 var(--space-2); }
    .coop-nav-area { font-size: var(--text-sm); font-weight: 700; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); margin: var(--space-3) 0 var(--space-1); }
    .coop-nav-group ul { list-style: none; margin: 0; padding: 0; }
    .coop-menu a { display: block; padding: var(--space-2); border-radius: var(--radius-sm); text-decoration: none; }
    .coop-menu a[aria-current="page"] { background: var(--success-bg); color: var(--success-ink); font-weight: 700; }
    @media (min-width: 64rem) {
      .shell.with-coop-nav { display: grid; grid-template-columns: 15rem minmax(0, 1fr); gap: var(--space-4); padding: 0 var(--space-4); align-items: start; }
      .shell.with-coop-nav main { max-width: 60rem; margin: 0; width: 100%; }
      .with-coop-nav .coop-menu { margin: var(--space-4) 0; background: transparent; border: none; font-size: .95rem; }
      .with-coop-nav .coop-menu summary { display: none; }
      .with-coop-nav .coop-menu::details-content { content-visibility: visible; display: block; }
      .with-coop-nav .coop-menu nav { padding: 0; }
    }
    main:focus { outline: none; }
    .site-footer { max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: var(--muted); font-size: .9rem; }
    h1 { font-size: var(--text-2xl); line-height: 1.2; margin: var(--space-2) 0 var(--space-4); }
    h2 { font-size: var(--text-xl); line-height: 1.25; }
    h3 { font-size: var(--text-lg); }
    /* Page header: breadcrumb, title with its actions, one sentence saying what the page is for. */
    .page-header { margin-bottom: var(--space-4); }
    .page-title { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: var(--space-3); }
    .page-title h1 { margin: var(--space-2) 0; }
    .lede { color: var(--muted); font-size: var(--text-lg); margin: 0; }
    .breadcrumb ol { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 0 var(--space-2); font-size: var(--text-sm); }
    .breadcrumb li + li::before { content: "›"; margin-right: var(--space-2); color: var(--muted); }
    .breadcrumb a { display: inline-block; padding: var(--space-1) 0; }
    .panel, .card { background: var(--paper); border: 1px solid var(--line); border-radius: var(--radius); padding: 1rem 1.25rem; margin: 1rem 0; }
    .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr)); gap: 1rem; padding: 0; list-style: none; }
    .cards .card { margin: 0; }
    .login { max-width: 26rem; margin: 2rem auto; }
    form .field { margin: 0 0 1rem; }
    label { display: block; font-weight: 600; margin-bottom: .25rem; }
    .hint { color: var(--muted); margin: 0 0 .25rem; font-size: .95rem; }
    .required { color: var(--danger); }
    input, select, textarea { font: inherit; width: 100%; max-width: 32rem; padding: .55rem .6rem; min-height: var(--touch);
      border: 2px solid var(--muted); border-radius: var(--radius-sm); background: var(--paper); color: var(--ink); }
    input[type="checkbox"] { width: auto; min-height: auto; }
    /* Buttons: 44 px high, never glued to the text or the button beside them. */
    button, .button { font: inherit; min-height: var(--touch); padding: .5rem 1rem; border-radius: var(--radius-sm); cursor: pointer;
      border: 2px solid var(--brand); background: var(--paper); color: var(--brand); text-decoration: none; display: inline-block;
      overflow-wrap: normal; line-height: 1.3; }
    button.primary, .button.primary { background: var(--brand); color: var(--brand-ink); }
    button.danger, .button.danger { border-color: var(--danger); color: var(--danger); }
    .button-group, .actions { display: flex; flex-wrap: wrap; gap: var(--space-3); align-items: center; }
    .actions { margin-top: 1rem; }
    form.inline { display: inline-block; margin: var(--space-1) var(--space-2) var(--space-1) 0; }
    ul.plain { list-style: none; margin: 0; padding: 0; }
    ul.inline { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: var(--space-2) var(--space-4); }
    ul.inline a { display: inline-block; padding: var(--space-2) 0; }
    li > form.inline, p > form.inline { margin-left: var(--space-2); }
    fieldset { border: 1px solid var(--line); border-radius: var(--radius-sm); padding: .5rem 1rem; max-width: 32rem; }
    legend { font-weight: 600; padding: 0 .25rem; }
    .check { display: flex; align-items: flex-start; gap: .5rem; margin: .35rem 0; }
    .check input { width: 1.4rem; height: 1.4rem; margin-top: .15rem; flex: none; }
    .check label { font-weight: normal; margin: 0; }
    /* Status badges: one colour per meaning (Tone), the label always says it too. */
    .badge, .status { display: inline-block; padding: .1rem .6rem; border-radius: 1rem; font-size: var(--text-sm); font-weight: 600;
      border: 1px solid transparent; background: var(--neutral-bg); color: var(--neutral-ink); }
    .badge { white-space: nowrap; }
    p.status { border-radius: var(--radius); }
    .badge-neutral { background: var(--neutral-bg); color: var(--neutral-ink); border-color: #c5ccd6; }
    .badge-info { background: var(--info-bg); color: var(--info-ink); border-color: #a9c8ee; }
    .badge-success, .status.ok { background: var(--success-bg); color: var(--success-ink); border-color: #9fd3b6; }
    .badge-warning { background: var(--warning-bg); color: var(--warning-ink); border-color: #e6c35c; }
    .badge-danger { background: var(--danger-bg); color: var(--danger-ink); border-color: #eba5a7; }
    ol.history { padding-left: 1.25rem; }
    .field-error input, .field-error select, .field-error textarea { border-color: var(--danger); }
    .error { color: var(--danger); font-weight: 600; margin: 0 0 .25rem; }
    .error-summary { border: 3px solid var(--danger); background: var(--paper); padding: .5rem 1rem; margin-bottom: 1rem; scroll-margin-top: 1rem; }
    .error-summary:focus { outline: 3px solid var(--ink); outline-offset: 2px; box-shadow: 0 0 0 5px var(--focus); }
    .error-summary h2 { font-size: 1.1rem; margin: .25rem 0; }
    .error-summary a { color: var(--danger); font-weight: 600; }
    .flash { background: #e3f2ec; border-left: 4px solid var(--brand); padding: .75rem 1rem; margin-bottom: 1rem; }
    .alert { border-left: 4px solid var(--danger); background: var(--paper); padding: .75rem 1rem; }
    .notice-warning { border-left: 4px solid #e6c35c; background: var(--warning-bg); color: var(--warning-ink); padding: .75rem 1rem; margin-bottom: 1rem; }
    .notice-warning a { color: var(--warning-ink); }
    .empty-state { border: 2px dashed var(--line); border-radius: var(--radius); padding: var(--space-5); text-align: center; color: var(--muted); background: var(--paper); }
    /* Tabs: the sections of one record, each its own address. */
    .tabs ul { list-style: none; margin: 0 0 var(--space-4); padding: 0; display: flex; flex-wrap: wrap; gap: var(--space-1); border-bottom: 2px solid var(--line); }
    .tabs a { display: inline-flex; align-items: center; gap: var(--space-2); min-height: var(--touch); padding: 0 var(--space-3); text-decoration: none;
      border-bottom: 3px solid transparent; margin-bottom: -2px; color: var(--ink); }
    .tabs a[aria-current="page"] { border-bottom-color: var(--brand); font-weight: 700; color: var(--brand); }
    .tabs .count { font-size: var(--text-sm); background: var(--neutral-bg); border-radius: 1rem; padding: 0 .45rem; }
    .add-form { margin: var(--space-3) 0; }
    .add-form > summary { list-style: none; display: inline-flex; align-items: center; }
    .add-form > summary::-webkit-details-marker { display: none; }
    .add-form[open] > summary { margin-bottom: var(--space-3); }
    .add-form > form, .add-form > .add-form-body { border-left: 3px solid var(--line); padding-left: var(--space-3); }
    /* Tables; under 640 px each row is a card and each value sits under its column's name. */
    table { border-collapse: collapse; width: 100%; background: var(--paper); }
    th, td { text-align: left; padding: .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
    .table-wrap { overflow-x: auto; }
    @media (max-width: 40rem) {
      table.stack, .stack thead, .stack tbody, .stack tfoot, .stack tr, .stack th, .stack td { display: block; width: 100%; }
      .stack thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
      table.stack { background: transparent; }
      .stack tr { background: var(--paper); border: 1px solid var(--line); border-radius: var(--radius); margin-bottom: var(--space-3); padding: var(--space-2) var(--space-3); }
      .stack td, .stack tbody th { border: none; padding: var(--space-1) 0; text-align: left; white-space: normal; }
      .stack td[data-label]::before, .stack tbody th[data-label]::before { content: attr(data-label); display: block; font-size: var(--text-sm); font-weight: 600; color: var(--muted); }
    }
    /* Lists that grow: a search and filter bar, the count, the pages. */
    .list-filter { display: flex; flex-wrap: wrap; gap: var(--space-3); align-items: flex-end; background: var(--paper); border: 1px solid var(--line);
      border-radius: var(--radius); padding: var(--space-3) var(--space-4); margin-bottom: var(--space-3); }
    .list-filter .field { margin: 0; flex: 1 1 12rem; }
    .list-filter input, .list-filter select { max-width: none; }
    .list-count { color: var(--muted); margin: var(--space-2) 0; }
    .pagination { margin: var(--space-4) 0; }
    /* Home page to-do list: a count, what it is, where it is done. */
    .todo-list { list-style: none; margin: 0; padding: 0; display: grid; gap: var(--space-2); }
    .todo-list a { display: flex; align-items: center; gap: var(--space-3); min-height: var(--touch); padding: var(--space-2) var(--space-3);
      border: 1px solid var(--line); border-radius: var(--radius); text-decoration: none; color: var(--ink); background: var(--paper); }
    .todo-list a:hover { border-color: var(--brand); }
    .todo-count { min-width: 2.75rem; text-align: center; font-size: var(--text-lg); }
    .todo-label { font-weight: 600; }
    .todo-detail { display: block; font-weight: 400; color: var(--muted); font-size: var(--text-sm); }
    .facts { display: grid; grid-template-columns: minmax(8rem, max-content) 1fr; gap: .25rem 1rem; }
    .facts dt { font-weight: 600; }
    .facts dd { margin: 0; }
    @media (max-width: 30rem) { .facts { grid-template-columns: 1fr; } .facts dd { margin-bottom: .5rem; } }
    .muted { color: var(--muted); }
    .languages a { margin-right: .75rem; }
    code.secret { display: block; word-break: break-all; background: var(--wash); padding: .5rem; }
    .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
    .row-form { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin: .25rem 0; }
    .row-form select, .row-form input { width: auto; max-width: 16rem; }
    .row-form label { margin: 0; }
    .sheet td.signature { height: 3rem; }
    @media (min-width: 40rem) { .sheet td.signature { min-width: 12rem; } }
    .legal.hash { font-family: ui-monospace, monospace; }
    /* An e-mail address is one word: smaller, it fits a phone's card. */
    .email { font-size: .8125rem; }
    @media (max-width: 40rem) { .panel, .card { padding: .75rem; } main { padding: .75rem; } }
    .tag { display: inline-block; font-size: .85rem; padding: 0 .4rem; border-radius: .3rem; background: #fff4d6; border: 1px solid #c99a00; }
    .num { text-align: right; white-space: nowrap; }
    .invoice-sheet { background: var(--paper); border: 1px solid var(--line); padding: 2rem; }
    .invoice-sheet header { display: flex; justify-content: space-between; gap: 2rem; flex-wrap: wrap; }
    .legal { font-size: .85rem; color: var(--muted); }
    .household-card { display: flex; align-items: center; justify-content: space-between; gap: 1rem; width: 85.6mm; min-height: 54mm; box-sizing: border-box;
      padding: 4mm; border: 1px solid var(--line); border-radius: 3mm; background: #fff; color: #000; }
    .household-card p { margin: .2rem 0; }
    .household-card-coop { font-weight: 700; }
    .household-card-code { font-family: monospace; font-size: 1.6rem; letter-spacing: .15em; font-weight: 700; }
    .household-card-qr svg { width: 30mm; height: 30mm; display: block; }
    @media print { .site-header nav, .logout, .skip-link, .no-print, .tabs, .breadcrumb, .coop-menu, .site-footer { display: none; } body { background: #fff; }
      .panel { border: none; padding: 0; } main { max-width: none; }
      .invoice-sheet { border: none; padding: 0; } @page { size: A4; margin: 15mm; } }
    """

    static func response() -> Response {
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "css", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=3600")
        return Response(status: .ok, headers: headers, body: .init(string: css))
    }
}
