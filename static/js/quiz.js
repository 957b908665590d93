// The quiz page. The server sends the whole quiz as one form (what a phone without JavaScript
// gets); this script shows it one question at a time with 上一题 / 下一题 and an answer card,
// counts down to the server's deadline and submits there, and saves each answer as it is given
// (kept on the phone and retried while offline).
(function () {
  "use strict";
  var root = document.getElementById("quiz");
  var form = document.getElementById("quiz-form");
  var timer = document.getElementById("timer");
  if (!root || !form || !timer) return;
  var state = document.getElementById("save-state");
  var counter = document.getElementById("answered-count");
  var position = document.getElementById("position");
  var nav = document.getElementById("quiznav");
  var prev = document.getElementById("prev-question");
  var next = document.getElementById("next-question");
  var card = document.getElementById("answer-card");
  var grid = document.getElementById("card-grid");
  var submitButton = document.getElementById("submit-button");
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var storeKey = "quiz-pending-" + form.dataset.attempt;
  var questions = Array.prototype.slice.call(form.querySelectorAll("fieldset.question"));
  var cardItems = Array.prototype.slice.call(grid.querySelectorAll(".card-item"));
  var submitting = false;
  var pending = {};
  try { pending = JSON.parse(localStorage.getItem(storeKey) || "{}"); } catch (e) { pending = {}; }

  // --- The deadline -----------------------------------------------------------------------
  // The server says how many whole seconds were left (rounded down) when it answered, so its
  // deadline lies within the second after that moment + `remaining`. The page aims at the end
  // of that second: a submit a moment late is taken (the server allows QUIZ_GRACE_SECONDS), a
  // submit a moment early takes time from the participant. The deadline is a moment on the
  // phone's clock (Date.now), which keeps running while the phone sleeps; each tick measures
  // against it, never counts ticks, and coming back to the page checks it at once.
  function answeredAt() {
    // When the server's answer began to arrive (Navigation Timing), else now: both are at or
    // after the moment the server counted `remaining`, so the deadline is never too early.
    var entry = performance.getEntriesByType && performance.getEntriesByType("navigation")[0];
    var since = entry ? performance.now() - entry.responseStart : 0;
    return Date.now() - (since > 0 && since < 60000 ? since : 0);
  }
  var deadline = answeredAt() + (Number(timer.dataset.remaining) + 1) * 1000;

  function resync(sentAt, receivedAt, remainingMs) {
    // An autosave's answer measured the time left somewhere between sending and receiving:
    // the deadline lies in [sentAt + ms, receivedAt + ms]. Ours stays if it fits; otherwise
    // (the phone's clock was changed, or ours was later than need be) take the latest bound.
    if (typeof remainingMs !== "number") return;
    var latest = receivedAt + remainingMs;
    if (deadline > latest || (remainingMs > 0 && deadline < sentAt + remainingMs)) {
      deadline = latest;
      tick();
    }
  }

  var tickTimer = null;
  function tick() {
    clearTimeout(tickTimer);
    if (submitting) return;
    var msLeft = deadline - Date.now();
    var left = Math.max(0, Math.ceil(msLeft / 1000));  // 0:00 shows only at the deadline
    timer.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
    timer.classList.toggle("urgent", left <= 60);
    if (msLeft <= 0) {
      timeUp();
      return;
    }
    // Wake when the shown second changes; a timer that wakes early just waits again.
    tickTimer = setTimeout(tick, ((Math.ceil(msLeft) - 1) % 1000) + 1);
  }
  function timeUp() {
    submitting = true;
    show("timeup");
    disableSubmit();
    closeCard();
    localStorage.removeItem(storeKey);  // the form carries every answer now
    form.submit();  // no submit event, so no "are you sure": the time is up
  }

  // --- Answers and autosave ---------------------------------------------------------------
  function answerOf(fieldset) {
    var keys = [];
    fieldset.querySelectorAll("input:checked").forEach(function (i) { keys.push(i.value); });
    return keys;
  }
  function isAnswered(fieldset) { return !!fieldset.querySelector("input:checked"); }
  function refresh() {
    // The counts, the answer card's marks and the chosen options (a class as well as :has(),
    // which older phone browsers lack).
    var n = 0;
    questions.forEach(function (fieldset, i) {
      var done = isAnswered(fieldset);
      if (done) n++;
      cardItems[i].classList.toggle("answered", done);
      cardItems[i].setAttribute("aria-label",
        grid.dataset[done ? "answered" : "unanswered"].replace("{n}", i + 1));
      fieldset.querySelectorAll("label.option").forEach(function (label) {
        label.classList.toggle("checked", label.querySelector("input").checked);
      });
    });
    counter.textContent = n;
    document.getElementById("card-count").textContent = n + "/" + questions.length;
    document.getElementById("card-answered").textContent = n;
    document.getElementById("card-missing").textContent = questions.length - n;
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
    var sentAt = Date.now();
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
        resync(sentAt, Date.now(), res.body.remaining_ms);
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
    refresh();
    flush();
  });

  function disableSubmit() {
    root.querySelectorAll('button[type="submit"]').forEach(function (b) { b.disabled = true; });
  }
  form.addEventListener("submit", function (event) {
    if (submitting) { event.preventDefault(); return; }
    var missing = questions.length - refresh();
    if (missing > 0 && !window.confirm(submitButton.dataset.confirm.replace("{n}", missing))) {
      event.preventDefault();
      return;
    }
    submitting = true;
    disableSubmit();
    localStorage.removeItem(storeKey);
  });

  // --- One question at a time -------------------------------------------------------------
  // The current question is in the address (#q=3), so a reload comes back to it.
  var current = 0;
  function indexFromHash() {
    var match = /^#q=(\d+)$/.exec(window.location.hash);
    var index = match ? Number(match[1]) - 1 : -1;
    return index >= 0 && index < questions.length ? index : -1;
  }
  function firstUnanswered() {
    for (var i = 0; i < questions.length; i++) if (!isAnswered(questions[i])) return i;
    return 0;
  }
  function go(index) {
    current = Math.max(0, Math.min(questions.length - 1, index));
    var last = current === questions.length - 1;
    questions.forEach(function (fieldset, i) { fieldset.classList.toggle("current", i === current); });
    cardItems.forEach(function (item, i) {
      if (i === current) item.setAttribute("aria-current", "step");
      else item.removeAttribute("aria-current");
    });
    position.textContent = position.dataset.template.replace("{n}", current + 1);
    prev.disabled = current === 0;
    next.disabled = last;
    root.classList.toggle("at-last", last);
    if (window.history.replaceState) window.history.replaceState(window.history.state, "", "#q=" + (current + 1));
    window.scrollTo(0, 0);
  }
  function openCard() {
    refresh();
    if (typeof card.showModal === "function") card.showModal();
    else card.setAttribute("open", "");
    var item = cardItems[current];
    if (item) item.focus();
  }
  function closeCard() {
    if (!card.hasAttribute("open")) return;
    if (typeof card.close === "function") card.close();
    else card.removeAttribute("open");
  }

  prev.addEventListener("click", function () { go(current - 1); });
  next.addEventListener("click", function () { go(current + 1); });
  document.getElementById("open-card").addEventListener("click", openCard);
  document.getElementById("close-card").addEventListener("click", closeCard);
  card.addEventListener("click", function (event) {
    if (event.target === card) { closeCard(); return; }  // a tap on the backdrop
    var item = event.target.closest(".card-item");
    if (!item) return;
    closeCard();
    go(Number(item.dataset.index));
  });
  window.addEventListener("hashchange", function () {
    var index = indexFromHash();
    if (index !== -1 && index !== current) go(index);
  });

  // --- Start ------------------------------------------------------------------------------
  // Answers kept while offline (or before a reload) are put back and sent again.
  Object.keys(pending).forEach(function (qid) {
    var fieldset = document.getElementById("q-" + qid);
    if (!fieldset) return;
    fieldset.querySelectorAll("input").forEach(function (i) {
      i.checked = pending[qid].indexOf(i.value) !== -1;
    });
  });
  refresh();
  root.classList.add("paged");
  nav.hidden = false;
  position.hidden = false;
  var fromHash = indexFromHash();
  go(fromHash !== -1 ? fromHash : firstUnanswered());
  flush();
  window.addEventListener("online", flush);
  setInterval(flush, 15000);

  // A hidden page's timers are slowed or stopped (a locked phone): on coming back, check the
  // deadline at once, and save what is waiting. Before hiding, save too.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") tick();
    flush();
  });
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    if (submitting) window.location.reload();  // back from the result: ask the server
    else { tick(); flush(); }
  });
  tick();
})();
