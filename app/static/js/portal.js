// Ticket page of the customer area: poll the ticket's small JSON state with its ETag and redraw the status,
// the public timeline and the pending tasks without a reload. Text goes in with textContent (never HTML).
(function () {
  "use strict";
  var live = document.getElementById("live");
  if (!live) { return; }
  var url = live.dataset.stateUrl;
  var every = Math.max(2, parseInt(live.dataset.every, 10) || 5) * 1000;
  var etag = null;
  var known = {};
  document.querySelectorAll("#live-events li").forEach(function (li) { known[li.dataset.id] = true; });
  var taskCount = document.querySelectorAll("#live-tasks li").length;
  // The page was drawn while a technician's question waited: its answer box is there already.
  var write = document.getElementById("write");
  var waiting = !!(write && write.dataset.waiting);

  function draw(state) {
    document.getElementById("live-status").textContent = state.status_label;
    var list = document.getElementById("live-events");
    state.events.forEach(function (e) {
      if (!list || known[e.id]) { return; }  // no list: an older page of the timeline, which stays as it is
      known[e.id] = true;
      var li = document.createElement("li");
      li.className = "event event-new" + (e.mine ? " message mine" : "");
      li.dataset.id = e.id;
      var at = document.createElement("span");
      at.className = "muted";
      at.textContent = e.when || e.at;
      var msg = document.createElement("span");
      msg.className = "msg pre";
      msg.textContent = e.message;
      li.appendChild(at);
      li.appendChild(document.createTextNode(" "));
      if (e.title) {
        var who = document.createElement("strong");
        who.className = "who";
        who.textContent = e.title;
        li.appendChild(who);
        li.appendChild(document.createTextNode(" "));
      }
      li.appendChild(msg);
      list.appendChild(li);
    });
    var tasks = document.getElementById("live-tasks");
    var card = document.getElementById("tasks-card");
    tasks.textContent = "";
    state.tasks.forEach(function (t) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.className = "button primary";
      a.href = window.location.pathname.replace(/\/$/, "") + "/tasks/" + encodeURIComponent(t.id);
      a.textContent = t.title;
      li.appendChild(a);
      tasks.appendChild(li);
    });
    card.hidden = !(state.tasks.length || state.waiting_reply);
    document.getElementById("reload-note").hidden = !(state.waiting_reply && !waiting);
    taskCount = state.tasks.length;
  }

  function poll() {
    var headers = {"Accept": "application/json"};
    if (etag) { headers["If-None-Match"] = etag; }
    fetch(url, {headers: headers, credentials: "same-origin", cache: "no-cache"}).then(function (response) {
      if (response.status === 200) {
        etag = response.headers.get("ETag");
        return response.json().then(draw);
      }
    }).catch(function () { /* offline for a moment: the next poll tries again */ })
      .then(function () { window.setTimeout(poll, every); });
  }

  window.setTimeout(poll, every);
})();
