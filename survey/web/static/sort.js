// Sortable tables on the staff pages: click a column header to sort, click again to reverse.
// The pages work without it; cells may carry data-value to sort by instead of their text.
(function () {
  "use strict";
  function key(cell) {
    var raw = cell.getAttribute("data-value");
    var text = (raw !== null ? raw : cell.textContent).trim();
    var number = parseFloat(text.replace(/[,%]/g, ""));
    return isNaN(number) || !/^[-+]?[\d.,]+%?$/.test(text.split(/\s/)[0]) ? text : number;
  }
  function compare(a, b) {
    if (typeof a === "number" && typeof b === "number") { return a - b; }
    return String(a).localeCompare(String(b), "zh-CN");
  }
  function sort(table, index, button) {
    var body = table.tBodies[0];
    var header = button.parentNode;
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (x, y) {
      var order = compare(key(x.cells[index]), key(y.cells[index]));
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) {
      cell.removeAttribute("aria-sort");
    });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    if (!table.tHead || !table.tBodies.length) { return; }
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (cell.firstChild) { button.appendChild(cell.firstChild); }
      cell.appendChild(button);
      button.addEventListener("click", function () { sort(table, index, button); });
    });
  });
}());
