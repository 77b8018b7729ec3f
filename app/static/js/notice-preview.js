// The notice editor's live preview: after each pause in typing, the form goes to the preview endpoint (the
// server renders it in the sandbox with the chosen ticket) and the answer, or the Spanish error, is shown.
(function () {
  "use strict";
  var form = document.getElementById("notice-form");
  var box = document.getElementById("notice-preview");
  if (!form || !box) { return; }
  var part = function (role) { return box.querySelector("[data-role='" + role + "']"); };
  var timer = null, sent = 0;

  function show(answer, ok) {
    part("error").hidden = ok;
    part("error").textContent = ok ? "" : firstError(answer);
    part("subject").textContent = ok ? answer.subject : "";
    part("body").textContent = ok ? answer.body : "";
    part("ticket").textContent = ok ? (answer.ticket ? box.dataset.withTicket.replace("%s", answer.ticket)
                                                     : box.dataset.withSample) : "";
  }

  function firstError(answer) {
    var errors = answer.errors || {};
    for (var field in errors) { if (errors[field].length) { return errors[field][0]; } }
    return answer.message || "";
  }

  function refresh() {
    var mine = ++sent;
    var data = new FormData(form);
    data.delete("action");
    fetch(form.dataset.preview, {method: "POST", body: data, credentials: "same-origin"}).then(function (response) {
      return response.json().then(function (answer) { if (mine === sent) { show(answer, response.ok); } });
    });
  }

  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  });
})();
