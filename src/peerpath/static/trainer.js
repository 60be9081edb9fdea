// Exam trainer: a live countdown for mock exams. Optional: the server keeps the deadline and
// the page already shows the minutes left without JavaScript.
(function () {
  "use strict";
  var el = document.querySelector("[data-deadline]");
  if (!el) { return; }
  var deadline = Date.parse(el.getAttribute("data-deadline"));
  if (isNaN(deadline)) { return; }
  function tick() {
    var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    var m = Math.floor(left / 60);
    var s = left % 60;
    el.textContent = m + " min " + (s < 10 ? "0" : "") + s + " s";
    if (left === 0) {
      el.textContent = "time is up: your answers so far will be scored";
      return;
    }
    window.setTimeout(tick, 1000);
  }
  tick();
})();
