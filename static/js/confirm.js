/* Confirmation pages (civportal.confirm) shown in a <dialog> over the page that offered the
   action. A link marked `data-confirm` leads to the action's confirmation page; without
   JavaScript the browser simply goes there. With it, the same page is fetched and its
   `[data-confirm-box]` shown as a modal dialog: the same words, the same POST form (its
   action is the confirmation page's address), and "go back" closes the dialog. Any
   failure to fetch falls back to following the link. Loaded from base.html as a file. */
(function () {
  "use strict";

  if (typeof HTMLDialogElement === "undefined" || !window.fetch || !window.DOMParser) {
    return;
  }

  function open(link, box) {
    var dialog = document.createElement("dialog");
    dialog.className = "confirm-dialog";
    var title = box.querySelector("h1");
    if (title) {
      // The dialog's own heading level; the id still names it for screen readers.
      var heading = document.createElement("h2");
      heading.id = title.id;
      heading.textContent = title.textContent;
      title.replaceWith(heading);
      dialog.setAttribute("aria-labelledby", heading.id);
    }
    box.classList.remove("narrow");
    dialog.appendChild(box);
    document.body.appendChild(dialog);
    box.querySelectorAll("[data-confirm-back]").forEach(function (back) {
      back.addEventListener("click", function (event) {
        event.preventDefault();
        dialog.close();
      });
    });
    dialog.addEventListener("close", function () {
      dialog.remove();
      link.focus();
    });
    dialog.showModal();
    var button = box.querySelector("[data-confirm-back]");
    if (button) {
      button.focus(); // the safe choice has the focus: Enter does not destroy anything
    }
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-confirm]") : null;
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) {
      return;
    }
    event.preventDefault();
    fetch(link.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.text();
      })
      .then(function (html) {
        var box = new DOMParser().parseFromString(html, "text/html").querySelector("[data-confirm-box]");
        if (!box) {
          throw new Error("no confirmation on that page");
        }
        open(link, document.importNode(box, true));
      })
      .catch(function () {
        window.location.href = link.href;
      });
  });
})();
