// The place step: tap the map, use the device's location, or type the coordinates; each
// keeps the others in step. Without tiles (or Leaflet) the fields alone still work.
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
})();
