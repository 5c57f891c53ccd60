// cityweave: search-as-you-type pickers. Every <select data-lookup> (cityweave.web.widgets) holds only
// its chosen options; here it becomes a Tom Select that asks its lookup URL for matches as you type.
// Without this file (or Tom Select) the select still submits what it holds.
(function () {
  "use strict";

  // Rank a name against the typed words as the lookup endpoint does: every word must be in the name;
  // a name starting with the phrase first, then one with a word starting with it, then the rest.
  function scorer(search) {
    const words = search.toLowerCase().split(/\s+/).filter(Boolean);
    const phrase = words.join(" ");
    return (item) => {
      const name = String(item.name || "").toLowerCase();
      if (!words.every((word) => name.includes(word))) return 0;
      if (name.startsWith(phrase)) return 3;
      return name.includes(" " + phrase) ? 2 : 1;
    };
  }

  function lookup(base, query) {
    const url = new URL(base, window.location.href);
    url.searchParams.set("q", query);
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" }).then(
      (response) => (response.ok ? response.json() : Promise.reject(response.status)),
    );
  }

  // Tom Select's remove button, named "Remove" for screen readers rather than "×".
  function removeButton(options) {
    const button = document.createElement("div");
    button.className = options.className;
    button.title = options.title;
    button.setAttribute("role", "button");
    button.setAttribute("aria-label", options.title);
    button.tabIndex = -1;
    button.textContent = "×";
    return button;
  }

  function enhance(select) {
    if (select.tomselect || !select.dataset.lookup) return;
    const multiple = select.multiple;
    const plugins = {};
    if (multiple) plugins.remove_button = { title: "Remove", html: removeButton };
    else if (!select.required) plugins.clear_button = { title: "Clear" };
    const picker = new window.TomSelect(select, {
      plugins: plugins,
      valueField: "id",
      labelField: "name",
      searchField: ["name"],
      sortField: [{ field: "$score", direction: "desc" }, { field: "name" }],
      score: scorer,
      placeholder: select.dataset.placeholder,
      hideSelected: true,
      closeAfterSelect: true,
      maxOptions: 50,
      preload: false,
      loadThrottle: 250,
      shouldLoad: (query) => query.trim().length >= 1,
      load: function (query, callback) {
        lookup(select.dataset.lookup, query.trim())
          .then((data) => callback(data.results))
          .catch(() => callback());
      },
      render: {
        // The sector (or role) is drawn by CSS from data-detail, so that only the name is highlighted.
        option: (data, escape) => {
          const detail = data.sector_label || data.role_label;
          return (
            "<div" + (detail ? ' data-detail="' + escape(detail) + '"' : "") + ">" +
            "<span>" + escape(data.name) + "</span></div>"
          );
        },
        item: (data, escape) => "<div>" + escape(data.name) + "</div>",
        no_results: (data, escape) =>
          '<div class="no-results">Nothing matches “' + escape(data.input) + "”.</div>",
        loading: () => '<div class="loading-text">Searching…</div>',
      },
    });
    // The combobox now carries the label (Tom Select points the label's `for` at it), the help and the
    // error; the select it stands for is hidden from screen readers, so nothing is announced twice.
    select.setAttribute("aria-hidden", "true");
    const described = new Set((select.getAttribute("aria-describedby") || "").split(" ").filter(Boolean));
    if (document.getElementById(select.id + "_error")) described.add(select.id + "_error");
    if (described.size) picker.control_input.setAttribute("aria-describedby", [...described].join(" "));
    if (select.getAttribute("aria-invalid")) picker.control_input.setAttribute("aria-invalid", "true");
  }

  function enhanceAll(root) {
    if (!window.TomSelect || !root.querySelectorAll) return;
    if (root.matches && root.matches("select[data-lookup]")) enhance(root);
    root.querySelectorAll("select[data-lookup]").forEach(enhance);
  }

  document.addEventListener("DOMContentLoaded", () => enhanceAll(document));
  // Forms that htmx swaps in (quick capture, a form re-rendered with its errors) get pickers too.
  document.addEventListener("htmx:load", (event) => enhanceAll(event.target));
  // htmx keeps a copy of the page for the back button: keep the plain selects, not the pickers.
  document.addEventListener("htmx:beforeHistorySave", () => {
    document.querySelectorAll("select.tomselected").forEach((select) => {
      if (!select.tomselect) return;
      const label = document.querySelector('label[for="' + select.tomselect.control_input.id + '"]');
      select.tomselect.destroy();
      if (label) label.htmlFor = select.id;
      select.removeAttribute("aria-hidden");
    });
  });
})();
