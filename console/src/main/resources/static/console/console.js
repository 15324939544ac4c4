// The operators' dashboard: renders the board the console pushes over Server-Sent Events (GET api/stream, event
// "board", a whole snapshot each time). No framework, no build step, nothing fetched from elsewhere. Every value is
// written with textContent, never as HTML.
(function () {
  "use strict";

  const api = (path) => "api/" + path;
  let source = null;
  let board = null;
  let receivedAt = 0;
  let retryTimer = null;

  // ---- formatting ----------------------------------------------------------------------------------------------

  function duration(ms) {
    if (ms === null || ms === undefined) return "—";
    if (ms < 1000) return ms + " ms";
    const s = ms / 1000;
    if (s < 60) return s.toFixed(s < 10 ? 1 : 0) + " s";
    const m = Math.floor(s / 60);
    if (m < 60) return m + " m " + Math.floor(s % 60) + " s";
    const h = Math.floor(m / 60);
    if (h < 48) return h + " h " + (m % 60) + " m";
    return Math.floor(h / 24) + " d " + (h % 24) + " h";
  }

  function clockTime(epochMs) {
    return new Date(epochMs).toLocaleTimeString();
  }

  /** Milliseconds since the snapshot was received, added to ages so they move between pushes. */
  function sinceReceived() {
    return Math.max(0, Date.now() - receivedAt);
  }

  // ---- DOM helpers ---------------------------------------------------------------------------------------------

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = String(value);
      else node.setAttribute(key, String(value));
    }
    for (const child of children || []) {
      if (child !== null && child !== undefined) node.appendChild(child);
    }
    return node;
  }

  function cell(field, text, extraClass) {
    return el("td", { "data-field": field, class: extraClass || null, text: text });
  }

  /** A cell showing an age that keeps growing between pushes. */
  function ageCell(field, baseMs) {
    const td = cell(field, duration(baseMs), "num");
    if (baseMs !== null && baseMs !== undefined) td.setAttribute("data-age-base", String(baseMs));
    return td;
  }

  function badge(text, kind) {
    return el("span", { class: "badge " + (kind || text), text: text });
  }

  function fill(tableId, rows, build) {
    const tbody = document.querySelector("#" + tableId + " tbody");
    const fresh = document.createDocumentFragment();
    rows.forEach((row) => fresh.appendChild(build(row)));
    tbody.replaceChildren(fresh);
    document.getElementById(tableId + "-empty").hidden = rows.length > 0;
  }

  // ---- rendering -----------------------------------------------------------------------------------------------

  function renderSummary(s) {
    const values = {
      workersLive: s.workersLive,
      slots: s.slots,
      inFlight: s.inFlight,
      workersDraining: s.workersDraining,
      waiting: s.waiting,
      tenantsWaiting: s.tenantsWaiting,
      oldestWait: duration(s.oldestWaitMs),
      deadLetters: s.deadLetters,
    };
    for (const [key, value] of Object.entries(values)) {
      const node = document.querySelector('[data-summary="' + key + '"]');
      node.textContent = String(value);
      if (key === "oldestWait" && s.oldestWaitMs !== null) node.setAttribute("data-age-base", String(s.oldestWaitMs));
      else if (key === "oldestWait") node.removeAttribute("data-age-base");
    }
  }

  function workerRow(w) {
    const load = w.slots > 0 ? Math.min(100, Math.round((100 * w.inFlight) / w.slots)) : 0;
    const state = !w.live ? "offline" : w.draining ? "draining" : "live";
    return el("tr", { "data-worker-id": w.workerId, class: w.live ? null : "offline" }, [
      el("td", { "data-field": "workerId" }, [el("code", { text: w.workerId })]),
      cell("kind", w.kind),
      cell("lane", w.lane),
      cell("host", w.host || "—"),
      cell("slots", w.slots, "num"),
      cell("inFlight", w.inFlight, "num"),
      el("td", { "data-field": "load", title: load + "% of its slots busy" }, [
        el("div", { class: "load" }, [el("span", { style: "width:" + load + "%" })]),
      ]),
      el("td", { "data-field": "state" }, [badge(state)]),
      ageCell("heartbeatAge", w.heartbeatAgeMs),
      ageCell("upFor", Math.max(0, board.at - w.startedAt)),
    ]);
  }

  function tenantRow(t) {
    return el("tr", { "data-tenant": t.tenant }, [
      el("td", { "data-field": "tenant" }, [el("code", { text: t.tenant })]),
      cell("waiting", t.waiting, "num"),
      cell("inFlight", t.inFlight, "num"),
      ageCell("oldestWait", t.oldestWaitMs),
      ageCell("factsAge", Math.max(0, board.at - t.factsAt)),
    ]);
  }

  function life(task) {
    const box = el("div", { class: "life" });
    if (task.partial) box.appendChild(el("span", { class: "partial", text: "…" }));
    let previous = null;
    task.steps.forEach((step, index) => {
      if (index > 0) {
        const gap = previous === null ? "" : " +" + duration(step.at - previous);
        box.appendChild(el("span", { class: "arrow", text: "→" + gap }));
      }
      let label = step.type;
      if (step.type === "progress" && step.percent !== null) label += " " + step.percent + "%";
      if (step.repeats > 1) label += " ×" + step.repeats;
      const title = [
        new Date(step.at).toISOString(),
        step.source,
        step.workerId ? "worker " + step.workerId : null,
        step.deliveryCount ? "delivery " + step.deliveryCount : null,
        step.detail,
      ].filter(Boolean).join(" · ");
      box.appendChild(el("span", { class: "step " + step.type, "data-step": step.type, title: title, text: label }));
      previous = step.at;
    });
    return box;
  }

  function taskRow(t) {
    const status = el("td", { "data-field": "status" }, [badge(t.status)]);
    if (!t.terminal && t.percent !== null && t.percent !== undefined && t.status !== "accepted") {
      status.appendChild(el("span", { class: "muted", text: " " + t.percent + "%" }));
    }
    if (t.error) status.appendChild(el("div", { class: "error", text: t.error }));
    return el("tr", { "data-request-id": t.requestId, "data-status": t.status }, [
      el("td", { "data-field": "requestId" }, [el("code", { text: t.requestId })]),
      el("td", { "data-field": "tenant" }, [el("code", { text: t.tenant })]),
      cell("taskType", t.taskType),
      cell("priority", t.priority || "—"),
      status,
      el("td", { "data-field": "worker" }, [el("code", { text: t.workerId || "—" })]),
      cell("queued", duration(t.queuedMs), "num"),
      cell("wait", duration(t.waitMs), "num"),
      cell("run", duration(t.runMs), "num"),
      t.terminal ? cell("total", duration(t.totalMs), "num") : ageCell("total", t.totalMs),
      el("td", { "data-field": "steps" }, [life(t)]),
    ]);
  }

  function deadLetterRow(d) {
    return el("tr", { "data-dead-letter": d.requestId }, [
      el("td", { "data-field": "requestId" }, [el("code", { text: d.requestId })]),
      el("td", { "data-field": "tenant" }, [el("code", { text: d.tenant })]),
      cell("taskType", d.taskType),
      el("td", { "data-field": "reason" }, [badge(d.reason, "dead_lettered")]),
      cell("deliveryCount", d.deliveryCount, "num"),
      cell("lastError", d.lastError || "—"),
      el("td", { "data-field": "worker" }, [el("code", { text: d.workerId || "—" })]),
      ageCell("age", Math.max(0, board.at - d.deadLetteredAt)),
    ]);
  }

  function render(snapshot) {
    board = snapshot;
    receivedAt = Date.now();
    document.body.setAttribute("data-version", String(snapshot.version));
    document.getElementById("updated").textContent = clockTime(snapshot.at);
    document.getElementById("caught-up").hidden = snapshot.caughtUp;
    renderSummary(snapshot.summary);
    fill("workers", snapshot.workers, workerRow);
    fill("tenants", snapshot.tenants, tenantRow);
    document.getElementById("idle-tenants").textContent =
      snapshot.idleTenants === 1
        ? "1 other tenant has nothing waiting or running."
        : snapshot.idleTenants > 1
          ? snapshot.idleTenants + " other tenants have nothing waiting or running."
          : "";
    fill("tasks", snapshot.tasks, taskRow);
    const counts = Object.entries(snapshot.summary.recentByStatus).map(([k, v]) => k + " " + v);
    document.getElementById("tasks-counts").textContent = counts.length ? "(" + counts.join(", ") + ")" : "";
    fill("dead-letters", snapshot.deadLetters, deadLetterRow);
  }

  /** Ages grow between pushes without a new snapshot. */
  function tickAges() {
    if (!board) return;
    const elapsed = sinceReceived();
    document.querySelectorAll("[data-age-base]").forEach((node) => {
      node.textContent = duration(Number(node.getAttribute("data-age-base")) + elapsed);
    });
  }

  // ---- connection ----------------------------------------------------------------------------------------------

  function setConnection(state, text) {
    document.body.setAttribute("data-connection", state);
    document.getElementById("connection").textContent = text;
  }

  function connect() {
    clearTimeout(retryTimer);
    if (source) source.close();
    source = new EventSource(api("stream"));
    source.addEventListener("board", (event) => {
      setConnection("live", "live");
      render(JSON.parse(event.data));
    });
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) {
        // Refused (401/403) or the server is gone: find out which before trying again.
        source.close();
        diagnose();
      } else {
        setConnection("reconnecting", "reconnecting…");
      }
    };
  }

  async function diagnose() {
    try {
      const answer = await fetch(api("board"), { credentials: "same-origin" });
      if (answer.status === 401) {
        setConnection("signed-out", "token needed");
        askForToken();
        return;
      }
      if (answer.status === 403) {
        const problem = await answer.json();
        setConnection("signed-out", problem.detail || "refused");
        return;
      }
      if (answer.ok) render(await answer.json());
    } catch (e) {
      // the console is not reachable; try again below
    }
    setConnection("reconnecting", "reconnecting…");
    retryTimer = setTimeout(connect, 3000);
  }

  function askForToken() {
    const dialog = document.getElementById("sign-in");
    if (!dialog.open) dialog.showModal();
    document.getElementById("token").focus();
  }

  async function signIn(event) {
    event.preventDefault();
    const token = document.getElementById("token").value;
    const error = document.getElementById("sign-in-error");
    const answer = await fetch(api("session"), {
      method: "POST",
      credentials: "same-origin",
      headers: { Authorization: "Bearer " + token },
    });
    if (answer.ok) {
      error.hidden = true;
      document.getElementById("token").value = "";
      document.getElementById("sign-in").close();
      document.getElementById("sign-out").hidden = false;
      connect();
    } else {
      error.textContent = "That token was refused.";
      error.hidden = false;
    }
  }

  async function signOut() {
    await fetch(api("session"), { method: "DELETE", credentials: "same-origin" });
    if (source) source.close();
    document.getElementById("sign-out").hidden = true;
    diagnose();
  }

  async function start() {
    document.getElementById("sign-in-form").addEventListener("submit", signIn);
    document.getElementById("sign-out").addEventListener("click", signOut);
    try {
      const session = await (await fetch(api("session"), { credentials: "same-origin" })).json();
      document.getElementById("sign-out").hidden = !session.tokenRequired;
    } catch (e) {
      // shown as "reconnecting" by the stream below
    }
    setInterval(tickAges, 1000);
    connect();
  }

  start();
})();
