// Small DOM helpers: elements are built from text, never from HTML strings.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) el.addEventListener(key.slice(2).toLowerCase(), value);
    else if (key === "class") el.className = value;
    else if (key in el && typeof value !== "string") el[key] = value;
    else el.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

let idCounter = 0;
export const uid = (prefix = "f") => `${prefix}-${++idCounter}`;

// A labelled control. `name` is the API field it fills: a problem about that field is shown
// under it (showError with the form). `hint` is a line of help under the label.
export function field(labelText, input, { name, hint } = {}) {
  input.id = input.id || uid();
  if (name) input.name = name;
  const hintEl = hint ? h("span", { class: "muted small", id: uid("hint") }, hint) : null;
  if (hintEl) input.setAttribute("aria-describedby", hintEl.id);
  return h("div", { class: "field" }, h("label", { for: input.id }, labelText), hintEl, input);
}

export function announce(message) {
  const el = document.getElementById("announcer");
  el.textContent = "";
  setTimeout(() => { el.textContent = message; }, 30);
}

// What went wrong, in plain words (api.js words the API's problems; anything else as it is).
export function problemText(error) {
  if (!error) return "";
  return String(error.message || error);
}

// A short message in the corner that goes away by itself: what an action did ("ok"), a
// problem with no better place ("error", kept longer), or news ("info").
export function toast(message, { kind = "ok", timeout } = {}) {
  const box = document.getElementById("toasts");
  if (!box) return null;
  const el = h("div", { class: `toast ${kind}`, role: kind === "error" ? "alert" : "status", "data-toast": kind },
    h("span", {}, message));
  el.append(h("button", { type: "button", "aria-label": "Dismiss", onclick: () => el.remove() }, "×"));
  box.append(el);
  while (box.childElementCount > 3) box.firstElementChild.remove();
  setTimeout(() => el.remove(), timeout ?? (kind === "error" ? 12000 : 5000));
  return el;
}

function clearToasts(kind) {
  for (const el of document.querySelectorAll(`#toasts .toast${kind ? `.${kind}` : ""}`)) el.remove();
}

// The problem shown where the action happened: inside `near` (a form, a card), before its
// submit button when it has one, scrolled into view, with each field the API names marked
// under its control. Without `near`, a toast. `showError(null, near)` clears it.
export function showError(error, near = null) {
  if (!near) {
    clearToasts("error");
    if (error) toast(problemText(error), { kind: "error" });
    return;
  }
  clearError(near);
  if (!error) return;
  const box = h("div", { class: "problem", role: "alert", "data-problem": "" }, problemText(error));
  const fields = error.fields || [];
  let marked = 0;
  for (const { path, message } of fields) {
    const control = near.querySelector(`[name="${CSS.escape(path)}"]`) ||
      near.querySelector(`[name="${CSS.escape(path.split(".")[0])}"]`);
    if (!control) continue;
    marked += 1;
    const note = h("p", { class: "field-error", id: uid("error"), "data-field-error": "" }, message);
    control.setAttribute("aria-invalid", "true");
    control.setAttribute("aria-describedby", [control.getAttribute("aria-describedby"), note.id].filter(Boolean).join(" "));
    control.after(note);
  }
  const submit = near.matches("form") ? [...near.querySelectorAll("button")].filter((b) => b.type === "submit").at(-1) : null;
  if (submit) (submit.closest(".toolbar") ?? submit).before(box);
  else near.prepend(box);
  if (marked && fields.length === marked) box.textContent = problemText({ message: error.summary || error.message });
  box.scrollIntoView({ block: "nearest", behavior: "instant" });
}

export function clearError(near) {
  if (!near) { clearToasts("error"); return; }
  for (const el of near.querySelectorAll("[data-problem], [data-field-error]")) el.remove();
  for (const el of near.querySelectorAll("[aria-invalid]")) {
    el.removeAttribute("aria-invalid");
    const ids = (el.getAttribute("aria-describedby") || "").split(" ").filter((id) => id && document.getElementById(id));
    if (ids.length) el.setAttribute("aria-describedby", ids.join(" ")); else el.removeAttribute("aria-describedby");
  }
}

// Run an action for a button: disabled while it runs, its problem shown in `near`, and what it
// did confirmed in a toast (`done` a text, or a function of the result giving one).
export async function act(button, near, action, done) {
  if (button) button.disabled = true;
  clearError(near);
  try {
    const result = await action();
    const message = typeof done === "function" ? done(result) : done;
    if (message) { toast(message); announce(message); }
    return result;
  } catch (error) {
    showError(error, near);
    return undefined;
  } finally {
    if (button?.isConnected) {
      button.disabled = false;
      // A disabled button loses the focus: give it back, or to the field the problem names.
      if (document.activeElement === document.body || !document.activeElement) {
        (near?.querySelector("[aria-invalid=true]") ?? button).focus();
      }
    }
  }
}

// Draw the page shown again, through the router (so a page asked for meanwhile wins).
export function redraw() { window.dispatchEvent(new HashChangeEvent("hashchange")); }

