// Container Assurance KB: small progressive enhancements. Every page works without this file.
(function () {
  'use strict';
  // Filters apply as soon as a choice changes.
  document.querySelectorAll('[data-autosubmit]').forEach(function (el) {
    el.addEventListener('change', function () {
      if (el.form) { el.form.requestSubmit ? el.form.requestSubmit() : el.form.submit(); }
    });
  });
  // "/" focuses the search box (unless typing in a field already).
  document.addEventListener('keydown', function (e) {
    if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) { return; }
    var t = e.target;
    if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable)) { return; }
    var box = document.getElementById('search-q') || document.getElementById('home-q') || document.getElementById('site-q');
    if (box) { e.preventDefault(); box.focus(); box.select(); }
  });
})();
