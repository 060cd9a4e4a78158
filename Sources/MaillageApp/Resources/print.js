// Printing a page the app lays out for paper (a till ticket, a Z): the page's "Imprimer" button
// prints it, and a page opened to be printed (data-autoprint) prints itself once loaded.
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
  if (document.querySelector("[data-autoprint]")) {
    window.addEventListener("load", function () { window.setTimeout(function () { window.print(); }, 100); });
  }
}());
