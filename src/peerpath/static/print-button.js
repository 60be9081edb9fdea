/* Printable pages: show the "Print this page" button (it needs JavaScript; without it the page
   explains how to use the browser's own Print command) and print when it is pressed. */
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () {
    window.print();
  });
});
