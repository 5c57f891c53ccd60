// cityweave: "Who can introduce me?" is a search for one kind of target at a time. Choosing a
// stakeholder, sector, community or offering checks its "Search by" choice; on submit the other
// kinds' fields are left out of the address. Without this file the "Search by" choice does the same
// on the server.
(function () {
  "use strict";

  const KINDS = ["stakeholder", "sector", "community", "value_type"];

  function enhance(form) {
    let left = [];
    KINDS.forEach((kind) => {
      const field = form.elements.namedItem(kind);
      if (!field || !field.addEventListener) return;
      field.addEventListener("change", () => {
        const radio = form.querySelector(`input[name="kind"][value="${kind}"]`);
        if (field.value && radio) radio.checked = true;
      });
    });
    form.addEventListener("submit", () => {
      const chosen = form.querySelector('input[name="kind"]:checked');
      if (!chosen) return;
      left = KINDS.filter((kind) => kind !== chosen.value)
        .map((kind) => form.elements.namedItem(kind))
        .filter((field) => field && field.name);
      left.forEach((field) => {
        field.dataset.name = field.name;
        field.removeAttribute("name");
      });
    });
    // Back to this page from the results: the fields left out are usable again.
    window.addEventListener("pageshow", () => {
      left.forEach((field) => {
        field.name = field.dataset.name;
      });
      left = [];
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("form[data-intro-search]").forEach(enhance);
  });
})();
