// The analyst's modeler: bpmn-js for diagrams (with the SpiffWorkflow moddle descriptor, so our extensions
// are read and written as typed elements and round-trip unchanged), dmn-js for decision tables, and a JSON
// Schema editor with the form drawn by the server's renderer. Every file edited stays in the page until it is
// checked (the report names each problem's element: a click selects it) and published with a reason.
// Data comes from data-* attributes: no inline script (CSP script-src 'self').
(function () {
  "use strict";

  var root = document.getElementById("modeler");
  if (!root) { return; }
  var T = JSON.parse(root.dataset.texts);
  var csrf = document.querySelector("meta[name=csrf-token]").getAttribute("content");
  var SPIFF = "spiffworkflow:";
  var FORM_PROPERTY = "formJsonSchemaFilename";
  var TASK_PROPERTIES = [["candidateTeam", "candidateTeam"], ["assignee", "assignee"], ["dueAt", "dueAt"]];

  var state = { files: {}, edited: {}, catalog: null, current: null, bpmn: null, dmn: null, descriptor: null };
  var el = function (id) { return document.getElementById(id); };

  function fmt(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_m, key) { return values[key]; });
  }

  function make(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") { node.textContent = attrs[key]; } else { node.setAttribute(key, attrs[key]); }
    });
    (children || []).forEach(function (child) { if (child) { node.appendChild(child); } });
    return node;
  }

  function postJSON(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin", body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" }
    }).then(function (r) {
      return r.text().then(function (text) {
        var data;
        try { data = JSON.parse(text); } catch (e) { data = { message: text }; }
        if (!r.ok) { var err = new Error(data.message || r.status); err.data = data; throw err; }
        return data;
      });
    });
  }

  // ---- files -------------------------------------------------------------------------------------------------
  function kindOf(name) {
    if (/\.bpmn$/.test(name)) { return "bpmn"; }
    if (/\.dmn$/.test(name)) { return "dmn"; }
    return "form";
  }

  function fillFileChooser() {
    var select = el("modeler-file");
    select.textContent = "";
    Object.keys(state.files).sort().forEach(function (name) {
      select.appendChild(make("option", { value: name, text: name + (state.edited[name] ? " *" : "") }));
    });
    if (state.current) { select.value = state.current; }
    var edited = Object.keys(state.edited);
    el("modeler-edited").textContent = edited.length ? fmt(T.edited, { files: edited.join(", ") }) : "";
  }

  function markEdited(name) {
    if (!state.edited[name]) { state.edited[name] = true; fillFileChooser(); }
  }

  function keepCurrent() {
    // The open file's content back into state.files (the modelers hold it while it is open).
    var name = state.current;
    if (!name) { return Promise.resolve(); }
    if (kindOf(name) === "form") { state.files[name] = el("modeler-form-json").value; return Promise.resolve(); }
    var modeler = kindOf(name) === "bpmn" ? state.bpmn : state.dmn;
    if (!state.edited[name]) { return Promise.resolve(); }
    return modeler.saveXML({ format: true }).then(function (out) { state.files[name] = out.xml; });
  }

  function open(name) {
    return keepCurrent().then(function () {
      state.current = name;
      fillFileChooser();
      var kind = kindOf(name);
      el("modeler-canvas").hidden = kind === "form";
      el("modeler-panel").hidden = kind !== "bpmn";
      el("modeler-form").hidden = kind !== "form";
      if (kind === "form") { return openForm(name); }
      return kind === "bpmn" ? openBpmn(name) : openDmn(name);
    }).catch(function (err) { showError(T.loadError + " " + err.message); });
  }

  // ---- BPMN --------------------------------------------------------------------------------------------------
  function bpmnModeler() {
    if (!state.bpmn) {
      state.bpmn = new window.BpmnJS({
        container: el("modeler-canvas"),
        moddleExtensions: { spiffworkflow: state.descriptor }
      });
      state.bpmn.on("selection.changed", function (event) { showProperties(event.newSelection[0]); });
      state.bpmn.on("element.changed", function (event) {
        if (state.selected && event.element === state.selected) { showProperties(state.selected); }
      });
      state.bpmn.on("commandStack.changed", function () { if (kindOf(state.current) === "bpmn") { markEdited(state.current); } });
    }
    return state.bpmn;
  }

  function openBpmn(name) {
    hideDmn();
    var modeler = bpmnModeler();
    modeler._container.hidden = false;
    return modeler.importXML(state.files[name]).then(function () {
      modeler.get("canvas").zoom("fit-viewport", "auto");
      showProperties(null);
    });
  }

  function hideDmn() {
    if (state.dmn) { state.dmn._container.hidden = true; }
  }

  // ---- DMN ---------------------------------------------------------------------------------------------------
  function openDmn(name) {
    if (state.bpmn) { state.bpmn._container.hidden = true; }
    if (!state.dmn) {
      state.dmn = new window.DmnJS({ container: el("modeler-canvas") });
      state.dmn.on("views.changed", function () {
        var viewer = state.dmn.getActiveViewer();
        if (viewer && !viewer.__watched) {
          viewer.__watched = true;
          viewer.on("commandStack.changed", function () { markEdited(state.current); });
        }
      });
    }
    state.dmn._container.hidden = false;
    return state.dmn.importXML(state.files[name]).then(function () {
      var table = state.dmn.getViews().filter(function (v) { return v.type === "decisionTable"; })[0];
      if (table) { return state.dmn.open(table); }
      return null;
    });
  }

  // ---- forms -------------------------------------------------------------------------------------------------
  var previewTimer = null;

  function openForm(name) {
    hideDmn();
    if (state.bpmn) { state.bpmn._container.hidden = true; }
    el("modeler-form-json").value = state.files[name];
    previewNow();
    return Promise.resolve();
  }

  function previewNow() {
    var box = el("modeler-form-preview");
    fetch(root.dataset.preview, {
      method: "POST", credentials: "same-origin",
      body: JSON.stringify({ schema: el("modeler-form-json").value }),
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf }
    }).then(function (r) {
      return r.ok ? r.text().then(function (html) { box.innerHTML = html; box.classList.remove("preview-error"); })
        : r.json().then(function (data) {
          box.textContent = T.previewError + " " + data.message;
          box.classList.add("preview-error");
        });
    });
  }

  el("modeler-form-json").addEventListener("input", function () {
    state.files[state.current] = el("modeler-form-json").value;
    markEdited(state.current);
    clearTimeout(previewTimer);
    previewTimer = setTimeout(previewNow, 400);
  });

  el("modeler-new-form").addEventListener("click", function () {
    var base = window.prompt(T.newFormName, "");
    if (base === null) { return; }
    if (!/^[a-z0-9_]+$/.test(base)) { window.alert(T.badFormName); return; }
    var name = "forms/" + base + ".schema.json";
    if (!state.files[name]) {
      state.files[name] = JSON.stringify({
        "$schema": "https://json-schema.org/draft/2020-12/schema", "title": T.newFormTitle, "type": "object",
        "properties": {}, "required": [], "additionalProperties": false
      }, null, 2) + "\n";
      state.catalog.forms.push(base + ".schema.json");
      markEdited(name);
    }
    open(name);
  });

  // ---- properties panel (BPMN) -------------------------------------------------------------------------------
  function is(bo, type) { return bo && bo.$instanceOf && bo.$instanceOf(type); }

  function extensions(bo) { return (bo.extensionElements && bo.extensionElements.values) || []; }

  function extension(bo, type) {
    return extensions(bo).filter(function (v) { return v.$type === SPIFF + type; })[0];
  }

  function setExtension(element, type, value) {
    // Replace (or drop, when value is null) one spiffworkflow element of the task's extensionElements;
    // everything else in it is kept as it is.
    var modeling = state.bpmn.get("modeling"), moddle = state.bpmn.get("moddle");
    var bo = element.businessObject;
    var others = extensions(bo).filter(function (v) { return v.$type !== SPIFF + type; });
    var values = value ? others.concat([value]) : others;
    var ext = values.length ? moddle.create("bpmn:ExtensionElements", { values: values }) : undefined;
    values.forEach(function (v) { v.$parent = ext; });
    modeling.updateProperties(element, { extensionElements: ext });
  }

  function textBody(type, text) {
    return text ? state.bpmn.get("moddle").create(SPIFF + type, { value: text }) : null;
  }

  function taskProperties(bo) {
    var found = {};
    var props = extension(bo, "Properties");
    ((props && props.properties) || []).forEach(function (p) { found[p.name] = p.value; });
    return found;
  }

  function setTaskProperty(element, name, value) {
    var moddle = state.bpmn.get("moddle");
    var current = taskProperties(element.businessObject);
    if (value) { current[name] = value; } else { delete current[name]; }
    var names = Object.keys(current);
    var list = names.map(function (n) { return moddle.create(SPIFF + "Property", { name: n, value: current[n] }); });
    setExtension(element, "Properties", names.length ? moddle.create(SPIFF + "Properties", { properties: list }) : null);
  }

  function field(label, input, help) {
    var id = "prop-" + Math.random().toString(36).slice(2);
    input.id = id;
    return make("div", { "class": "field" }, [make("label", { "for": id, text: label }), input,
      help ? make("p", { "class": "help", text: help }) : null]);
  }

  function textInput(value, onChange, list) {
    var input = make("input", { type: "text", value: value || "" });
    if (list) { input.setAttribute("list", list); }
    input.addEventListener("change", function () { onChange(input.value.trim()); });
    return input;
  }

  function textArea(value, onChange) {
    var area = make("textarea", { rows: "5" });
    area.value = value || "";
    area.addEventListener("change", function () { onChange(area.value); });
    return area;
  }

  function select(options, value, onChange) {
    var node = make("select");
    options.forEach(function (o) { node.appendChild(make("option", { value: o[0], text: o[1] })); });
    node.value = value || "";
    node.addEventListener("change", function () { onChange(node.value); });
    return node;
  }

  function laneOf(element) {
    var bo = element.businessObject, lane = null;
    state.bpmn.get("elementRegistry").filter(function (e) { return e.type === "bpmn:Lane"; }).forEach(function (e) {
      if ((e.businessObject.flowNodeRef || []).indexOf(bo) >= 0) { lane = e.businessObject; }
    });
    return lane;
  }

  function laneInfo(name) {
    var role = state.catalog.lanes[name || ""];
    return make("p", { "class": role ? "help" : "help warning", text: role ? fmt(T.role, { role: role }) : T.noRole });
  }

  function showProperties(element) {
    state.selected = element || null;
    var box = el("modeler-properties");
    box.textContent = "";
    if (!element || element.type === "label") { box.appendChild(make("p", { "class": "help", text: T.selectElement })); return; }
    var bo = element.businessObject, modeling = state.bpmn.get("modeling"), moddle = state.bpmn.get("moddle");
    box.appendChild(make("p", {}, [make("code", { text: bo.id }), document.createTextNode(" · " + bo.$type.replace("bpmn:", ""))]));
    box.appendChild(field(T.name, textInput(bo.name, function (v) { modeling.updateProperties(element, { name: v || undefined }); })));
    if (is(bo, "bpmn:Lane")) {
      bo.name = bo.name || "";
      box.lastChild.querySelector("input").setAttribute("list", "known-lanes");
      box.appendChild(laneInfo(bo.name));
    }
    if (is(bo, "bpmn:SequenceFlow") && is(bo.sourceRef, "bpmn:Gateway")) {
      box.appendChild(field(T.condition, textInput(bo.conditionExpression && bo.conditionExpression.body, function (v) {
        modeling.updateProperties(element, { conditionExpression: v ? moddle.create("bpmn:FormalExpression", { body: v }) : undefined });
      })));
    }
    if (is(bo, "bpmn:FlowNode") && !is(bo, "bpmn:SequenceFlow")) {
      var lane = laneOf(element);
      if (is(bo, "bpmn:UserTask") || is(bo, "bpmn:ManualTask")) {
        box.appendChild(make("p", { "class": "help", text: T.lane + ": " + (lane ? lane.name : T.noLane) }));
        if (lane) { box.appendChild(laneInfo(lane.name)); }
      }
    }
    if (is(bo, "bpmn:UserTask")) { userTaskFields(box, element); }
    if (is(bo, "bpmn:ServiceTask")) { serviceTaskFields(box, element); }
    if (is(bo, "bpmn:BusinessRuleTask")) {
      var decision = extension(bo, "CalledDecisionId");
      box.appendChild(field(T.decision, select([["", "—"]].concat(decisionIds().map(function (d) { return [d, d]; })),
        decision && decision.value, function (v) { setExtension(element, "CalledDecisionId", textBody("CalledDecisionId", v)); })));
    }
    if (is(bo, "bpmn:ScriptTask")) {
      box.appendChild(field(T.script, textArea(bo.script, function (v) { modeling.updateProperties(element, { script: v || undefined, scriptFormat: "python" }); })));
    }
    (bo.eventDefinitions || []).forEach(function (definition) {
      if (!is(definition, "bpmn:MessageEventDefinition")) { return; }
      [["MessagePayload", T.messagePayload], ["MessageVariable", T.messageVariable]].forEach(function (pair) {
        var current = extension(definition, pair[0]);
        if (!current && !(pair[0] === "MessagePayload" ? is(bo, "bpmn:ThrowEvent") : is(bo, "bpmn:CatchEvent"))) { return; }
        box.appendChild(field(pair[1], textInput(current && current.value, function (v) {
          var others = extensions(definition).filter(function (x) { return x.$type !== SPIFF + pair[0]; });
          var values = v ? others.concat([textBody(pair[0], v)]) : others;
          state.bpmn.get("modeling").updateModdleProperties(element, definition, {
            extensionElements: values.length ? moddle.create("bpmn:ExtensionElements", { values: values }) : undefined
          });
        })));
      });
    });
  }

  function userTaskFields(box, element) {
    var bo = element.businessObject, props = taskProperties(bo);
    var forms = state.catalog.forms.map(function (f) { return [f, f]; });
    box.appendChild(field(T.form, select([["", T.noForm]].concat(forms), props[FORM_PROPERTY], function (v) {
      setTaskProperty(element, FORM_PROPERTY, v);
    })));
    TASK_PROPERTIES.forEach(function (pair) {
      box.appendChild(field(T[pair[1]], textInput(props[pair[0]], function (v) { setTaskProperty(element, pair[0], v); },
        pair[0] === "candidateTeam" ? "known-teams" : (pair[0] === "dueAt" ? "known-dates" : null))));
    });
    var instructions = extension(bo, "InstructionsForEndUser");
    box.appendChild(field(T.instructions, textArea(instructions && instructions.value, function (v) {
      setExtension(element, "InstructionsForEndUser", textBody("InstructionsForEndUser", v));
    })));
  }

  function operation(name) {
    return state.catalog.operations.filter(function (o) { return o.name === name; })[0];
  }

  function serviceTaskFields(box, element) {
    var bo = element.businessObject, moddle = state.bpmn.get("moddle");
    var operator = extension(bo, "ServiceTaskOperator");
    var params = {};
    ((operator && operator.parameters && operator.parameters.parameters) || []).forEach(function (p) { params[p.id] = p; });

    function write(name, resultVariable, values) {
      var list = Object.keys(values).filter(function (k) { return values[k].value; }).map(function (k) {
        return moddle.create(SPIFF + "Parameter", { id: k, type: values[k].type || "str", value: values[k].value });
      });
      var op = name ? moddle.create(SPIFF + "ServiceTaskOperator", {
        id: name, resultVariable: resultVariable || undefined,
        parameters: moddle.create(SPIFF + "Parameters", { parameters: list })
      }) : null;
      setExtension(element, "ServiceTaskOperator", op);
    }

    var current = operator ? operator.id : "";
    var values = {};
    Object.keys(params).forEach(function (k) { values[k] = { type: params[k].type, value: params[k].value }; });
    var choices = [["", T.chooseOperator]].concat(state.catalog.operations.map(function (o) { return [o.name, o.name]; }));
    if (current && !operation(current)) { choices.push([current, current]); }
    box.appendChild(field(T.operator, select(choices, current, function (v) {
      write(v, operator && operator.resultVariable, values);
    }), operation(current) ? operation(current).doc.split("\n")[0] : ""));
    if (!current) { return; }
    box.appendChild(field(T.resultVariable, textInput(operator.resultVariable, function (v) { write(current, v, values); })));
    var known = operation(current) ? operation(current).parameters : [];
    var fieldset = make("fieldset", {}, [make("legend", { text: T.parameters })]);
    known.forEach(function (p) {
      var label = p.name + (p.required ? " (" + T.required + ")" : "");
      fieldset.appendChild(field(label, textInput(values[p.name] && values[p.name].value, function (v) {
        values[p.name] = { type: (values[p.name] && values[p.name].type) || "str", value: v };
        write(current, operator.resultVariable, values);
      }), p.description));
    });
    Object.keys(values).filter(function (k) { return !known.some(function (p) { return p.name === k; }); }).forEach(function (k) {
      var remove = make("button", { type: "button", "class": "link", text: T.remove });
      remove.addEventListener("click", function () { delete values[k]; write(current, operator.resultVariable, values); });
      fieldset.appendChild(field(k, textInput(values[k].value, function (v) {
        values[k].value = v; write(current, operator.resultVariable, values);
      }), T.unknownParameter));
      fieldset.appendChild(remove);
    });
    box.appendChild(fieldset);
  }

  function decisionIds() {
    var ids = [];
    Object.keys(state.files).filter(function (n) { return kindOf(n) === "dmn"; }).forEach(function (name) {
      var doc = new DOMParser().parseFromString(state.files[name], "application/xml");
      Array.prototype.forEach.call(doc.getElementsByTagNameNS("*", "decision"), function (d) { ids.push(d.getAttribute("id")); });
    });
    return ids.sort();
  }

  function datalists() {
    var teams = make("datalist", { id: "known-teams" });
    teams.appendChild(make("option", { value: 'ticket["team"]', text: "ticket[\"team\"]" }));
    state.catalog.teams.forEach(function (t) {
      teams.appendChild(make("option", { value: "'" + t.code + "'", text: fmt(T.teamLiteral, { name: t.name }) }));
    });
    var dates = make("datalist", { id: "known-dates" });
    ['ticket["sla_due_at"]', 'ticket["response_due_at"]', 'ticket["sla_warning_at"]'].forEach(function (v) {
      dates.appendChild(make("option", { value: v }));
    });
    var lanes = make("datalist", { id: "known-lanes" });
    Object.keys(state.catalog.lanes).forEach(function (n) { lanes.appendChild(make("option", { value: n })); });
    root.appendChild(teams); root.appendChild(dates); root.appendChild(lanes);
  }

  // ---- check and publish -------------------------------------------------------------------------------------
  function editedFiles() {
    return keepCurrent().then(function () {
      var files = {};
      Object.keys(state.edited).forEach(function (name) { files[name] = state.files[name]; });
      return files;
    });
  }

  function showError(message) {
    var box = el("modeler-report");
    box.textContent = "";
    box.appendChild(make("p", { "class": "flash flash-error", text: message }));
  }

  function selectProblem(problem) {
    var go = problem.file && problem.file !== state.current && state.files[problem.file] ? open(problem.file) : Promise.resolve();
    go.then(function () {
      if (!problem.element || kindOf(state.current) !== "bpmn") { return; }
      var target = state.bpmn.get("elementRegistry").get(problem.element);
      if (!target) { return; }
      state.bpmn.get("selection").select(target);
      if (typeof state.bpmn.get("canvas").scrollToElement === "function") { state.bpmn.get("canvas").scrollToElement(target); }
    });
  }

  function append(box, node) { if (node) { box.appendChild(node); } }

  function list(title, items, render) {
    if (!items || !items.length) { return null; }
    var ul = make("ul");
    items.forEach(function (item) { ul.appendChild(render(item)); });
    return make("div", {}, [make("h3", { text: title }), ul]);
  }

  function showReport(report) {
    var box = el("modeler-report");
    box.textContent = "";
    append(box, list(T.problems, report.problems, function (p) {
      var where = [p.file, p.element && (T.element + " " + p.element), p.line && (T.line + " " + p.line)].filter(Boolean).join(", ");
      var link = make("button", { type: "button", "class": "link problem", "data-element": p.element || "", text: where });
      link.addEventListener("click", function () { selectProblem(p); });
      return make("li", {}, [link, document.createTextNode(": " + p.message)]);
    }));
    append(box, list(T.changes, report.changes, function (c) { return make("li", { text: c }); }));
    (report.notes || []).forEach(function (n) { box.appendChild(make("p", { "class": "help", text: n })); });
    append(box, list(T.simulation, report.simulation, function (s) { return make("li", { text: s }); }));
    if (report.ok) {
      box.insertBefore(make("p", { "class": "flash flash-success", text: T.noProblems }), box.firstChild);
      if (!report.changes || !report.changes.length) { box.appendChild(make("p", { text: T.noChanges })); }
    }
    el("modeler-publish-box").hidden = !report.ok;
  }

  el("modeler-check").addEventListener("click", function () {
    el("modeler-report").textContent = T.checking;
    el("modeler-published").textContent = "";
    editedFiles().then(function (files) { return postJSON(root.dataset.check, { files: files }); })
      .then(showReport, function (err) { showError(fmt(T.failed, { error: err.message })); });
  });

  el("modeler-publish").addEventListener("click", function () {
    var reason = el("modeler-reason").value.trim();
    if (!reason) { el("modeler-reason").focus(); showError(T.reasonRequired); return; }
    editedFiles().then(function (files) { return postJSON(root.dataset.publish, { files: files, reason: reason }); })
      .then(function (data) {
        var created = data.results.filter(function (r) { return r.created; });
        el("modeler-published").textContent = created.length
          ? fmt(T.published, { versions: created.map(function (r) { return r.process_id + " v" + r.version; }).join(", ") })
          : T.nothingPublished;
        state.edited = {};
        el("modeler-publish-box").hidden = true;
        el("modeler-report").textContent = "";
        fillFileChooser();
      }, function (err) {
        var problems = err.data && err.data.errors && err.data.errors.problems;
        if (problems) { showReport({ ok: false, problems: problems }); } else { showError(fmt(T.failed, { error: err.message })); }
      });
  });

  el("modeler-download").addEventListener("click", function () {
    keepCurrent().then(function () {
      var name = state.current, blob = new Blob([state.files[name]], { type: "application/xml" });
      var link = make("a", { href: URL.createObjectURL(blob), download: name.replace(/^forms\//, "") });
      document.body.appendChild(link);
      link.click();
      link.remove();
    });
  });

  el("modeler-file").addEventListener("change", function () { open(el("modeler-file").value); });

  window.addEventListener("beforeunload", function (event) {
    // Edited files live only in this page until they are published.
    if (Object.keys(state.edited).length) { event.preventDefault(); event.returnValue = ""; }
  });

  // The diagram modeler for scripted edits (the browser tests draw with it; an analyst may use the console).
  root.bpmnModeler = function () { return state.bpmn; };

  // ---- start -------------------------------------------------------------------------------------------------
  Promise.all([
    fetch(root.dataset.workspace, { credentials: "same-origin" }).then(function (r) { return r.json(); }),
    fetch(root.dataset.descriptor, { credentials: "same-origin" }).then(function (r) { return r.json(); })
  ]).then(function (loaded) {
    state.files = loaded[0].files;
    state.catalog = loaded[0].catalog;
    state.descriptor = loaded[1];
    datalists();
    var first = root.dataset.first && state.files[root.dataset.first] ? root.dataset.first
      : Object.keys(state.files).filter(function (n) { return kindOf(n) === "bpmn"; }).sort()[0];
    return open(first);
  }).then(function () { root.classList.add("ready"); }, function (err) { showError(T.loadError + " " + err.message); });
})();
