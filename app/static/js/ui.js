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

export function field(labelText, input) {
  input.id = input.id || uid();
  return h("div", {}, h("label", { for: input.id }, labelText), input);
}

export function announce(message) {
  const el = document.getElementById("announcer");
  el.textContent = "";
  setTimeout(() => { el.textContent = message; }, 30);
}

export function showError(error) {
  document.getElementById("alert").textContent = error ? String(error.message || error) : "";
}

export function page(title, ...content) {
  const main = document.getElementById("main");
  main.replaceChildren(h("h1", {}, title), ...content.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false)
    .map((c) => (c instanceof Node ? c : document.createTextNode(String(c)))));
  document.title = `${title} · Sourcequiz`;
  main.focus();
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

export function percent(value) { return value === null || value === undefined ? "–" : `${Number(value).toFixed(1)} %`; }

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
