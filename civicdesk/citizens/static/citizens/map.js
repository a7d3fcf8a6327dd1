/* The public map: issues of the current view from /map/data.json (points, clustered in the
   browser, or grid cells counted by the server when the view holds many issues). Without
   tiles the markers still show; without this script the page's list still works. */
(function () {
  "use strict";
  var element = document.getElementById("issue-map");
  var configNode = document.getElementById("map-config");
  if (!element || !configNode || !window.L) return;
  var config = JSON.parse(configNode.textContent);
  var statusLine = document.getElementById("map-status");
  var text = config.text;

  function say(message) { if (statusLine) statusLine.textContent = message; }
  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }

  var map = L.map(element, { preferCanvas: true });
  if (config.bounds) map.fitBounds(config.bounds); else map.setView([-26.2, 28.04], 11);
  var tiles = L.tileLayer(config.tileUrl, { attribution: config.attribution, maxZoom: 19 });
  var tileErrors = 0;
  tiles.on("tileerror", function () {
    tileErrors += 1;
    if (tileErrors === 3) element.classList.add("no-tiles"), say(text.noTiles);
  });
  tiles.addTo(map);
  if (config.outline) {
    L.geoJSON(config.outline, { style: { color: "#0b5cad", weight: 2, fillOpacity: 0.05 } }).addTo(map);
  }

  var points = L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false });
  var cells = L.layerGroup();
  map.addLayer(points);
  map.addLayer(cells);

  function escape(value) {
    return String(value).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function pointMarker(row) {
    var id = row[0], type = config.types[row[3]] || "", status = row[4], pushes = row[5];
    var marker = L.marker([row[1], row[2]], {
      icon: L.divIcon({ className: "issue-dot status-" + status, iconSize: [14, 14] }),
      title: "#" + id + " " + type,
      keyboard: true
    });
    marker.bindPopup(
      '<a href="/issues/' + id + '/">#' + id + " " + escape(type) + "</a><br>" +
      escape(config.statuses[status] || status) + " · " + pushes + " " + escape(text.pushes)
    );
    return marker;
  }

  function cellMarker(row) {
    var count = row[2], size = Math.round(28 + 8 * Math.log10(count));
    var marker = L.marker([row[0], row[1]], {
      icon: L.divIcon({
        className: "issue-cell",
        html: "<span>" + count.toLocaleString() + "</span>",
        iconSize: [size, size]
      }),
      title: count.toLocaleString() + " " + text.issues,
      keyboard: true
    });
    marker.on("click", function () {
      if (row[3]) window.location.href = "/issues/" + row[3] + "/";
      else map.setView(marker.getLatLng(), Math.min(map.getZoom() + 2, 19));
    });
    return marker;
  }

  var controller = null;
  var timer = null;

  function load() {
    if (controller) controller.abort();
    controller = "AbortController" in window ? new AbortController() : null;
    var b = map.getBounds().pad(0.1);
    var query = new URLSearchParams(config.filters);
    var clamp = function (v, limit) { return Math.max(-limit, Math.min(limit, v)).toFixed(5); };
    query.set("bbox", [clamp(b.getSouth(), 90), clamp(b.getWest(), 180), clamp(b.getNorth(), 90), clamp(b.getEast(), 180)].join(","));
    query.set("zoom", map.getZoom());
    fetch(config.dataUrl + "?" + query.toString(), controller ? { signal: controller.signal } : {})
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (data) {
        points.clearLayers();
        cells.clearLayers();
        if (data.mode === "points") {
          points.addLayers(data.points.map(pointMarker));
          say(format(text.showing, { count: data.count.toLocaleString() }));
        } else {
          data.cells.forEach(function (row) { cells.addLayer(cellMarker(row)); });
          say(format(text.grouped, { count: data.count.toLocaleString(), cells: data.cells.length }));
        }
      })
      .catch(function (error) { if (error.name !== "AbortError") say(text.failed); });
  }

  map.on("moveend", function () {
    clearTimeout(timer);
    timer = setTimeout(load, 250);
  });
  load();
})();
