/// `/admin/js/kontakter.js`: search as you type on the contact table and a live count on the
/// segment builder. A form marked `data-live="ID"` is fetched again (GET, the same URL the
/// form would submit) as its fields change, and the element `ID` is replaced by the one in the
/// answer. The pages work without it: the forms submit as usual.
enum ContactsScript {
    static let source = """
    (function () {
      document.querySelectorAll('form[data-live]').forEach(function (form) {
        var target = form.getAttribute('data-live');
        var timer = null;
        var last = '';
        function refresh() {
          var query = new URLSearchParams(new FormData(form)).toString();
          if (query === last) { return; }
          last = query;
          var url = form.getAttribute('action') + (query ? '?' + query : '');
          fetch(url, { credentials: 'same-origin', headers: { 'Accept': 'text/html' } })
            .then(function (response) { return response.text(); })
            .then(function (html) {
              var page = new DOMParser().parseFromString(html, 'text/html');
              var fresh = page.getElementById(target);
              var old = document.getElementById(target);
              if (fresh && old) { old.replaceWith(fresh); history.replaceState(null, '', url); }
            });
        }
        function later() { clearTimeout(timer); timer = setTimeout(refresh, 250); }
        form.addEventListener('input', later);
        form.addEventListener('change', later);
      });
    })();
    """
}
