// Selections of issues that survive paging and reloads: a named set per page, kept in
// sessionStorage. Markup binds to it with data attributes:
//   input[data-select=NAME][value=ID]   a row's checkbox
//   input[data-select-all=NAME]         select every row of the page
//   [data-selected-count=NAME]          shows how many are selected
//   [data-needs-selection=NAME]         disabled while nothing is selected
//   [data-clear-selection=NAME]         button that empties the selection
//   form[data-submit-selection=NAME]    gets one hidden "ids" input per selected issue
// After a successful action the page carries [data-selection-done] and every stored
// selection empties.
(function () {
  "use strict";
  const groups = {};

  function storageKey(name) {
    return "civicdesk:selection:" + name + ":" + location.pathname;
  }

  function group(name) {
    if (groups[name]) return groups[name];
    let stored = [];
    try { stored = JSON.parse(sessionStorage.getItem(storageKey(name)) || "[]"); } catch (e) { stored = []; }
    const g = { name: name, ids: new Set(stored.map(String)), listeners: [] };
    g.has = (id) => g.ids.has(String(id));
    g.set = (id, on) => {
      id = String(id);
      if (on) g.ids.add(id); else g.ids.delete(id);
      changed(g);
    };
    g.toggle = (id) => g.set(id, !g.has(id));
    g.setMany = (ids, on) => {
      ids.forEach((id) => (on ? g.ids.add(String(id)) : g.ids.delete(String(id))));
      changed(g);
    };
    g.clear = () => { g.ids.clear(); changed(g); };
    g.onChange = (fn) => g.listeners.push(fn);
    groups[name] = g;
    return g;
  }

  function changed(g) {
    sessionStorage.setItem(storageKey(g.name), JSON.stringify([...g.ids]));
    render(g);
    g.listeners.forEach((fn) => fn(g));
  }

  function render(g) {
    const boxes = document.querySelectorAll('input[data-select="' + g.name + '"]');
    boxes.forEach((box) => {
      box.checked = g.has(box.value);
      const row = box.closest("[data-issue]");
      if (row) row.classList.toggle("selected", box.checked);
    });
    document.querySelectorAll('input[data-select-all="' + g.name + '"]').forEach((all) => {
      const onPage = [...boxes];
      all.checked = onPage.length > 0 && onPage.every((b) => b.checked);
      all.indeterminate = !all.checked && onPage.some((b) => b.checked);
    });
    document.querySelectorAll('[data-selected-count="' + g.name + '"]').forEach((el) => {
      el.textContent = g.ids.size;
    });
    document.querySelectorAll('[data-needs-selection="' + g.name + '"]').forEach((el) => {
      el.disabled = g.ids.size === 0;
    });
  }

  function bind() {
    const names = new Set();
    document.querySelectorAll("[data-select],[data-select-all],[data-submit-selection],[data-selected-count]").forEach((el) => {
      names.add(el.dataset.select || el.dataset.selectAll || el.dataset.submitSelection || el.dataset.selectedCount);
    });
    // An action succeeded: what was selected for it, on this page or another, is done.
    const done = document.querySelector("[data-selection-done]");
    if (done) {
      Object.keys(sessionStorage)
        .filter((key) => key.startsWith("civicdesk:selection:"))
        .forEach((key) => sessionStorage.removeItem(key));
    }
    names.forEach((name) => {
      const g = group(name);
      if (done) g.ids.clear();
      changed(g);
    });
    document.addEventListener("change", (event) => {
      const box = event.target;
      if (box.dataset && box.dataset.select) group(box.dataset.select).set(box.value, box.checked);
      if (box.dataset && box.dataset.selectAll) {
        const name = box.dataset.selectAll;
        const ids = [...document.querySelectorAll('input[data-select="' + name + '"]')].map((b) => b.value);
        group(name).setMany(ids, box.checked);
      }
    });
    document.addEventListener("click", (event) => {
      const button = event.target.closest("[data-clear-selection]");
      if (button) group(button.dataset.clearSelection).clear();
    });
    document.addEventListener("submit", (event) => {
      const form = event.target;
      const name = form.dataset && form.dataset.submitSelection;
      if (!name) return;
      form.querySelectorAll("input[data-selection-id]").forEach((el) => el.remove());
      group(name).ids.forEach((id) => {
        const input = document.createElement("input");
        input.type = "hidden";
        input.name = "ids";
        input.value = id;
        input.dataset.selectionId = "";
        form.appendChild(input);
      });
    }, true);
  }

  window.civicSelection = group;
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", bind);
  else bind();
})();
