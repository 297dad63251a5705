// The chat about one stage: the person's messages on the right, the assistant's on the
// left, each with its time; Enter sends (Shift+Enter for a new line) and a busy line shows
// while the assistant answers. The list is a polite live region and scrolls to the end.

// --- shared helpers: identical in every widgets/*.js (tests/test_ui.py checks) ---

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

// --- end of shared helpers ---

const WHO = { user: "You", assistant: "Assistant", system: "System" };

function render({ model, el }) {
  const python = connect(model);
  const banner = errorBanner(model, python);
  const heading = h("h3", { class: "adp-chat-title", id: `adp-chat-${Math.random().toString(36).slice(2)}` });
  const list = h("ol", { class: "adp-messages", role: "log", "aria-live": "polite",
    "aria-labelledby": heading.id, tabindex: "0" });
  const typing = h("p", { class: "adp-typing", role: "status", hidden: true }, [
    h("span", { class: "adp-dots", "aria-hidden": "true" }), "Assistant is answering ...",
  ]);
  const input = h("textarea", { class: "adp-chat-input", rows: "2",
    "aria-label": "Feedback message", placeholder: "e.g. make it more humorous" });
  const send = h("button", { class: "adp-button adp-primary", type: "submit", text: "Send",
    "aria-label": "Send feedback" });
  const form = h("form", { class: "adp-chat-form" }, [input, send]);
  const root = h("section", { class: "adp adp-chat", "aria-labelledby": heading.id,
    "data-lm-suppress-shortcuts": "true" }, [heading, list, typing, form, banner.node]);
  el.append(root);
  let sending = null; // text of the message waiting for its answer

  function bubble(message, pending = false) {
    const tag = message.item === null || message.item === undefined
      ? null : h("span", { class: "adp-msg-item", text: `item ${message.item + 1}` });
    return h("li", { class: `adp-msg adp-${message.role}${pending ? " adp-msg-pending" : ""}` }, [
      h("span", { class: "adp-sr-only", text: `${WHO[message.role] || message.role} said: ` }),
      h("div", { class: "adp-bubble", text: message.text }),
      h("div", { class: "adp-msg-meta" }, [
        tag,
        pending ? h("span", { text: "sending ..." })
          : h("time", { datetime: message.iso, text: message.time }),
      ]),
    ]);
  }

  function draw() {
    const messages = model.get("messages") || [];
    heading.textContent = `Chat about the ${model.get("stage_label") || "stage"}`;
    const items = messages.map((m) => bubble(m));
    if (sending !== null) items.push(bubble({ role: "user", text: sending, item: null }, true));
    if (items.length === 0) {
      items.push(h("li", { class: "adp-msg-empty",
        text: "Say what to change; the assistant replies with its plan." }));
    }
    list.replaceChildren(...items);
    list.scrollTop = list.scrollHeight;
    const open = model.get("reviewing");
    const busy = model.get("busy");
    typing.hidden = sending === null;
    input.disabled = !open;
    input.maxLength = model.get("max_chars") || 2000;
    send.disabled = !open || busy || sending !== null;
    input.placeholder = open ? "e.g. make it more humorous"
      : "This stage is not under review; reopen it to give feedback.";
  }

  async function submit(event) {
    event.preventDefault();
    const text = input.value.trim();
    if (!text || sending !== null || send.disabled) return;
    sending = text;
    input.value = "";
    draw();
    const reply = await python.send("send", { text });
    sending = null;
    if (!reply.ok) input.value = text; // keep what they wrote; the banner says why
    draw();
    input.focus();
  }

  function onKey(event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) submit(event);
  }

  form.addEventListener("submit", submit);
  input.addEventListener("keydown", onKey);
  const names = ["messages", "reviewing", "busy", "stage_label", "max_chars"];
  for (const name of names) model.on(`change:${name}`, draw);
  draw();
  return () => {
    form.removeEventListener("submit", submit);
    input.removeEventListener("keydown", onKey);
    for (const name of names) model.off(`change:${name}`, draw);
    banner.dispose();
    python.close();
  };
}

export default {
  initialize() {
    return () => {};
  },
  render,
};
