// The offline report form: the chosen category decides where the report goes and which
// questions are asked; the device's location works without signal.
(function () {
  "use strict";
  const form = document.querySelector("form[data-offline-form]");
  if (!form) return;
  const select = form.querySelector("[data-category]");
  function choose() {
    form.querySelectorAll("fieldset[data-questions]").forEach((set) => {
      const on = set.dataset.questions === select.value;
      set.hidden = !on; set.disabled = !on;
    });
    form.action = select.value || "";
  }
  select.addEventListener("change", choose);
  choose();
  form.addEventListener("submit", (event) => {
    if (!select.value) { event.preventDefault(); select.focus(); select.setAttribute("aria-invalid", "true"); }
  });
  window.civicLocate && window.civicLocate(form);
})();
