// The course's widgets in the browser: one ES module for every view
// (`model.get("view")` says which), loaded by anywidget.
//
// What the browser holds: the question's text and options, the learner's own
// answer, and feedback the kernel has already decided to show. Keys and
// unshown feedback never leave the kernel. Every piece of text is set with
// textContent, never as HTML.

// anywidget evaluates this module once per widget, so what the widgets of a
// page share lives on the window, in one place.
const shared = (window.__peerCourse ??= {
  pending: new Map(), // widget key -> function sending its unsent text now
  unconfirmed: new Set(), // widget keys whose last change is not yet saved
  guarded: false,
  scrollWatch: false,
  counter: 0,
});
const { pending, unconfirmed } = shared;

// ---------------------------------------------------------------- live region
// The page's one live region. Screen readers announce what is written to it
// ("Saved.", feedback, download and restore messages). It lives on <body>,
// outside the widget tree, so it exists before any message and survives
// re-renders.
export function liveRegion() {
  let region = document.getElementById("peer-live");
  if (!region) {
    region = document.createElement("div");
    region.id = "peer-live";
    region.setAttribute("role", "status");
    region.setAttribute("aria-live", "polite");
    region.setAttribute("aria-atomic", "true");
    region.className = "peer-visually-hidden";
    // Visually hidden, still read (inline, so it works before any stylesheet).
    region.style.cssText = "position:absolute;width:1px;height:1px;margin:-1px;padding:0;" +
      "overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0;";
    document.body.append(region);
  }
  return region;
}

export function announce(text) {
  if (!text) return;
  const region = liveRegion();
  // Clearing first makes a repeated message ("Saved.") be read again.
  region.textContent = "";
  window.setTimeout(() => { region.textContent = text; }, 60);
}

// ------------------------------------------------------------------- helpers
function uid(prefix) {
  shared.counter += 1;
  return `${prefix}-${shared.counter}-${Math.random().toString(36).slice(2, 7)}`;
}

function make(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "text") node.textContent = value;
    else if (key === "className") node.className = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

function same(a, b) {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

// ------------------------------------------------------ leaving with unsaved text
// Text is saved while the learner types (after a short pause). If the page is
// left before the last save is confirmed, the browser asks first.
function guardLeaving() {
  if (shared.guarded) return;
  shared.guarded = true;
  const flushAll = () => {
    for (const flush of pending.values()) {
      try { flush(); } catch (error) { console.warn("peer-course: could not send an answer", error); }
    }
  };
  // The course's page template registers a beforeunload listener ahead of
  // Voila's own (which ends the kernel) and asks these two first, so a
  // learner who chooses to stay keeps a working page, and one who leaves
  // has their last words sent before the kernel ends.
  window.peerCourseUnsaved = () => unconfirmed.size > 0 || pending.size > 0;
  window.peerCourseFlush = flushAll;
  window.addEventListener("beforeunload", (event) => {
    if (window.peerCourseUnsaved()) {
      event.preventDefault();
      event.returnValue = "";
    }
    flushAll();
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") flushAll();
  });
  window.addEventListener("pagehide", flushAll);
}

// ----------------------------------------------------------- scroll position
// The page remembers where the learner was (per tab), and a link ending in
// #item-<id> (the course home's "Continue") lands on that question.
const SCROLL_KEY = `peer-scroll:${location.pathname}`;
function rememberScroll() {
  if (shared.scrollWatch) return;
  shared.scrollWatch = true;
  let timer = null;
  const save = () => {
    const items = document.querySelectorAll(".peer-item[id]");
    for (const item of items) {
      const box = item.getBoundingClientRect();
      if (box.bottom > 0) {
        sessionStorage.setItem(SCROLL_KEY, JSON.stringify({ id: item.id, top: box.top }));
        return;
      }
    }
  };
  // Voila's page may scroll the window or an inner panel: listen to both.
  document.addEventListener("scroll", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(save, 200);
  }, { capture: true, passive: true });
}

function placeOnArrival(section, id) {
  const target = `item-${id}`;
  if (location.hash === `#${target}`) {
    requestAnimationFrame(() => {
      section.scrollIntoView({ block: "start" });
      section.querySelector("input, select, textarea, button")?.focus({ preventScroll: true });
    });
    return;
  }
  if (location.hash) return;
  let saved = null;
  try { saved = JSON.parse(sessionStorage.getItem(SCROLL_KEY) || "null"); } catch (e) { saved = null; }
  if (saved && saved.id === target) {
    requestAnimationFrame(() => {
      section.scrollIntoView({ block: "start" });
      const scroller = document.scrollingElement;
      if (scroller) scroller.scrollTop -= saved.top;
    });
  }
}

// --------------------------------------------------------------- item views
// Each builder makes the controls inside the question's fieldset and returns
// { read(): answer from the controls, show(answer): put an answer back, text }.
const BUILDERS = {
  "single-choice": buildChoice,
  "multiple-select": buildChoice,
  matching: buildMatching,
  rating: buildRating,
  reflection: buildReflection,
};

