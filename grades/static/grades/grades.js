// Fill a selection's term and instructor choices as soon as its course is typed,
// from /api/v1/grades/<subject>/<number>/options/. Without JavaScript the page
// still works: choices appear after pressing Compare.
(function () {
  function fill(select, items, allLabel, current) {
    select.innerHTML = "";
    var all = new Option(allLabel, "all");
    select.add(all);
    items.forEach(function (item) { select.add(new Option(item.name, item.slug)); });
    select.value = current && Array.from(select.options).some(function (o) { return o.value === current; }) ? current : "all";
  }
  document.querySelectorAll("fieldset.selection").forEach(function (fieldset) {
    var input = fieldset.querySelector("input[name=course]");
    var term = fieldset.querySelector("select[name=term]");
    var instructor = fieldset.querySelector("select[name=instructor]");
    var last = input.value.trim().toUpperCase();
    input.addEventListener("change", function () {
      var code = input.value.trim().replace(/\s+/g, " ");
      if (!code || code.toUpperCase() === last) return;
      last = code.toUpperCase();
      var cut = code.lastIndexOf(" ");
      var subject = cut > 0 ? code.slice(0, cut) : code.replace(/[0-9].*$/, "");
      var number = cut > 0 ? code.slice(cut + 1) : code.slice(subject.length);
      if (!subject || !number) return;
      fetch("/api/v1/grades/" + encodeURIComponent(subject) + "/" + encodeURIComponent(number) + "/options/")
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data) { input.setCustomValidity("No grades for " + code); input.reportValidity(); return; }
          input.setCustomValidity("");
          fill(term, data.terms, "All terms", term.value);
          fill(instructor, data.instructors, "All instructors", instructor.value);
        });
    });
  });
})();
