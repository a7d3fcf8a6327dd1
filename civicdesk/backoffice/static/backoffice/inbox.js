// The inbox's keyboard shortcuts, action dialogs and live arrivals (server-sent events).
(function () {
  "use strict";
  const root = document.querySelector("[data-inbox]");
  if (!root) return;
  const selection = window.civicSelection("inbox");
  let focused = -1;

  const rows = () => [...document.querySelectorAll("tr[data-issue]")];

  function focusRow(index) {
    const all = rows();
    if (!all.length) return;
    focused = Math.max(0, Math.min(index, all.length - 1));
    all.forEach((row, i) => row.classList.toggle("focused", i === focused));
    all[focused].scrollIntoView({ block: "nearest" });
    all[focused].querySelector("a").focus({ preventScroll: true });
  }

  function currentRow() {
    return rows()[focused];
  }

  // With nothing selected, an action applies to the focused row.
  function ensureSelection() {
    if (selection.ids.size === 0 && currentRow()) selection.set(currentRow().dataset.issue, true);
    return selection.ids.size > 0;
  }

  function openDialog(id) {
    const dialog = document.getElementById(id);
    if (!dialog || !ensureSelection()) return;
    dialog.showModal();
    dialog.dispatchEvent(new CustomEvent("opened"));
    const field = dialog.querySelector("input:not([type=hidden]),textarea,select");
    if (field) field.focus();
  }

  document.querySelectorAll("[data-opens]").forEach((button) => {
    button.addEventListener("click", () => openDialog(button.dataset.opens));
  });
  document.querySelectorAll("dialog [data-close]").forEach((button) => {
    button.addEventListener("click", () => button.closest("dialog").close());
  });
  // The link dialog searches the unit's activities near the selection.
  const linkDialog = document.getElementById("dialog-link");
  if (linkDialog) {
    linkDialog.addEventListener("opened", () => {
      const ids = document.getElementById("link-search-ids");
      ids.value = [...selection.ids].join(",");
      window.htmx && window.htmx.trigger(document.getElementById("link-search"), "search");
    });
  }

  const keys = {
    j: () => focusRow(focused + 1),
    k: () => focusRow(focused - 1),
    x: () => currentRow() && selection.toggle(currentRow().dataset.issue),
    a: () => {
      if (ensureSelection()) document.getElementById("acknowledge-button").click();
    },
    n: () => openDialog("dialog-note"),
    i: () => openDialog("dialog-info"),
    l: () => openDialog("dialog-link"),
    c: () => openDialog("dialog-create"),
    o: () => currentRow() && currentRow().querySelector("a").click(),
    m: () => document.getElementById("view-toggle").click(),
    "/": () => document.querySelector(".filters select, .filters input").focus(),
    "?": () => {
      const help = document.getElementById("shortcuts");
      help.open = !help.open;
    },
  };
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target.closest("input,textarea,select,dialog[open]") && target.type !== "checkbox") return;
    const action = keys[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  });

  // Live: new issues arriving in this unit; changes to the rows shown.
  const banner = document.getElementById("live-banner");
  const status = document.getElementById("live-status");
  banner.querySelector("[data-reload]").addEventListener("click", () => location.reload());
  if (root.dataset.live && window.EventSource) {
    const source = new EventSource(root.dataset.live);
    const arrived = new Set();
    source.onopen = () => { status.textContent = status.dataset.on; status.classList.add("on"); };
    source.onerror = () => { status.textContent = status.dataset.off; status.classList.remove("on"); };
    const onArrival = (event) => {
      const data = JSON.parse(event.data);
      if (document.querySelector('tr[data-issue="' + data.issue + '"]')) return;
      arrived.add(data.issue);
      banner.hidden = false;
      banner.querySelector("[data-count]").textContent = arrived.size;
    };
    ["reported", "routed"].forEach((kind) => source.addEventListener(kind, onArrival));
    ["status", "note", "linked", "unlinked", "pushed", "merged", "info_given", "follow_up", "escalated"].forEach((kind) => {
      source.addEventListener(kind, (event) => {
        const data = JSON.parse(event.data);
        const row = document.querySelector('tr[data-issue="' + data.issue + '"]');
        if (row) row.classList.add("changed");
      });
    });
  }
})();
