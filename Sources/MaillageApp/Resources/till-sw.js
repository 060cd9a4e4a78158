// The till's service worker: the till page and what it loads (its stylesheet and script) are
// kept in the browser's cache each time they arrive, and answered from there when the network
// (or the server) is down, also after a reload or a restart of the browser. Network first:
// online, the cashier always gets the current page.
"use strict";

var CACHE = "maillage-till-v1";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

function kept(request) {
  if (request.method !== "GET") { return false; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return false; }
  return request.mode === "navigate" || url.pathname.indexOf("/assets/") === 0;
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (!kept(request)) { return; }
  event.respondWith(
    fetch(request).then(function (response) {
      // Only a page the cashier could use: not a redirect to the login, not an error.
      if (response.ok && !response.redirected) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    }).catch(function () {
      return caches.open(CACHE).then(function (cache) {
        return cache.match(request, { ignoreSearch: request.mode === "navigate" }).then(function (hit) {
          return hit || new Response("Caisse hors ligne : ouvrez-la une première fois avec le réseau.", {
            status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } });
        });
      });
    })
  );
});
