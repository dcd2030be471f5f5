// Engagement pages: comfort only; every form works without this file.
(function () {
  "use strict";
  // A time-zone field the patient has never saved: offer the phone's own zone if we know it.
  document.querySelectorAll("input[data-guess-zone]").forEach(function (input) {
    var zone = "";
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { return; }
    var list = input.list;
    if (!zone || !list) { return; }
    for (var i = 0; i < list.options.length; i += 1) {
      if (list.options[i].value === zone) { input.value = zone; return; }
    }
  });
})();
