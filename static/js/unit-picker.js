// Unit picker for the register page: search by name, or step down the tree level by level.
// Without JavaScript the plain <select> (full names) still works; with it, the select stays
// the form's value and these controls only set it.
(function () {
  "use strict";
  var select = document.getElementById("unit_code");
  var search = document.getElementById("unit-search");
  var steps = document.getElementById("unit-steps");
  if (!select || !search || !steps) return;

  var units = [];
  var byCode = {};
  Array.prototype.forEach.call(select.options, function (opt) {
    if (!opt.value) return;
    var unit = { code: opt.value, name: opt.dataset.name, label: opt.textContent,
                 parent: opt.dataset.parent || null };
    units.push(unit);
    byCode[unit.code] = unit;
  });
  var results = document.createElement("ul");
  results.className = "unit-results";
  search.after(results);
  var chosen = document.createElement("p");
  chosen.className = "unit-chosen";
  steps.after(chosen);

  function childrenOf(code) {
    return units.filter(function (u) { return u.parent === code; });
  }
  function pathOf(code) {
    var path = [];
    for (var u = byCode[code]; u; u = u.parent ? byCode[u.parent] : null) path.unshift(u.code);
    return path;
  }
  function choose(code) {
    select.value = code || "";
    chosen.textContent = code ? byCode[code].label : "";
    renderSteps();
  }
  function renderSteps() {
    steps.innerHTML = "";
    var path = select.value ? pathOf(select.value) : [];
    var parent = null;
    for (var level = 0; ; level++) {
      var options = childrenOf(parent);
      if (!options.length) break;
      var box = document.createElement("select");
      box.className = "input";
      box.setAttribute("aria-label", select.options[0].textContent);
      var blank = document.createElement("option");
      blank.value = parent || "";
      blank.textContent = level === 0 ? select.options[0].textContent : "—";
      box.appendChild(blank);
      options.forEach(function (u) {
        var opt = document.createElement("option");
        opt.value = u.code;
        opt.textContent = u.name;
        if (path[level] === u.code) opt.selected = true;
        box.appendChild(opt);
      });
      box.addEventListener("change", function (event) { choose(event.target.value); });
      steps.appendChild(box);
      if (!path[level]) break;
      parent = path[level];
    }
  }
  search.addEventListener("input", function () {
    var query = search.value.trim();
    results.innerHTML = "";
    if (!query) return;
    units.filter(function (u) { return u.label.indexOf(query) !== -1; }).slice(0, 12)
      .forEach(function (u) {
        var item = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "link";
        button.textContent = u.label;
        button.addEventListener("click", function () {
          choose(u.code);
          search.value = "";
          results.innerHTML = "";
        });
        item.appendChild(button);
        results.appendChild(item);
      });
  });
  search.hidden = false;
  steps.hidden = false;
  select.hidden = true;
  choose(select.value);
})();
