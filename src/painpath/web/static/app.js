// PainPath progressive enhancement: pages work without this file; it adds comfort only.
(function () {
  "use strict";
  // Forms marked data-keep remember their inputs in this browser until they are sent, so a
  // dropped connection or an accidental reload loses nothing.
  document.querySelectorAll("form[data-keep]").forEach(function (form) {
    var key = "painpath:" + form.getAttribute("data-keep");
    try {
      var saved = JSON.parse(localStorage.getItem(key) || "{}");
      Object.keys(saved).forEach(function (name) {
        form.querySelectorAll('[name="' + name + '"]').forEach(function (el) {
          if (el.type === "radio" || el.type === "checkbox") { el.checked = el.value === saved[name]; }
          else if (!el.value) { el.value = saved[name]; }
        });
      });
    } catch (e) { /* storage may be disabled; the form still works */ }
    form.addEventListener("input", function () {
      var data = {};
      new FormData(form).forEach(function (v, k) { if (k !== "csrf_token") { data[k] = v; } });
      try { localStorage.setItem(key, JSON.stringify(data)); } catch (e) {}
      var bar = form.querySelector("[data-progress]");
      if (bar) {
        var total = parseInt(bar.getAttribute("data-total"), 10) || 1;
        var names = {};
        form.querySelectorAll("[data-item]").forEach(function (el) {
          if ((el.type === "radio" && el.checked) || (el.type !== "radio" && el.value !== "")) { names[el.name] = 1; }
        });
        var done = Object.keys(names).length;
        bar.querySelector("span").style.width = Math.round(100 * done / total) + "%";
        var label = form.querySelector("[data-progress-label]");
        if (label) { label.textContent = done + " of " + total + " answered"; }
      }
    });
    form.addEventListener("submit", function (ev) {
      if (!form.hasAttribute("data-retry") || !window.fetch) { return; }
      ev.preventDefault();
      var status = form.querySelector("[data-status]");
      var attempt = function (n) {
        if (status) { status.textContent = n ? "Trying again…" : "Sending…"; }
        fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" })
          .then(function (resp) {
            if (resp.ok || resp.redirected) {
              try { localStorage.removeItem(key); } catch (e) {}
              window.location.href = resp.url;
            } else if (resp.status >= 500 && n < 5) {
              setTimeout(function () { attempt(n + 1); }, 1500 * (n + 1));
            } else {
              resp.text().then(function (html) { document.open(); document.write(html); document.close(); });
            }
          })
          .catch(function () {
            if (status) { status.textContent = "No connection. Your answers are kept here; retrying…"; }
            if (n < 20) { setTimeout(function () { attempt(n + 1); }, 3000); }
          });
      };
      attempt(0);
    });
  });
  // "Go back" links (error page): history.back() without a javascript: URL (CSP).
  document.querySelectorAll("[data-back]").forEach(function (a) {
    a.addEventListener("click", function (ev) {
      if (window.history.length > 1) { ev.preventDefault(); window.history.back(); }
    });
  });
  // Job status: elements with data-job-url poll until the job is done or failed.
  document.querySelectorAll("[data-job-url]").forEach(function (el) {
    var url = el.getAttribute("data-job-url");
    var tick = function () {
      fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (job) {
        var bar = el.querySelector(".progress > span");
        if (bar) { bar.style.width = Math.round(100 * job.progress) + "%"; }
        var msg = el.querySelector("[data-job-message]");
        if (msg) { msg.textContent = job.status + ": " + job.message; }
        if (job.status === "done" || job.status === "failed") { window.location.reload(); }
        else { setTimeout(tick, 1500); }
      }).catch(function () { setTimeout(tick, 3000); });
    };
    setTimeout(tick, 1000);
  });
  // A day picker (data-day-switch) opens the chosen day's check-in, with its saved answers.
  document.querySelectorAll("[data-day-switch]").forEach(function (input) {
    input.addEventListener("change", function () {
      if (input.value) { input.form.submit(); }
    });
  });
  // A table wider than the screen scrolls inside its own box (app.css): make it focusable so
  // it can be scrolled from the keyboard as well as by touch.
  document.querySelectorAll("table.table").forEach(function (table) {
    if (table.scrollWidth > table.clientWidth + 1 && !table.hasAttribute("tabindex")) {
      table.setAttribute("tabindex", "0");
    }
  });
  // Charts: <div class="chart" data-plot='{"data":[...],"layout":{...}}'> drawn with plotly.
  // On a phone the toolbar only covers the chart, so it is hidden there.
  if (window.Plotly) {
    var phone = window.matchMedia && window.matchMedia("(max-width: 640px)").matches;
    document.querySelectorAll("[data-plot]").forEach(function (el) {
      var spec = JSON.parse(el.getAttribute("data-plot"));
      window.Plotly.newPlot(el, spec.data, spec.layout || {},
        { responsive: true, displaylogo: false, displayModeBar: phone ? false : "hover" });
    });
  }
})();
