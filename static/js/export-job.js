// An export job's page while the file is prepared: fetch the page again every two seconds, show the rows
// counted so far, and reload once the file is ready (or the job failed). Without JavaScript the page refreshes
// itself (a meta refresh inside <noscript>). A static file: the CSP allows no inline script.
(function () {
  var box = document.getElementById("export-progress");
  if (!box) return;
  var timer = setInterval(function () {
    fetch(window.location.href, {credentials: "same-origin", headers: {"Accept": "text/html"}})
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("export-progress");
        if (!fresh) { clearInterval(timer); window.location.reload(); return; }
        box.innerHTML = fresh.innerHTML;
      })
      .catch(function () { clearInterval(timer); });
  }, 2000);
})();
