{% autoescape off %}// Civic Desk service worker: keeps the report form and the look of the site on the phone,
// so that a report can be made without signal (citizens/outbox.js queues and sends it).
const CACHE = "{{ version }}";
const OFFLINE_PAGE = "/report/offline/";
const SHELL = [{% for url in shell %}"{{ url }}"{% if not forloop.last %}, {% endif %}{% endfor %}];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    // Pages: the network first; without it the copy kept from the last visit, else the
    // offline report form. Report pages are kept as they are visited.
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok && url.pathname.startsWith("/report/")) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put(request, copy));
          }
          return response;
        })
        .catch(() => caches.match(request).then((found) => found || caches.match(OFFLINE_PAGE)))
    );
    return;
  }
  if (url.pathname.startsWith("{{ static_prefix }}")) {
    event.respondWith(
      caches.match(request).then((found) => found || fetch(request).then((response) => {
        if (response.ok) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(request, copy));
        }
        return response;
      }))
    );
  }
});
{% endautoescape %}
