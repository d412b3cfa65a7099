// The warning before the idle sign-out. The server decides (accounts.middleware.IdleTimeoutMiddleware); this
// only tells the person in time. Before warning it asks the server how much time is really left (another tab
// may have been active), and "Stay signed in" posts to the same address, which counts as activity.
(function () {
  var box = document.getElementById("idle-warning");
  if (!box) return;
  var text = box.querySelector("[data-idle-text]");
  var form = box.querySelector("form");
  var warning = parseInt(box.dataset.idleWarning, 10) * 1000;
  var deadline = Date.now() + parseInt(box.dataset.idleTimeout, 10) * 1000;
  var timer = null;

  function schedule(remainingMs) {
    deadline = Date.now() + remainingMs;
    clearTimeout(timer);
    timer = setTimeout(check, Math.max(remainingMs - warning, 0));
  }
  function show() {
    var left = deadline - Date.now();
    box.hidden = false;
    if (left <= 0) {
      text.textContent = box.dataset.textExpired;
      form.hidden = true;
      return;
    }
    text.textContent = box.dataset.textWarning.replace("{minutes}", Math.ceil(left / 60000));
    timer = setTimeout(show, Math.min(left, 15000));
  }
  function ask(method) {
    var options = {method: method, credentials: "same-origin", headers: {"Accept": "application/json"}};
    if (method === "POST") options.body = new FormData(form);
    return fetch(box.dataset.statusUrl, options).then(function (r) { return r.json(); });
  }
  function check() {
    ask("GET").then(function (state) {
      var remaining = state.remaining * 1000;
      if (remaining > warning + 5000) { schedule(remaining); } else { deadline = Date.now() + remaining; show(); }
    }, show);
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    ask("POST").then(function (state) {
      box.hidden = true;
      schedule(state.remaining * 1000);
    });
  });
  schedule(deadline - Date.now());
})();
