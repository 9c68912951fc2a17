/* Small progressive enhancements. Loaded as a file (CSP: no inline scripts). */
(function () {
  "use strict";
  // Forms with data-confirm ask before submitting (e.g. removing a member unit).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm) {
      if (!window.confirm(form.dataset.confirm)) {
        event.preventDefault();
      }
    }
  }, true);
})();
