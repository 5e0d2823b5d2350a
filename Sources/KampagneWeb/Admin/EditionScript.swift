/// The newsletter section's script (`/admin/js/nyhedsbreve.js`): the editor's preview follows
/// the typing (the fields posted to `/admin/nyhedsbreve/forhaandsvisning`, the answer put in
/// the frames), and a send's page polls its `status.json` for the figures instead of the
/// meta refresh it has without scripts. The pages work without it.
enum EditionScript {
    static let source = """
    (function () {
      var form = document.getElementById('edition-form');
      if (form) {
        var timer = null, running = false, again = false;
        var show = function (answer) {
          var error = document.getElementById('preview-error');
          if (answer.error) {
            error.textContent = answer.error;
            error.hidden = false;
            return;
          }
          error.hidden = true;
          document.getElementById('preview-html').srcdoc = answer.html;
          document.getElementById('preview-phone').srcdoc = answer.html;
          document.getElementById('preview-text').textContent = answer.text;
          document.getElementById('preview-subject').textContent = answer.subject;
        };
        var refresh = function () {
          if (running) { again = true; return; }
          running = true;
          var fields = new URLSearchParams(new FormData(form));
          fields.set('csrf', form.getAttribute('data-preview-csrf'));
          fields.delete('handling');
          fetch(form.getAttribute('data-preview'), {
            method: 'POST', credentials: 'same-origin', body: fields,
            headers: {'Content-Type': 'application/x-www-form-urlencoded'}
          }).then(function (r) { return r.json(); }).then(show).catch(function () {}).then(function () {
            running = false;
            form.setAttribute('data-previewed', String(Number(form.getAttribute('data-previewed') || '0') + 1));
            if (again) { again = false; refresh(); }
          });
        };
        form.addEventListener('input', function () {
          clearTimeout(timer);
          timer = setTimeout(refresh, 400);
        });
      }
      var progress = document.getElementById('progress');
      if (progress && progress.getAttribute('data-finished') !== 'ja') {
        var set = function (id, text) {
          var node = document.getElementById(id);
          if (node && text !== undefined) { node.textContent = text; }
        };
        var poll = function () {
          fetch(progress.getAttribute('data-status'), {credentials: 'same-origin'}).then(function (r) { return r.json(); })
            .then(function (answer) {
              var t = answer.text;
              set('p-sent', t.sent); set('p-total', t.total); set('p-deferred', t.deferred); set('p-failed', t.failed);
              set('p-rate', t.rate); set('p-state', t.eta ? t.state : t.state);
              document.getElementById('progress-bar').value = Number(t.percent);
              // At the end the page is fetched once more, for the log with every reply.
              if (answer.progress.finished) { window.location.reload(); } else { setTimeout(poll, 2000); }
            }).catch(function () { setTimeout(poll, 5000); });
        };
        setTimeout(poll, 2000);
      }
    })();
    """
}
