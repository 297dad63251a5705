// The app header: the ad's title, a stepper (Story -> Images -> Storyboard -> Video:
// done stages checked, the current one highlighted, later ones greyed) that shows an
// earlier stage when clicked, and the cost so far against the budget.
// Shared helpers (h, ...) come from _shared.js, joined in front of this file by
// adpipeline/ui/_files.py.

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
