// Language hints: a click on a suggestion replaces exactly the flagged words in the textarea,
// then fires an input event so the hints are checked again. Loaded once however many editors
// use the language_hints macro.
(function () {
  "use strict";
  if (window.peerpathLanguageHints) {
    return;
  }
  window.peerpathLanguageHints = true;

  function locate(value, original, start) {
    // Offsets come from the server; characters outside the Basic Multilingual Plane (emoji)
    // shift them, so check and fall back to the nearest occurrence of the flagged words.
    if (value.slice(start, start + original.length) === original) {
      return start;
    }
    var best = -1;
    var from = 0;
    for (;;) {
      var at = value.indexOf(original, from);
      if (at < 0) {
        break;
      }
      if (best < 0 || Math.abs(at - start) < Math.abs(best - start)) {
        best = at;
      }
      from = at + 1;
    }
    return best;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".language-hint-apply") : null;
    if (!button) {
      return;
    }
    var field = document.getElementById(button.dataset.target || "");
    if (!field) {
      return;
    }
    var original = button.dataset.original || "";
    var replacement = button.dataset.replacement || "";
    var at = locate(field.value, original, parseInt(button.dataset.start || "0", 10));
    if (at < 0) {
      return;
    }
    field.value = field.value.slice(0, at) + replacement + field.value.slice(at + original.length);
    field.focus();
    var caret = at + replacement.length;
    field.setSelectionRange(caret, caret);
    field.dispatchEvent(new Event("input", { bubbles: true }));
  });
})();
