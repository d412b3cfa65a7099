// A display only: the server decides the deadline. The countdown corrects for the visitor's clock being off
// by comparing it with the server's time when the page was made.
(function () {
  var el = document.getElementById("countdown");
  if (!el) return;
  var deadline = Date.parse(el.dataset.deadline);
  var offset = Date.parse(el.dataset.serverNow) - Date.now();
  var live = document.createElement("span");
  el.appendChild(document.createElement("br"));
  el.appendChild(live);
  function tick() {
    var left = Math.max(0, deadline - (Date.now() + offset));
    var d = Math.floor(left / 86400000), h = Math.floor(left / 3600000) % 24,
        m = Math.floor(left / 60000) % 60, s = Math.floor(left / 1000) % 60;
    live.textContent = interpolate(gettext("Time left: %(d)s days %(h)s h %(m)s min %(s)s s"),
                                   {d: d, h: h, m: m, s: s}, true);
    if (left > 0) setTimeout(tick, 1000);
  }
  tick();
})();
