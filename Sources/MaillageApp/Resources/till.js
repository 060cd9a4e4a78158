// The till (caisse): builds a ticket with the keyboard or big buttons, applies a household
// card's tier, takes payments and records the sale through the JSON API.
//
// A sale in flight is written to localStorage with its idempotency key before it is sent, and
// sent again with the same key after a reload or a network drop: the server answers the first
// sale instead of recording a second one. The ticket being built is kept there too. Offline,
// the next sales wait in a queue behind it, each with its key, and leave in order once the
// network is back; the page itself comes from the service worker's cache (till-sw.js), and a
// card is priced from the cooperative's list of cards kept at the last load.
(function () {
  "use strict";

  var root = document.getElementById("till");
  if (!root) { return; }

  var api = root.getAttribute("data-api");
  var csrf = root.getAttribute("data-csrf");
  var coop = root.getAttribute("data-coop");
  var ticketBase = root.getAttribute("data-ticket-url");
  var cartKey = "maillage-till-cart-" + coop;
  var pendingKey = "maillage-till-pending-" + coop;
  var trainingKey = "maillage-till-training-" + coop;
  var queueKey = "maillage-till-queue-" + coop;
  var cardsKey = "maillage-till-cards-" + coop;
  var methods = { cash: "Espèces", card: "Carte bancaire", cheque: "Chèque", meal_voucher: "Titre-restaurant" };

  var products = [];
  Array.prototype.forEach.call(root.querySelectorAll(".till-product"), function (button) {
    products.push({
      id: button.getAttribute("data-product-id"),
      name: button.getAttribute("data-name"),
      price: parseInt(button.getAttribute("data-price"), 10),
      category: button.getAttribute("data-category"),
      button: button
    });
  });

  function byId(id) { return document.getElementById(id); }
  var el = {
    lines: byId("till-lines-body"),
    empty: byId("till-empty"),
    total: byId("till-total"),
    publicTotal: byId("till-public-total"),
    solidarity: byId("till-solidarity"),
    due: byId("till-due"),
    paid: byId("till-paid"),
    change: byId("till-change"),
    changeLabel: byId("till-change-label"),
    payments: byId("till-payments-list"),
    amount: byId("till-amount"),
    card: byId("till-card"),
    cardForm: byId("till-card-form"),
    household: byId("till-household"),
    donation: byId("till-donation"),
    meals: byId("till-meals"),
    pool: byId("till-pool"),
    record: byId("till-record"),
    waiting: byId("till-waiting"),
    cancel: byId("till-cancel"),
    status: byId("till-status"),
    receipt: byId("till-receipt"),
    receiptBody: byId("till-receipt-body"),
    newSale: byId("till-new-sale"),
    print: byId("till-print"),
    search: byId("till-search"),
    extras: root.querySelector(".till-extras"),
    noProduct: byId("till-no-product")
  };
  var lastSale = null;

  function emptyCart() {
    return { lines: [], household: null, payments: [], donationCents: 0, suspendedMeals: 0 };
  }

  function load(key) {
    try { return JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }
  function store(key, value) {
    try {
      if (value === null) { window.localStorage.removeItem(key); } else { window.localStorage.setItem(key, JSON.stringify(value)); }
    } catch (e) { /* private mode: the sale still goes through, it just does not survive a reload */ }
  }

  var cart = load(cartKey) || emptyCart();
  // The training mode (mode école): its tickets are exercises, recorded apart by the server.
  var training = load(trainingKey) === true;
  var trainingToggle = byId("till-training-toggle");
  var trainingBanner = byId("till-training-banner");
  function showTraining() {
    if (trainingToggle) { trainingToggle.setAttribute("aria-pressed", training ? "true" : "false"); }
    if (trainingBanner) { trainingBanner.hidden = !training; }
    root.classList.toggle("till-training", training);
  }
  var poolCents = parseInt(root.getAttribute("data-pool") || "0", 10);
  var sending = false;

  function euros(cents) {
    var sign = cents < 0 ? "-" : "";
    var value = Math.abs(cents);
    var units = String(Math.floor(value / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, "\u202F");
    var rest = value % 100;
    return sign + units + "," + (rest < 10 ? "0" : "") + rest + "\u00A0€";
  }

  // `4,50`, `4.5` or `12` in cents; null when it is not an amount.
  function parseEuros(text) {
    var cleaned = String(text || "").replace(/€|\s|\u202F|\u00A0/g, "").replace(",", ".");
    if (!/^\d{1,7}(\.\d{1,2})?$/.test(cleaned)) { return null; }
    var parts = cleaned.split(".");
    var cents = parseInt(parts[0], 10) * 100;
    if (parts.length === 2) { cents += parts[1].length === 1 ? parseInt(parts[1], 10) * 10 : parseInt(parts[1], 10); }
    return cents;
  }

  function product(id) {
    for (var i = 0; i < products.length; i++) { if (products[i].id === id) { return products[i]; } }
    return null;
  }

  // The household's price for a product: the server computed it from the grid in force.
  function priceFor(p) {
    if (cart.household && cart.household.prices && cart.household.prices[p.id] !== undefined) {
      return cart.household.prices[p.id];
    }
    return p.price;
  }

  // Same arithmetic as SaleRules.ticket: suspended meals pay the dearest meal units first.
  function totals() {
    var total = 0, publicTotal = 0, mealUnits = [];
    cart.lines.forEach(function (line) {
      var p = product(line.productID);
      if (!p) { return; }
      var price = priceFor(p);
      total += price * line.quantity;
      publicTotal += p.price * line.quantity;
      if (p.category === "repas") { for (var i = 0; i < line.quantity; i++) { mealUnits.push(price); } }
    });
    mealUnits.sort(function (a, b) { return b - a; });
    var draw = 0;
    for (var i = 0; i < Math.min(cart.suspendedMeals, mealUnits.length); i++) { draw += mealUnits[i]; }
    var withDonation = total + cart.donationCents;
    var paid = cart.payments.reduce(function (sum, payment) { return sum + payment.amountCents; }, 0);
    var due = withDonation - draw;
    return { total: withDonation, goods: total, publicTotal: publicTotal, solidarity: publicTotal - total, draw: draw, due: due, paid: paid, missing: Math.max(0, due - paid), change: Math.max(0, paid - due) };
  }

  function save() { store(cartKey, cart); }

  function say(message, isError) {
    el.status.textContent = message;
    el.status.className = isError ? "till-status error" : "till-status";
  }

  function span(parent, text, className) {
    var node = document.createElement("span");
    node.textContent = text;
    if (className) { node.className = className; }
    parent.appendChild(node);
    return node;
  }

  // `31/10/2027` from the API's `2027-10-31`.
  function frenchDay(iso) {
    var parts = String(iso || "").split("-");
    return parts.length === 3 ? parts[2] + "/" + parts[1] + "/" + parts[0] : String(iso || "");
  }

  // A line: its name, the − count + buttons, its total; under them the unit price paid, and
  // the public price and the solidarity when the household pays less.
  function render() {
    el.lines.textContent = "";
    cart.lines.forEach(function (line, index) {
      var p = product(line.productID);
      if (!p) { return; }
      var price = priceFor(p);
      var row = document.createElement("li");
      row.className = "till-line";
      span(row, p.name, "till-line-name");
      var qty = span(row, "", "till-line-qty");
      var minus = document.createElement("button");
      minus.type = "button"; minus.className = "till-qty"; minus.textContent = "−";
      minus.setAttribute("aria-label", "Un de moins : " + p.name);
      minus.addEventListener("click", function () { changeQuantity(index, -1); });
      var plus = document.createElement("button");
      plus.type = "button"; plus.className = "till-qty"; plus.textContent = "+";
      plus.setAttribute("aria-label", "Un de plus : " + p.name);
      plus.addEventListener("click", function () { changeQuantity(index, 1); });
      var count = document.createElement("span");
      count.className = "till-count";
      count.textContent = String(line.quantity);
      qty.appendChild(minus); qty.appendChild(count); qty.appendChild(plus);
      span(row, euros(price * line.quantity), "till-line-total");
      var detail = span(row, "", "till-line-detail");
      span(detail, euros(price), "till-line-price");
      detail.appendChild(document.createTextNode(" l'unité"));
      var reduced = span(detail, "", "till-line-reduced");
      reduced.appendChild(document.createTextNode(" (prix public "));
      span(reduced, euros(p.price), "till-line-public");
      reduced.appendChild(document.createTextNode(", solidarité "));
      span(reduced, euros((p.price - price) * line.quantity), "till-line-gap");
      reduced.appendChild(document.createTextNode(")"));
      reduced.hidden = price === p.price;
      el.lines.appendChild(row);
    });
    el.empty.hidden = cart.lines.length > 0;
    var t = totals();
    el.publicTotal.textContent = euros(t.publicTotal);
    el.solidarity.textContent = euros(t.solidarity);
    el.total.textContent = euros(t.total);
    el.due.textContent = euros(t.due);
    el.paid.textContent = euros(t.paid);
    el.change.textContent = euros(t.missing > 0 ? t.missing : t.change);
    el.changeLabel.textContent = t.missing > 0 ? "Reste" : "Rendu";
    el.payments.textContent = "";
    cart.payments.forEach(function (payment, index) {
      var item = document.createElement("li");
      item.textContent = methods[payment.method] + " : " + euros(payment.amountCents) + " ";
      var remove = document.createElement("button");
      remove.type = "button"; remove.textContent = "Retirer";
      remove.setAttribute("aria-label", "Retirer le paiement " + methods[payment.method] + " de " + euros(payment.amountCents));
      remove.addEventListener("click", function () { cart.payments.splice(index, 1); save(); render(); });
      item.appendChild(remove);
      el.payments.appendChild(item);
    });
    if (cart.household) {
      var h = cart.household;
      var label = h.tierToday === "public" ? "prix public" : "tarif " + h.tierToday;
      el.household.textContent = h.expired
        ? "Carte " + h.card + " : justificatif expiré le " + frenchDay(h.validUntil) + ", prix public appliqué."
        : "Carte " + h.card + " : " + label + ", justificatif valable jusqu'au " + frenchDay(h.validUntil) + ".";
      el.household.className = h.expired ? "till-household alert" : "till-household";
    } else {
      el.household.textContent = "Sans carte : prix public.";
      el.household.className = "till-household";
    }
    if (document.activeElement !== el.donation) { el.donation.value = cart.donationCents ? euros(cart.donationCents).replace(" €", "") : ""; }
    if (document.activeElement !== el.meals) { el.meals.value = String(cart.suspendedMeals || 0); }
    el.pool.textContent = euros(poolCents);
    // A donation or suspended meals on the ticket stay in view.
    if (cart.donationCents || cart.suspendedMeals) { el.extras.open = true; }
    el.record.disabled = cart.lines.length === 0 || t.missing > 0;
    var waiting = (load(pendingKey) ? 1 : 0) + (load(queueKey) || []).length;
    el.waiting.hidden = waiting === 0;
    el.waiting.textContent = waiting === 1 ? "1 vente attend le réseau pour partir." : waiting + " ventes attendent le réseau pour partir.";
  }

  function addProduct(p) {
    if (!p) { return; }
    hideReceipt();
    var existing = cart.lines.filter(function (line) { return line.productID === p.id; })[0];
    if (existing) { existing.quantity = Math.min(999, existing.quantity + 1); } else { cart.lines.push({ productID: p.id, quantity: 1 }); }
    // Payments typed for the previous total no longer mean anything.
    cart.payments = [];
    save(); render();
    say(p.name + " ajouté.");
    backToKeys();
  }

  // After any action the focus goes back to the till itself, where the next key (a product's
  // number, a payment's letter, Entrée) is read; never left in a field or on a button that
  // Entrée would press again.
  function backToKeys() { root.focus({ preventScroll: true }); }

  function changeQuantity(index, delta) {
    var line = cart.lines[index];
    if (!line) { return; }
    line.quantity += delta;
    if (line.quantity <= 0) { cart.lines.splice(index, 1); }
    if (line.quantity > 999) { line.quantity = 999; }
    cart.payments = [];
    save(); render();
  }

  // A payment of the amount typed, or of what remains due when nothing is typed.
  function addPayment(method) {
    var t = totals();
    var typed = el.amount.value.trim();
    var cents = typed === "" ? t.missing : parseEuros(typed);
    if (cents === null) { say("Montant illisible : écrivez-le en euros, par exemple 20 ou 12,50.", true); el.amount.focus(); return; }
    if (cents <= 0) { say("Le ticket est déjà couvert.", false); return; }
    cart.payments.push({ method: method, amountCents: cents });
    el.amount.value = "";
    save(); render();
    var after = totals();
    say(after.missing > 0 ? "Reste à payer : " + euros(after.missing) + "." : (after.change > 0 ? "Rendre " + euros(after.change) + "." : "Ticket couvert."));
    backToKeys();
  }

  function lookUpCard(code) {
    var card = String(code || "").trim().toUpperCase();
    if (card === "") { cart.household = null; cart.suspendedMeals = 0; save(); render(); return; }
    say("Recherche de la carte " + card + "…");
    fetch(api + "/households/" + encodeURIComponent(card) + "?prices=today", { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (response.status === 404) { throw { french: "Carte " + card + " inconnue : vérifiez le numéro, ou vendez au prix public." }; }
        if (!response.ok) { throw { french: "La carte n'a pas pu être lue (erreur " + response.status + ")." }; }
        return response.json();
      })
      .then(function (household) {
        cart.household = household;
        if (household.tierToday === "public") { cart.suspendedMeals = 0; }
        cart.payments = [];
        save(); render();
        say(household.expired ? "Justificatif expiré : prix public." : "Carte " + household.card + " appliquée.");
        el.card.value = "";
        backToKeys();
      })
      .catch(function (error) {
        if (error && error.french) { say(error.french, true); return; }
        // Offline: the card from the list kept at the last load, with its prices of that day.
        var kept = (load(cardsKey) || { items: [] }).items.filter(function (h) { return h.card === card; })[0];
        if (!kept) { say("Réseau indisponible, et la carte " + card + " n'est pas dans la liste gardée : vendez au prix public.", true); return; }
        cart.household = kept;
        if (kept.tierToday === "public") { cart.suspendedMeals = 0; }
        cart.payments = [];
        save(); render();
        say("Carte " + kept.card + " appliquée (hors ligne).");
        el.card.value = "";
        backToKeys();
      });
  }

  // The cooperative's cards with today's prices, kept for a lookup without the network.
  function keepCards() {
    fetch(api + "/households?prices=today", { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (page) {
        if (!page || !page.items) { return; }
        // What pricing a card needs, nothing more: never a family quotient on the device.
        var items = page.items.map(function (h) {
          return { id: h.id, card: h.card, tier: h.tier, tierToday: h.tierToday, expired: h.expired, validUntil: h.validUntil, prices: h.prices };
        });
        store(cardsKey, { keptAt: new Date().toISOString(), items: items });
      })
      .catch(function () { /* offline: the list kept before stays */ });
  }

  function newKey() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join("");
  }

  function record() {
    var t = totals();
    if (sending || cart.lines.length === 0) { return; }
    if (t.missing > 0) { say("Il manque " + euros(t.missing) + " : ajoutez un paiement.", true); return; }
    var body = {
      householdID: cart.household ? cart.household.id : null,
      lines: cart.lines.map(function (line) { return { productID: line.productID, quantity: line.quantity }; }),
      payments: cart.payments.length ? cart.payments : [],
      donationCents: cart.donationCents,
      suspendedMealsUsed: cart.suspendedMeals
    };
    if (training) { body.training = true; }
    // A sale already waits for the network: this one queues behind it, with its own key, and
    // the next customer is served.
    if (load(pendingKey)) {
      var queue = load(queueKey) || [];
      queue.push({ key: newKey(), body: body });
      store(queueKey, queue);
      cart = emptyCart();
      save(); render(); hideReceipt();
      say("Vente gardée hors ligne : elle partira dès le retour du réseau.");
      backToKeys();
      return;
    }
    var pending = { key: newKey(), body: body, cart: JSON.stringify(cart) };
    store(pendingKey, pending);
    send(pending);
  }

  // The next queued sale takes its turn.
  function sendNext() {
    var queue = load(queueKey) || [];
    if (load(pendingKey) || queue.length === 0) { return; }
    var next = queue.shift();
    store(queueKey, queue.length ? queue : null);
    store(pendingKey, next);
    send(next);
  }

  var retryTimer = null;

  function send(pending) {
    if (sending) { return; }
    sending = true;
    render();
    say("Enregistrement de la vente…");
    fetch(api + "/sales", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "Idempotency-Key": pending.key, "X-CSRF-Token": csrf },
      body: JSON.stringify(pending.body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) { return { status: response.status, json: json }; });
    }).then(function (result) {
      sending = false;
      if (result.status === 201 || result.status === 200) {
        store(pendingKey, null);
        // The next customer's ticket, begun while this one waited, stays.
        if (pending.cart && pending.cart === JSON.stringify(cart)) { cart = emptyCart(); save(); }
        showReceipt(result.json);
        refreshPool();
        render();
        say((result.json.training ? "Exercice n° E-" + result.json.number + " enregistré (mode école)." : "Vente n° " + result.json.number + " enregistrée.")
          + (result.json.changeCents > 0 ? " Rendre " + euros(result.json.changeCents) + "." : ""));
        if (!typing({ target: document.activeElement })) { backToKeys(); }
        sendNext();
        return;
      }
      if (result.status >= 500 || result.status === 0) { throw new Error("server"); }
      // A session lost while offline (401): kept, sent again once the cashier is back.
      if (result.status === 401) { throw new Error("session"); }
      // Refused (422, 409, 403…): nothing was recorded; the ticket stays to be corrected.
      store(pendingKey, null);
      // A queued sale refused: back on the screen to be corrected, unless a ticket is being built.
      if (!pending.cart && cart.lines.length === 0) { cart = emptyCart(); cart.lines = pending.body.lines; cart.payments = pending.body.payments; save(); }
      render();
      var problem = result.json || {};
      var details = problem.errors ? Object.keys(problem.errors).map(function (k) { return problem.errors[k]; }).join(" ") : "";
      say((problem.detail || problem.title || "Vente refusée.") + (details ? " " + details : ""), true);
      sendNext();
    }).catch(function () {
      sending = false;
      // The sale is kept with its key: the ticket is cleared for the next customer, and the
      // sale's answer will not clear whatever ticket is on screen by then.
      if (pending.cart && pending.cart === JSON.stringify(cart)) {
        cart = emptyCart(); save();
        pending.cart = null;
        if (load(pendingKey)) { store(pendingKey, pending); }
      }
      render();
      say("Connexion perdue : la vente est gardée et sera renvoyée automatiquement.", true);
      scheduleRetry();
    });
  }

  function scheduleRetry() {
    if (retryTimer) { return; }
    retryTimer = window.setTimeout(function () {
      retryTimer = null;
      var pending = load(pendingKey);
      if (pending) { send(pending); }
    }, 3000);
  }

  function refreshPool() {
    fetch(api + "/pool", { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (json) { if (json) { poolCents = json.balanceCents; render(); } })
      .catch(function () { /* the balance shown stays the last known one */ });
  }

  function line(text) {
    var p = document.createElement("p");
    p.textContent = text;
    return p;
  }

  function showReceipt(sale) {
    el.receiptBody.textContent = "";
    var when = new Date(sale.recordedAt);
    el.receiptBody.appendChild(line((sale.training ? "MODE ÉCOLE — exercice n° E-" : "Ticket n° ") + sale.number + " — " + when.toLocaleString("fr-FR")));
    var list = document.createElement("ul");
    sale.lines.forEach(function (l) {
      var item = document.createElement("li");
      item.textContent = l.quantity + " × " + l.name + " : " + euros(l.priceCents * l.quantity) +
        (l.solidarityCents > 0 ? " (prix public " + euros(l.publicPriceCents * l.quantity) + ", solidarité " + euros(l.solidarityCents) + ")" : "");
      list.appendChild(item);
    });
    el.receiptBody.appendChild(list);
    if (sale.donationCents > 0) { el.receiptBody.appendChild(line("Don à la caisse de solidarité : " + euros(sale.donationCents))); }
    if (sale.poolDrawCents > 0) { el.receiptBody.appendChild(line("Repas suspendus (" + sale.suspendedMealsUsed + ") : −" + euros(sale.poolDrawCents))); }
    el.receiptBody.appendChild(line("Total TTC : " + euros(sale.totalCents) + " — à payer : " + euros(sale.dueCents)));
    sale.vat.forEach(function (v) {
      el.receiptBody.appendChild(line("TVA " + String(v.rate).replace(".", ",") + " % : " + euros(v.vatCents) + " sur " + euros(v.grossCents) + " TTC"));
    });
    sale.payments.forEach(function (p) { el.receiptBody.appendChild(line(methods[p.method] + " : " + euros(p.amountCents))); });
    if (sale.changeCents > 0) { el.receiptBody.appendChild(line("Rendu : " + euros(sale.changeCents))); }
    lastSale = sale.training ? null : sale;
    el.print.hidden = !lastSale;
    if (lastSale) {
      var link = document.createElement("a");
      link.href = ticketBase + "/" + sale.id;
      link.textContent = "Voir le ticket n° " + sale.number;
      var p = document.createElement("p");
      p.appendChild(link);
      el.receiptBody.appendChild(p);
      el.print.href = ticketBase + "/" + sale.id + "/print";
    }
    el.receipt.hidden = false;
  }

  // Printing counts the print (the first is the original, the next ones duplicatas) and opens
  // the ticket laid out for the 80 mm printer.
  function printReceipt(event) {
    event.preventDefault();
    if (!lastSale) { return; }
    var form = document.createElement("form");
    form.method = "post";
    form.action = ticketBase + "/" + lastSale.id + "/prints";
    var token = document.createElement("input");
    token.type = "hidden"; token.name = "_csrf"; token.value = csrf;
    form.appendChild(token);
    document.body.appendChild(form);
    form.submit();
  }

  // The search and the categories narrow the products shown; Entrée in the search adds the
  // first one shown.
  var category = "";
  function filterProducts() {
    var words = (el.search ? el.search.value : "").toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").split(/\s+/).filter(Boolean);
    var shown = 0;
    products.forEach(function (p) {
      var name = p.name.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
      var keep = (category === "" || p.category === category) && words.every(function (w) { return name.indexOf(w) >= 0; });
      p.button.hidden = !keep;
      if (keep) { shown += 1; }
    });
    if (el.noProduct) { el.noProduct.hidden = shown > 0; }
  }
  function firstShown() { return products.filter(function (p) { return !p.button.hidden; })[0] || null; }

  function hideReceipt() { el.receipt.hidden = true; }

  function typing(event) {
    var target = event.target;
    return target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT");
  }

  // Keyboard: 1–9 add the numbered product, + and − change the last line, E/C/Q/T pay the rest
  // by cash, card, cheque or meal voucher, Entrée records, Échap clears, / goes to the card.
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (typing(event)) {
      if (event.key === "Escape") { backToKeys(); }
      return;
    }
    var key = event.key;
    if (/^[1-9]$/.test(key)) {
      var p = products.filter(function (candidate) { return candidate.button.getAttribute("data-key") === key; })[0];
      if (p) { event.preventDefault(); addProduct(p); }
    } else if (key === "+" || key === "-") {
      if (cart.lines.length) { event.preventDefault(); changeQuantity(cart.lines.length - 1, key === "+" ? 1 : -1); }
    } else if (key === "e" || key === "E") { event.preventDefault(); addPayment("cash"); }
    else if (key === "c" || key === "C") { event.preventDefault(); addPayment("card"); }
    else if (key === "q" || key === "Q") { event.preventDefault(); addPayment("cheque"); }
    else if (key === "t" || key === "T") { event.preventDefault(); addPayment("meal_voucher"); }
    else if (key === "Enter" && (event.target === document.body || event.target === root)) { event.preventDefault(); record(); }
    else if (key === "Escape") { event.preventDefault(); clearTicket(); }
    else if (key === "/") { event.preventDefault(); el.card.focus(); el.card.select(); }
    else if ((key === "f" || key === "F") && el.search) { event.preventDefault(); el.search.focus(); el.search.select(); }
  });

  function clearTicket() {
    if (sending) { return; }
    cart = emptyCart();
    save(); render(); hideReceipt();
    say("Ticket effacé.");
    backToKeys();
  }

  products.forEach(function (p) { p.button.addEventListener("click", function () { addProduct(p); }); });
  Array.prototype.forEach.call(root.querySelectorAll(".till-pay"), function (button) {
    button.addEventListener("click", function () { addPayment(button.getAttribute("data-method")); });
  });
  el.cardForm.addEventListener("submit", function (event) { event.preventDefault(); lookUpCard(el.card.value); if (el.card.value.trim() === "") { backToKeys(); } });
  el.donation.addEventListener("change", function () {
    var cents = el.donation.value.trim() === "" ? 0 : parseEuros(el.donation.value);
    if (cents === null) { say("Don illisible : écrivez-le en euros, par exemple 2 ou 1,50.", true); return; }
    cart.donationCents = cents;
    cart.payments = [];
    save(); render();
  });
  el.meals.addEventListener("change", function () {
    var count = parseInt(el.meals.value, 10);
    if (isNaN(count) || count < 0) { count = 0; }
    if (count > 0 && (!cart.household || cart.household.tierToday === "public")) {
      say("Un repas suspendu est réservé à un foyer dont le justificatif est valable : passez sa carte.", true);
      count = 0;
    }
    cart.suspendedMeals = count;
    cart.payments = [];
    save(); render();
  });
  el.record.addEventListener("click", record);
  el.cancel.addEventListener("click", clearTicket);
  el.newSale.addEventListener("click", function () { hideReceipt(); say("Nouvelle vente."); backToKeys(); });
  el.print.addEventListener("click", printReceipt);
  if (el.search) {
    el.search.addEventListener("input", filterProducts);
    el.search.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") { return; }
      event.preventDefault();
      var p = firstShown();
      if (p && el.search.value.trim() !== "") { el.search.value = ""; filterProducts(); addProduct(p); }
    });
  }
  Array.prototype.forEach.call(root.querySelectorAll(".till-category"), function (chip) {
    chip.addEventListener("click", function () {
      category = chip.getAttribute("data-category");
      Array.prototype.forEach.call(root.querySelectorAll(".till-category"), function (other) {
        other.setAttribute("aria-pressed", other === chip ? "true" : "false");
      });
      filterProducts();
    });
  });
  window.addEventListener("online", function () { var pending = load(pendingKey); if (pending) { send(pending); } else { sendNext(); } });
  if ("serviceWorker" in navigator && root.getAttribute("data-service-worker")) {
    navigator.serviceWorker.register(root.getAttribute("data-service-worker"), { scope: window.location.pathname })
      .catch(function () { /* without it the till still works online */ });
  }
  keepCards();

  if (trainingToggle) {
    trainingToggle.addEventListener("click", function () {
      training = !training;
      store(trainingKey, training ? true : null);
      showTraining();
      say(training ? "Mode école : les tickets sont des exercices." : "Mode école arrêté : les tickets comptent.");
      backToKeys();
    });
  }
  showTraining();
  root.classList.add("till-ready");
  render();
  var waiting = load(pendingKey);
  if (waiting) {
    say("Une vente n'avait pas été confirmée : renvoi en cours…");
    send(waiting);
  } else {
    sendNext();
  }
}());
