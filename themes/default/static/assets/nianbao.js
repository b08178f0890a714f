// Text size for older readers (适老化), and the 打印本页 button of report pages. Pages are complete
// without this script: it only shows the buttons, scales the root font size (every size in the
// stylesheet is in rem) and remembers the choice in this browser, or opens the print dialog.
(function () {
  'use strict';
  var KEY = 'nianbao-text-size';
  var SIZES = { normal: '', large: '125%', larger: '150%' };
  var root = document.documentElement;

  function stored() {
    try {
      var v = window.localStorage.getItem(KEY);
      return Object.prototype.hasOwnProperty.call(SIZES, v) ? v : 'normal';
    } catch (e) {
      return 'normal';
    }
  }

  function apply(size, buttons) {
    root.style.fontSize = SIZES[size];
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute('aria-pressed', String(buttons[i].value === size));
    }
  }

  apply(stored(), []);
  // 打印本页 on report pages: a real button, shown only where this script runs and the browser
  // can print; the print style sheet gives the clean A4 page.
  document.addEventListener('DOMContentLoaded', function () {
    var button = document.querySelector('button.print-page');
    if (!button || typeof window.print !== 'function') return;
    button.hidden = false;
    button.addEventListener('click', function () {
      window.print();
    });
  });
  document.addEventListener('DOMContentLoaded', function () {
    var box = document.querySelector('.text-size');
    if (!box) return;
    var buttons = box.querySelectorAll('button[value]');
    apply(stored(), buttons);
    box.hidden = false;
    box.addEventListener('click', function (event) {
      var button = event.target.closest('button[value]');
      if (!button || !Object.prototype.hasOwnProperty.call(SIZES, button.value)) return;
      try {
        window.localStorage.setItem(KEY, button.value);
      } catch (e) {
        // Private browsing may refuse storage: the size still applies to this page.
      }
      apply(button.value, buttons);
    });
  });
})();
