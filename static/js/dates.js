/* The date picker of civportal.dates.ReaderDateInput: a button beside every date input
   opens a month grid in a <dialog>. Years read in the page's calendar (พ.ศ. on Thai
   pages), weeks start on Sunday, and the chosen day is written into the text input as
   dd/mm/yyyy in that calendar: the input stays the source of truth and works without
   this script. Keyboard: arrows move a day or a week, Page Up/Down a month, Home/End to
   the week's ends, Enter or Space chooses, Escape closes. The words come from the
   input's data-picker attribute (no inline script under the Content-Security-Policy). */
(function () {
  "use strict";

  if (typeof HTMLDialogElement === "undefined") {
    return; // the text input with its format hint is all a person needs
  }

  var DAY = /^\s*(\d{1,2})\s*[\/.\-]\s*(\d{1,2})\s*[\/.\-]\s*(\d{4})\s*$/;

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function read(input) {
    var digits = input.value.replace(/[๐-๙]/g, function (c) {
      return String(c.charCodeAt(0) - 0x0e50);
    });
    var match = DAY.exec(digits.replace(/พ\.ศ\.|ค\.ศ\./g, ""));
    if (!match) {
      return null;
    }
    var year = Number(match[3]);
    year = year >= 2400 ? year - 543 : year; // either calendar, as the server reads it
    var day = new Date(year, Number(match[2]) - 1, Number(match[1]));
    return day.getMonth() === Number(match[2]) - 1 ? day : null;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function sameDay(a, b) {
    return a && b && a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
  }

  function picker(input) {
    var words = JSON.parse(input.getAttribute("data-picker"));
    var button = element("button", "btn btn-sm btn-secondary date-picker-button", words.choose);
    button.type = "button";
    button.setAttribute("aria-haspopup", "dialog");
    if (input.labels && input.labels[0]) { // several on one page: say which date
      button.setAttribute("aria-label", words.choose + ": " + input.labels[0].textContent.trim());
    }
    input.insertAdjacentElement("afterend", button);

    var dialog, grid, monthSelect, yearSelect, focused, chosen;

    function build() {
      dialog = element("dialog", "date-picker");
      dialog.setAttribute("aria-label", words.choose);
      var head = element("div", "date-picker-head");
      var previous = element("button", "btn btn-sm btn-secondary", "‹");
      previous.type = "button";
      previous.setAttribute("aria-label", words.previous);
      var next = element("button", "btn btn-sm btn-secondary", "›");
      next.type = "button";
      next.setAttribute("aria-label", words.next);
      monthSelect = element("select");
      monthSelect.setAttribute("aria-label", words.month);
      words.months.forEach(function (name, index) {
        var option = element("option", "", name);
        option.value = String(index);
        monthSelect.appendChild(option);
      });
      yearSelect = element("select");
      yearSelect.setAttribute("aria-label", words.year);
      head.append(previous, monthSelect, yearSelect, next);
      grid = element("table", "date-picker-grid");
      grid.setAttribute("role", "grid");
      var close = element("button", "btn btn-sm btn-link", words.close);
      close.type = "button";
      dialog.append(head, grid, close);
      document.body.appendChild(dialog);

      previous.addEventListener("click", function () { move(0, -1); });
      next.addEventListener("click", function () { move(0, 1); });
      monthSelect.addEventListener("change", function () { show(new Date(focused.getFullYear(), Number(monthSelect.value), 1), false); });
      yearSelect.addEventListener("change", function () { show(new Date(Number(yearSelect.value), focused.getMonth(), 1), false); });
      close.addEventListener("click", function () { dialog.close(); });
      dialog.addEventListener("close", function () { button.focus(); });
      grid.addEventListener("keydown", keys);
    }

    function fillYears(around) {
      yearSelect.textContent = "";
      for (var year = around - 60; year <= around + 15; year += 1) {
        var option = element("option", "", String(year + words.offset));
        option.value = String(year);
        yearSelect.appendChild(option);
      }
    }

    function show(day, focus) {
      focused = day;
      if (!yearSelect.querySelector('option[value="' + day.getFullYear() + '"]')) {
        fillYears(day.getFullYear());
      }
      monthSelect.value = String(day.getMonth());
      yearSelect.value = String(day.getFullYear());
      grid.textContent = "";
      var headRow = element("tr");
      words.weekdays.forEach(function (name) {
        var cell = element("th", "", name);
        cell.scope = "col";
        headRow.appendChild(cell);
      });
      var thead = element("thead");
      thead.appendChild(headRow);
      var tbody = element("tbody");
      var first = new Date(day.getFullYear(), day.getMonth(), 1);
      var cursor = new Date(first.getFullYear(), first.getMonth(), 1 - first.getDay());
      var today = new Date();
      for (var week = 0; week < 6; week += 1) {
        var row = element("tr");
        for (var weekday = 0; weekday < 7; weekday += 1) {
          var cell = element("td");
          var date = new Date(cursor.getFullYear(), cursor.getMonth(), cursor.getDate());
          var dayButton = element("button", "date-picker-day", String(date.getDate()));
          dayButton.type = "button";
          dayButton.tabIndex = sameDay(date, day) ? 0 : -1;
          dayButton.setAttribute("aria-label", date.getDate() + " " + words.months[date.getMonth()] + " " + (date.getFullYear() + words.offset));
          if (date.getMonth() !== day.getMonth()) {
            dayButton.classList.add("other-month");
          }
          if (sameDay(date, today)) {
            dayButton.classList.add("today");
            dayButton.setAttribute("aria-current", "date");
          }
          if (sameDay(date, chosen)) {
            dayButton.setAttribute("aria-pressed", "true");
          }
          dayButton.addEventListener("click", choose.bind(null, date));
          cell.appendChild(dayButton);
          row.appendChild(cell);
          cursor.setDate(cursor.getDate() + 1);
        }
        tbody.appendChild(row);
      }
      grid.append(thead, tbody);
      if (focus) {
        grid.querySelector('button[tabindex="0"]').focus();
      }
    }

    function move(days, months) {
      var target = new Date(focused.getFullYear(), focused.getMonth() + months, focused.getDate() + days);
      if (months && target.getDate() !== focused.getDate()) {
        target.setDate(0); // 31 January + one month is the end of February
      }
      show(target, true);
    }

    function keys(event) {
      var moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [-7, 0], ArrowDown: [7, 0], PageUp: [0, -1], PageDown: [0, 1] };
      if (moves[event.key]) {
        move(moves[event.key][0], moves[event.key][1]);
      } else if (event.key === "Home") {
        move(-focused.getDay(), 0);
      } else if (event.key === "End") {
        move(6 - focused.getDay(), 0);
      } else {
        return;
      }
      event.preventDefault();
    }

    function choose(date) {
      input.value = pad(date.getDate()) + "/" + pad(date.getMonth() + 1) + "/" + (date.getFullYear() + words.offset);
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.dispatchEvent(new Event("change", { bubbles: true }));
      dialog.close();
    }

    button.addEventListener("click", function () {
      if (!dialog) {
        build();
      }
      chosen = read(input);
      show(chosen || new Date(), false);
      dialog.showModal();
      grid.querySelector('button[tabindex="0"]').focus();
    });
  }

  function start() {
    document.querySelectorAll("input[data-date-input][data-picker]").forEach(picker);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
