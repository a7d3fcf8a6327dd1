// Maps of issues from a GeoJSON URL (Leaflet, tiles from settings.MAP_TILE_URL). A page
// without tiles still shows the points. Markers are coloured by SLA state (or role), and
// with data-select-group clicking one selects its issue (see selection.js).
(function () {
  "use strict";
  const COLOURS = {
    breached: "#a4161a", missed: "#a4161a", at_risk: "#b86e00", on_track: "#1e6b34", met: "#1e6b34",
    linked: "#0b5cad", candidate: "#6b7580", "": "#4a5560",
  };

  function init(el) {
    if (!window.L) return;
    const map = L.map(el);
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution || "", maxZoom: 19 }).addTo(map);
    }
    map.setView([Number(el.dataset.lat || -26.2041), Number(el.dataset.lon || 28.0473)], 11);
    const status = el.parentElement.querySelector("[data-map-status]");
    fetch(el.dataset.source, { credentials: "same-origin" })
      .then((response) => response.json())
      .then((data) => draw(el, map, data, status))
      .catch(() => { if (status) status.textContent = status.dataset.failed || "Map data could not be loaded."; });
    el.civicMap = map;
  }

  function groupOf(el, props) {
    if (props.role === "candidate") return el.dataset.candidateGroup;
    if (props.role === "linked") return el.dataset.linkedGroup;
    return el.dataset.selectGroup;
  }

  function draw(el, map, data, status) {
    const markers = [];
    const byGroup = {};
    data.features.forEach((feature) => {
      const p = feature.properties;
      const [lon, lat] = feature.geometry.coordinates;
      const colour = COLOURS[p.role || p.sla || ""] || COLOURS[""];
      const marker = L.circleMarker([lat, lon], {
        radius: 7, color: "#1b1f24", weight: 1, fillColor: colour, fillOpacity: 0.85,
      });
      marker.issue = p;
      const name = groupOf(el, p);
      const label = "#" + p.id + " " + p.type + " · " + p.status.replace("_", " ") + (p.sla ? " · " + p.sla.replace("_", " ") : "") + (p.pushes ? " · " + p.pushes + " pushes" : "");
      marker.bindTooltip(label);
      const popup = document.createElement("div");
      const link = document.createElement("a");
      link.href = el.dataset.issueUrl.replace("999999999", p.id);
      link.textContent = label;
      popup.appendChild(link);
      if (name && window.civicSelection) {
        const selection = window.civicSelection(name);
        (byGroup[name] = byGroup[name] || []).push(marker);
        const toggle = document.createElement("button");
        toggle.type = "button";
        toggle.className = "secondary small";
        const caption = () => { toggle.textContent = selection.has(p.id) ? el.dataset.unselectLabel : el.dataset.selectLabel; };
        toggle.addEventListener("click", () => { selection.toggle(p.id); caption(); });
        marker.on("popupopen", caption);
        popup.appendChild(document.createElement("br"));
        popup.appendChild(toggle);
      }
      marker.bindPopup(popup);
      markers.push(marker);
    });
    const layer = markers.length > 400 && L.markerClusterGroup
      ? L.markerClusterGroup({ disableClusteringAtZoom: 17 }) : L.featureGroup();
    markers.forEach((m) => layer.addLayer(m));
    layer.addTo(map);
    if (markers.length) map.fitBounds(L.featureGroup(markers).getBounds().pad(0.15), { maxZoom: 16 });
    Object.entries(byGroup).forEach(([name, group]) => {
      const selection = window.civicSelection(name);
      const restyle = () => group.forEach((m) => m.setStyle(
        selection.has(m.issue.id) ? { weight: 4, color: "#ffbf47", radius: 9 } : { weight: 1, color: "#1b1f24", radius: 7 }
      ));
      selection.onChange(restyle);
      restyle();
    });
    if (status) {
      const shown = markers.length;
      status.textContent = (data.total && data.total > shown)
        ? status.dataset.some.replace("%(shown)s", shown).replace("%(total)s", data.total)
        : status.dataset.all.replace("%(shown)s", shown);
    }
    // "Select the issues in view": every selectable marker inside the visible map.
    const button = el.parentElement.querySelector("[data-select-in-view]");
    if (button) {
      button.addEventListener("click", () => {
        const name = button.dataset.selectInView;
        const bounds = map.getBounds();
        const ids = (byGroup[name] || []).filter((m) => bounds.contains(m.getLatLng())).map((m) => m.issue.id);
        window.civicSelection(name).setMany(ids, true);
      });
    }
  }

  function start() { document.querySelectorAll("[data-map]").forEach(init); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
