// The asset page: a small map of where the asset stands (the coordinates are in the text).
(function () {
  "use strict";
  const box = document.getElementById("asset-map");
  if (!box || !window.L) return;
  box.hidden = false;
  const point = [+box.dataset.lat, +box.dataset.lon];
  const map = L.map(box, { scrollWheelZoom: false }).setView(point, 17);
  L.tileLayer(box.dataset.tiles, { attribution: box.dataset.attribution, maxZoom: 19 }).addTo(map);
  L.marker(point, { keyboard: false }).addTo(map);
})();
