// Helpers every widget imports. esbuild (scripts/build_widgets.mjs) bundles a copy into each widget's
// module, because anywidget loads every widget's module on its own.

import sharedCss from "./_shared.css";

// The stylesheet every widget starts with, added to the page once (it is in every
// bundle). It goes before the widgets' own stylesheets, which anywidget adds to <head>
// with their class's module path as id, so a widget's rule wins a tie as it always has.
const SHARED_STYLE_ID = "adpipeline-shared-css";
if (typeof document !== "undefined" && !document.getElementById(SHARED_STYLE_ID)) {
  const style = document.createElement("style");
  style.id = SHARED_STYLE_ID;
  style.textContent = sharedCss;
  document.head.insertBefore(style, document.head.querySelector("style[id^='adpipeline.']"));
}

/** Build an element. Text goes in as textContent, never as HTML. */
export function h(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "text") node.textContent = String(value);
    else if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  node.append(...children.filter(Boolean));
  return node;
}

// --- the connection to the kernel ---------------------------------------------------
//
// Every panel of one page shares one monitor per widget manager (one kernel): it watches
// the kernel connection's own state (websocket up, kernel alive) and sends a heartbeat
// ("ping", answered at once by Python) every PING_MS. States:
//   "ok"    - the last heartbeat was answered;
//   "lost"  - the websocket is down or a heartbeat went unanswered: reconnecting;
//   "gone"  - the kernel died or was replaced: this page's state on the server is lost
//             and only a reload (same address: same session) brings it back.
// Each widget's bundle carries its own copy of this file, so the monitors live on `window`.
const PING_MS = 1500;
const PING_TIMEOUT_MS = 3000;
//: Heartbeats in a row without an answer (websocket up) before the page says "lost".
const MISSED_PINGS = 2;
//: A kernel that is up but has not answered a heartbeat for this long is gone.
const GONE_AFTER_MS = 45000;
//: No "accepted" or reply to a command within this long: say so instead of spinning.
const ACK_TIMEOUT_MS = 20000;

function kernelOf(model) {
  try {
    return (model.widget_manager && model.widget_manager.kernel) || null;
  } catch {
    return null;
  }
}

function monitorFor(model) {
  const manager = model.widget_manager || window;
  const all = (window.__adpMonitors = window.__adpMonitors || new WeakMap());
  if (all.has(manager)) return all.get(manager);
  const monitor = {
    state: "ok",
    listeners: new Set(),
    pingers: new Set(),
    lastAnswer: Date.now(),
    timer: null,
    set(state) {
      if (this.state === state || this.state === "gone") return;
      this.state = state;
      for (const fn of [...this.listeners]) fn(state);
    },
    kernelState() {
      const kernel = kernelOf(model);
      if (!kernel) return "unknown";
      if (kernel.isDisposed || kernel.status === "dead" || kernel.status === "restarting"
          || kernel.status === "autorestarting") return "gone";
      if (kernel.connectionStatus && kernel.connectionStatus !== "connected") return "lost";
      return kernel.status === "busy" ? "busy" : "ok";
    },
    tick() {
      const kernel = this.kernelState();
      if (kernel === "gone") { this.set("gone"); return; }
      if (kernel === "lost") {
        // No heartbeat while the websocket is down: the kernel connection would queue
        // them and send them all at once when it comes back.
        this.set("lost");
        if (Date.now() - this.lastAnswer > GONE_AFTER_MS) this.set("gone");
        return;
      }
      const pinger = [...this.pingers][0];
      if (!pinger) return;
      // One heartbeat at a time, at most one per PING_MS: kernel status changes call tick
      // too, and every answer makes the kernel busy and idle again, so without this they
      // would feed each other (a storm of heartbeats that slows the kernel down).
      if (this.pinging || Date.now() - (this.lastPing || 0) < PING_MS / 2) return;
      const sent = Date.now();
      this.lastPing = sent;
      let answered = false;
      const done = () => { if (this.pinging === sent) this.pinging = false; };
      this.pinging = sent;
      setTimeout(done, PING_TIMEOUT_MS);
      pinger.ping().then((answer) => {
        done();
        if (!answer || answer.ok === false) return; // given up on, not answered
        answered = true;
        this.missed = 0;
        this.lastAnswer = Date.now();
        this.set("ok");
      });
      setTimeout(() => {
        if (answered || this.state === "gone") return;
        // A notebook cell running in JupyterLab keeps the kernel busy: not a lost connection.
        if (this.kernelState() === "busy") return;
        // With the websocket up, one late answer is a slow kernel (drawing, a busy
        // machine), not a lost connection: only a second one in a row counts.
        this.missed = (this.missed || 0) + 1;
        if (this.missed < MISSED_PINGS) return;
        this.set("lost");
        if (Date.now() - this.lastAnswer > GONE_AFTER_MS && sent - this.lastAnswer > 0) {
          this.set("gone");
        }
      }, PING_TIMEOUT_MS);
    },
    start() {
      if (this.timer === null) this.timer = setInterval(() => this.tick(), PING_MS);
    },
    stopIfIdle() {
      if (this.pingers.size === 0 && this.listeners.size === 0 && this.timer !== null) {
        clearInterval(this.timer);
        this.timer = null;
      }
    },
  };
  const kernel = kernelOf(model);
  const react = () => monitor.tick();
  if (kernel && kernel.connectionStatusChanged) kernel.connectionStatusChanged.connect(react);
  if (kernel && kernel.statusChanged) kernel.statusChanged.connect(react);
  window.addEventListener("offline", () => monitor.set("lost"));
  all.set(manager, monitor);
  return monitor;
}

