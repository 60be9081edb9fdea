/* Wellness and crisis plan, inline editing: HTMX normally leaves the page alone when the
   answer is 422 ("please check this") or 409 ("someone else changed this"). For a plan
   section, those answers carry the form with its messages, or both versions side by side,
   so put them in place instead of silently dropping what the person typed.
   Everything also works without this file: the forms post and redirect as usual. */
document.addEventListener("htmx:beforeSwap", function (event) {
  var status = event.detail.xhr.status;
  var target = event.detail.target;
  if ((status === 422 || status === 409) && target && target.classList &&
      target.classList.contains("wellness-section")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