function buildChoice(spec, fieldset, changed) {
  const multiple = spec.kind === "multiple-select";
  const name = uid(spec.id);
  if (multiple) fieldset.append(make("p", { className: "peer-instruction", text: spec.strings.choose_all }));
  const inputs = spec.options.map((option) => {
    const input = make("input", { type: multiple ? "checkbox" : "radio", name, value: option.id });
    input.addEventListener("change", () => changed(false));
    fieldset.append(make("label", { className: "peer-option" }, [input, make("span", { text: option.text })]));
    return input;
  });
  return {
    read() {
      if (multiple) return inputs.filter((i) => i.checked).map((i) => i.value).sort();
      return inputs.find((i) => i.checked)?.value ?? null;
    },
    show(answer) {
      const chosen = new Set(multiple ? answer || [] : [answer]);
      for (const input of inputs) input.checked = chosen.has(input.value);
    },
  };
}

function buildMatching(spec, fieldset, changed) {
  const selects = spec.terms.map((term) => {
    const id = uid(`${spec.id}-${term.id}`);
    const select = make("select", { id, "data-term": term.id });
    select.append(make("option", { value: "", text: spec.strings.choose }));
    for (const choice of spec.choices) select.append(make("option", { value: choice.id, text: choice.text }));
    select.addEventListener("change", () => changed(false));
    fieldset.append(make("div", { className: "peer-match" }, [
      make("label", { for: id, className: "peer-term", text: term.text }), select]));
    return select;
  });
  return {
    read() {
      const chosen = {};
      for (const select of selects) if (select.value) chosen[select.dataset.term] = select.value;
      return Object.keys(chosen).length ? chosen : null;
    },
    show(answer) {
      for (const select of selects) select.value = (answer || {})[select.dataset.term] || "";
    },
  };
}

function textArea(spec, label, placeholder, rows, fieldset, changed) {
  const id = uid(spec.id);
  const area = make("textarea", { id, rows, placeholder: placeholder || null, spellcheck: "true" });
  area.addEventListener("input", () => changed(true));
  area.addEventListener("change", () => changed(false));
  fieldset.append(make("div", { className: "peer-text" }, [
    make("label", { for: id, className: "peer-text-label", text: label }), area]));
  return area;
}

function buildRating(spec, fieldset, changed) {
  const name = uid(spec.id);
  const inputs = spec.levels.map((level) => {
    const input = make("input", { type: "radio", name, value: level.id });
    input.addEventListener("change", () => changed(false));
    fieldset.append(make("label", { className: "peer-option" }, [input, make("span", { text: level.label })]));
    return input;
  });
  const comment = textArea(spec, spec.strings.comment, spec.strings.comment_placeholder, 2, fieldset, changed);
  return {
    read() {
      const rating = inputs.find((i) => i.checked)?.value ?? null;
      return rating === null ? null : { rating, comment: comment.value };
    },
    show(answer) {
      for (const input of inputs) input.checked = answer?.rating === input.value;
      if (document.activeElement !== comment) comment.value = answer?.comment || "";
    },
  };
}

function buildReflection(spec, fieldset, changed) {
  fieldset.append(make("p", { className: "peer-privacy", text: spec.strings.privacy }));
  const text = textArea(spec, spec.strings.text_label, spec.hint, 6, fieldset, changed);
  const box = (label) => {
    const input = make("input", { type: "checkbox" });
    input.addEventListener("change", () => changed(false));
    fieldset.append(make("label", { className: "peer-option" }, [input, make("span", { text: label })]));
    return input;
  };
  const share = box(spec.strings.share);
  const skip = spec.skippable ? box(spec.strings.skip) : null;
  return {
    read() {
      return { text: text.value, share: share.checked, skip: skip ? skip.checked : false };
    },
    show(answer) {
      if (document.activeElement !== text) text.value = answer?.text || "";
      share.checked = Boolean(answer?.share);
      if (skip) skip.checked = Boolean(answer?.skip);
    },
  };
}

