// cityweave surveys: copy a link to the clipboard. Each <button data-copy="ID"> copies the value of
// the input with that id, shows "Copied" on the button and says so in the page's #copy-status
// live region; without JavaScript (or clipboard access) the input's text can be selected by hand.
(function () {
  "use strict";

  function say(button, shown, spoken) {
    const status = document.getElementById("copy-status");
    if (status) status.textContent = spoken;
    const before = button.dataset.label || button.textContent;
    button.dataset.label = before;
    button.textContent = shown;
    window.setTimeout(function () {
      button.textContent = before;
    }, 2000);
  }

  function copy(button) {
    const input = document.getElementById(button.dataset.copy);
    if (!input) return;
    input.focus();
    input.select();
    const fallback = function () {
      say(button, "Press Ctrl+C", "The link is selected: press Control C to copy it.");
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(function () {
        say(button, "Copied", "Link copied.");
      }, fallback);
    } else {
      fallback();
    }
  }

  document.addEventListener("click", function (event) {
    const button = event.target.closest("button[data-copy]");
    if (button) copy(button);
  });
})();