/** Send commands to Python; each reply is matched to its request by id.
 *
 * Nothing waits forever: a command must be accepted (or answered) within ACK_TIMEOUT_MS
 * while the connection is up, and every waiting request is answered with an error when
 * the kernel is gone. Long work is accepted at once and answered when it is done.
 */
export function connect(model) {
  const prefix = Math.random().toString(36).slice(2, 10);
  const waiting = new Map(); // id -> {resolve, timer}
  const monitor = monitorFor(model);
  let count = 0;
  const finish = (id, answer) => {
    const entry = waiting.get(id);
    if (!entry) return;
    clearTimeout(entry.timer);
    waiting.delete(id);
    entry.resolve(answer);
  };
  const arm = (id) => {
    const entry = waiting.get(id);
    if (!entry) return;
    clearTimeout(entry.timer);
    entry.timer = setTimeout(() => {
      if (monitor.state === "lost") { arm(id); return; } // the banner already says why
      finish(id, { ok: false, timeout: true, buffers: [],
        error: "The server did not answer within 20 seconds. It may still be working: "
          + "check the page in a moment, then try again if nothing changed." });
    }, ACK_TIMEOUT_MS);
  };
  const onReply = (msg, buffers) => {
    if (!msg || !waiting.has(msg.id)) return;
    if (msg.type === "accepted") {
      clearTimeout(waiting.get(msg.id).timer); // long work: the reply comes when it is done
    } else if (msg.type === "reply") {
      finish(msg.id, { ...msg, buffers: buffers || [] });
    }
  };
  let previous = monitor.state;
  const onState = (state) => {
    const back = state === "ok" && previous !== "ok";
    previous = state;
    // Back after an outage: updates sent meanwhile may be lost, so ask Python for the
    // whole state again; the views redraw from the model's traits, not from the DOM.
    if (back) model.send({ type: "sync" }, undefined, []);
    if (state !== "gone") return;
    for (const id of [...waiting.keys()]) {
      finish(id, { ok: false, gone: true, buffers: [],
        error: "The connection to the server ended before this finished." });
    }
  };
  model.on("msg:custom", onReply);
  monitor.listeners.add(onState);
  const python = {
    /** Send a command; `id` may be given to resend the same request (Python runs it once). */
    send(type, fields = {}, buffers = [], id = null) {
      const rid = id || `${prefix}:${++count}`;
      if (monitor.state === "gone") {
        return Promise.resolve({ ok: false, gone: true, buffers: [],
          error: "This page is no longer connected to the server; reload it." });
      }
      return new Promise((resolve) => {
        waiting.set(rid, { resolve, timer: null });
        arm(rid);
        model.send({ type, id: rid, ...fields }, undefined, buffers);
      });
    },
    newId() {
      return `${prefix}:${++count}`;
    },
    ping() {
      const rid = `${prefix}:p${++count}`;
      return new Promise((resolve) => {
        waiting.set(rid, { resolve, timer: null });
        // Unanswered pings are dropped by the monitor's own timeout; forget them later.
        setTimeout(() => finish(rid, { ok: false }), PING_TIMEOUT_MS * 4);
        model.send({ type: "ping", id: rid }, undefined, []);
      });
    },
    close() {
      model.off("msg:custom", onReply);
      monitor.listeners.delete(onState);
      monitor.pingers.delete(python);
      for (const entry of waiting.values()) clearTimeout(entry.timer);
      waiting.clear();
      monitor.stopIfIdle();
    },
  };
  monitor.pingers.add(python);
  monitor.start();
  return python;
}