// The page's title bar: the heading, a line under it, and actions at its right.
export function page(title, ...content) {
  const { title: text, lead, actions } = typeof title === "string" ? { title } : title;
  const main = document.getElementById("main");
  const head = h("div", { class: "page-head" }, h("div", {}, h("h1", {}, text), lead ? h("p", { class: "lead" }, lead) : null),
    actions?.length ? h("div", { class: "toolbar" }, actions) : null);
  main.replaceChildren(head, ...content.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false)
    .map((c) => (c instanceof Node ? c : document.createTextNode(String(c)))));
  document.title = `${text} · Sourcequiz`;
  clearToasts("error"); // a problem of the page left behind is stale here
  for (const dialog of document.querySelectorAll("dialog[open]")) dialog.close(); // Back closes it too
  main.focus({ preventScroll: true });
  window.scrollTo(0, 0);
  return main;
}

// The source text with [start, end) marked, built as text nodes.
export function highlighted(text, spans) {
  const ordered = [...spans].sort((a, b) => a.start - b.start);
  const chars = Array.from(text);
  const parts = [];
  let at = 0;
  for (const span of ordered) {
    if (span.start < at) continue;
    parts.push(chars.slice(at, span.start).join(""));
    parts.push(h("mark", { class: span.kind || "" }, chars.slice(span.start, span.end).join("")));
    at = span.end;
  }
  parts.push(chars.slice(at).join(""));
  const box = h("div", { class: "article", tabindex: "0", "aria-label": "The article, evidence marked" }, parts);
  scrollWithin(box, box.querySelector("mark"));
  return box;
}

// Once `box` is on the page, scroll it (not the page) so that `target` shows near its top.
export function scrollWithin(box, target) {
  requestAnimationFrame(() => {
    if (!box.isConnected || !target?.isConnected) return;
    const below = target.getBoundingClientRect().top - box.getBoundingClientRect().top;
    box.scrollTop = Math.max(0, box.scrollTop + below - box.clientHeight / 4);
  });
}

// Numbers and times as people read them, in the reader's locale.
const locale = () => navigator.language || undefined;
const decimal = (value, digits = 1) => Number(value).toLocaleString(locale(), { maximumFractionDigits: digits });

// A share out of 100 (the API's percentages): "76 %"; "–" when there is none.
export function formatPercent(value) {
  return value === null || value === undefined || Number.isNaN(Number(value)) ? "–" : `${decimal(value, 0)}\u00a0%`;
}
export const percent = formatPercent;

// "8.3 / 11 · 76 %".
export function formatScore(score, max) {
  if (score === null || score === undefined) return "–";
  const share = max ? ` · ${formatPercent((100 * score) / max)}` : "";
  return `${decimal(score)} / ${decimal(max)}${share}`;
}

// "in 3 days", "5 minutes ago", "yesterday"; a date further than a month off as a date.
export function timeAgo(iso, now = Date.now()) {
  if (!iso) return "–";
  const seconds = (new Date(iso).getTime() - now) / 1000;
  const size = Math.abs(seconds);
  if (size < 45) return seconds < 0 ? "just now" : "in a moment";
  if (size > 30 * 86400) return formatDate(iso);
  const words = new Intl.RelativeTimeFormat(locale(), { numeric: "auto" });
  for (const [unit, length] of [["day", 86400], ["hour", 3600], ["minute", 60]]) {
    if (size >= length || unit === "minute") return words.format(Math.round(seconds / length), unit);
  }
  return formatDate(iso);
}

export function formatDate(iso, { time = true } = {}) {
  if (!iso) return "–";
  return new Intl.DateTimeFormat(locale(), time ? { dateStyle: "medium", timeStyle: "short" } : { dateStyle: "medium" })
    .format(new Date(iso));
}

// A time as a <time>: relative words, the exact time in its title and datetime.
export function timeEl(iso) {
  if (!iso) return "–";
  return h("time", { datetime: iso, title: formatDate(iso) }, timeAgo(iso));
}

// A table from data, the one way the page draws tables: a caption (for screen readers only
// unless `showCaption`), one header cell with scope="col" per column, one row per item, and
// the `empty` paragraph instead of a table without rows. A table wider than the screen scrolls
// in its own region (named by the caption, reachable with the keyboard), not the whole page.
// columns: [{ label, cell: (row, index) => content, rowHeader?: the row's th, hideLabel?: bool }]
export function table({ caption, columns, rows, empty, showCaption = false, attrs = {} }) {
  if (!rows.length) return h("p", { class: "empty" }, empty || "Nothing to show yet.");
  const head = (column) => h("th", { scope: "col" },
    column.hideLabel ? h("span", { class: "visually-hidden" }, column.label) : column.label);
  const cell = (column, row, index) => column.rowHeader
    ? h("th", { scope: "row" }, column.cell(row, index))
    : h("td", {}, column.cell(row, index));
  const captionId = uid("caption");
  return h("div", { class: "table-scroll", role: "region", tabindex: "0", "aria-labelledby": captionId },
    h("table", attrs,
      h("caption", { id: captionId, class: showCaption ? "caption" : "visually-hidden" }, caption),
      h("thead", {}, h("tr", {}, columns.map(head))),
      h("tbody", {}, rows.map((row, index) => h("tr", {}, columns.map((column) => cell(column, row, index)))))));
}

export const plural = (count, one, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;
