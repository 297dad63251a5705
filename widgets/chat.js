// The chat about one stage: the person's messages on the right, the assistant's on the
// left, each with its time; Enter sends (Shift+Enter for a new line) and a busy line shows
// while the assistant answers. The list is a polite live region and scrolls to the end.
//
// When the connection is lost, a message sent meanwhile waits in a queue (shown as
// "waits for the connection") and goes out once when it is back: each keeps its request
// id, and Python runs an id only once. What is typed is also kept in the tab's
// sessionStorage, so a reload (the only way back after the kernel is gone) finds it.

import { h, connect, connectionBanner, errorBanner } from "./_shared.js";

const WHO = { user: "You", assistant: "Assistant", system: "System" };
//: Typing pauses this long before what is in the box is told to Python.
const TYPED_MS = 250;

function render({ model, el }) {
  const python = connect(model);
  const banner = errorBanner(model, python);
  const heading = h("h3", { class: "adp-chat-title", id: `adp-chat-${Math.random().toString(36).slice(2)}` });
  const list = h("ol", { class: "adp-messages", "aria-labelledby": heading.id });
  const empty = h("p", { class: "adp-msg-empty",
    text: "Say what to change; the assistant replies with its plan." });
  const log = h("div", { class: "adp-log", role: "log", "aria-live": "polite",
    "aria-labelledby": heading.id, tabindex: "0" }, [list, empty]);
  const typing = h("p", { class: "adp-typing", role: "status" });
  const input = h("textarea", { class: "adp-chat-input", rows: "2",
    "aria-label": "Feedback message", placeholder: "e.g. make it more humorous" });
  const send = h("button", { class: "adp-button adp-primary", type: "submit", text: "Send",
    "aria-label": "Send feedback" });
  const form = h("form", { class: "adp-chat-form" }, [input, send]);
  const root = h("section", { class: "adp adp-chat", "aria-labelledby": heading.id,
    "data-lm-suppress-shortcuts": "true" }, [heading, log, typing, form, banner.node]);
  el.append(root);
  let sending = null; // {text, id} of the message waiting for its answer
  const queue = []; // [{text, id}] typed while the connection was lost
  let online = true;
  let gone = false; // for good: nothing typed now could be sent (the banner offers a reload)
  const connection = connectionBanner(model, (state) => {
    online = state === "ok";
    gone = state === "gone";
    if (state === "ok") flush();
    if (state === "gone") {
      // Nothing more can be sent from this page: put the queued text back in the box.
      const left = queue.splice(0).map((m) => m.text);
      if (left.length) input.value = [...left, input.value].filter(Boolean).join("\n");
      remember();
    }
    draw();
  });
  const storeKey = () => `adp-chat:${window.location.search}:${model.get("stage_label")}`;
  // Python keeps what is typed too (not per key: once typing pauses), so text in the box
  // is carried to the next stage if another window moves the session on meanwhile.
  let typedTimer = null;
  function tellTyped() {
    clearTimeout(typedTimer);
    typedTimer = null;
    if (model.get("typed") === input.value) return;
    model.set("typed", input.value);
    model.save_changes();
  }
  function remember() {
    clearTimeout(typedTimer);
    typedTimer = setTimeout(tellTyped, TYPED_MS);
    try {
      const text = [...queue.map((m) => m.text), input.value].filter(Boolean).join("\n");
      if (text) window.sessionStorage.setItem(storeKey(), text);
      else window.sessionStorage.removeItem(storeKey());
    } catch { /* storage may be off: the box still keeps it */ }
  }
  try {
    const kept = window.sessionStorage.getItem(storeKey());
    if (kept && !input.value) input.value = kept;
  } catch { /* no storage */ }

  function bubble(message, note = "") {
    const tag = message.item === null || message.item === undefined
      ? null : h("span", { class: "adp-msg-item", text: `item ${message.item + 1}` });
    return h("li", { class: `adp-msg adp-${message.role}${note ? " adp-msg-pending" : ""}` }, [
      h("span", { class: "adp-sr-only", text: `${WHO[message.role] || message.role} said: ` }),
      h("div", { class: "adp-bubble", text: message.text }),
      h("div", { class: "adp-msg-meta" }, [
        tag,
        note ? h("span", { text: note }) : h("time", { datetime: message.iso, text: message.time }),
      ]),
    ]);
  }

  function draw() {
    const messages = model.get("messages") || [];
    heading.textContent = `Chat about the ${model.get("stage_label") || "stage"}`;
    const items = messages.map((m) => bubble(m));
    if (sending !== null) items.push(bubble({ role: "user", text: sending.text, item: null }, "sending…"));
    for (const waiting of queue) {
      items.push(bubble({ role: "user", text: waiting.text, item: null },
        "waits for the connection"));
    }
    list.replaceChildren(...items);
    list.hidden = items.length === 0;
    empty.hidden = items.length > 0;
    log.scrollTop = log.scrollHeight;
    const open = model.get("reviewing");
    const busy = model.get("busy");
    typing.hidden = sending === null || !online;
    typing.replaceChildren(h("span", { class: "adp-dots", "aria-hidden": "true" }),
      "Assistant is answering…");
    input.disabled = !open; // typing stays possible while the connection is lost
    input.maxLength = model.get("max_chars") || 2000;
    send.disabled = !open || busy || sending !== null || gone;
    send.textContent = online || gone ? "Send" : "Send when back";
    input.placeholder = open ? "e.g. make it more humorous"
      : "This stage is not under review; reopen it to give feedback.";
  }

  async function deliver(message) {
    sending = message;
    draw();
    const reply = await python.send("send", { text: message.text }, [], message.id);
    sending = null;
    if (!reply.ok) {
      // Keep what they wrote; the banner says why.
      input.value = [message.text, input.value].filter((t) => t && t !== message.text).join("\n")
        || message.text;
    }
    remember();
    draw();
    flush();
  }

  function flush() {
    if (!online || sending !== null || queue.length === 0) return;
    deliver(queue.shift());
  }

  function submit(event) {
    event.preventDefault();
    const text = input.value.trim();
    if (!text || send.disabled) return;
    input.value = "";
    tellTyped();
    const message = { text, id: python.newId() };
    if (online) deliver(message);
    else {
      queue.push(message);
      remember();
      draw();
    }
    input.focus();
  }

  function onKey(event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) submit(event);
  }

  function onDraft() {
    const draft = model.get("draft") || {};
    if (!draft.text) return;
    if (!input.value.includes(draft.text)) {
      input.value = [input.value, draft.text].filter(Boolean).join("\n");
    }
    remember();
  }

  form.addEventListener("submit", submit);
  input.addEventListener("keydown", onKey);
  input.addEventListener("input", remember);
  const names = ["messages", "reviewing", "busy", "stage_label", "max_chars"];
  for (const name of names) model.on(`change:${name}`, draw);
  model.on("change:draft", onDraft);
  onDraft();
  draw();
  return () => {
    form.removeEventListener("submit", submit);
    input.removeEventListener("keydown", onKey);
    input.removeEventListener("input", remember);
    clearTimeout(typedTimer);
    for (const name of names) model.off(`change:${name}`, draw);
    model.off("change:draft", onDraft);
    connection.dispose();
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