const CONNECTION_TEXT = {
  lost: "Connection lost, reconnecting… What you typed is kept.",
  gone: "This page lost its connection to the server for good (the server or its kernel "
    + "stopped). Reload to carry on where you were: your ad and its stage are saved.",
};

/** A banner for the connection state, and `onChange(state)` so a widget can disable
 * the controls that need the kernel. Returns {node, state(), dispose}. */
export function connectionBanner(model, onChange = () => {}) {
  const monitor = monitorFor(model);
  const text = h("span", { class: "adp-conn-text" });
  const reload = h("button", { class: "adp-button adp-primary", type: "button", text: "Reload page",
    onclick: () => window.location.reload() });
  const node = h("div", { class: "adp-conn", role: "alert", hidden: true }, [text, reload]);
  // One banner a page says it (the first widget drawn: the app's header); every widget
  // still disables its own controls through onChange.
  monitor.banners = monitor.banners || [];
  const me = {};
  monitor.banners.push(me);
  const update = (state) => {
    node.hidden = state === "ok" || monitor.banners[0] !== me;
    node.dataset.state = state;
    text.textContent = CONNECTION_TEXT[state] || "";
    reload.hidden = state !== "gone";
    onChange(state);
  };
  me.update = update;
  monitor.listeners.add(update);
  update(monitor.state);
  return {
    node,
    state: () => monitor.state,
    dispose() {
      monitor.listeners.delete(update);
      monitor.banners = monitor.banners.filter((b) => b !== me);
      if (monitor.banners[0]) monitor.banners[0].update(monitor.state);
      monitor.stopIfIdle();
    },
  };
}

/** The `error` trait as a banner, with Retry when Python says it can help. */
export function errorBanner(model, python) {
  const text = h("span", { class: "adp-error-text" });
  const retry = h("button", { class: "adp-button", type: "button", text: "Retry",
    "aria-label": "Retry the failed action", onclick: () => python.send("retry") });
  const dismiss = h("button", { class: "adp-button adp-quiet", type: "button", text: "Dismiss",
    "aria-label": "Dismiss the error message", onclick: () => {
      dismissed = model.get("error") || "";
      node.hidden = true;
    } });
  const node = h("div", { class: "adp-error", role: "alert", hidden: true }, [text, retry, dismiss]);
  let dismissed = ""; // a dismissed message stays dismissed until another one comes
  const update = () => {
    const message = model.get("error") || "";
    if (message !== dismissed) dismissed = "";
    text.textContent = message;
    node.hidden = !message || message === dismissed;
    retry.hidden = !model.get("can_retry");
    retry.disabled = Boolean(model.get("busy"));
  };
  model.on("change:error", update);
  model.on("change:can_retry", update);
  model.on("change:busy", update);
  update();
  return {
    node,
    dispose() {
      for (const name of ["error", "can_retry", "busy"]) model.off(`change:${name}`, update);
    },
  };
}

/** While the connection is not "ok", disable the controls under `root` that need the
 * kernel (buttons, selects, sliders); text boxes stay editable so nothing typed is lost.
 * When it is back, they get their own state again (`redraw` is the widget's draw). */
export function offlineGuard(model, root, redraw = () => {}) {
  const monitor = monitorFor(model);
  const apply = (state) => {
    root.classList.toggle("adp-offline", state !== "ok");
    if (state === "ok") {
      for (const node of root.querySelectorAll("[data-adp-offline]")) {
        node.removeAttribute("data-adp-offline");
        node.disabled = false;
      }
      redraw();
      return;
    }
    const controls = root.querySelectorAll(
      "button, select, input[type=range], input[type=checkbox], input[type=file]");
    for (const node of controls) {
      if (node.closest(".adp-conn") || node.closest(".adp-error") || node.disabled) continue;
      node.disabled = true;
      node.setAttribute("data-adp-offline", "");
    }
  };
  monitor.listeners.add(apply);
  if (monitor.state !== "ok") apply(monitor.state);
  return () => {
    monitor.listeners.delete(apply);
    monitor.stopIfIdle();
  };
}
