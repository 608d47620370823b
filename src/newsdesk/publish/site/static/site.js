// Show dates in the reader's own time zone when it differs from the site's.
(function () {
  "use strict";
  var fmt;
  try {
    fmt = new Intl.DateTimeFormat(document.documentElement.lang || "zh-CN", {
      year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
      hour12: false
    });
  } catch (e) { return; }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function local(d) {
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " +
      pad(d.getHours()) + ":" + pad(d.getMinutes());
  }
  document.addEventListener("DOMContentLoaded", function () {
    var times = document.querySelectorAll("time[datetime]");
    for (var i = 0; i < times.length; i++) {
      var t = times[i], iso = t.getAttribute("datetime"), d = new Date(iso);
      if (isNaN(d.getTime())) continue;
      var m = /([+-])(\d\d):(\d\d)$/.exec(iso);
      var siteOffset = m ? (m[1] === "-" ? 1 : -1) * (+m[2] * 60 + +m[3]) : 0;
      if (!m || siteOffset !== d.getTimezoneOffset()) {
        t.title = fmt.format(d);
        t.textContent = local(d);
      }
    }
  });
})();
