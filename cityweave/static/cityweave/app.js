// cityweave: small progressive enhancements; every page works without this file.
document.addEventListener("change", (event) => {
  // Filter forms submit as soon as a select changes. A form htmx drives (hx-get) already
  // loads the list on `change`: submitting it too would load the list twice.
  const el = event.target;
  if (el instanceof HTMLSelectElement && el.form && el.form.classList.contains("filters")) {
    if (window.htmx && el.form.hasAttribute("hx-get")) return;
    el.form.requestSubmit();
  }
});
