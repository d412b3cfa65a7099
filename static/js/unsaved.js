// Warns before leaving a page whose form holds changes not saved yet: any <form data-warn-unsaved>. A form
// shown again after a failed save starts as unsaved (data-warn-unsaved="unsaved"). Submitting that form saves
// its changes, so it no longer warns; submitting any other form (the language switch, log-out) or following a
// link still warns while a form holds changes. The browser shows its own wording (pages cannot choose it).
(function () {
  var forms = Array.prototype.slice.call(document.querySelectorAll("form[data-warn-unsaved]"));
  if (!forms.length) return;
  var changed = forms.filter(function (form) { return form.dataset.warnUnsaved === "unsaved"; });
  function touched(event) {
    if (changed.indexOf(event.currentTarget) === -1) changed.push(event.currentTarget);
  }
  forms.forEach(function (form) {
    form.addEventListener("input", touched);
    form.addEventListener("change", touched);
  });
  document.addEventListener("submit", function (event) {
    if (event.defaultPrevented) return; // not sent after all
    changed = changed.filter(function (form) { return form !== event.target; });
  });
  window.addEventListener("beforeunload", function (event) {
    if (!changed.length) return;
    event.preventDefault();
    event.returnValue = "";
  });
})();
