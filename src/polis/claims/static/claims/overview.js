// Operators' claims overview: claims by status (data from the page, rendered by Chart.js).
document.addEventListener("DOMContentLoaded", () => {
  const data = JSON.parse(document.getElementById("claims-chart-data").textContent);
  new Chart(document.getElementById("claims-chart"), {
    type: "bar",
    data: { labels: data.labels, datasets: [{ label: "Sinistri", data: data.values, backgroundColor: "#123c69" }] },
    options: { maintainAspectRatio: false, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
});
