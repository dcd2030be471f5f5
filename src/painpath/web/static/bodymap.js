// Body map: clicking a region of the drawing ticks the matching checkbox. The checkboxes are
// real form fields (the form works without this file); with it they are only visually hidden.
(function () {
  "use strict";
  document.querySelectorAll("[data-bodymap]").forEach(function (map) {
    var form = map.closest("form") || document;
    var boxes = {};
    map.querySelectorAll('input[name="site"]').forEach(function (box) { boxes[box.value] = box; });
    var shapes = map.querySelectorAll("[data-value]");
    var summary = map.querySelector("[data-bodymap-summary]");
    var sync = function () {
      shapes.forEach(function (shape) {
        var box = boxes[shape.getAttribute("data-value")];
        var on = !!(box && box.checked);
        shape.classList.toggle("on", on);
        shape.setAttribute("aria-checked", on ? "true" : "false");
      });
      if (summary) {
        var chosen = [];
        Object.keys(boxes).forEach(function (k) {
          if (boxes[k].checked) { chosen.push(boxes[k].parentNode.textContent.trim()); }
        });
        summary.textContent = chosen.length ? "Chosen: " + chosen.join(", ") : "Nothing chosen yet.";
      }
    };
    shapes.forEach(function (shape) {
      var box = boxes[shape.getAttribute("data-value")];
      if (!box) { return; }
      var label = box.parentNode.textContent.trim();
      shape.setAttribute("tabindex", "0");
      shape.setAttribute("role", "checkbox");
      shape.setAttribute("aria-label", label);
      var toggle = function () {
        box.checked = !box.checked;
        box.dispatchEvent(new Event("change", { bubbles: true }));
        sync();
      };
      shape.addEventListener("click", toggle);
      shape.addEventListener("keydown", function (ev) {
        if (ev.key === " " || ev.key === "Enter") { ev.preventDefault(); toggle(); }
      });
    });
    form.addEventListener("change", sync);
    map.classList.add("bm-js");
    sync();
  });
})();
