// The story panel: title, framework and why, the scenes with their time ranges,
// voiceover and on-screen text, the full voiceover and the call to action. A scene's
// text is edited in place; Save asks Python for StoryStage.edit_scene (a new version).
// Model text is only ever set with textContent (a story may contain <script>).

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

const FIELD_NAMES = { action: "what we see", voiceover: "voiceover", on_screen_text: "on-screen text" };

function seconds(value) {
  return `${Number(value).toFixed(1)} s`;
}

function render({ model, el }) {
  const python = connect(model);
  const banner = errorBanner(model, python);
  const root = h("article", { class: "adp adp-story", "data-lm-suppress-shortcuts": "true" });
  const body = h("div", { class: "adp-story-body" });
  root.append(banner.node, body);
  el.append(root);
  // The scene field being edited survives redraws (a change from Python while typing).
  let editing = null; // {scene, field, draft, error}

  function cell(scene, field, label) {
    const td = h("td", { "data-label": label });
    const value = scene[field];
    const edited = (scene.edited || []).includes(field);
    if (editing && editing.scene === scene.index && editing.field === field) {
      td.append(editor(scene, field));
      return td;
    }
    td.append(h("span", { class: "adp-cell-text", text: value }));
    if (edited) td.append(h("span", { class: "adp-edited", text: "edited" }));
    if (field === "action") {
      td.append(h("span", { class: "adp-cell-detail",
        text: `${scene.setting}, ${scene.time_of_day} · ${scene.camera}` }));
    }
    if (model.get("reviewing") && (model.get("editable") || []).includes(field)) {
      td.append(h("button", {
        class: "adp-button adp-edit", type: "button", text: "Edit",
        "aria-label": `Edit ${FIELD_NAMES[field]} of scene ${scene.index}`,
        disabled: model.get("busy"),
        onclick: () => {
          editing = { scene: scene.index, field, draft: value, error: "" };
          draw();
          root.querySelector("textarea")?.focus();
        },
      }));
    }
    return td;
  }

  function editor(scene, field) {
    const area = h("textarea", {
      class: "adp-textarea", rows: "3", maxlength: "600",
      "aria-label": `${FIELD_NAMES[field]} of scene ${scene.index}`,
    });
    area.value = editing.draft;
    area.addEventListener("input", () => { editing.draft = area.value; });
    const saveButton = h("button", { class: "adp-button adp-primary", type: "button",
      text: "Save", "aria-label": `Save ${FIELD_NAMES[field]} of scene ${scene.index} as a new version` });
    const save = async () => {
      const mine = editing;
      saveButton.disabled = true;
      const reply = await python.send("edit_scene",
        { scene: mine.scene, field: mine.field, text: area.value });
      if (editing !== mine) return;
      if (reply.ok) {
        editing = null;
      } else {
        editing.error = reply.error;
      }
      draw();
    };
    saveButton.addEventListener("click", save);
    const cancel = () => { editing = null; draw(); };
    area.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); save(); }
      if (event.key === "Escape") { event.preventDefault(); event.stopPropagation(); cancel(); }
    });
    return h("div", { class: "adp-editor" }, [
      area,
      editing.error ? h("p", { class: "adp-field-error", role: "alert", text: editing.error }) : null,
      h("div", { class: "adp-editor-actions" }, [
        saveButton,
        h("button", { class: "adp-button", type: "button", text: "Cancel",
          "aria-label": "Cancel editing", onclick: cancel }),
      ]),
    ]);
  }

  function draw() {
    const story = model.get("story") || {};
    const focused = document.activeElement;
    const hadFocus = focused && root.contains(focused) && focused.tagName === "TEXTAREA";
    if (!story.title) {
      body.replaceChildren(h("p", { class: "adp-empty",
        text: model.get("busy") ? "Writing the story ..." : "No story yet." }));
      return;
    }
    const rows = (story.scenes || []).map((scene) => h("tr", {}, [
      h("th", { scope: "row", "data-label": "Scene" }, [
        h("span", { class: "adp-scene-number", text: `Scene ${scene.index}` }),
        h("span", { class: "adp-beat", text: scene.beat }),
      ]),
      h("td", { class: "adp-time", "data-label": "Time",
        text: `${seconds(scene.start_s)} – ${seconds(scene.end_s)}` }),
      cell(scene, "action", "What we see"),
      cell(scene, "voiceover", "Voiceover"),
      cell(scene, "on_screen_text", "On-screen text"),
    ]));
    body.replaceChildren(
      h("header", { class: "adp-story-header" }, [
        h("h2", { class: "adp-story-title", text: story.title }),
        h("p", { class: "adp-story-meta",
          text: `${story.framework} · ${story.tone} · ${seconds(story.duration_s)} · for ${story.audience}` }),
        h("p", { class: "adp-story-reason" }, [
          h("strong", { text: `Why ${story.framework}: ` }), story.framework_reason,
        ]),
      ]),
      h("div", { class: "adp-table-wrap" }, [
        h("table", { class: "adp-scenes" }, [
          h("caption", { class: "adp-sr-only", text: "Scenes of the story" }),
          h("thead", {}, [h("tr", {}, ["Scene", "Time", "What we see", "Voiceover",
            "On-screen text"].map((name) => h("th", { scope: "col", text: name })))]),
          h("tbody", {}, rows),
        ]),
      ]),
      h("section", { class: "adp-story-voiceover" }, [
        h("h3", { text: "Voiceover" }),
        h("p", { text: story.voiceover }),
      ]),
      h("p", { class: "adp-cta" }, [h("strong", { text: "Call to action: " }), story.cta]),
    );
    if (hadFocus) {
      const area = root.querySelector("textarea");
      if (area) { area.focus(); area.setSelectionRange(area.value.length, area.value.length); }
    }
  }

  for (const name of ["story", "reviewing", "busy", "editable"]) model.on(`change:${name}`, draw);
  draw();
  return () => {
    for (const name of ["story", "reviewing", "busy", "editable"]) model.off(`change:${name}`, draw);
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
