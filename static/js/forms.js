/* Disable a form's submit buttons once it is sent, so a double click or an impatient second
   tap sends it once (the server's one-time form token is the guarantee; this spares the
   round trip). Buttons come back when the page is shown again from the back/forward cache.
   Loaded from base.html as a file: no inline script, so a `script-src 'self'` policy holds. */
(function () {
  "use strict";

  var BUSY = "data-civ-busy";

  function submitButtons(form) {
    var inside = form.querySelectorAll('button:not([type]), button[type="submit"], input[type="submit"]');
    var outside = form.id ? document.querySelectorAll('[form="' + form.id + '"][type="submit"]') : [];
    return Array.prototype.slice.call(inside).concat(Array.prototype.slice.call(outside));
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    // htmx and other scripts that handle the submit themselves have prevented it already;
    // GET forms (filters, exports) and forms opening another window leave this page as it is.
    if (event.defaultPrevented || (form.method || "get").toLowerCase() !== "post" || form.target) {
      return;
    }
    if (form.hasAttribute(BUSY)) {
      event.preventDefault(); // already on its way: a second Enter or tap sends nothing
      return;
    }
    form.setAttribute(BUSY, "");
    form.setAttribute("aria-busy", "true");
    var buttons = submitButtons(form);
    // After this turn: the browser has then read the pressed button's name and value
    // (a disabled button would be left out of what is sent).
    window.setTimeout(function () {
      buttons.forEach(function (button) {
        if (!button.disabled) {
          button.disabled = true;
          button.setAttribute(BUSY, "");
        }
      });
    }, 0);
  });

  window.addEventListener("pageshow", function () {
    document.querySelectorAll("[" + BUSY + "]").forEach(function (element) {
      element.removeAttribute(BUSY);
      if (element.tagName === "FORM") {
        element.removeAttribute("aria-busy");
      } else {
        element.disabled = false;
      }
    });
  });
})();
