// Nothing typed is lost when a submission never reaches the application (an expired session or form,
// files too large, too many attempts): every POST form's fields are kept in this tab's sessionStorage on
// submit; a page that refused it (marked data-keeps-input: the error page, the sign-in page) arms the
// restore, and the next time the same form is drawn its fields are put back. A fresh visit forgets them.
(function () {
  "use strict";
  var PREFIX = "atiende.kept:";
  var ARMED = "atiende.kept.armed";
  var SKIP = /^(csrf_token|form_token)$/;

  function keyOf(form) {
    return PREFIX + new URL(form.getAttribute("action") || location.href, location.href).pathname;
  }

  function keepable(el) {
    return el.name && !SKIP.test(el.name) && el.type !== "password" && el.type !== "file" &&
      el.type !== "submit" && el.type !== "button";
  }

  function postForms() {
    return Array.prototype.filter.call(document.forms, function (form) {
      return (form.getAttribute("method") || "").toLowerCase() === "post" && !form.classList.contains("signout");
    });
  }

  function fieldsOf(form) {
    var fields = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!keepable(el)) { return; }
      if (el.type === "checkbox" || el.type === "radio") {
        fields.push([el.name, el.value, el.checked]);
      } else {
        fields.push([el.name, el.value, null]);
      }
    });
    return fields;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if ((form.getAttribute("method") || "").toLowerCase() !== "post") { return; }
    try { sessionStorage.setItem(keyOf(form), JSON.stringify(fieldsOf(form))); } catch (e) { /* storage full or off */ }
  }, true);

  function restore(form, fields) {
    var byName = {};
    fields.forEach(function (f) { (byName[f[0]] = byName[f[0]] || []).push(f); });
    Array.prototype.forEach.call(form.elements, function (el) {
      var kept = keepable(el) && byName[el.name];
      if (!kept) { return; }
      if (el.type === "checkbox" || el.type === "radio") {
        kept.forEach(function (f) { if (f[1] === el.value) { el.checked = f[2]; } });
      } else if (kept.length) {
        el.value = kept.shift()[1];
      }
    });
    var note = document.createElement("p");
    note.className = "flash flash-info";
    note.setAttribute("role", "status");
    note.setAttribute("data-restored", "");
    note.textContent = document.documentElement.lang === "es"
      ? "Recuperamos lo que había escrito. Revíselo y envíelo de nuevo (adjunte otra vez los archivos)."
      : "We kept what you typed. Check it and send it again (attach the files again).";
    form.insertBefore(note, form.firstChild);
  }

  // Back + resubmit: the history draws the form again (pages are never cached) and puts back what was typed,
  // but with a fresh one-time token. The form is given back the token it was sent with, so the application
  // answers what it did the first time (app/once_forms.py) instead of doing it twice.
  var TOKEN = "atiende.token:";
  document.addEventListener("submit", function (event) {
    var form = event.target, token = form.elements && form.elements.form_token;
    if (!token) { return; }
    var fields = JSON.stringify(fieldsOf(form));
    if (form.dataset.freshToken && fields !== form.dataset.sentFields) {
      token.value = form.dataset.freshToken;  // other text than was sent: a new submission, not a resubmission
    }
    try {
      sessionStorage.setItem(TOKEN + keyOf(form), JSON.stringify([token.value, fields]));
    } catch (e) { /* storage off */ }
  }, true);
  var navigation = window.performance && performance.getEntriesByType ? performance.getEntriesByType("navigation")[0] : null;
  if (navigation && navigation.type === "back_forward") {
    postForms().forEach(function (form) {
      var sent = sessionStorage.getItem(TOKEN + keyOf(form));
      if (!sent || !form.elements.form_token) { return; }
      try { sent = JSON.parse(sent); } catch (e) { return; }
      form.dataset.freshToken = form.elements.form_token.value;
      form.dataset.sentFields = sent[1];
      form.elements.form_token.value = sent[0];
    });
  }

  if (document.querySelector("[data-keeps-input]")) {
    sessionStorage.setItem(ARMED, "1");
    return;
  }
  var armed = sessionStorage.getItem(ARMED) === "1";
  sessionStorage.removeItem(ARMED);
  postForms().forEach(function (form) {
    var key = keyOf(form);
    var kept = sessionStorage.getItem(key);
    sessionStorage.removeItem(key);
    if (armed && kept) {
      try { restore(form, JSON.parse(kept)); } catch (e) { /* a stash from an older page: ignore */ }
    }
  });
}());
