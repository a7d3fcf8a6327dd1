// The report's asset choice on a map: the nearest assets as markers; tapping one checks
// its radio button (the list stays the form's real control, with or without the map).
(function () {
  "use strict";
  const box = document.getElementById("asset-pick-map");
  const data = document.getElementById("asset-points");
  if (!box || !data || !window.L) return;
  const points = JSON.parse(data.textContent);
  if (!points.length) return;
  box.hidden = false;
  const map = L.map(box, { scrollWheelZoom: false });
  L.tileLayer(box.dataset.tiles, { attribution: box.dataset.attribution, maxZoom: 19 }).addTo(map);
  const radio = (reference) =>
    Array.from(document.querySelectorAll('input[name="asset"]')).find((r) => r.value === reference);
  const markers = points.map((point) => {
    const marker = L.circleMarker([point.lat, point.lon], { radius: 8, weight: 2 })
      .bindTooltip(point.reference)
      .addTo(map);
    marker.on("click", () => {
      const input = radio(point.reference);
      if (input) {
        input.checked = true;
        input.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
    return { point, marker };
  });
  const show = () => {
    markers.forEach(({ point, marker }) => {
      const input = radio(point.reference);
      const chosen = Boolean(input && input.checked);
      marker.setStyle({ fillOpacity: chosen ? 0.9 : 0.3, radius: chosen ? 11 : 8 });
    });
  };
  document.addEventListener("change", (event) => {
    if (event.target.name === "asset") show();
  });
  map.fitBounds(L.latLngBounds(points.map((p) => [p.lat, p.lon])), { padding: [24, 24], maxZoom: 18 });
  show();
})();
