// The place step: tap the map, use the device's location, find an address or type the
// coordinates; each keeps the others in step. Without tiles (or Leaflet) the fields alone
// still work, and Find is a plain form submit.
(function () {
  "use strict";
  const form = document.querySelector(".place-form");
  if (!form) return;
  const lat = form.querySelector("[name=lat]"), lon = form.querySelector("[name=lon]");
  const box = document.getElementById("place-map");
  let map = null, marker = null;

  function mark(y, x, zoom) {
    if (!map) return;
    if (marker) marker.setLatLng([y, x]);
    else marker = L.marker([y, x], { keyboard: false }).addTo(map);
    map.setView([y, x], Math.max(map.getZoom() || 0, zoom || 16));
  }
  if (window.L && box) {
    box.hidden = false;
    map = L.map(box);
    L.tileLayer(box.dataset.tiles, { attribution: box.dataset.attribution, maxZoom: 19 }).addTo(map);
    const b = (box.dataset.bounds || "").split(",").map(Number);
    if (b.length === 4 && b.every(isFinite)) map.fitBounds([[b[0], b[1]], [b[2], b[3]]]);
    else map.setView([-26.2, 28.04], 11);
    map.on("click", (e) => {
      lat.value = e.latlng.lat.toFixed(6); lon.value = e.latlng.lng.toFixed(6);
      mark(e.latlng.lat, e.latlng.lng, map.getZoom());
    });
    if (lat.value && lon.value) mark(+lat.value, +lon.value);
  }
  [lat, lon].forEach((field) => field.addEventListener("change", () => {
    if (lat.value && lon.value && isFinite(+lat.value) && isFinite(+lon.value)) mark(+lat.value, +lon.value);
  }));
  window.civicLocate && window.civicLocate(form, (y, x) => mark(y, x, 17));

  // Find: ask the JSON endpoint instead of reloading; choosing a match fills the fields
  // and moves the marker. If the request fails, the form is sent as without JavaScript.
  const address = form.querySelector("[name=address]"), find = form.querySelector("[data-find]");
  const list = form.querySelector("[data-matches]"), status = form.querySelector("[data-find-status]");
  if (!find || !list || !window.fetch) return;
  let plain = false;
  function say(text) { status.textContent = text; }
  function use(link) {
    if (!map) return false;  // no map to show it on: follow the link to the next step
    lat.value = link.dataset.lat; lon.value = link.dataset.lon; address.value = link.dataset.label;
    mark(+lat.value, +lon.value, 17);
    say(list.dataset.placed);
    return true;
  }
  function show(matches) {
    list.replaceChildren();
    if (!matches.length) { say(list.dataset.none); return; }
    say("");
    const heading = document.createElement("h2"), ul = document.createElement("ul");
    heading.textContent = list.dataset.heading; ul.className = "match-list";
    matches.forEach((m, i) => {
      const li = document.createElement("li"), label = document.createElement("span");
      const link = document.createElement("a"), y = m.lat.toFixed(6), x = m.lon.toFixed(6);
      label.className = "match-label"; label.textContent = m.label; label.id = "match-" + (i + 1);
      link.className = "button small"; link.textContent = list.dataset.use;
      link.setAttribute("aria-describedby", label.id);
      link.href = list.dataset.details + "?" + new URLSearchParams({ lat: y, lon: x, address: m.label });
      Object.assign(link.dataset, { lat: y, lon: x, label: m.label });
      li.append(label, " ", link); ul.appendChild(li);
    });
    list.append(heading, ul);
  }
  list.addEventListener("click", (e) => {
    const link = e.target.closest("a[data-lat]");
    if (link && use(link)) e.preventDefault();
  });
  address.addEventListener("keydown", (e) => {
    if (e.key === "Enter") { e.preventDefault(); find.click(); }
  });
  form.addEventListener("submit", (e) => {
    if (plain || e.submitter !== find) return;
    e.preventDefault();
    const text = address.value.trim();
    if (!text) { say(list.dataset.empty); address.focus(); return; }
    find.disabled = true;
    fetch(list.dataset.url + "?" + new URLSearchParams({ q: text }), { headers: { Accept: "application/json" } })
      .then((r) => { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then((answer) => show(answer.matches))
      .catch(() => { find.disabled = false; plain = true; form.requestSubmit(find); })
      .finally(() => { find.disabled = false; });
  });
})();
