// Priority announcements (loaded as a file: the CSP allows no inline script).
// A confirmation form sends once: the button is disabled after the first submit, so a
// double tap does not post twice (the server refuses a second publish anyway).
(function () {
  'use strict';
  document.querySelectorAll('form.send-once').forEach(function (form) {
    form.addEventListener('submit', function () {
      form.querySelectorAll('button[type=submit]').forEach(function (button) {
        button.disabled = true;
        button.textContent = 'Mengirim...';
      });
    });
  });
})();
