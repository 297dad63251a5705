// The start page of the review app: a form that starts a new ad, and links to the
// recent ones. Python checks what the form sends (ui/start_page.py).

import { h } from "./_shared.js";

const SHAPES = [["", "From the brief (else 16:9)"], ["16:9", "16:9 landscape"],
                ["9:16", "9:16 vertical"], ["1:1", "1:1 square"]];

function render({ model, el }) {
  const uid = Math.random().toString(36).slice(2, 8);
  const notice = h("div", { class: "adp-start-notice", role: "alert" });
  const brief = h("textarea", { id: `adp-brief-${uid}`, class: "adp-start-input", rows: 3,
    maxlength: 4000, placeholder: "30 s ad for Aurora, a reusable water bottle" });
  const duration = h("input", { id: `adp-duration-${uid}`, class: "adp-start-input",
    type: "number", min: 5, max: 180, step: 1, inputmode: "numeric",
    placeholder: "From the brief (else 30)" });
  const aspect = h("select", { id: `adp-aspect-${uid}`, class: "adp-start-input" },
    SHAPES.map(([value, text]) => h("option", { value, text })));
  const start = h("button", { class: "adp-button adp-primary", type: "submit", text: "Start",
    "aria-label": "Start a new ad from this brief" });
  const status = h("p", { class: "adp-start-status", role: "status", "aria-live": "polite" });
  const error = h("p", { class: "adp-start-error", role: "alert" });
  const send = () => model.send({ type: "start", brief: brief.value,
    duration: duration.value, aspect: aspect.value });
  const form = h("form", { class: "adp-start-form", "aria-label": "Start a new ad",
    onsubmit: (event) => { event.preventDefault(); if (!model.get("busy")) send(); } }, [
    h("div", { class: "adp-start-field" }, [
      h("label", { for: brief.id, text: "Brief" }), brief,
      h("span", { class: "adp-start-hint", text: "What the ad is for. Ctrl+Enter starts." }),
    ]),
    h("div", { class: "adp-start-row" }, [
      h("div", { class: "adp-start-field" }, [
        h("label", { for: duration.id, text: "Length in seconds" }), duration]),
      h("div", { class: "adp-start-field" }, [
        h("label", { for: aspect.id, text: "Frame shape" }), aspect]),
    ]),
    h("div", { class: "adp-start-actions" }, [start, status]),
    error,
  ]);
  // "Write a brief first" and "too short" go away as soon as the brief is right.
  brief.addEventListener("input", () => {
    const length = brief.value.trim().length;
    const said = error.textContent;
    if ((said.startsWith("Write a brief first") && length > 0)
        || (said.startsWith("The brief is too short") && length >= 3)) {
      error.textContent = "";
      error.hidden = true;
    }
  });
  brief.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  const list = h("ul", { class: "adp-start-list" });
  const none = h("p", { class: "adp-start-hint", text: "No ads yet: the first one you start appears here." });
  const recent = h("section", { class: "adp-start-recent", "aria-label": "Recent ads" }, [
    h("h2", { text: "Recent ads" }), list, none]);
  const root = h("div", { class: "adp adp-start" }, [
    notice,
    h("h1", { text: "Make a video ad" }),
    h("p", { class: "adp-start-intro", text: "Describe the ad. The story is written first; "
      + "you review each stage (story, images, storyboard, video) before the next is made." }),
    form, recent,
  ]);
  el.append(root);

  function draw() {
    const busy = Boolean(model.get("busy"));
    notice.textContent = model.get("notice") || "";
    notice.hidden = !notice.textContent;
    for (const input of [brief, duration, aspect, start]) input.disabled = busy;
    start.textContent = busy ? "Starting…" : "Start";
    status.textContent = model.get("status") || "";
    error.textContent = model.get("error") || "";
    error.hidden = !error.textContent;
    const rows = model.get("recent") || [];
    list.replaceChildren(...rows.map((row) => h("li", {}, [
      h("a", { href: `?session=${encodeURIComponent(row.id)}`, text: row.title }),
      h("span", { class: "adp-start-meta" }, [
        h("span", { text: `${row.stage} · ` }),
        h("time", { datetime: row.iso, text: row.when }),
      ]),
    ])));
    list.hidden = rows.length === 0;
    none.hidden = rows.length > 0;
  }
  const names = ["notice", "busy", "status", "error", "recent"];
  for (const name of names) model.on(`change:${name}`, draw);
  draw();
  return () => { for (const name of names) model.off(`change:${name}`, draw); };
}
export default { render };
