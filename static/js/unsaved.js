// Warns before leaving a page whose form holds changes not saved yet: any <form data-warn-unsaved>. A form
// shown again after a failed save starts as unsaved (data-warn-unsaved="unsaved"). Submitting a form of the
// page clears the warning; the browser shows its own wording (pages cannot choose it).
(function () {
  var forms = Array.prototype.slice.call(document.querySelectorAll("form[data-warn-unsaved]"));
  if (!forms.length) return;
  var unsaved = forms.some(function (form) { return form.dataset.warnUnsaved === "unsaved"; });
  forms.forEach(function (form) {
    form.addEventListener("input", function () { unsaved = true; });
    form.addEventListener("change", function () { unsaved = true; });
  });
  document.addEventListener("submit", function () { unsaved = false; });
  window.addEventListener("beforeunload", function (event) {
    if (!unsaved) return;
    event.preventDefault();
    event.returnValue = "";
  });
})();
