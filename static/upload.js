// Upload progress for /admin/upload: the form is sent with XMLHttpRequest so that a bar can
// show how much has gone; the answer (the page with every file's outcome) then replaces the
// page's content. Without script the form posts normally and the same page comes back.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form || !window.FormData || !window.XMLHttpRequest) return;
  var bar = document.getElementById("upload-progress");
  var label = document.getElementById("upload-status");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) {
        bar.hidden = false;
        bar.value = e.loaded;
        bar.max = e.total;
        label.textContent = Math.round((100 * e.loaded) / e.total) + "%";
      }
    });
    xhr.upload.addEventListener("load", function () {
      label.textContent = label.getAttribute("data-processing");
    });
    xhr.addEventListener("load", function () {
      var page = new DOMParser().parseFromString(xhr.responseText, "text/html");
      var main = page.querySelector("main");
      if (main) {
        document.querySelector("main").replaceWith(main);
        main.focus();
      } else {
        label.textContent = xhr.status + " " + xhr.statusText;
      }
    });
    xhr.addEventListener("error", function () {
      label.textContent = label.getAttribute("data-failed");
    });
    form.querySelector("button[type=submit]").disabled = true;
    xhr.send(new FormData(form));
  });
})();
