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

// On a narrow screen (app.css: max-width 800px) the workspace menu folds behind the Menu button;
// without this file the menu stays open, wrapped under the top bar.
(() => {
  const button = document.querySelector(".menu-toggle");
  const nav = button && document.getElementById(button.getAttribute("aria-controls"));
  if (!nav) return;
  button.hidden = false;
  nav.classList.add("foldable");
  button.addEventListener("click", () => {
    const open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
    nav.classList.toggle("open", open);
  });
})();

// After a failed submit the summary of the form's problems takes the focus, so a keyboard or
// screen-reader user starts there rather than at the top of the page (also after an htmx swap).
function focusProblems(root) {
  const summary = root.querySelector("[data-focus-on-load]");
  if (summary) {
    summary.removeAttribute("data-focus-on-load");
    summary.focus();
    summary.scrollIntoView({ block: "center" });
    return;
  }
  // A page whose form has no summary (log in): its first field in error.
  const invalid = root === document && root.querySelector("form [aria-invalid=true]");
  if (invalid) invalid.focus();
}
focusProblems(document);
document.addEventListener("htmx:afterSettle", () => focusProblems(document.body));

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
