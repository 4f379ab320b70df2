// Priority announcements (loaded as a file: the CSP allows no inline script).
(function () {
  'use strict';

  // A confirmation form sends once: its button is disabled after the first submit, so
  // a double tap does not post twice (the server refuses a second publish anyway).
  document.querySelectorAll('form.send-once').forEach(function (form) {
    form.addEventListener('submit', function () {
      form.querySelectorAll('button[type=submit]').forEach(function (button) {
        button.disabled = true;
        button.textContent = 'Mengirim...';
      });
    });
  });

  // The sending progress updates by itself: poll the page's JSON until nothing is
  // queued any more (every 2 s; after a failed request, every 10 s).
  var box = document.querySelector('[data-progress-url]');
  if (!box) { return; }
  var url = box.getAttribute('data-progress-url');

  function show(data) {
    Object.keys(data.counts).forEach(function (key) {
      var cell = box.querySelector('[data-count="' + key + '"]');
      if (cell) { cell.textContent = String(data.counts[key]); }
    });
    box.querySelector('[data-progress="state"]').textContent = data.state;
    box.querySelector('[data-progress="summary"]').textContent = data.summary;
    box.querySelector('[data-progress="finish"]').textContent = data.finish || '';
  }

  function poll() {
    fetch(url, {credentials: 'same-origin', headers: {'Accept': 'application/json'}})
      .then(function (response) {
        if (!response.ok) { throw new Error('HTTP ' + response.status); }
        var type = response.headers.get('Content-Type') || '';
        // Not JSON: the session ended (the login page); the numbers stay as they are.
        if (type.indexOf('application/json') !== 0) { return null; }
        return response.json();
      })
      .then(function (data) {
        if (data === null) { return; }
        show(data);
        if (!data.done) { window.setTimeout(poll, 2000); }
      })
      .catch(function () { window.setTimeout(poll, 10000); });
  }

  window.setTimeout(poll, 1000);
})();
