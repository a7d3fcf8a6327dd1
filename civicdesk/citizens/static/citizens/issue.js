// The issue page: a small map of the point, and live updates. Each server-sent event
// says the issue changed; the changing part of the page is fetched again, server-rendered.
(function () {
  "use strict";
  const article = document.querySelector("article.issue");
  if (!article) return;
  const box = document.getElementById("issue-map");
  if (box && window.L) {
    box.hidden = false;
    const point = [+box.dataset.lat, +box.dataset.lon];
    const map = L.map(box, { scrollWheelZoom: false }).setView(point, 16);
    L.tileLayer(box.dataset.tiles, { attribution: box.dataset.attribution, maxZoom: 19 }).addTo(map);
    L.marker(point, { keyboard: false }).addTo(map);
  }
  if (!window.EventSource) return;
  const region = document.getElementById("issue-live");
  const last = region.querySelector("[data-last-event]");
  const url = article.dataset.stream + "?after=" + (last ? last.dataset.lastEvent : "0");
  let pending = null;
  function refresh() {
    pending = null;
    // Keep what someone is typing in a form of the region: refresh later.
    if (region.contains(document.activeElement) && document.activeElement.form) {
      pending = setTimeout(refresh, 3000);
      return;
    }
    fetch(article.dataset.live, { credentials: "same-origin" })
      .then((r) => (r.ok ? r.text() : null))
      .then((html) => { if (html) region.innerHTML = html; });
  }
  const source = new EventSource(url);
  const changed = () => { if (!pending) pending = setTimeout(refresh, 300); };
  source.onmessage = changed;
  ["reported", "routed", "unrouted", "status", "pushed", "unpushed", "feedback", "linked",
   "unlinked", "merged", "provider_update", "activity_progress", "activity_summary",
   "info_requested", "forwarded"].forEach((kind) => source.addEventListener(kind, changed));
})();
