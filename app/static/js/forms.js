// Task forms: a field the schema requires only when another field has a given value (if/then) is shown
// only then; hidden, its inputs are disabled so they are not sent. Without JavaScript every field shows.
(function () {
  "use strict";
  var form = document.querySelector("form[enctype='multipart/form-data']");
  if (!form) { return; }
  var dependents = form.querySelectorAll("[data-shown-when]");

  function valueOf(name) {
    var checked = form.querySelector("[name='" + name + "']:checked");
    if (checked) { return checked.value; }
    var input = form.querySelector("[name='" + name + "']:not([type=radio])");
    return input ? input.value : "";
  }

  function refresh() {
    dependents.forEach(function (field) {
      var show = JSON.parse(field.dataset.shownWhen).some(function (rule) { return valueOf(rule[0]) === rule[1]; });
      field.hidden = !show;
      field.querySelectorAll("input, select, textarea").forEach(function (el) { el.disabled = !show; });
    });
  }

  form.addEventListener("change", refresh);
  refresh();
})();
