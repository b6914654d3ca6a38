// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }

  // "Select all" for a table of checkboxes (the moderation queue); without this file each box
  // is ticked by hand.
  document.querySelectorAll("input[data-select-all]").forEach(function (all) {
    var form = all.form;
    var name = all.getAttribute("data-select-all");
    function boxes() { return form.querySelectorAll('input[type=checkbox][name="' + name + '"]'); }
    function reflect() {
      var list = boxes(), ticked = 0;
      list.forEach(function (box) { if (box.checked) { ticked += 1; } });
      all.checked = list.length > 0 && ticked === list.length;
      all.indeterminate = ticked > 0 && ticked < list.length;
    }
    if (!form || boxes().length === 0) { return; }
    all.hidden = false;
    all.addEventListener("change", function () {
      boxes().forEach(function (box) { box.checked = all.checked; });
      all.indeterminate = false;
    });
    form.addEventListener("change", function (event) {
      if (event.target !== all) { reflect(); }
    });
    reflect();
  });

  // A print button only where printing can be started from the page.
  document.querySelectorAll("button[data-print]").forEach(function (button) {
    if (typeof window.print !== "function") { return; }
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  // Counts what was typed or pasted against the limit. The box never cuts a text (no
  // maxlength): over the limit, the counter says by how much, and the server refuses it with
  // the whole text kept.
  document.querySelectorAll("textarea[data-counter]").forEach(function (area) {
    var out = document.getElementById(area.getAttribute("data-counter"));
    if (!out) { return; }
    var max = parseInt(area.getAttribute("data-max"), 10);
    var lang = document.documentElement.lang || "en";
    var fmt = new Intl.NumberFormat(lang);
    var template = out.getAttribute("data-template");
    var templateOver = out.getAttribute("data-template-over") || template;
    var timer = null;
    function update() {
      // Characters as the server counts them (an emoji is one), line breaks as one.
      var used = Array.from(area.value).length;
      var over = used > max;
      out.textContent = (over ? templateOver : template)
        .replace("%(used)s", fmt.format(used))
        .replace("%(over)s", fmt.format(used - max))
        .replace("%(max)s", fmt.format(max));
      out.classList.toggle("counter--near", !over && used > max * 0.9);
      out.classList.toggle("counter--over", over);
    }
    out.hidden = false;
    update();
    // Announce politely, not on every keystroke; a paste is counted at once.
    area.addEventListener("input", function (event) {
      clearTimeout(timer);
      if (event.inputType === "insertFromPaste") { update(); return; }
      timer = setTimeout(update, 400);
    });
  });
})();
