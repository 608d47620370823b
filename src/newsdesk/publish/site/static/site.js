// A body or card image that fails to load (a refused hotlink, a dead host) shows the
// site's placeholder instead of a broken-image icon. Times are left as built: every
// page shows them in the one zone the site was built for, and names it.
(function () {
  "use strict";
  var SCOPE = ".post-body img, .thumb img";
  var placeholder = document.documentElement.getAttribute("data-placeholder");

  function fallBack(img) {
    if (!placeholder || img.getAttribute("data-fallback")) return; // once: no error loop
    img.setAttribute("data-fallback", img.getAttribute("src") || "");
    img.removeAttribute("srcset");
    img.src = placeholder;
    img.classList.add("img-fallback");
  }

  // "error" does not bubble: listen in the capture phase for images that fail later.
  document.addEventListener("error", function (event) {
    var img = event.target;
    if (img && img.tagName === "IMG" && img.matches(SCOPE)) fallBack(img);
  }, true);

  // Images that failed before this deferred script ran.
  function sweep() {
    var imgs = document.querySelectorAll(SCOPE);
    for (var i = 0; i < imgs.length; i++) {
      if (imgs[i].complete && imgs[i].naturalWidth === 0 && imgs[i].getAttribute("src")) {
        fallBack(imgs[i]);
      }
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", sweep);
  else sweep();
})();
