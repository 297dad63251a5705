// The app header: the ad's title and brief, a stepper (Story -> Images -> Storyboard ->
// Video: done stages checked, the current one highlighted, later ones greyed) that shows
// an earlier stage when clicked, the cost so far against the budget (and a clear
// "finished" state), the connection banner, and announcements when the stage changes.

import { h, connect, connectionBanner, errorBanner } from "./_shared.js";

const STATE_TEXT = {
  done: "done", current: "under review", stale: "stale", failed: "failed", later: "not reached yet",
};
//: After an approval made in this page, focus moves to the new stage's heading.
const FOCUS_WAIT_MS = 4000;

function money(value) {
  return `$${Number(value).toFixed(value < 1 ? 4 : 2)}`;
}

function render({ model, el }) {
  const python = connect(model);
  const banner = errorBanner(model, python);
  const steps = h("ol", { class: "adp-steps" });
  let drawn = false; // connectionBanner reports the state at once, before draw exists
  const connection = connectionBanner(model, () => { if (drawn) draw(); });
  const title = h("h2", { class: "adp-app-title" });
  const home = h("a", { class: "adp-home", href: "?", text: "All ads" });
  const brief = h("p", { class: "adp-brief" });
  const done = h("p", { class: "adp-done", role: "status" });
  const cost = h("p", { class: "adp-cost" });
  // Which provider makes each part, switchable here (a paid one may need its key set).
  const providerRows = h("div", { class: "adp-provider-rows" });
  const providers = h("details", { class: "adp-providers" }, [
    h("summary", { text: "Providers" }), providerRows]);
  const announce = h("p", { class: "adp-sr-only", role: "status", "aria-live": "polite" });
  const nav = h("nav", { class: "adp-stepper", "aria-label": "Stages of the ad" }, [steps]);
  const root = h("header", { class: "adp adp-app", "data-lm-suppress-shortcuts": "true" }, [
    h("div", { class: "adp-app-top" }, [h("div", { class: "adp-app-name" }, [home, title]),
      h("div", { class: "adp-app-money" }, [cost, providers])]),
    brief, done, nav, connection.node, banner.node, announce,
  ]);
  el.append(root);
  let lastCurrent = null;

  function current() {
    const steps = model.get("steps") || [];
    return model.get("complete") ? "complete" : (steps.find((s) => s.state === "current") || {}).name;
  }

  function stageChanged(before, now) {
    const labels = Object.fromEntries((model.get("steps") || []).map((s) => [s.name, s.label]));
    const mine = window.__adpApproving && Date.now() - window.__adpApproving < 10 * 60 * 1000;
    const where = mine ? "" : " in another window";
    announce.textContent = now === "complete"
      ? `The ad is finished${where}: the video, its download and the cost are shown.`
      : `${labels[before] || "The stage"} changed${where}. Now reviewing: ${labels[now] || now}.`;
    if (!mine) return;
    window.__adpApproving = 0;
    // Focus the new stage's heading once its panel is drawn (it is another widget).
    const wanted = now === "complete" ? "Video" : labels[now];
    const started = Date.now();
    const look = () => {
      const heading = [...document.querySelectorAll(".adp-stagebar-title")]
        .find((node) => node.textContent === wanted && node.offsetParent !== null);
      if (heading) {
        heading.setAttribute("tabindex", "-1");
        heading.focus();
      } else if (Date.now() - started < FOCUS_WAIT_MS) {
        setTimeout(look, 100);
      }
    };
    setTimeout(look, 50);
  }

  function draw() {
    const viewing = model.get("viewing");
    const complete = model.get("complete");
    const offline = connection.state() !== "ok";
    title.textContent = model.get("title") || "Ad";
    home.hidden = !model.get("home_link");
    const briefText = model.get("brief") || "";
    brief.hidden = !briefText;
    brief.replaceChildren(h("span", { class: "adp-brief-label", text: "Brief: " }), briefText);
    const items = (model.get("steps") || []).map((step, i) => {
      const reachable = step.state !== "later";
      const button = h("button", {
        type: "button",
        class: `adp-step adp-step-${step.state}${step.name === viewing ? " adp-step-viewing" : ""}`,
        "aria-current": step.state === "current" ? "step" : undefined,
        "aria-pressed": step.name === viewing ? "true" : "false",
        disabled: !reachable || offline,
        onclick: () => python.send("show", { stage: step.name }),
      }, [
        h("span", { class: "adp-step-mark", "aria-hidden": "true",
          text: step.state === "done" ? "✓" : step.state === "failed" ? "!" : String(i + 1) }),
        h("span", { class: "adp-step-label", text: step.label }),
        h("span", { class: "adp-sr-only", text: `, ${STATE_TEXT[step.state]}` }),
      ]);
      return h("li", {}, [button]);
    });
    // Redrawn on every change (cost, stage): keep the keyboard focus on the same step.
    const focused = steps.contains(document.activeElement)
      ? [...steps.querySelectorAll("button")].indexOf(document.activeElement) : -1;
    steps.replaceChildren(...items);
    if (focused >= 0) steps.querySelectorAll("button")[focused]?.focus();
    const spent = model.get("cost_usd") || 0;
    const budget = model.get("budget_usd");
    cost.textContent = `Cost so far ${money(spent)}`
      + (budget >= 0 ? ` of ${money(budget)} budget` : " · no budget set");
    cost.classList.toggle("adp-over", budget >= 0 && spent > budget * 0.9);
    const rows = (model.get("providers") || []).map((row) => {
      const current = String(row.current);
      const options = [current, ...(row.options || []).filter((name) => name !== current)];
      const select = h("select", {
        class: "adp-provider-select", disabled: offline || model.get("busy"),
        onchange: () => python.send("use", { capability: row.capability, provider: select.value }),
      }, options.map((name) => h("option", { value: name, text: name })));
      select.value = current;
      return h("label", { class: "adp-provider" }, [
        h("span", { class: "adp-provider-name", text: row.capability }), select]);
    });
    const focusedRow = providerRows.contains(document.activeElement)
      ? [...providerRows.querySelectorAll("select")].indexOf(document.activeElement) : -1;
    providerRows.replaceChildren(...rows);
    if (focusedRow >= 0) providerRows.querySelectorAll("select")[focusedRow]?.focus();
    done.hidden = !complete;
    done.replaceChildren(h("span", { class: "adp-done-mark", "aria-hidden": "true", text: "✓" }),
      `Finished: the ad is complete. It cost ${money(spent)}; the video and its download are below.`);
    const now = current();
    if (lastCurrent !== null && now && now !== lastCurrent) stageChanged(lastCurrent, now);
    if (now) lastCurrent = now;
  }

  const names = ["title", "steps", "viewing", "complete", "cost_usd", "budget_usd", "brief",
    "home_link", "providers", "busy"];
  for (const name of names) model.on(`change:${name}`, draw);
  draw();
  drawn = true;
  return () => {
    for (const name of names) model.off(`change:${name}`, draw);
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
