// Draws each ticket diagram with bpmn-js (served from node_modules) and marks the path taken, the current
// task(s) and a failed step. Data comes from data-* attributes: no inline script (CSP script-src 'self').
(function () {
  "use strict";

  function mark(viewer, ids, marker) {
    var registry = viewer.get("elementRegistry"), canvas = viewer.get("canvas");
    ids.forEach(function (id) { if (registry.get(id)) { canvas.addMarker(id, marker); } });
  }

  function markFlows(viewer, done) {
    // A sequence flow was taken when both its ends were completed (or its target is current).
    var canvas = viewer.get("canvas");
    viewer.get("elementRegistry").filter(function (el) { return el.type === "bpmn:SequenceFlow"; })
      .forEach(function (flow) {
        if (flow.source && flow.target && done.has(flow.source.id) && done.has(flow.target.id)) {
          canvas.addMarker(flow.id, "done");
        }
      });
  }

  function draw(container) {
    var completed = JSON.parse(container.dataset.completed || "[]");
    var current = JSON.parse(container.dataset.current || "[]");
    var failed = JSON.parse(container.dataset.failed || "[]");
    if (typeof window.BpmnJS !== "function") {
      container.textContent = container.dataset.error;
      return;
    }
    var viewer = new window.BpmnJS({ container: container, keyboard: { bindTo: container } });
    fetch(container.dataset.src, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.text(); })
      .then(function (xml) { return viewer.importXML(xml); })
      .then(function () {
        viewer.get("canvas").zoom("fit-viewport");
        mark(viewer, completed, "done");
        markFlows(viewer, new Set(completed.concat(current)));
        mark(viewer, current, "current");
        mark(viewer, failed, "failed");
        container.classList.add("drawn");
      })
      .catch(function () { container.textContent = container.dataset.error; });
  }

  document.querySelectorAll(".bpmn[data-src]").forEach(draw);
})();
