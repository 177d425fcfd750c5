// Values on hover, focus and tap: every bar or point of a chart (berkeleytime/charts.py)
// carries its value in data-tip; this shows it beside the mark. Without JavaScript
// the same values are each mark's <title>, its accessible name, and the pages' tables.
(function () {
  var tip = document.createElement("div");
  tip.className = "chart-tip";
  tip.setAttribute("aria-hidden", "true");
  tip.hidden = true;
  var current = null;

  function show(mark) {
    if (current && current !== mark) current.classList.remove("active");
    current = mark;
    mark.classList.add("active");
    if (!tip.isConnected) document.body.appendChild(tip);
    tip.textContent = mark.getAttribute("data-tip");
    tip.hidden = false;
    var box = mark.getBoundingClientRect();
    var left = box.left + box.width / 2 + window.scrollX - tip.offsetWidth / 2;
    var maxLeft = document.documentElement.clientWidth + window.scrollX - tip.offsetWidth - 4;
    tip.style.left = Math.max(window.scrollX + 4, Math.min(left, maxLeft)) + "px";
    var top = box.top + window.scrollY - tip.offsetHeight - 8;
    tip.style.top = (top < window.scrollY ? box.bottom + window.scrollY + 8 : top) + "px";
  }

  function hide(mark) {
    if (mark && mark !== current) return;
    if (current) current.classList.remove("active");
    current = null;
    tip.hidden = true;
  }

  document.querySelectorAll("svg.chart [data-tip]").forEach(function (mark) {
    mark.addEventListener("pointerenter", function () { show(mark); });
    mark.addEventListener("pointerleave", function (event) { if (event.pointerType === "mouse") hide(mark); });
    mark.addEventListener("focus", function () { show(mark); });
    mark.addEventListener("blur", function () { hide(mark); });
    mark.addEventListener("click", function (event) { event.stopPropagation(); show(mark); });
  });
  document.addEventListener("click", function () { hide(); });
  document.addEventListener("keydown", function (event) { if (event.key === "Escape") hide(); });
})();
