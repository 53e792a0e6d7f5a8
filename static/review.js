// Keyboard shortcuts for the review queue (/review): j / k move between links, a accepts,
// r rejects the link in focus. Without script, the buttons do the same.
(function () {
  "use strict";
  var items = Array.prototype.slice.call(document.querySelectorAll(".review-item"));
  if (!items.length) return;
  function current() {
    var i = items.indexOf(document.activeElement && document.activeElement.closest(".review-item"));
    return i;
  }
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select") return;
    var i = current();
    if (event.key === "j" || event.key === "k") {
      var next = i < 0 ? 0 : i + (event.key === "j" ? 1 : -1);
      if (next >= 0 && next < items.length) items[next].focus();
      event.preventDefault();
    } else if ((event.key === "a" || event.key === "r") && i >= 0) {
      var button = items[i].querySelector('button[data-key="' + event.key + '"]');
      if (button) {
        button.click();
        event.preventDefault();
      }
    }
  });
  items[0].focus({ preventScroll: true });
})();
