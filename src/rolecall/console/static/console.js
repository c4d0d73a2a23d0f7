// The console works without this file; it adds confirmation before deletions and
// sorting of table columns (click or Enter on a header).
"use strict";
document.addEventListener("submit", (event) => {
  const message = event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) event.preventDefault();
});
function sortBy(table, index, header) {
  const body = table.tBodies[0];
  const ascending = header.getAttribute("aria-sort") !== "ascending";
  const rows = Array.from(body.rows);
  rows.sort((a, b) => {
    const x = (a.cells[index] || {}).textContent || "", y = (b.cells[index] || {}).textContent || "";
    return ascending ? x.localeCompare(y, undefined, {numeric: true}) : y.localeCompare(x, undefined, {numeric: true});
  });
  table.querySelectorAll("th").forEach((th) => th.setAttribute("aria-sort", "none"));
  header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  rows.forEach((row) => body.appendChild(row));
}
document.querySelectorAll("table.sortable").forEach((table) => {
  table.querySelectorAll("th").forEach((th, index) => {
    th.setAttribute("aria-sort", "none");
    th.tabIndex = 0;
    th.addEventListener("click", () => sortBy(table, index, th));
    th.addEventListener("keydown", (e) => { if (e.key === "Enter") sortBy(table, index, th); });
  });
});
