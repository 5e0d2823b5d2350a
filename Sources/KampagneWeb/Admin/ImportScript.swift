/// `/admin/js/import.js`: follows an import job's progress on its page without reloading it.
/// It polls the job's `status.json` (named by `data-status` on `#import-progress`) twice a
/// second, moves the progress bar and the row count, and loads the page again when the job is
/// no longer checking or running (the preview or the final counts). Without it the page
/// refreshes itself (`<noscript>` meta refresh).
enum ImportScript {
    static let source = """
    (function () {
      var box = document.getElementById('import-progress');
      if (!box) { return; }
      var url = box.getAttribute('data-status');
      var bar = document.getElementById('progress');
      var percent = document.getElementById('percent');
      var rows = document.getElementById('rows');
      var started = box.getAttribute('data-state');
      function poll() {
        fetch(url, { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
          .then(function (response) { return response.ok ? response.json() : null; })
          .then(function (status) {
            if (!status) { setTimeout(poll, 2000); return; }
            bar.value = status.percent;
            bar.textContent = status.percent + ' %';
            percent.textContent = status.percent + ' %';
            rows.textContent = status.rows;
            box.setAttribute('data-done', status.recordsDone);
            if (status.state !== started) { window.location.reload(); return; }
            setTimeout(poll, 500);
          })
          .catch(function () { setTimeout(poll, 2000); });
      }
      setTimeout(poll, 500);
    })();
    """
}
