// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }

  // A print button only where printing can be started from the page.
  document.querySelectorAll("button[data-print]").forEach(function (button) {
    if (typeof window.print !== "function") { return; }
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  document.querySelectorAll("textarea[data-counter]").forEach(function (area) {
    var out = document.getElementById(area.getAttribute("data-counter"));
    if (!out) { return; }
    var max = parseInt(area.getAttribute("maxlength"), 10);
    var lang = document.documentElement.lang || "en";
    var fmt = new Intl.NumberFormat(lang);
    var template = out.getAttribute("data-template");
    var timer = null;
    function update() {
      var used = area.value.length;
      out.textContent = template.replace("%(used)s", fmt.format(used)).replace("%(max)s", fmt.format(max));
      out.classList.toggle("counter--near", used > max * 0.9);
    }
    out.hidden = false;
    update();
    // Announce politely, not on every keystroke.
    area.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(update, 400);
    });
  });
})();
