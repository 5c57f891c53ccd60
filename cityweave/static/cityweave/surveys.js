// cityweave surveys: copy a link to the clipboard. Each <button data-copy="ID"> copies the value of
// the input with that id and says so (aria-live); without JavaScript the input's text can be selected.
(function () {
  "use strict";

  function copied(button, text) {
    const before = button.textContent;
    button.textContent = text;
    button.setAttribute("aria-live", "polite");
    window.setTimeout(function () {
      button.textContent = before;
    }, 2000);
  }

  function copy(button) {
    const input = document.getElementById(button.dataset.copy);
    if (!input) return;
    input.select();
    const done = function () {
      copied(button, "Copied");
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(done, function () {
        copied(button, "Press Ctrl+C");
      });
    } else {
      // On a plain-http address the clipboard API is missing: the text is selected for Ctrl+C.
      copied(button, "Selected: press Ctrl+C");
    }
  }

  document.addEventListener("click", function (event) {
    const button = event.target.closest("button[data-copy]");
    if (button) copy(button);
  });
})();
