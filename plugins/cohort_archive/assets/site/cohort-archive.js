// Cohort Archive: click a header of a `.ca-sortable` table to sort by that column: numbers, "n/N" and
// percentages numerically, dates (YYYY-MM-DD) by date, "Q12" by its number, lists of questions ("Q5, Q7")
// by their length, the rest as text; empty cells ("", "–", "removed") last either way. Works with
// Material's instant navigation through document$ when present.
(function () {
  const EMPTY = /^(|–|—|-|removed|none)$/i;
  function key(cell) {
    const text = cell.textContent.trim();
    if (EMPTY.test(text)) return null;
    if (/^\d{4}-\d{2}-\d{2}/.test(text)) return text;
    const q = text.match(/^Q(\d+)$/);
    if (q) return Number(q[1]);
    if (/^Q\d+\b/.test(text)) return (text.match(/\bQ\d+\b/g) || []).length;
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
      if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1; // empty cells last
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
