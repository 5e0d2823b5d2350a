/// `/admin/js/historier.js`: the story page's checks (what the case lacks, consent, LIX with
/// its marks) follow the text as it is typed. A pause in typing posts the form with
/// `action=check` (which saves nothing) and puts the answer's checks panel in place of the
/// old one. Without the script the "Tjek" button does the same with a page load.
enum StoryScript {
    static let source = """
    (function () {
      var form = document.getElementById('story-form');
      var panel = document.getElementById('checks');
      if (!form || !panel || !window.fetch || !window.DOMParser) { return; }
      var timer = null;
      var running = false;
      var again = false;
      function check() {
        if (running) { again = true; return; }
        running = true;
        var data = new URLSearchParams(new FormData(form));
        data.set('action', 'check');
        fetch(form.getAttribute('action'), { method: 'POST', body: data, credentials: 'same-origin',
                                             headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })
          .then(function (response) { return response.text(); })
          .then(function (html) {
            var fresh = new DOMParser().parseFromString(html, 'text/html').getElementById('checks');
            if (fresh) { panel.innerHTML = fresh.innerHTML; panel.setAttribute('data-live', 'ja'); }
          })
          .catch(function () {})
          .then(function () {
            running = false;
            if (again) { again = false; check(); }
          });
      }
      form.addEventListener('input', function () {
        if (timer) { clearTimeout(timer); }
        timer = setTimeout(check, 600);
      });
      var status = document.getElementById('live-status');
      if (status) { status.textContent = 'Tjekket opdateres, mens du skriver.'; }
    })();
    """
}
