// The story panel: title, framework and why, the scenes with their time ranges,
// voiceover and on-screen text, the full voiceover and the call to action. A scene's
// text is edited in place; Save asks Python for StoryStage.edit_scene (a new version).
// Model text is only ever set with textContent (a story may contain <script>).

import { h, connect, errorBanner, offlineGuard } from "./_shared.js";

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
  const unguard = offlineGuard(model, root); // no kernel: its buttons wait
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
        // What was read from the brief, so a wrong field can be corrected in the chat.
        ...(story.understood ? [h("p", { class: "adp-story-understood",
          text: `Understood from your brief: ${story.understood}. Correct any field in the chat ("the product is called …").` })] : []),
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
    unguard();
    python.close();
  };
}

export default {
  initialize() {
    return () => {};
  },
  render,
};
