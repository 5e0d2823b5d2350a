/// Search as you type on the door page: filters the list in the browser. The page works
/// without it (the search box submits the form).
enum CheckInScript {
    static let source = """
    (function () {
      var box = document.getElementById('q');
      var rows = document.querySelectorAll('[data-search]');
      if (!box) { return; }
      function fold(text) {
        return text.toLowerCase().normalize('NFD').replace(/[\\u0300-\\u036f]/g, '');
      }
      box.addEventListener('input', function () {
        var q = fold(box.value.trim());
        rows.forEach(function (row) {
          // Hide with the attribute: the row's layout (flex) stays in the style sheet.
          row.hidden = q !== '' && row.getAttribute('data-search').indexOf(q) === -1;
        });
      });
    })();
    """
}
