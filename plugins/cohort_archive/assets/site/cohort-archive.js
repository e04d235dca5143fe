// Cohort Archive: click a header of a `.ca-sortable` table to sort by that column (numbers, "n/N" and
// percentages sort numerically). Works with Material's instant navigation through document$ when present.
(function () {
  function key(cell) {
    const text = cell.textContent.trim();
    const frac = text.match(/^(-?\d+(?:\.\d+)?)\s*\/\s*(\d+)/);
    if (frac) return Number(frac[2]) ? Number(frac[1]) / Number(frac[2]) : -1;
    const num = text.match(/^-?\d+(?:\.\d+)?/);
    if (num) return Number(num[0]);
    return text.toLowerCase();
  }
  function sort(table, index, th) {
    const body = table.tBodies[0];
    const dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
    table.querySelectorAll("th").forEach((h) => h.removeAttribute("aria-sort"));
    th.setAttribute("aria-sort", dir);
    const rows = Array.from(body.rows);
    rows.sort((a, b) => {
      const x = key(a.cells[index]), y = key(b.cells[index]);
      const c = typeof x === typeof y ? (x < y ? -1 : x > y ? 1 : 0) : typeof x === "number" ? -1 : 1;
      return dir === "ascending" ? c : -c;
    });
    rows.forEach((r) => body.appendChild(r));
  }
  function init() {
    document.querySelectorAll(".ca-sortable table").forEach((table) => {
      if (table.dataset.caSortable) return;
      table.dataset.caSortable = "1";
      Array.from(table.tHead ? table.tHead.rows[0].cells : []).forEach((th, i) => {
        th.setAttribute("role", "button");
        th.title = "Sort by this column";
        th.addEventListener("click", () => sort(table, i, th));
      });
    });
  }
  if (typeof document$ !== "undefined") document$.subscribe(init);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
