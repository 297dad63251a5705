// Helpers every widget uses. adpipeline/ui/_files.py puts this file in front of each
// widget's own module (anywidget loads one module per widget, without relative imports).

/** Build an element. Text goes in as textContent, never as HTML. */
function h(tag, props = {}, children = []) {
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

/** Send commands to Python; each reply is matched to its request by id. */
function connect(model) {
  const prefix = Math.random().toString(36).slice(2, 10);
  const waiting = new Map();
  let count = 0;
  const onReply = (msg, buffers) => {
    if (msg && msg.type === "reply" && waiting.has(msg.id)) {
      waiting.get(msg.id)({ ...msg, buffers: buffers || [] });
      waiting.delete(msg.id);
    }
  };
  model.on("msg:custom", onReply);
  return {
    send(type, fields = {}, buffers = []) {
      const id = `${prefix}:${++count}`;
      return new Promise((resolve) => {
        waiting.set(id, resolve);
        model.send({ type, id, ...fields }, undefined, buffers);
      });
    },
    close() {
      model.off("msg:custom", onReply);
      waiting.clear();
    },
  };
}

/** The `error` trait as a banner, with Retry when Python says it can help. */
function errorBanner(model, python) {
  const text = h("span", { class: "adp-error-text" });
  const retry = h("button", { class: "adp-button", type: "button", text: "Retry",
    "aria-label": "Retry the failed action", onclick: () => python.send("retry") });
  const dismiss = h("button", { class: "adp-button adp-quiet", type: "button", text: "Dismiss",
    "aria-label": "Dismiss the error message", onclick: () => { node.hidden = true; } });
  const node = h("div", { class: "adp-error", role: "alert", hidden: true }, [text, retry, dismiss]);
  const update = () => {
    const message = model.get("error") || "";
    text.textContent = message;
    node.hidden = !message;
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
