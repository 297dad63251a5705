// The mask painter's toolbar. The canvas under it is ipycanvas (mouse events go to Python,
// which keeps the stroke points and rasterises the mask at full resolution per stroke).
// Here: brush / eraser, brush size, undo, clear, the prompt and Generate, then a
// before/after slider with Use this and Revert. Tool and size are sent as commands and
// checked in Python; the traits only show Python's state.

import { h, connect, errorBanner, offlineGuard } from "./_shared.js";

function render({ model, el }) {
  const python = connect(model);
  const banner = errorBanner(model, python);
  const title = h("h3", { class: "adp-painter-title" });
  const size = h("p", { class: "adp-painter-size" });
  const brush = h("button", { class: "adp-button adp-tool", type: "button", text: "Brush",
    "aria-label": "Brush tool for selection" });
  const eraser = h("button", { class: "adp-button adp-tool", type: "button", text: "Eraser",
    "aria-label": "Eraser tool to remove selection" });
  const sizeInput = h("input", { type: "range", min: "4", max: "120", step: "2",
    "aria-label": "Brush size in pixels" });
  const sizeValue = h("output", { class: "adp-size-value" });
  const undo = h("button", { class: "adp-button", type: "button", text: "Undo",
    "aria-label": "Undo the last stroke" });
  const clear = h("button", { class: "adp-button", type: "button", text: "Clear",
    "aria-label": "Clear the whole mask" });
  // Keyboard masks: a rectangle or ellipse placed on the image, moved with the arrow
  // keys, sized with Shift+arrows, added with Enter (Escape drops it; Escape again closes).
  const rect = h("button", { class: "adp-button adp-tool", type: "button", text: "Rectangle",
    "aria-label": "Rectangle: place one with the keyboard" });
  const ellipse = h("button", { class: "adp-button adp-tool", type: "button", text: "Ellipse",
    "aria-label": "Ellipse: place one with the keyboard" });
  const toolbar = h("div", { class: "adp-toolbar", role: "toolbar", "aria-label": "Mask tools" }, [
    brush, eraser, h("label", { class: "adp-size" }, ["Brush size ", sizeInput, sizeValue]), undo, clear,
    rect, ellipse,
  ]);
  const shapeHelp = h("p", { class: "adp-shape-help", role: "status", "aria-live": "polite" });
  const status = h("p", { class: "adp-painter-status", role: "status" });
  const prompt = h("input", { class: "adp-input", type: "text", maxlength: "1000",
    placeholder: "Describe it, e.g. a red sports car",
    "aria-label": "Describe the change for the painted area" });
  const generate = h("button", { class: "adp-button adp-primary", type: "submit", text: "Generate",
    "aria-label": "Generate the edit in the painted area" });
  const form = h("form", { class: "adp-painter-form" }, [prompt, generate]);
  const split = h("input", { type: "range", min: "0", max: "100", step: "1",
    "aria-label": "Compare before and after: before on the left, after on the right" });
  const use = h("button", { class: "adp-button adp-primary", type: "button", text: "Use this",
    "aria-label": "Use this edited image" });
  const revert = h("button", { class: "adp-button", type: "button", text: "Revert",
    "aria-label": "Revert to the previous version" });
  const compare = h("div", { class: "adp-compare" }, [
    h("label", { class: "adp-split" }, [h("span", { text: "Before" }), split,
      h("span", { text: "After" })]),
    use, revert,
  ]);
  const close = h("button", { class: "adp-button adp-quiet", type: "button", text: "Close",
    "aria-label": "Close the painter without generating" });
  const root = h("section", { class: "adp adp-painter-controls", "data-lm-suppress-shortcuts": "true" }, [
    h("div", { class: "adp-painter-head" }, [title, close]), size, toolbar, shapeHelp, status, form,
    compare,
    banner.node,
  ]);
  el.append(root);
  const unguard = offlineGuard(model, root); // no kernel: its buttons wait
  let lastSplitSent = 0;

  // ipywidgets cannot put ARIA attributes on the ipycanvas element below this toolbar, so
  // name it from here once it is in the page (it may render after the toolbar).
  let labelTries = 0;
  const labelTimer = setInterval(() => {
    const canvas = root.closest(".adp-painter")?.querySelector("canvas.adp-painter-canvas");
    if (canvas) {
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label",
        `${model.get("label") || "Image"} with the mask painted so far: drag with the mouse to `
        + "paint, or choose Rectangle or Ellipse to place a shape with the keyboard");
    }
    if (canvas || ++labelTries > 50) clearInterval(labelTimer);
  }, 100);

  let shape = null; // {kind, x, y, w, h} in the canvas's own pixels
  const outline = h("div", { class: "adp-shape-outline", "aria-hidden": "true", hidden: true });

  function canvasEl() {
    const painter = root.closest(".adp-painter");
    const all = painter ? [...painter.querySelectorAll("canvas")] : [];
    return all[all.length - 1] || null; // the top layer gets the events
  }

  function showShape() {
    const canvas = canvasEl();
    if (!shape || !canvas) {
      outline.hidden = true;
      shapeHelp.textContent = "";
      return;
    }
    const box = canvas.getBoundingClientRect();
    const host = canvas.parentElement;
    if (outline.parentElement !== host) {
      host.style.position = "relative";
      host.append(outline);
    }
    const sx = box.width / canvas.width;
    const sy = box.height / canvas.height;
    const offset = host.getBoundingClientRect();
    Object.assign(outline.style, {
      left: `${box.left - offset.left + shape.x * sx}px`, top: `${box.top - offset.top + shape.y * sy}px`,
      width: `${shape.w * sx}px`, height: `${shape.h * sy}px`,
      borderRadius: shape.kind === "ellipse" ? "50%" : "0",
    });
    outline.hidden = false;
    shapeHelp.textContent = `${shape.kind === "ellipse" ? "Ellipse" : "Rectangle"} at `
      + `${Math.round(shape.x)}, ${Math.round(shape.y)}, ${Math.round(shape.w)} × ${Math.round(shape.h)} px. `
      + "Arrow keys move it, Shift+arrows size it, Enter adds it to the mask, Escape drops it.";
  }

  function placeShape(kind) {
    const canvas = canvasEl();
    if (!canvas) return;
    const w = Math.round(canvas.width / 4);
    const hgt = Math.round(canvas.height / 4);
    shape = { kind, x: Math.round((canvas.width - w) / 2), y: Math.round((canvas.height - hgt) / 2),
      w, h: hgt };
    showShape();
    canvas.focus();
  }

  function dropShape() {
    shape = null;
    showShape();
  }

  // Capture phase, on the document: runs before ipycanvas's own key handler (which would
  // swallow every key, Tab included), so Tab and Shift+Tab always leave the canvas. On the
  // document because the painter's box around this toolbar and the canvas may not be in
  // the page yet when this renders; only keys from inside this painter are handled.
  function onKeys(event) {
    const painter = root.closest(".adp-painter");
    if (!painter || !(event.target instanceof Node) || !painter.contains(event.target)) return;
    const canvas = canvasEl();
    const onCanvas = canvas && event.target === canvas;
    if (event.key === "Tab") {
      if (onCanvas) event.stopPropagation(); // let the browser move focus on
      return;
    }
    if (event.key === "Escape") {
      event.stopPropagation();
      event.preventDefault();
      if (shape) { dropShape(); return; }
      closePainter();
      return;
    }
    if (!onCanvas) return;
    event.stopPropagation();
    if (!shape) return;
    const step = 8;
    const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    if (event.key in moves) {
      event.preventDefault();
      const [dx, dy] = moves[event.key];
      if (event.shiftKey) {
        shape.w = Math.max(4, Math.min(canvas.width, shape.w + dx));
        shape.h = Math.max(4, Math.min(canvas.height, shape.h + dy));
      } else {
        shape.x = Math.max(-shape.w / 2, Math.min(canvas.width - shape.w / 2, shape.x + dx));
        shape.y = Math.max(-shape.h / 2, Math.min(canvas.height - shape.h / 2, shape.y + dy));
      }
      showShape();
    } else if (event.key === "Enter") {
      event.preventDefault();
      const { kind, x, y, w, h: height } = shape;
      dropShape();
      python.send("shape", { kind, x, y, width: w, height });
    }
  }

  function closePainter() {
    const label = model.get("label") || "";
    python.send("close");
    // Back to the Edit button that opened the painter (or the stage heading). The gallery
    // redraws once the painter is gone, so keep putting focus back while it has fallen to
    // the page, for a few seconds; stop as soon as the reviewer has moved it elsewhere.
    const started = Date.now();
    let landed = null;
    const editButton = () => [...document.querySelectorAll("button")]
      .find((b) => b.getAttribute("aria-label") === `Edit part of ${label} with a mask`
                   && !b.disabled && b.offsetParent !== null);
    const back = () => {
      const active = document.activeElement;
      const lost = !active || active === document.body || !active.isConnected;
      if (!lost && landed !== null && active !== landed) return; // the reviewer moved on
      const button = editButton();
      if (lost || (button && active === landed && landed !== button)) {
        landed = button || document.querySelector(".adp-stagebar-title");
        if (landed && landed.tagName !== "BUTTON") landed.setAttribute("tabindex", "-1");
        if (landed) landed.focus();
      }
      if (Date.now() - started < 3000) setTimeout(back, 100);
    };
    setTimeout(back, 100);
  }

  document.addEventListener("keydown", onKeys, true);

  function draw() {
    const phase = model.get("phase");
    const busy = model.get("busy");
    const reviewing = model.get("reviewing");
    const dims = model.get("size") || {};
    const painting = phase === "paint";
    title.textContent = `Edit part of ${model.get("label") || "the image"}`;
    // "Shown at" is what the page really draws (CSS may shrink the canvas further).
    const drawn = canvasEl() && canvasEl().getBoundingClientRect();
    const shownW = drawn && drawn.width ? Math.round(drawn.width) : dims.shown_width;
    const shownH = drawn && drawn.width ? Math.round(drawn.height) : dims.shown_height;
    size.textContent = dims.width
      ? `${dims.width} × ${dims.height} px` + (shownW !== dims.width
        ? `, shown at ${shownW} × ${shownH}` : "")
      : "";
    const tool = model.get("tool");
    brush.setAttribute("aria-pressed", String(tool === "brush"));
    eraser.setAttribute("aria-pressed", String(tool === "eraser"));
    if (document.activeElement !== sizeInput) sizeInput.value = String(model.get("brush_size"));
    sizeValue.textContent = `${model.get("brush_size")} px`;
    const strokes = model.get("strokes");
    const off = busy || !reviewing;
    for (const node of [brush, eraser, sizeInput, rect, ellipse]) node.disabled = off || !painting;
    if (off || !painting) dropShape();
    undo.disabled = off || !painting || strokes === 0;
    clear.disabled = off || !painting || strokes === 0;
    toolbar.hidden = !painting;
    form.hidden = !painting;
    prompt.disabled = off;
    generate.disabled = off || !model.get("painted");
    compare.hidden = painting;
    use.disabled = busy;
    revert.disabled = busy;
    if (document.activeElement !== split) split.value = String(Math.round(model.get("split") * 100));
    if (busy && phase === "paint") {
      status.textContent = "Generating the edit ...";
    } else if (!painting) {
      status.textContent = `Edited: "${model.get("prompt")}". Drag the slider to compare, then keep it or revert.`;
    } else if (!reviewing) {
      status.textContent = "This stage is not under review; reopen it to edit.";
    } else {
      status.textContent = model.get("painted")
        ? `${strokes} stroke${strokes === 1 ? "" : "s"} painted. Describe the change and press Generate.`
        : "Paint over the area to change on the image below.";
    }
  }

  function sendSplit(force) {
    const now = performance.now();
    if (!force && now - lastSplitSent < 80) return; // each one redraws the canvas in Python
    lastSplitSent = now;
    python.send("compare", { split: Number(split.value) / 100 });
  }

  async function onGenerate(event) {
    event.preventDefault();
    const text = prompt.value.trim();
    if (!text) {
      prompt.focus();
      return;
    }
    await python.send("generate", { prompt: text });
  }

  const listeners = [
    [brush, "click", () => python.send("set_tool", { tool: "brush" })],
    [eraser, "click", () => python.send("set_tool", { tool: "eraser" })],
    [sizeInput, "input", () => { sizeValue.textContent = `${sizeInput.value} px`; }],
    [sizeInput, "change", () => python.send("set_size", { size: Number(sizeInput.value) })],
    [undo, "click", () => python.send("undo")],
    [clear, "click", () => python.send("clear")],
    [form, "submit", onGenerate],
    [split, "input", () => sendSplit(false)],
    [split, "change", () => sendSplit(true)],
    [use, "click", () => python.send("use")],
    [revert, "click", () => python.send("revert")],
    [close, "click", closePainter],
    [rect, "click", () => placeShape("rectangle")],
    [ellipse, "click", () => placeShape("ellipse")],
  ];
  listeners.push([window, "resize", () => { draw(); showShape(); }]);
  for (const [node, type, fn] of listeners) node.addEventListener(type, fn);
  const names = ["label", "size", "tool", "brush_size", "strokes", "painted", "phase", "split",
    "prompt", "reviewing", "busy"];
  for (const name of names) model.on(`change:${name}`, draw);
  draw();
  return () => {
    clearInterval(labelTimer);
    document.removeEventListener("keydown", onKeys, true);
    outline.remove();
    for (const [node, type, fn] of listeners) node.removeEventListener(type, fn);
    for (const name of names) model.off(`change:${name}`, draw);
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
