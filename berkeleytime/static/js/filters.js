// On a phone the filter panel starts folded unless a filter is in use,
// so the results are the first thing a student sees.
(function () {
  var panel = document.querySelector(".filters details");
  if (!panel || !window.matchMedia("(max-width: 760px)").matches) return;
  var params = new URLSearchParams(window.location.search);
  params.delete("page");
  params.delete("ordering");
  if (Array.from(params.values()).every(function (v) { return v === ""; })) panel.open = false;
})();
