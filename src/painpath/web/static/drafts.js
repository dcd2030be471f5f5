// PainPath: no lost work (issue 14). Pages work without this file.
// 1. Drafts: every form that posts on a signed-in page keeps what was typed in this browser
//    (localStorage), keyed by the page and the form. When the session ended and the person
//    signed in again, the sign-in page marks that page's drafts, and the page restores them
//    with a notice (review, then save again). A save that worked (the page comes back with a
//    notice) drops the draft. Passwords and the CSRF token are never kept.
// 2. Idle warning: two minutes before the idle sign-out a banner offers "Stay signed in".
(function () {
  "use strict";
  var PREFIX = "painpath:draft:";
  var MAX_AGE_MS = 24 * 3600 * 1000;
  var store;
  try { store = window.localStorage; store.getItem("x"); } catch (e) { store = null; }

  function keys() {
    var out = [];
    if (!store) { return out; }
    for (var i = 0; i < store.length; i++) {
      var k = store.key(i);
      if (k && k.indexOf(PREFIX) === 0) { out.push(k); }
    }
    return out;
  }
  function read(k) { try { return JSON.parse(store.getItem(k) || "null"); } catch (e) { return null; } }
  function write(k, v) { try { store.setItem(k, JSON.stringify(v)); } catch (e) { /* full */ } }
  function pathOf(k) { return k.slice(PREFIX.length).split("|")[0]; }

  // Old drafts go.
  keys().forEach(function (k) {
    var d = read(k);
    if (!d || Date.now() - (d.at || 0) > MAX_AGE_MS) { store.removeItem(k); }
  });

  // The sign-in page: mark the drafts of the page to return to.
  var nextInput = document.querySelector('form[action="/signin"] input[name="next"]');
  if (nextInput && nextInput.value) {
    var target = nextInput.value.split("?")[0];
    keys().forEach(function (k) {
      if (pathOf(k) === target) { var d = read(k); d.restore = true; write(k, d); }
    });
    return;
  }
  if (!document.body.hasAttribute("data-idle-minutes")) { return; }

  // A save that worked comes back with ?notice=: its drafts are done.
  var params = new URLSearchParams(window.location.search);
  if (params.get("notice") && !document.querySelector('[data-testid="form-error"]')) {
    keys().forEach(function (k) {
      var d = read(k);
      if (pathOf(k) === window.location.pathname && d && d.sent) { store.removeItem(k); }
    });
  }

  function draftable(form) {
    if ((form.getAttribute("method") || "").toLowerCase() !== "post") { return false; }
    if (form.hasAttribute("data-no-draft") || form.querySelector('input[type="password"]')) { return false; }
    return !!form.querySelector('textarea, select, input:not([type="hidden"]):not([type="submit"]):not([type="button"])');
  }
  function snapshot(form) {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrf_token" || el.name === "next" || el.type === "password" || el.type === "file") { return; }
      if (el.type === "submit" || el.type === "button") { return; }
      (values[el.name] = values[el.name] || []);
      if (el.type === "checkbox" || el.type === "radio") { if (el.checked) { values[el.name].push(el.value); } }
      else { values[el.name].push(el.value); }
    });
    return values;
  }
  function apply(form, values) {
    var seen = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !(el.name in values) || el.name === "csrf_token" || el.type === "password" || el.type === "file") { return; }
      if (el.type === "checkbox" || el.type === "radio") { el.checked = values[el.name].indexOf(el.value) >= 0; return; }
      if (el.type === "submit" || el.type === "button") { return; }
      var n = seen[el.name] || 0;
      if (n < values[el.name].length) { el.value = values[el.name][n]; }
      seen[el.name] = n + 1;
    });
  }
  function banner(form, key, when) {
    var box = document.createElement("div");
    box.className = "alert-box draft-banner";
    box.setAttribute("role", "status");
    box.setAttribute("data-testid", "draft-restored");
    var text = document.createElement("p");
    text.textContent = "Your unsaved changes from " + when + " are back in this form. Check them, then save again.";
    var discard = document.createElement("button");
    discard.type = "button";
    discard.textContent = "Discard my changes";
    discard.addEventListener("click", function () { store.removeItem(key); window.location.reload(); });
    box.appendChild(text);
    box.appendChild(discard);
    form.parentNode.insertBefore(box, form);
  }

  // Every form on a clinician page says which page it was sent from: if the session ended,
  // signing in again returns there (the server accepts a local path only).
  if (document.body.hasAttribute("data-drafts")) {
    Array.prototype.forEach.call(document.querySelectorAll("main form"), function (form) {
      if ((form.getAttribute("method") || "").toLowerCase() !== "post" || form.querySelector('[name="next"]')) { return; }
      var back = document.createElement("input");
      back.type = "hidden";
      back.name = "next";
      back.value = window.location.pathname + window.location.search;
      form.appendChild(back);
    });
  }

  var counts = {};
  Array.prototype.forEach.call(document.querySelectorAll("main form"), function (form) {
    if (!store || !document.body.hasAttribute("data-drafts") || !draftable(form)) { return; }
    var action = form.getAttribute("action") || window.location.pathname;
    counts[action] = (counts[action] || 0) + 1;
    var key = PREFIX + window.location.pathname + "|" + action + "|" + counts[action];
    var saved = read(key);
    if (saved && saved.restore) {
      apply(form, saved.values || {});
      saved.restore = false;
      write(key, saved);
      banner(form, key, new Date(saved.at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }));
    }
    var keep = function (sent) {
      var prior = read(key) || {};
      write(key, { at: Date.now(), values: snapshot(form), sent: sent || !!prior.sent });
    };
    form.addEventListener("input", function () { keep(false); });
    form.addEventListener("change", function () { keep(false); });
    form.addEventListener("submit", function () { keep(true); });
  });

  // Idle warning.
  var minutes = parseInt(document.body.getAttribute("data-idle-minutes"), 10);
  if (!minutes || minutes < 1) { return; }
  var warnAfter = Math.max(minutes * 60 - 120, minutes * 30) * 1000;
  var warnTimer = null;
  var outTimer = null;
  var box = null;
  function clearBox() { if (box && box.parentNode) { box.parentNode.removeChild(box); } box = null; }
  function show(message, action) {
    clearBox();
    box = document.createElement("div");
    box.className = "alert-box idle-warning";
    box.setAttribute("role", "alert");
    box.setAttribute("data-testid", "idle-warning");
    var p = document.createElement("p");
    p.textContent = message;
    box.appendChild(p);
    if (action) { box.appendChild(action); }
    var main = document.getElementById("main");
    main.insertBefore(box, main.firstChild);
  }
  function schedule() {
    clearTimeout(warnTimer);
    clearTimeout(outTimer);
    warnTimer = setTimeout(function () {
      var stay = document.createElement("button");
      stay.type = "button";
      stay.className = "primary";
      stay.textContent = "Stay signed in";
      stay.setAttribute("data-testid", "stay-signed-in");
      stay.addEventListener("click", function () {
        fetch("/session/alive", { credentials: "same-origin" }).then(function (r) {
          if (r.ok) { clearBox(); schedule(); }
        });
      });
      show("For your patients' privacy you will be signed out soon because nothing was sent for a while. What you typed is kept in this browser.", stay);
    }, warnAfter);
    outTimer = setTimeout(function () {
      var again = document.createElement("a");
      again.className = "button primary";
      again.href = "/signin?next=" + encodeURIComponent(window.location.pathname + window.location.search);
      again.textContent = "Sign in again";
      Array.prototype.forEach.call(document.querySelectorAll("main form"), function (form) {
        if (store && document.body.hasAttribute("data-drafts") && draftable(form)) { form.dispatchEvent(new Event("change")); }
      });
      show("You were signed out after a period of inactivity. What you typed is kept in this browser and comes back after you sign in.", again);
    }, minutes * 60 * 1000);
  }
  schedule();
})();
