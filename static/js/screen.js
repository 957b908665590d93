// The big screen (templates/participant/screen.html): asks for its figures again every
// data-refresh seconds (the server keeps them that long, so many screens cost one count) and
// redraws them in the page's own markup. Text only (textContent), never HTML from the data.
// A failed request keeps the figures shown and marks their time as old; a 404 means the
// screen was switched off: the page reloads and shows that.
(function () {
  "use strict";
  var root = document.getElementById("screen");
  if (!root || !window.fetch) return;
  var src = root.dataset.src;
  var seconds = Math.max(1, parseInt(root.dataset.refresh, 10) || 30);
  var retired = root.dataset.retired || "{name}";
  var time = document.getElementById("screen-time");
  var units = document.getElementById("screen-units");
  var people = document.getElementById("screen-people");
  var more = document.getElementById("screen-units-more");
  var hidden = document.getElementById("screen-units-hidden");
  var MISSING = "—";

  // As quiz/formatting.py writes them: 12,345 · 12.3% · 78.5 · "—" for a missing figure.
  function integer(value) {
    if (value === null || value === undefined) return MISSING;
    return String(Math.round(value)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }
  function percent(value) {
    return value === null || value === undefined ? MISSING : (value * 100).toFixed(1) + "%";
  }
  function score(value) {
    return value === null || value === undefined ? MISSING : value.toFixed(1);
  }
  function duration(total) {
    if (total === null || total === undefined) return "–";
    var s = total % 60;
    return Math.floor(total / 60) + ":" + (s < 10 ? "0" : "") + s;
  }
  var FORMATS = {int: integer, percent: percent, score: score};

  function cell(row, text, className) {
    var td = document.createElement("td");
    if (className) td.className = className;
    td.textContent = text;
    row.appendChild(td);
    return td;
  }

  function fill(body, items, columns, draw) {
    var rows = document.createDocumentFragment();
    if (!items.length) {
      var tr = document.createElement("tr");
      tr.className = "empty";
      cell(tr, body.dataset.empty || "").colSpan = columns;
      rows.appendChild(tr);
    }
    items.forEach(function (item) { rows.appendChild(draw(item)); });
    body.textContent = "";
    body.appendChild(rows);
  }

  function unitRow(item) {
    var tr = document.createElement("tr");
    if (item.position === 1) tr.className = "first";
    cell(tr, item.position === null ? MISSING : String(item.position), "pos");
    cell(tr, item.retired ? retired.replace("{name}", item.name) : item.name, "name");
    cell(tr, integer(item.participants) + " / " + integer(item.headcount), "num");
    var rate = cell(tr, "", "rate");
    var bar = document.createElement("progress");
    bar.max = 1;
    bar.value = item.rate || 0;
    var label = document.createElement("span");
    label.textContent = percent(item.rate);
    rate.appendChild(bar);
    rate.appendChild(label);
    return tr;
  }

  function personRow(item) {
    var tr = document.createElement("tr");
    if (item.rank <= 3) tr.className = "medal medal-" + item.rank;
    cell(tr, String(item.rank), "pos");
    cell(tr, item.name, "name");
    cell(tr, item.unit_name, "unit");
    cell(tr, String(item.score), "num score");
    cell(tr, duration(item.duration_seconds), "num");
    return tr;
  }

  function draw(data) {
    Array.prototype.forEach.call(root.querySelectorAll("[data-figure]"), function (node) {
      var format = FORMATS[node.dataset.format] || integer;
      node.textContent = format(data.totals[node.dataset.figure]);
    });
    fill(units, data.units, 4, unitRow);
    fill(people, data.top10, 5, personRow);
    var left = data.units_total - data.units.length;
    more.hidden = left <= 0;
    hidden.textContent = String(left);
    time.textContent = data.generated_time;
    time.dateTime = data.generated_at;
    time.classList.remove("stale");
    root.dataset.generatedAt = data.generated_at;
  }

  function refresh() {
    fetch(src, {cache: "no-store", credentials: "same-origin",
                headers: {"Accept": "application/json"}})
      .then(function (response) {
        if (response.status === 404) { window.location.reload(); return null; }
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (data) { if (data) draw(data); })
      .catch(function () { time.classList.add("stale"); })
      .then(function () { window.setTimeout(refresh, seconds * 1000); });
  }

  root.dataset.generatedAt = time.dateTime;
  window.setTimeout(refresh, seconds * 1000);
})();
