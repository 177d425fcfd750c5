// The compare form (catalog/_selections.html): as soon as a course is typed, fill its
// row's term (and instructor) choices from the page's options URL. Without JavaScript
// the page still works: the choices appear once the form is sent.
(function () {
  var form = document.querySelector("form.compare-form[data-options]");
  if (!form) return;
  var template = form.getAttribute("data-options");

  function fill(select, items, current) {
    if (!select || !items) return;
    var first = select.options[0];
    select.innerHTML = "";
    select.add(first);
    items.forEach(function (item) { select.add(new Option(item.name, item.slug)); });
    var known = Array.from(select.options).some(function (o) { return o.value === current; });
    select.value = known ? current : "all";
  }

  form.querySelectorAll("fieldset.selection-row").forEach(function (row) {
    var input = row.querySelector("input[name=course]");
    var term = row.querySelector("select[name=term]");
    var instructor = row.querySelector("select[name=instructor]");
    var last = input.value.trim().toUpperCase();
    input.addEventListener("change", function () {
      var code = input.value.trim().replace(/\s+/g, " ");
      if (!code || code.toUpperCase() === last) return;
      last = code.toUpperCase();
      var cut = code.lastIndexOf(" ");
      var subject = cut > 0 ? code.slice(0, cut) : code.replace(/[0-9].*$/, "");
      var number = cut > 0 ? code.slice(cut + 1) : code.slice(subject.length);
      if (!subject || !number) return;
      var url = template.replace("{subject}", encodeURIComponent(subject)).replace("{number}", encodeURIComponent(number));
      fetch(url)
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data) return;
          fill(term, data.terms, term.value);
          fill(instructor, data.instructors, instructor.value);
        });
    });
  });
})();
