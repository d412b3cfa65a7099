// A display only: the running total of the score sheet while the evaluator types. The server adds up the
// stored scores itself when the review is submitted; without this file the page shows the total of the scores
// it holds. Empty and invalid entries (out of range, not in steps of 0.5) do not count; the server marks them.
(function () {
  var output = document.querySelector("[data-score-total]");
  if (!output) return;
  var form = output.closest("form");
  var inputs = Array.prototype.slice.call(form.querySelectorAll("input[data-score]"));
  function update() {
    var tenths = 0;
    inputs.forEach(function (input) {
      var value = Number(input.value);
      if (input.value.trim() === "" || !isFinite(value) || !input.validity.valid) return;
      tenths += Math.round(value * 10);
    });
    output.textContent = (tenths / 10).toFixed(1);
  }
  form.addEventListener("input", update);
  update();
})();
