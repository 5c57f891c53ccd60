// cityweave: small progressive enhancements; every page works without this file.
document.addEventListener("change", (event) => {
  // Filter forms submit as soon as a select changes.
  const el = event.target;
  if (el instanceof HTMLSelectElement && el.form && el.form.classList.contains("filters")) {
    el.form.requestSubmit();
  }
});
