// Staff console enhancements. Every page is complete HTML without this file: it draws charts from the tables
// the pages already show, asks before risky buttons, and re-draws after htmx swaps. No inline script anywhere (CSP).
(function () {
  "use strict";
  // Colour-blind-safe palette (Okabe-Ito), one colour per series in page order.
  var COLOURS = ["#0072B2", "#009E73", "#E69F00", "#CC79A7", "#D55E00", "#56B4E9", "#999999", "#F0E442"];

  function readTable(table) {
    var head = Array.prototype.slice.call(table.tHead.rows[0].cells, 1);
    var names = head.map(function (cell) { return cell.textContent.trim(); });
    var labels = [];
    var series = names.map(function () { return []; });
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      labels.push(row.cells[0].textContent.trim());
      names.forEach(function (_name, i) {
        var raw = row.cells[i + 1].getAttribute("data-value");
        series[i].push(raw === "" || raw === null ? null : Number(raw));
      });
    });
    return { names: names, labels: labels, series: series };
  }

  function draw(figure) {
    if (!window.Chart || figure.getAttribute("data-drawn")) return;
    var table = figure.querySelector("table");
    if (!table || !table.tBodies.length || !table.tBodies[0].rows.length) return;
    var data = readTable(table);
    var kind = figure.getAttribute("data-chart") || "bar";
    var stacked = figure.hasAttribute("data-stacked");
    var canvas = document.createElement("canvas");
    var caption = figure.querySelector("figcaption");
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", (caption ? caption.textContent : "Chart") + " — the numbers are in the table below");
    figure.querySelector(".chart-box").appendChild(canvas);
    new window.Chart(canvas, {
      type: kind,
      data: {
        labels: data.labels,
        datasets: data.names.map(function (name, i) {
          return { label: name, data: data.series[i], backgroundColor: COLOURS[i % COLOURS.length],
                   borderColor: COLOURS[i % COLOURS.length], spanGaps: true };
        })
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        scales: { x: { stacked: stacked }, y: { stacked: stacked, beginAtZero: true } },
        plugins: { legend: { position: "bottom" } }
      }
    });
    figure.setAttribute("data-drawn", "1");
    // The table stays (exact numbers, screen readers), folded under the chart.
    var holder = table.parentNode;
    var details = document.createElement("details");
    var summary = document.createElement("summary");
    summary.textContent = "The numbers";
    holder.parentNode.insertBefore(details, holder);
    details.appendChild(summary);
    details.appendChild(holder);
  }

  function drawAll(root) {
    var figures = (root.matches && root.matches("figure[data-chart]")) ? [root] : root.querySelectorAll("figure[data-chart]");
    Array.prototype.forEach.call(figures, draw);
  }

  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  document.addEventListener("htmx:afterSettle", function (event) { drawAll(event.target); });
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  });
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-back]");
    if (link && window.history.length > 1) { event.preventDefault(); window.history.back(); }
  });
})();
