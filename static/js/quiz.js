// The quiz page: a countdown from the server's remaining time, an autosave of each answer as
// it is given (kept on the phone and retried while offline), and a submit at zero.
(function () {
  "use strict";
  var form = document.getElementById("quiz-form");
  var timer = document.getElementById("timer");
  if (!form || !timer) return;
  var state = document.getElementById("save-state");
  var counter = document.getElementById("answered-count");
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var storeKey = "quiz-pending-" + form.dataset.attempt;
  var deadline = performance.now() + Number(timer.dataset.remaining) * 1000;
  var submitting = false;
  var pending = {};
  try { pending = JSON.parse(localStorage.getItem(storeKey) || "{}"); } catch (e) { pending = {}; }

  function answerOf(fieldset) {
    var keys = [];
    fieldset.querySelectorAll("input:checked").forEach(function (i) { keys.push(i.value); });
    return keys;
  }
  function countAnswered() {
    var n = 0;
    form.querySelectorAll("fieldset.question").forEach(function (f) {
      if (f.querySelector("input:checked")) n++;
    });
    counter.textContent = n;
    return n;
  }
  function show(kind) { state.textContent = state.dataset[kind] || ""; state.className = "save-state " + kind; }

  var inFlight = false;
  function flush() {
    var keys = Object.keys(pending);
    if (!keys.length || inFlight || submitting) return;
    var batch = {};
    keys.forEach(function (k) { batch[k] = pending[k]; });
    inFlight = true;
    show("saving");
    fetch(form.dataset.saveUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ answers: batch })
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (res) {
      inFlight = false;
      if (res.ok) {
        keys.forEach(function (k) { if (pending[k] === batch[k]) delete pending[k]; });
        localStorage.setItem(storeKey, JSON.stringify(pending));
        deadline = performance.now() + res.body.remaining_seconds * 1000;
        show("saved");
        if (Object.keys(pending).length) flush();
      } else if (res.body.error && (res.body.error.code === "time_up" || res.body.error.code === "attempt_finished")) {
        localStorage.removeItem(storeKey);
        window.location.reload();
      } else {
        show("offline");
      }
    }).catch(function () { inFlight = false; show("offline"); });
  }

  form.addEventListener("change", function (event) {
    var fieldset = event.target.closest("fieldset.question");
    if (!fieldset) return;
    pending[fieldset.dataset.qid] = answerOf(fieldset);
    localStorage.setItem(storeKey, JSON.stringify(pending));
    countAnswered();
    flush();
  });
  form.addEventListener("submit", function (event) {
    if (submitting) { event.preventDefault(); return; }
    var missing = form.querySelectorAll("fieldset.question").length - countAnswered();
    var button = document.getElementById("submit-button");
    if (missing > 0 && !window.confirm(button.dataset.confirm.replace("{n}", missing))) {
      event.preventDefault();
      return;
    }
    submitting = true;
    button.disabled = true;
    localStorage.removeItem(storeKey);
  });

  // Answers kept while offline (or before a reload) are put back and sent again.
  Object.keys(pending).forEach(function (qid) {
    var fieldset = document.getElementById("q-" + qid);
    if (!fieldset) return;
    fieldset.querySelectorAll("input").forEach(function (i) {
      i.checked = pending[qid].indexOf(i.value) !== -1;
    });
  });
  countAnswered();
  flush();
  window.addEventListener("online", flush);
  setInterval(flush, 15000);

  function tick() {
    var left = Math.max(0, Math.round((deadline - performance.now()) / 1000));
    timer.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
    timer.classList.toggle("urgent", left <= 60);
    if (left <= 0 && !submitting) {
      submitting = true;
      show("timeup");
      form.submit();
      return;
    }
    setTimeout(tick, 250);
  }
  tick();
})();
