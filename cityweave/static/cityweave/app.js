// cityweave: small progressive enhancements; every page works without this file.
document.addEventListener("change", (event) => {
  // Filter forms submit as soon as a select changes.
  const el = event.target;
  if (el instanceof HTMLSelectElement && el.form && el.form.classList.contains("filters")) {
    el.form.requestSubmit();
  }
});

document.addEventListener("click", (event) => {
  // A link to a folded panel (data-opens="ID" on a link to #ID) unfolds it and moves focus there.
  const link = event.target instanceof Element ? event.target.closest("a[data-opens]") : null;
  const panel = link && document.getElementById(link.dataset.opens);
  if (panel instanceof HTMLDetailsElement) {
    event.preventDefault(); // following the link would take the focus back from the form
    panel.open = true;
    panel.scrollIntoView({ block: "start" });
    const fields = panel.querySelectorAll("input:not([type=hidden]), textarea, select");
    const field = Array.from(fields).find((el) => el.offsetParent !== null && !el.disabled);
    if (field) field.focus();
  }
});