function renderItem({ model, el }) {
  const spec = model.get("spec");
  const key = uid("w");
  liveRegion();
  guardLeaving();
  rememberScroll();

  const section = make("section", { className: `peer-item peer-item-${spec.kind}`, id: `item-${spec.id}` });
  const headingId = uid("h");
  section.setAttribute("aria-labelledby", headingId);
  section.append(make("h3", { className: "peer-item-heading", id: headingId, text: spec.heading }));
  if (spec.content_note) section.append(make("p", { className: "peer-content-note", text: spec.content_note }));
  if (spec.scenario) section.append(make("p", { className: "peer-scenario", text: spec.scenario }));
  const fieldset = make("fieldset", { className: "peer-fieldset" });
  fieldset.append(make("legend", { className: "peer-prompt", text: spec.prompt }));
  section.append(fieldset);
  if (spec.category) section.append(make("p", { className: "peer-category", text: spec.category }));

  // Text is sent after a pause in typing; choices at once.
  let timer = null;
  let revision = model.get("revision");
  const send = () => {
    window.clearTimeout(timer);
    timer = null;
    pending.delete(key);
    const answer = controls.read();
    if (same(answer, model.get("answer"))) {
      if (model.get("saved_revision") >= revision) unconfirmed.delete(key);
      return;
    }
    revision += 1;
    unconfirmed.add(key);
    model.set("answer", answer);
    model.set("revision", revision);
    model.save_changes();
  };
  const changed = (typing) => {
    if (!typing) { send(); return; }
    unconfirmed.add(key);
    pending.set(key, send);
    window.clearTimeout(timer);
    timer = window.setTimeout(send, 700);
  };
  const controls = BUILDERS[spec.kind](spec, fieldset, changed);
  controls.show(model.get("answer"));

  let check = null;
  if (spec.checkable) {
    check = make("button", { type: "button", className: "peer-check", text: spec.strings.check });
    let checks = 0;
    check.addEventListener("click", () => {
      // The answer travels with the request, so the check is of what the
      // learner sees even if an earlier change is still on its way.
      window.clearTimeout(timer);
      pending.delete(key);
      checks += 1;
      model.set("check_request", { serial: checks, answer: controls.read() });
      model.save_changes();
    });
    section.append(check);
  }
  const feedback = make("div", { className: "peer-feedback" });
  const status = make("p", { className: "peer-status" });
  section.append(feedback, status);

  const showFeedback = (announceIt) => {
    const said = model.get("feedback") || {};
    feedback.replaceChildren();
    const words = [];
    if (said.verdict) {
      const head = make("p", { className: `peer-verdict peer-${said.verdict}`, text: said.heading });
      feedback.append(head);
      words.push(said.heading);
    }
    for (const part of said.parts || []) {
      feedback.append(make("p", { text: part }));
      words.push(part);
    }
    if (said.notice) {
      feedback.append(make("p", { className: "peer-needs-comment", text: said.notice }));
      words.push(said.notice);
    }
    if (announceIt) announce(words.join(" "));
  };
  const showStatus = (announceIt) => {
    const said = model.get("status") || {};
    status.textContent = said.text || "";
    status.className = `peer-status peer-${said.tone || "info"}`;
    if (announceIt && (said.announce || said.tone === "error")) announce(said.text);
  };
  showFeedback(false);
  showStatus(false);

  const onAnswer = () => {
    // Answers set by the kernel (restore) are shown; the learner's own
    // typing is never overwritten while they type.
    if (!same(controls.read(), model.get("answer"))) controls.show(model.get("answer"));
  };
  const onSaved = () => {
    if (model.get("saved_revision") >= revision && !pending.has(key)) unconfirmed.delete(key);
  };
  const onFeedback = () => showFeedback(true);
  const onStatus = () => showStatus(true);
  model.on("change:answer", onAnswer);
  model.on("change:saved_revision", onSaved);
  model.on("change:feedback", onFeedback);
  model.on("change:status", onStatus);

  el.append(section);
  placeOnArrival(section, spec.id);
  return () => {
    send();
    pending.delete(key);
    unconfirmed.delete(key);
    model.off("change:answer", onAnswer);
    model.off("change:saved_revision", onSaved);
    model.off("change:feedback", onFeedback);
    model.off("change:status", onStatus);
  };
}

// ------------------------------------------------------------ other views
function renderLive({ model, el }) {
  liveRegion();
  el.style.display = "none";
  const say = () => announce(model.get("message"));
  model.on("change:serial", say);
  return () => model.off("change:serial", say);
}

function renderProgress({ model, el }) {
  const line = make("p", { className: "peer-page-progress" });
  const bar = make("progress", { max: "1", value: "0", "aria-hidden": "true" });
  const box = make("div", { className: "peer-page-progress-box" }, [line, bar]);
  const update = () => {
    line.textContent = model.get("text");
    bar.max = Math.max(1, model.get("total"));
    bar.value = model.get("answered");
  };
  update();
  model.on("change:text", update);
  el.append(box);
  return () => model.off("change:text", update);
}

const VIEWS = { item: renderItem, live: renderLive, progress: renderProgress };

function render(context) {
  return VIEWS[context.model.get("view")](context);
}

// Each course widget's own model holds only a stub that waits for this
// module (view.py's STUB); this module arrives once per page, with the
// CourseModule widget, and hands the stubs its render.
const waiting = (window.__peerCourseModule ??= (() => {
  let resolve;
  const ready = new Promise((done) => { resolve = done; });
  ready.resolve = resolve;
  return ready;
})());
waiting.resolve({ render });

export default {
  render({ el }) {
    el.style.display = "none";
  },
};
