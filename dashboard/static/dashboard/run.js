// Follows a deploy run: polls its log endpoint and appends what the worker has written since.
(function () {
  "use strict";
  var panel = document.querySelector("[data-log-url]");
  if (!panel || panel.dataset.active !== "true") return;
  var log = document.getElementById("log");
  var offset = log.textContent.length;

  function set(selector, html) {
    var element = panel.querySelector(selector);
    if (element) element.innerHTML = html;
  }

  function escape(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  function poll() {
    fetch(panel.dataset.logUrl + "?offset=" + offset, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (run) {
        if (run.log) {
          var atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 4;
          log.textContent += run.log;
          if (atBottom) log.scrollTop = log.scrollHeight;
        }
        offset = run.offset;
        var status = panel.querySelector("[data-status]");
        status.textContent = run.status_display;
        status.className = "status status-" + run.status;
        if (run.duration_seconds !== null) set("[data-duration]", run.duration_seconds.toFixed(1) + " s");
        if (run.exit_code !== null) set("[data-exit-code]", String(run.exit_code));
        if (run.image_tag) set("[data-image-tag]", "<code>" + escape(run.image_tag) + "</code>");
        if (run.active) {
          setTimeout(poll, 1000);
        } else {
          var following = panel.querySelector("[data-following]");
          if (following) following.remove();
        }
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 500);
})();
