// The offline outbox: a report that cannot be sent is kept on the phone (IndexedDB) and
// sent when the connection returns, with its idempotency key, so retries never make two
// issues. Also registers the service worker that makes the site installable.
(function () {
  "use strict";
  const DB = "civicdesk", STORE = "outbox";
  let flushing = false;

  function open() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "key" });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  function tx(mode, work) {
    return open().then((db) => new Promise((resolve, reject) => {
      const t = db.transaction(STORE, mode);
      const result = work(t.objectStore(STORE));
      t.oncomplete = () => resolve(result && result.result);
      t.onerror = () => reject(t.error);
    }));
  }
  const all = () => tx("readonly", (s) => s.getAll());
  const put = (item) => tx("readwrite", (s) => s.put(item));
  const remove = (key) => tx("readwrite", (s) => s.delete(key));

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);
  }
  function csrfToken() {
    const match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }
  function say(text, link, discardKey) {
    const box = document.getElementById("outbox");
    if (!box) return;
    box.hidden = !text;
    box.textContent = text || "";
    if (link) {
      const a = document.createElement("a");
      a.href = link; a.textContent = " →"; box.appendChild(a);
    }
    if (discardKey) {
      const b = document.createElement("button");
      b.type = "button"; b.className = "secondary small"; b.textContent = box.dataset.discard;
      b.onclick = () => remove(discardKey).then(show);
      box.appendChild(document.createTextNode(" ")); box.appendChild(b);
    }
  }
  function show() {
    return all().then((items) => {
      const box = document.getElementById("outbox");
      if (!box) return items;
      const failed = items.find((i) => i.error);
      if (failed) say(box.dataset.failed + " " + failed.error, null, failed.key);
      else if (items.length === 1) say(box.dataset.waitingOne);
      else if (items.length > 1) say(box.dataset.waitingMany.replace("%(count)s", items.length));
      else if (!box.dataset.keep) say("");
      return items;
    });
  }

  function send(item) {
    const body = new FormData();
    item.entries.forEach(([name, value, filename]) => filename ? body.append(name, value, filename) : body.append(name, value));
    return fetch(item.action, {
      method: "POST", body, credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
    });
  }

  function flush() {
    if (flushing || !navigator.onLine) return Promise.resolve();
    flushing = true;
    return all().then((items) => items.filter((i) => !i.error).reduce((chain, item) => chain.then(() =>
      send(item).then((response) => {
        if (response.ok) {
          return response.json().then((answer) => remove(item.key).then(() => {
            const box = document.getElementById("outbox");
            if (box) { box.dataset.keep = "1"; say(box.dataset.sent.replace("%(id)s", answer.issue), answer.url); }
          }));
        }
        if (response.status === 400) {
          return response.json().then((answer) => {
            item.error = Object.values(answer.errors || {}).flat().map((e) => e.message || e).join(" ");
            return put(item);
          });
        }
        // 403 (session changed) or a server error: keep it and try again later.
      }, () => { /* still no connection */ })
    ), Promise.resolve())).finally(() => { flushing = false; return show(); });
  }

  function entries(form) {
    const list = [];
    new FormData(form).forEach((value, name) => {
      if (value instanceof File) { if (value.size) list.push([name, value, value.name]); }
      else list.push([name, value]);
    });
    return list;
  }

  function queue(form, action) {
    const keyField = form.querySelector("[name=key]");
    const item = { key: keyField.value, action, entries: entries(form), saved: Date.now() };
    return put(item).then(() => {
      if (form.hasAttribute("data-offline-form")) { form.reset(); keyField.value = ""; }
      window.scrollTo(0, 0);
      return show();
    });
  }

  // Reports are sent by fetch: a failed connection keeps the report instead of losing it.
  // A refused report is posted again the ordinary way so the server shows its errors
  // next to the fields (nothing was saved, and the key makes a repeat harmless anyway).
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (event.defaultPrevented || !form.matches("form[data-outbox]") || !window.indexedDB || !window.fetch) return;
    event.preventDefault();
    const keyField = form.querySelector("[name=key]");
    if (!keyField.value) keyField.value = newKey();
    const button = form.querySelector("[type=submit]");
    if (button) button.disabled = true;
    const done = () => { if (button) button.disabled = false; };
    const keep = () => queue(form, form.action).then(done);
    if (!navigator.onLine) { keep(); return; }
    send({ action: form.action, entries: entries(form) }).then((response) => {
      if (response.ok) return response.json().then((answer) => { location.href = answer.url; });
      // Refused input or too many reports: the page itself says what and until when.
      if (response.status === 400 || response.status === 429) { form.submit(); return; }
      return keep();
    }, keep);
  });

  window.addEventListener("online", flush);
  document.addEventListener("DOMContentLoaded", () => {
    if (!window.indexedDB) return;
    show().then(flush);
    setInterval(() => all().then((items) => { if (items.length) flush(); }), 30000);
  });
  if ("serviceWorker" in navigator) {
    window.addEventListener("load", () => navigator.serviceWorker.register("/sw.js").catch(() => {}));
  }
  window.civicOutbox = { flush, all };

  // "Use my location": fills the latitude and longitude fields of `root`.
  window.civicLocate = function (root, onPoint) {
    const button = root.querySelector("[data-locate]");
    const status = root.querySelector("[data-locate-status]");
    if (!button || !navigator.geolocation) return;
    button.hidden = false;
    button.addEventListener("click", () => {
      status.textContent = button.dataset.finding || "";
      navigator.geolocation.getCurrentPosition((position) => {
        const lat = +position.coords.latitude.toFixed(6), lon = +position.coords.longitude.toFixed(6);
        root.querySelector("[name=lat]").value = lat;
        root.querySelector("[name=lon]").value = lon;
        status.textContent = button.dataset.found || "";
        if (onPoint) onPoint(lat, lon);
      }, () => { status.textContent = button.dataset.failed || ""; },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  };
})();
