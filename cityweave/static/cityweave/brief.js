// cityweave: the partnership brief's Print button (hidden without this file; the browser's own
// Print does the same).
(() => {
  for (const button of document.querySelectorAll("button[data-print]")) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }
})();
