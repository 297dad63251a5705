// The bar over every stage: status, version switcher, Regenerate, Approve (asks first),
// Reopen, progress of running work, and an error banner with Retry.
// State comes from traits (`state`, `progress`, `busy`, `error`); actions go to Python as
// commands with a request id. All text is set with textContent, never as HTML.

import { h, connect, connectionBanner, offlineGuard } from "./_shared.js";

const STATUS = {
  pending: "Not started",
  generating: "Generating",
  review: "In review",
  approved: "Approved",
  stale: "Stale: earlier stage changed",
  failed: "Failed",
};

function render({ model, el }) {
  const python = connect(model);
  const root = h("section", { class: "adp adp-stagebar", "data-lm-suppress-shortcuts": "true" });
  const title = h("h3", { class: "adp-stagebar-title", tabindex: "-1" });
  const status = h("span", { class: "adp-badge" });
  const versions = h("select", { class: "adp-select", "aria-label": "Version to show" });
  const versionLabel = h("label", { class: "adp-version" }, ["Version ", versions]);
  const regenerate = h("button", {
    class: "adp-button", type: "button", "aria-label": "Regenerate with feedback",
    text: "Regenerate",
  });
  const approve = h("button", {
    class: "adp-button adp-primary", type: "button",
    "aria-label": "Approve and continue to next stage", text: "Approve",
  });
  const reopen = h("button", {
    class: "adp-button", type: "button", "aria-label": "Reopen this stage for review",
    text: "Reopen",
  });
  const pending = h("p", { class: "adp-pending" });
  const progressBar = h("progress", { class: "adp-progress-bar", max: "1" });
  const progressText = h("span", { class: "adp-progress-text" });
  const progress = h("div", { class: "adp-progress", role: "status", "aria-live": "polite" }, [
    progressBar, progressText,
  ]);
  const errorText = h("span", { class: "adp-error-text" });
  const retry = h("button", { class: "adp-button", type: "button", text: "Retry",
    "aria-label": "Retry the failed action" });
  const dismiss = h("button", { class: "adp-button adp-quiet", type: "button", text: "Dismiss",
    "aria-label": "Dismiss the error message" });
  const banner = h("div", { class: "adp-error", role: "alert" }, [errorText, retry, dismiss]);

  // Approving generates the next stage (time, maybe money): ask first.
  const question = h("p", { class: "adp-confirm-text", id: `adp-q-${Math.random().toString(36).slice(2)}` });
  const cancelButton = h("button", { class: "adp-button", type: "button", text: "Cancel",
    "aria-label": "Cancel, keep reviewing" });
  // No aria-label: its name is its text, which askApproval / askReopen set.
  const confirmButton = h("button", { class: "adp-button adp-primary", type: "button",
    text: "Approve" });
  let confirming = "approve";
  const dialog = h("dialog", { class: "adp adp-dialog", "aria-labelledby": question.id,
    "data-lm-suppress-shortcuts": "true" }, [
    question, h("div", { class: "adp-dialog-actions" }, [cancelButton, confirmButton]),
  ]);

  root.append(
    h("div", { class: "adp-stagebar-row" }, [
      h("div", { class: "adp-stagebar-heading" }, [title, status]),
      h("div", { class: "adp-stagebar-actions" }, [versionLabel, regenerate, reopen, approve]),
    ]),
    pending, progress, banner, dialog,
  );
  el.append(root);
  let dismissed = "";
  const connection = connectionBanner(model);
  root.append(connection.node);
  const unguard = offlineGuard(model, root, () => update());

  function update() {
    const state = model.get("state") || {};
    const busy = model.get("busy");
    const open = Boolean(state.open);
    title.textContent = state.label || "";
    const shownStatus = state.interrupted ? "failed" : state.status;
    status.textContent = state.interrupted ? "Interrupted" : STATUS[state.status] || state.status || "";
    status.className = `adp-badge adp-badge-${shownStatus || "pending"}`;

    const shown = String(state.current ?? -1);
    versions.replaceChildren(...(state.versions || []).map((v) =>
      h("option", { value: String(v.number), text: `v${v.number + 1} · ${v.note} · ${v.time}` })));
    versions.value = shown;
    versions.disabled = busy || !open || (state.versions || []).length < 2;
    versionLabel.hidden = (state.versions || []).length === 0;

    regenerate.disabled = busy || !open;
    approve.disabled = busy || !open || !state.has_output;
    approve.hidden = !open && state.status !== "pending" && state.status !== "generating";
    const finishing = !state.next;
    approve.textContent = finishing ? "Approve and finish" : "Approve";
    approve.setAttribute("aria-label",
      finishing ? "Approve and finish the ad" : "Approve and continue to next stage");
    reopen.hidden = !state.can_reopen;
    reopen.disabled = busy;

    const notes = state.pending || [];
    pending.hidden = notes.length === 0 || !open;
    pending.textContent = notes.length
      ? `Feedback to apply on Regenerate: ${notes.join("; ")}` : "";

    const p = model.get("progress") || {};
    progress.hidden = !busy;
    progressText.textContent = p.message || (busy ? "Working ..." : "");
    if (p.total > 0) {
      progressBar.max = p.total;
      progressBar.value = Math.min(p.done, p.total);
    } else {
      progressBar.removeAttribute("value"); // indeterminate
    }

    const failure = state.status === "failed" ? state.failure
      : state.interrupted ? "The work on this stage was interrupted; regenerate to try again." : "";
    const message = model.get("error") || failure || "";
    banner.hidden = !message || message === dismissed;
    errorText.textContent = message;
    retry.hidden = !(failure || model.get("can_retry"));
    retry.disabled = busy;
  }

  function askApproval() {
    const next = (model.get("state") || {}).next;
    const name = (model.get("state") || {}).name || "stage";
    question.textContent = next
      ? `Approve the ${name} and generate the ${next}? You can reopen it later.`
      : `Approve the ${name} and finish the ad?`;
    confirmButton.textContent = next ? "Approve and continue" : "Approve and finish";
    confirming = "approve";
    dialog.showModal();
    cancelButton.focus();
  }

  // Reopening marks every later stage stale (the finished ad stops being complete):
  // ask, and name what changes.
  function askReopen() {
    const state = model.get("state") || {};
    const stales = state.reopen_stales || [];
    const list = stales.length > 1
      ? `${stales.slice(0, -1).join(", ")} and ${stales[stales.length - 1]}` : stales[0];
    question.textContent = `Reopen the ${state.name || "stage"} for review?`
      + (stales.length ? ` The ${list} made from it will be marked stale and need approving again` : "")
      + (state.complete ? "; the finished ad will no longer be complete." : stales.length ? "." : "")
      + " Nothing is deleted: earlier versions stay.";
    confirmButton.textContent = `Reopen the ${state.name || "stage"}`;
    confirming = "reopen";
    dialog.showModal();
    cancelButton.focus();
  }

  const listeners = [
    [regenerate, "click", () => python.send("regenerate")],
    [approve, "click", askApproval],
    [reopen, "click", askReopen],
    [versions, "change", () => python.send("revert", { version: Number(versions.value) })],
    [retry, "click", () => {
      const state = model.get("state") || {};
      const stageFailed = state.status === "failed" || state.interrupted;
      python.send(stageFailed && !model.get("error") ? "regenerate" : "retry");
    }],
    [dismiss, "click", () => { dismissed = errorText.textContent; banner.hidden = true; }],
    [cancelButton, "click", () => dialog.close()],
    [confirmButton, "click", () => {
      dialog.close();
      if (confirming === "approve") window.__adpApproving = Date.now(); // app.js moves focus
      python.send(confirming);
    }],
  ];
  for (const [node, type, fn] of listeners) node.addEventListener(type, fn);
  model.on("change:state", update);
  model.on("change:progress", update);
  model.on("change:busy", update);
  model.on("change:error", update);
  model.on("change:can_retry", update);
  update();

  return () => {
    for (const [node, type, fn] of listeners) node.removeEventListener(type, fn);
    for (const name of ["state", "progress", "busy", "error", "can_retry"]) {
      model.off(`change:${name}`, update);
    }
    if (dialog.open) dialog.close();
    unguard();
    connection.dispose();
    python.close();
  };
}

export default {
  initialize() {
    return () => {};
  },
  render,
};
