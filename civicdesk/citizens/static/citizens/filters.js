// The public list's and map's filters: folded on a phone (the issues come first), open
// where there is room for them beside or above the list.
(function () {
  "use strict";
  const box = document.querySelector("details.filters-box");
  if (box && window.matchMedia("(min-width: 40rem)").matches) box.open = true;
})();
