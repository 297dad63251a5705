// The app header: the ad's title, a stepper (Story -> Images -> Storyboard -> Video:
// done stages checked, the current one highlighted, later ones greyed) that shows an
// earlier stage when clicked, and the cost so far against the budget.

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

const STATE_TEXT = {
  done: "done", current: "under review", stale: "stale", failed: "failed", later: "not reached yet",
};

function money(value) {
  return `$${Number(value).toFixed(value < 1 ? 4 : 2)}`;
}

function render({ model, el }) {
  const python = connect(model);
  const banner = errorBanner(model, python);
  const title = h("h2", { class: "adp-app-title" });
  const steps = h("ol", { class: "adp-steps" });
  const cost = h("p", { class: "adp-cost" });
  const nav = h("nav", { class: "adp-stepper", "aria-label": "Stages of the ad" }, [steps]);
  const root = h("header", { class: "adp adp-app", "data-lm-suppress-shortcuts": "true" }, [
    h("div", { class: "adp-app-top" }, [title, cost]), nav, banner.node,
  ]);
  el.append(root);

  function draw() {
    const viewing = model.get("viewing");
    const complete = model.get("complete");
    title.textContent = model.get("title") || "Ad";
    const items = (model.get("steps") || []).map((step, i) => {
      const reachable = step.state !== "later";
      const button = h("button", {
        type: "button",
        class: `adp-step adp-step-${step.state}${step.name === viewing ? " adp-step-viewing" : ""}`,
        "aria-label": `${step.label}: ${STATE_TEXT[step.state]}${reachable ? ", show" : ""}`,
        "aria-current": step.state === "current" ? "step" : undefined,
        "aria-pressed": step.name === viewing ? "true" : "false",
        disabled: !reachable,
        onclick: () => python.send("show", { stage: step.name }),
      }, [
        h("span", { class: "adp-step-mark", "aria-hidden": "true",
          text: step.state === "done" ? "✓" : step.state === "failed" ? "!" : String(i + 1) }),
        h("span", { class: "adp-step-label", text: step.label }),
      ]);
      return h("li", {}, [button]);
    });
    steps.replaceChildren(...items);
    const spent = model.get("cost_usd") || 0;
    const budget = model.get("budget_usd");
    cost.textContent = `${complete ? "Complete · " : ""}Cost so far ${money(spent)}`
      + (budget >= 0 ? ` of ${money(budget)} budget` : " · no budget set");
    cost.classList.toggle("adp-over", budget >= 0 && spent > budget * 0.9);
  }

  const names = ["title", "steps", "viewing", "complete", "cost_usd", "budget_usd"];
  for (const name of names) model.on(`change:${name}`, draw);
  draw();
  return () => {
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
