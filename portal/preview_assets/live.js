// portal preview: reload the page when the content has been rebuilt (or its problems changed).
(function () {
  var script = document.currentScript;
  var seen = script && script.getAttribute("data-version");
  function poll() {
    fetch("/__preview/status", { cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (status) {
        if (String(status.version) !== seen) {
          window.location.reload();
          return;
        }
        window.setTimeout(poll, 700);
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }
  window.setTimeout(poll, 700);
})();
