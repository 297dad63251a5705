// The gallery of an image stage: a grid of 1 to 3 columns; select an image to enlarge it
// (arrow keys move, Escape closes), see its earlier versions and bring one back ("Use
// this version": Python checks it and saves it as a new version). Per image: Regenerate,
// Edit (opens the mask painter), Replace with my image (bytes go to Python, which checks
// them), feedback, a stale badge when its inputs changed. Images arrive as PNG bytes
// (DataView) and are shown through object URLs, never base64.

import { h, connect, errorBanner, offlineGuard } from "./_shared.js";

const SOURCE = { inpainted: "edited", uploaded: "your image" };

function render({ model, el }) {
  const python = connect(model);
  const banner = errorBanner(model, python);
  const hint = h("p", { class: "adp-gallery-hint" });
  const grid = h("ul", { class: "adp-grid" });
  const fileInput = h("input", { type: "file", accept: "image/png,image/jpeg,image/webp",
    hidden: true, "aria-hidden": "true", tabindex: "-1" });
  // The enlarged view: one dialog, arrow keys move between items, Escape closes.
  const bigImage = h("img", { class: "adp-lightbox-image" });
  const caption = h("figcaption", { class: "adp-lightbox-caption" });
  const history = h("ol", { class: "adp-history", "aria-label": "Versions of this image" });
  const historyStatus = h("p", { class: "adp-history-status", role: "status" });
  const previous = h("button", { class: "adp-button", type: "button", text: "‹ Previous",
    "aria-label": "Previous image" });
  const next = h("button", { class: "adp-button", type: "button", text: "Next ›",
    "aria-label": "Next image" });
  const closeButton = h("button", { class: "adp-button", type: "button", text: "Close",
    "aria-label": "Close the enlarged image" });
  const dialog = h("dialog", { class: "adp adp-dialog adp-lightbox",
    "aria-label": "Enlarged image", "data-lm-suppress-shortcuts": "true" }, [
    h("figure", {}, [bigImage, caption]),
    h("h4", { class: "adp-history-title", text: "Versions of this image" }),
    history,
    historyStatus,
    h("div", { class: "adp-dialog-actions" }, [previous, next, closeButton]),
  ]);
  const root = h("section", { class: "adp adp-gallery", "data-lm-suppress-shortcuts": "true" },
    [hint, banner.node, grid, fileInput, dialog]);
  el.append(root);
  const unguard = offlineGuard(model, root); // no kernel: its buttons wait

  let urls = []; // object URLs of the current images, revoked when replaced
  // The versions listed in the dialog: the last `history` reply for `item`, asked for
  // when the item's versions (its `history` in the items trait) were `key`; `wanted` is
  // the key last asked for. Until the two agree, "Use this version" is disabled.
  let past = { item: -1, key: "", wanted: "", entries: [], urls: [] };
  let pastRequests = 0;
  let shown = -1; // item in the dialog
  let working = -1; // item this view asked to change
  let replacing = -1; // item the file picker is for
  const drafts = new Map(); // feedback typed per item survives redraws

  function makeUrls() {
    for (const url of urls) URL.revokeObjectURL(url);
    urls = (model.get("images") || []).map((data) =>
      URL.createObjectURL(new Blob([data], { type: "image/png" })));
  }

  async function act(item, type, fields = {}, buffers = []) {
    working = item;
    draw();
    const reply = await python.send(type, { item, ...fields }, buffers);
    working = -1;
    draw();
    return reply;
  }

  function card(item) {
    const i = item.index;
    const reviewing = model.get("reviewing");
    const busy = model.get("busy");
    const off = busy || !reviewing;
    const count = item.history.length;
    const at = item.history.findIndex((entry) => entry.current);
    const thumb = h("button", { class: "adp-thumb", type: "button",
      "aria-label": `Enlarge ${item.label}`, onclick: () => openDialog(i) }, [
      h("img", { src: urls[i], alt: `${item.label}: ${item.prompt}`, width: item.width,
        height: item.height, loading: "lazy" }),
    ]);
    const badges = h("div", { class: "adp-badges" }, [
      item.stale ? h("span", { class: "adp-badge adp-badge-stale",
        text: "Stale: its reference images changed" }) : null,
      SOURCE[item.source] ? h("span", { class: "adp-badge", text: SOURCE[item.source] }) : null,
      working === i && busy ? h("span", { class: "adp-badge adp-badge-generating",
        role: "status", text: "Working ..." }) : null,
    ]);
    const input = h("input", { class: "adp-input", type: "text", maxlength: "2000",
      "aria-label": `Feedback on ${item.label}`, placeholder: "Feedback on this image",
      disabled: !reviewing });
    input.value = drafts.get(i) || "";
    input.addEventListener("input", () => drafts.set(i, input.value));
    const form = h("form", { class: "adp-item-feedback" }, [
      input,
      h("button", { class: "adp-button", type: "submit", text: "Send", disabled: off,
        "aria-label": `Send feedback on ${item.label}` }),
    ]);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const text = input.value.trim();
      if (!text) return;
      drafts.delete(i);
      await act(i, "feedback_item", { text });
    });
    return h("li", { class: `adp-card${item.stale ? " adp-card-stale" : ""}` }, [
      thumb,
      h("div", { class: "adp-card-body" }, [
        h("h4", { class: "adp-card-title", text: `${i + 1}. ${item.label}` }),
        badges,
        h("p", { class: "adp-card-version",
          text: count ? `Version ${at + 1 || count} of ${count}: ${item.note || item.history[at]?.note || ""}` : "" }),
        h("div", { class: "adp-card-actions" }, [
          h("button", { class: "adp-button", type: "button", text: "Regenerate", disabled: off,
            "aria-label": `Regenerate ${item.label} with feedback`,
            onclick: () => act(i, "regenerate_item") }),
          h("button", { class: "adp-button", type: "button", text: "Edit", disabled: off,
            "aria-label": `Edit part of ${item.label} with a mask`,
            onclick: () => python.send("edit_item", { item: i }) }),
          h("button", { class: "adp-button", type: "button", text: "Replace", disabled: off,
            "aria-label": `Replace ${item.label} with my image`,
            onclick: () => { replacing = i; fileInput.click(); } }),
        ]),
        form,
      ]),
    ]);
  }

  function draw() {
    const items = model.get("items") || [];
    const noun = model.get("kind") === "frame" ? "storyboard frames" : "reference images";
    hint.textContent = items.length
      ? `${items.length} ${noun} · select an image to enlarge it`
      : model.get("busy") ? `Drawing the ${noun} ...` : `No ${noun} yet.`;
    const focusedLabel = document.activeElement && root.contains(document.activeElement)
      ? document.activeElement.getAttribute("aria-label") : null;
    grid.replaceChildren(...items.map(card));
    // Keep keyboard focus on the same control across a redraw.
    if (focusedLabel) {
      for (const node of grid.querySelectorAll("[aria-label]")) {
        if (node.getAttribute("aria-label") === focusedLabel) { node.focus(); break; }
      }
    }
    if (dialog.open) showInDialog(Math.min(shown, items.length - 1));
  }

  function showInDialog(i) {
    const items = model.get("items") || [];
    if (i < 0 || i >= items.length) { dialog.close(); return; }
    shown = i;
    const item = items[i];
    bigImage.src = urls[i];
    bigImage.alt = `${item.label}: ${item.prompt}`;
    caption.textContent = `${i + 1} of ${items.length}. ${item.label}: ${item.prompt}`;
    previous.disabled = i === 0;
    next.disabled = i === items.length - 1;
    if (past.item !== i) {
      // Never list (or offer) one item's versions under another item's image.
      for (const url of past.urls) URL.revokeObjectURL(url);
      past = { item: i, key: "", wanted: "", entries: [], urls: [] };
      showStatus("");
    }
    const key = JSON.stringify(item.history);
    if (past.wanted !== key) loadHistory(i, key);
    drawHistory();
  }

  async function loadHistory(i, key) {
    past.wanted = key;
    const request = ++pastRequests;
    const reply = await python.send("history", { item: i });
    if (request !== pastRequests || past.item !== i) return; // a newer request, or moved on
    if (!reply.ok) {
      showStatus(`Could not load the versions of this image: ${reply.error}`, true);
      return;
    }
    for (const url of past.urls) URL.revokeObjectURL(url);
    past.urls = reply.buffers.map((data) =>
      URL.createObjectURL(new Blob([data], { type: "image/png" })));
    past.entries = reply.entries;
    past.key = key;
    drawHistory();
  }

  function showStatus(message, failed = false) {
    historyStatus.textContent = message;
    historyStatus.classList.toggle("adp-history-failed", failed);
  }

  function historyEntry(entry, k, off) {
    const n = entry.version + 1;
    const note = entry.note || "";
    const view = h("button", {
      class: `adp-history-item${entry.current ? " adp-history-current" : ""}`, type: "button",
      "aria-label": `Show version ${n}: ${note}`, "aria-current": entry.current ? "true" : undefined,
      "data-version": entry.version, onclick: () => { bigImage.src = past.urls[k]; },
    }, [
      h("img", { src: past.urls[k], alt: "" }),
      h("span", { text: `v${n}: ${note}` }),
    ]);
    let use;
    if (entry.current) {
      use = h("span", { class: "adp-history-mark adp-history-mark-current", text: "Current" });
    } else if (entry.same) { // an earlier copy of the current picture: nothing to bring back
      use = h("span", { class: "adp-history-mark", text: "Same as current" });
    } else {
      use = h("button", { class: "adp-button adp-history-use", type: "button",
        text: "Use this version", "aria-label": `Use this version (version ${n}) of the image`,
        "data-version": entry.version, disabled: off,
        onclick: () => useVersion(past.item, entry.version) });
    }
    return h("li", { class: "adp-history-entry" }, [view, use]);
  }

  function drawHistory() {
    const off = Boolean(model.get("busy")) || !model.get("reviewing") || working >= 0
      || past.key !== past.wanted;
    const focused = history.contains(document.activeElement) ? document.activeElement : null;
    const version = focused ? Number(focused.dataset.version) : NaN;
    const wasUse = Boolean(focused && focused.classList.contains("adp-history-use"));
    history.replaceChildren(...past.entries.map((entry, k) => historyEntry(entry, k, off)));
    if (!focused) return;
    // Keep keyboard focus on the same version; a disabled or gone button hands it to the
    // version's thumbnail next to it.
    const use = wasUse && history.querySelector(`.adp-history-use[data-version="${version}"]`);
    const view = history.querySelector(`.adp-history-item[data-version="${version}"]`);
    const target = use && !use.disabled ? use : view || closeButton;
    target.focus();
  }

  async function useVersion(i, version) {
    if (working >= 0 || model.get("busy")) return;
    showStatus(`Bringing back version ${version + 1} ...`);
    const reply = await act(i, "revert_item", { version });
    if (past.item !== i) return;
    if (reply.ok) showStatus(`Version ${version + 1} is back, saved as the newest version.`);
    else showStatus(`Could not use version ${version + 1}: ${reply.error}`, true);
  }

  function openDialog(i) {
    showStatus("");
    if (past.key !== past.wanted) past.wanted = ""; // a failed load is asked for again
    dialog.showModal();
    showInDialog(i);
    closeButton.focus();
  }

  function onDialogKey(event) {
    if (event.key === "ArrowRight" && shown < (model.get("items") || []).length - 1) {
      event.preventDefault();
      showInDialog(shown + 1);
    } else if (event.key === "ArrowLeft" && shown > 0) {
      event.preventDefault();
      showInDialog(shown - 1);
    }
    event.stopPropagation(); // JupyterLab would move between cells on arrow keys
  }

  function onDialogClose() {
    const thumb = grid.querySelectorAll(".adp-thumb")[shown];
    if (thumb) thumb.focus(); // back to where the person was
  }

  async function onFile() {
    const file = fileInput.files && fileInput.files[0];
    fileInput.value = "";
    if (!file || replacing < 0) return;
    const limit = model.get("upload_limit");
    if (file.size > limit) {
      model.set("error", `${file.name} is ${(file.size / 1e6).toFixed(1)} MB; the limit is ${(limit / 1e6).toFixed(0)} MB. Export a smaller PNG or JPEG.`);
      return;
    }
    const data = await file.arrayBuffer();
    await act(replacing, "replace_item", {}, [data]);
  }

  const listeners = [
    [dialog, "keydown", onDialogKey],
    [dialog, "close", onDialogClose],
    [previous, "click", () => showInDialog(shown - 1)],
    [next, "click", () => showInDialog(shown + 1)],
    [closeButton, "click", () => dialog.close()],
    [fileInput, "change", onFile],
  ];
  for (const [node, type, fn] of listeners) node.addEventListener(type, fn);
  const onImages = () => { makeUrls(); draw(); };
  const names = ["items", "reviewing", "busy", "kind"];
  model.on("change:images", onImages);
  for (const name of names) model.on(`change:${name}`, draw);
  makeUrls();
  draw();

  return () => {
    for (const [node, type, fn] of listeners) node.removeEventListener(type, fn);
    model.off("change:images", onImages);
    for (const name of names) model.off(`change:${name}`, draw);
    if (dialog.open) dialog.close();
    for (const url of [...urls, ...past.urls]) URL.revokeObjectURL(url);
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
