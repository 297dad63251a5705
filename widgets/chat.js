// The chat about one stage: the person's messages on the right, the assistant's on the
// left, each with its time; Enter sends (Shift+Enter for a new line) and a busy line shows
// while the assistant answers. The list is a polite live region and scrolls to the end.
// Shared helpers (h, ...) come from _shared.js, joined in front of this file by
// adpipeline/ui/_files.py.

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
