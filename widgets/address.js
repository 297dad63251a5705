// Keeps the address bar on the session being shown (so a reload resumes it) and the
// tab's title on the ad's. Draws nothing.

function render({ model, el }) {
  el.hidden = true;
  const apply = () => {
    const id = model.get("session");
    if (id) {
      const url = new URL(window.location.href);
      if (url.searchParams.get("session") !== id) {
        url.searchParams.set("session", id);
        window.history.replaceState(window.history.state, "", url);
      }
    }
    const title = model.get("title");
    document.title = title ? `${title} · Ad review` : "Ad review";
  };
  model.on("change:session", apply);
  model.on("change:title", apply);
  apply();
  return () => { model.off("change:session", apply); model.off("change:title", apply); };
}
export default { render };
