// The phone menu's button tells screen readers whether the menu is open (Bootstrap's
// off-canvas does the rest: focus moves into it, Escape closes it, focus returns to the button).
document.addEventListener("DOMContentLoaded", () => {
  const menu = document.getElementById("sidebar");
  const toggle = document.querySelector('[aria-controls="sidebar"]');
  if (!menu || !toggle) return;
  menu.addEventListener("show.bs.offcanvas", () => toggle.setAttribute("aria-expanded", "true"));
  menu.addEventListener("hidden.bs.offcanvas", () => toggle.setAttribute("aria-expanded", "false"));
});
