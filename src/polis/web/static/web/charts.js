// Dashboard charts (Chart.js): each canvas names the JSON beside it ({labels, values}); the same
// numbers are in a table for screen readers, so the canvas itself is hidden from them.
document.addEventListener("DOMContentLoaded", () => {
  for (const canvas of document.querySelectorAll("canvas[data-chart]")) {
    const data = JSON.parse(document.getElementById(canvas.dataset.chart).textContent);
    new Chart(canvas, {
      type: "bar",
      data: { labels: data.labels, datasets: [{ label: canvas.dataset.label, data: data.values, backgroundColor: "#123c69" }] },
      options: { animation: false, maintainAspectRatio: false, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
  }
});
