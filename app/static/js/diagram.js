// Draws each ticket diagram with bpmn-js (served from node_modules) and marks the path taken, the current
// task(s) and a failed step; on the processes page, the number of tickets waiting (and failed) at each task
// (data-counts: a JSON URL). Data comes from data-* attributes: no inline script (CSP script-src 'self').
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

  var MIN_READABLE = 0.65; // below this scale the labels are too small to read: zoom in and pan instead

  function initialView(viewer, current) {
    // Fit the whole drawing; a wide collaboration then shrinks its text to a few pixels, so read it at a legible
    // scale, centred on the current task when there is one (drag or the buttons to move around).
    var canvas = viewer.get("canvas");
    canvas.zoom("fit-viewport", "auto");
    if (canvas.zoom() >= MIN_READABLE) { return; }
    var target = current.length && viewer.get("elementRegistry").get(current[0]);
    canvas.zoom(MIN_READABLE, target ? { x: target.x + target.width / 2, y: target.y + target.height / 2 } : { x: 0, y: 0 });
    if (target && typeof canvas.scrollToElement === "function") { canvas.scrollToElement(target); }
  }

  function wireTools(container, viewer) {
    var figure = container.closest("figure");
    if (!figure) { return; }
    var canvas = viewer.get("canvas");
    figure.querySelectorAll("[data-zoom]").forEach(function (button) {
      button.addEventListener("click", function () {
        var action = button.dataset.zoom;
        if (action === "fit") { canvas.zoom("fit-viewport", "auto"); }
        else if (action === "reset") { canvas.zoom(1); }
        else { canvas.zoom(canvas.zoom() * (action === "in" ? 1.25 : 0.8)); }
      });
    });
  }

  function badge(text, kind, label) {
    var span = document.createElement("span");
    span.className = "count-badge count-" + kind;
    span.textContent = text;
    span.title = label;
    span.setAttribute("aria-label", label);
    return span;
  }

  function showCounts(viewer, container) {
    // {"element id": {"waiting": n, "failed": m}}: a badge on the element's top-right corner for each.
    var overlays = viewer.get("overlays"), registry = viewer.get("elementRegistry");
    return fetch(container.dataset.counts, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (counts) {
        Object.keys(counts).forEach(function (id) {
          if (!registry.get(id)) { return; }
          var box = document.createElement("div");
          box.className = "counts";
          if (counts[id].waiting) {
            box.appendChild(badge(counts[id].waiting, "waiting", container.dataset.waitingLabel.replace("{n}", counts[id].waiting)));
          }
          if (counts[id].failed) {
            box.appendChild(badge(counts[id].failed, "failed", container.dataset.failedLabel.replace("{n}", counts[id].failed)));
          }
          overlays.add(id, "counts", { position: { top: -12, right: 12 }, html: box });
        });
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
        initialView(viewer, current);
        wireTools(container, viewer);
        mark(viewer, completed, "done");
        markFlows(viewer, new Set(completed.concat(current)));
        mark(viewer, current, "current");
        mark(viewer, failed, "failed");
        return container.dataset.counts ? showCounts(viewer, container) : null;
      })
      .then(function () { container.classList.add("drawn"); })
      .catch(function () { container.textContent = container.dataset.error; });
  }

  document.querySelectorAll(".bpmn[data-src]").forEach(draw);
})();
