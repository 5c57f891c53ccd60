// The respondent's survey page (cityweave/surveys/templates/surveys/public/): the page works
// without this script; with it, the roster can be searched by name and the error summary
// takes the focus after a refused save.
(function () {
  "use strict";

  function rosterSearch() {
    var box = document.querySelector("[data-roster-search]");
    var list = document.getElementById("roster-list");
    if (!box || !list) return;
    var input = box.querySelector("input");
    var count = box.querySelector("[data-roster-count]");
    var items = Array.prototype.slice.call(list.querySelectorAll("li"));
    box.hidden = false;
    input.addEventListener("input", function () {
      var words = input.value.trim().toLowerCase();
      var shown = 0;
      items.forEach(function (item) {
        var match = !words || item.textContent.toLowerCase().indexOf(words) !== -1;
        item.hidden = !match;
        if (match) shown += 1;
      });
      count.textContent = words ? shown + " of " + items.length + " partners shown" : "";
    });
    // Enter in the search box filters; it does not send the form.
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault();
    });
  }

  function focusErrors() {
    var summary = document.querySelector("[data-focus-on-load]");
    if (summary) summary.focus();
  }

  document.addEventListener("DOMContentLoaded", function () {
    rosterSearch();
    focusErrors();
  });
})();
