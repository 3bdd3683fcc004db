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

// Never lose typed work: the checklist item form keeps a draft in this browser (localStorage, keyed by
// assessment, item and user) while typing; it is restored after a re-authentication or a failed save, and dropped
// once the page confirms the save.
(function () {
  'use strict';
  var form = document.getElementById('item-form');
  if (!form || !form.dataset.draftKey || !window.localStorage) { return; }
  var key = form.dataset.draftKey;
  var fields = ['result', 'justification', 'evidenceText', 'evidenceLinks', 'evidenceMethod'];
  function values() {
    var v = {};
    fields.forEach(function (name) { if (form.elements[name]) { v[name] = form.elements[name].value; } });
    return v;
  }
  function same(a, b) { return fields.every(function (n) { return (a[n] || '') === (b[n] || ''); }); }
  var stored = null;
  try { stored = JSON.parse(localStorage.getItem(key) || 'null'); } catch (e) { stored = null; }
  var onPage = values();
  if (form.dataset.draftSaved && stored && same(stored.values, onPage)) {
    localStorage.removeItem(key);
    stored = null;
  }
  var notice = document.getElementById('draft-notice');
  if (stored && stored.values && !same(stored.values, onPage) && !form.dataset.draftFailed) {
    fields.forEach(function (name) {
      if (form.elements[name] && typeof stored.values[name] === 'string') { form.elements[name].value = stored.values[name]; }
    });
    if (notice) {
      var when = document.getElementById('draft-time');
      if (when) { when.textContent = new Date(stored.at).toLocaleString(); }
      notice.hidden = false;
    }
  }
  function keep() {
    localStorage.setItem(key, JSON.stringify({ at: Date.now(), values: values() }));
  }
  form.addEventListener('input', keep);
  form.addEventListener('change', keep);
  form.addEventListener('submit', keep);
  var discard = document.getElementById('draft-discard');
  if (discard) {
    discard.addEventListener('click', function () {
      localStorage.removeItem(key);
      window.location.reload();
    });
  }
})();

// The session ends after a known idle time (meta cakb-session: "idle-seconds warn-seconds"); warn before it does,
// and let the person extend it with one request.
(function () {
  'use strict';
  var meta = document.querySelector('meta[name="cakb-session"]');
  var banner = document.getElementById('session-warning');
  if (!meta || !banner) { return; }
  var parts = meta.getAttribute('content').split(' ');
  var idle = parseInt(parts[0], 10) * 1000, warn = parseInt(parts[1], 10) * 1000;
  var endsAt = Date.now() + idle, timer = null;
  var left = document.getElementById('session-left');
  function tick() {
    var remaining = endsAt - Date.now();
    if (remaining <= warn) {
      banner.hidden = false;
      var minutes = Math.max(0, Math.ceil(remaining / 60000));
      if (left) { left.textContent = remaining <= 0 ? 'now (it has ended; sign in again, your draft stays)' : minutes + (minutes === 1 ? ' minute' : ' minutes'); }
    }
  }
  timer = setInterval(tick, 15000);
  tick();
  var extend = document.getElementById('session-extend');
  if (extend) {
    extend.addEventListener('click', function () {
      fetch(window.location.pathname, { credentials: 'same-origin', cache: 'no-store' }).then(function (r) {
        if (r.ok && !r.redirected) { endsAt = Date.now() + idle; banner.hidden = true; }
      });
    });
  }
  window.cakbSession = { expireIn: function (ms) { endsAt = Date.now() + ms; tick(); } };
})();

// Copy buttons next to one-time secrets and commands.
(function () {
  'use strict';
  document.querySelectorAll('button[data-copy]').forEach(function (button) {
    button.addEventListener('click', function () {
      var source = document.getElementById(button.dataset.copy);
      if (!source) { return; }
      var text = source.textContent.trim();
      var done = function () { button.textContent = 'Copied'; setTimeout(function () { button.textContent = 'Copy'; }, 2000); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done);
      } else {
        var range = document.createRange();
        range.selectNodeContents(source);
        var selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        document.execCommand('copy');
        done();
      }
    });
  });
})();

// Scope picker: the total number of checklist items the chosen areas, countermeasures and recommendations create
// (an upper bound: a requirement chosen twice is one item).
(function () {
  'use strict';
  var total = document.getElementById('scope-total');
  if (!total) { return; }
  var boxes = document.querySelectorAll('.scope-picker input[type=checkbox][data-items]');
  function update() {
    var sum = 0, chosen = 0;
    boxes.forEach(function (b) { if (b.checked) { sum += parseInt(b.dataset.items, 10) || 0; chosen++; } });
    total.textContent = chosen === 0 ? 'Nothing chosen yet.' : 'Chosen: up to ' + sum + ' items.';
  }
  boxes.forEach(function (b) { b.addEventListener('change', update); });
  update();
})();
