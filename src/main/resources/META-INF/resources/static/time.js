// Shows the exact time of every <time datetime> in the reader's own time zone on hover (the page says "3 h ago").
(function () {
  'use strict';
  document.querySelectorAll('time[datetime]').forEach(function (el) {
    var at = new Date(el.getAttribute('datetime'));
    if (!isNaN(at.getTime())) {
      el.title = at.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'long' });
    }
  });
})();
