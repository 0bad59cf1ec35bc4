// Phone width stacks table rows into blocks (app.css); each cell then shows its column's name from
// data-label. Templates set data-label where they know it; this fills in every other body cell from its
// table's header row (colspan counted), on load and after each htmx swap — so tables added later
// (other apps, htmx fragments) are labelled too.
(function () {
  function label(root) {
    (root || document).querySelectorAll("table").forEach(function (table) {
      var head = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
      if (!head) return;
      var names = [];
      Array.prototype.forEach.call(head.cells, function (cell) {
        for (var i = 0; i < (cell.colSpan || 1); i++) names.push(cell.textContent.replace(/[▲▼]/g, "").trim());
      });
      Array.prototype.forEach.call(table.tBodies, function (body) {
        Array.prototype.forEach.call(body.rows, function (row) {
          var column = 0;
          Array.prototype.forEach.call(row.cells, function (cell) {
            if (!cell.hasAttribute("data-label")) {
              cell.setAttribute("data-label", (cell.colSpan || 1) > 1 && row.cells.length === 1 ? "" : names[column] || "");
            }
            column += cell.colSpan || 1;
          });
        });
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { label(document); });
  document.addEventListener("htmx:afterSwap", function (event) { label(event.target); });
})();
