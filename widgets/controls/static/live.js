// The page's one live region. Screen readers announce what is written to it
// ("Saved", feedback, download and restore messages); it lives on <body>, outside
// the widget tree, so it exists before any message and survives re-renders.
export function liveRegion() {
  let region = document.getElementById("peer-live");
  if (!region) {
    region = document.createElement("div");
    region.id = "peer-live";
    region.setAttribute("role", "status");
    region.setAttribute("aria-live", "polite");
    region.setAttribute("aria-atomic", "true");
    // Visually hidden, still read: the usual clip pattern.
    region.style.cssText = "position:absolute;width:1px;height:1px;margin:-1px;padding:0;" +
      "overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0;";
    document.body.append(region);
  }
  return region;
}

export function announce(text) {
  const region = liveRegion();
  // Clearing first makes a repeated message ("Saved.") be read again.
  region.textContent = "";
  window.setTimeout(() => { region.textContent = text; }, 60);
}

function render({ model, el }) {
  liveRegion();
  el.style.display = "none";
  model.on("change:serial", () => announce(model.get("message")));
}

export default { render };
