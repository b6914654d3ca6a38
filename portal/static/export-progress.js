// Progressive enhancement only: without this file the export's page has a "Refresh" link.
// While the export is written, asks its status every two seconds and updates the status region
// (role=status, so a screen reader announces the change); once it has ended, reloads the page,
// which then shows the download or the failure.
(function () {
  "use strict";
  var region = document.querySelector("[data-export-status]");
  if (!region || !window.fetch) { return; }
  var url = region.getAttribute("data-export-status");
  var label = region.querySelector("[data-export-label]");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (status) {
        if (!status) { return; }
        if (status.finished) { window.location.reload(); return; }
        var progress = region.querySelector("[data-export-progress]");
        if (!progress) {
          progress = document.createElement("span");
          progress.setAttribute("data-export-progress", "");
          label.parentNode.appendChild(document.createTextNode(" "));
          label.parentNode.appendChild(progress);
        }
        label.textContent = status.label;
        progress.textContent = status.state === "running" ? status.progress : "";
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
}());
