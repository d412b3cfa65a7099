// The decision notices page: draw the progress bar, and poll the progress while notices are generated or
// e-mails delivered; reload once everything has settled. (A static file: the CSP allows no inline script.)
(function () {
  var box = document.getElementById("notice-progress");
  if (!box) return;
  var bar = box.querySelector(".progress-bar");
  bar.style.width = bar.dataset.percent + "%";
  if (box.dataset.done === "1") return;
  var timer = setInterval(function () {
    fetch(box.dataset.url, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (p) {
      box.querySelector(".progress").setAttribute("aria-valuenow", p.percent);
      bar.style.width = p.percent + "%";
      if (p.done) { clearInterval(timer); window.location.reload(); }
    });
  }, 1500);
})();
