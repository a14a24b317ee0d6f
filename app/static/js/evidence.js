// Find the evidence: the article as its sentences. The learner selects the sentence or
// sentences that prove a claim (sentencePicker), and the review marks the ones chosen and the
// ones that prove it in the article's text (markedArticle). Sentences are numbered from 1 on
// the page; the API counts them from 0. Offsets are code points, as the API's.
import { h, highlighted, plural, scrollWithin, uid } from "./ui.js";

// The most sentences an answer may select (the server refuses more).
export const MAX_SENTENCES = 10;
const FIRST_WORDS = 8; // of a sentence, in its accessible name
const QUOTED_WORDS = 12; // of a sentence, where a response is written in words

// A source as the API gives it ({id, text, sentences: [{start, end}]}), with its sentences' text.
export function articleOf(source) {
  const chars = Array.from(source.text || "");
  const spans = source.sentences || [];
  return {
    id: source.id,
    title: source.title || "The article",
    text: source.text || "",
    chars,
    spans,
    sentences: spans.map((s) => chars.slice(s.start, s.end).join("")),
  };
}

const words = (text) => text.split(/\s+/).filter(Boolean);
function firstWords(text, count) {
  const all = words(text);
  return all.length > count ? `${all.slice(0, count).join(" ")}…` : all.join(" ");
}

// "15", "15 and 16", "3, 5 and 9" (numbers from 1).
export function numbers(indices) {
  const shown = [...indices].sort((a, b) => a - b).map((i) => String(i + 1));
  return shown.length > 1 ? `${shown.slice(0, -1).join(", ")} and ${shown.at(-1)}` : shown.join("");
}

// A selection in words: Sentences 15 and 16: “The mutual defense…” “The new partnership…”
export function describeSentences(indices, article) {
  if (!indices?.length) return "(none)";
  const sorted = [...indices].sort((a, b) => a - b);
  const label = `${sorted.length > 1 ? "Sentences" : "Sentence"} ${numbers(sorted)}`;
  const quotes = article ? sorted.map((i) => article.sentences[i]).filter((t) => t !== undefined) : [];
  return quotes.length ? `${label}: ${quotes.map((t) => `“${firstWords(t, QUOTED_WORDS)}”`).join(" ")}` : label;
}

// The sentences an evidence span lies in: as the server says, or from its offsets.
export function sentencesOfSpan(span, article) {
  if (Array.isArray(span.sentences)) return span.sentences;
  if (!article) return [];
  return article.spans.flatMap((s, i) => (s.start < span.end && span.start < s.end ? [i] : []));
}

// The article's sentences in paragraphs (a line break between two sentences starts one):
// [[index, …], …].
function paragraphs(article) {
  const out = [];
  let current = [];
  article.spans.forEach((span, i) => {
    const gap = i === 0 ? "" : article.chars.slice(article.spans[i - 1].end, span.start).join("");
    if (gap.includes("\n") && current.length) { out.push(current); current = []; }
    current.push(i);
  });
  if (current.length) out.push(current);
  return out;
}

// The widget: one checkbox per sentence, in the article's paragraphs, in a box that scrolls.
// The box is one stop for Tab; the arrow keys move from sentence to sentence (Home and End to
// the first and last), Space selects or deselects; a click on a sentence does too.
// onAnswer({sentences}) on every change, onAnswer(null, {empty: true}) when none is left.
export function sentencePicker(item, saved, onAnswer, article) {
  const count = Math.min(article.spans.length, item.content.sentence_count ?? article.spans.length);
  const chosen = new Set((saved?.sentences || []).filter((i) => i < count));
  const hintId = uid("hint");
  const status = h("p", { class: "picked", "aria-live": "polite", "data-picked": "" });
  const note = h("p", { class: "muted", "aria-live": "polite" });
  const inputs = [];
  const rows = [];

  const box = h("div", { class: "sentences", role: "group", "aria-label": "The article, sentence by sentence",
    "aria-describedby": hintId });
  for (const paragraph of paragraphs(article)) {
    const para = h("div", { class: "para" });
    for (const i of paragraph) {
      if (i >= count) continue;
      const text = article.sentences[i];
      const textId = uid("sentence");
      const input = h("input", { type: "checkbox", value: String(i), tabindex: "-1", checked: chosen.has(i),
        "aria-label": `Sentence ${i + 1}: ${firstWords(text, FIRST_WORDS)}`,
        "aria-describedby": words(text).length > FIRST_WORDS ? textId : null });
      const row = h("label", { class: chosen.has(i) ? "sentence selected" : "sentence", "data-sentence": String(i) },
        input, h("span", { class: "num", "aria-hidden": "true" }, String(i + 1)), h("span", { id: textId }, text));
      inputs[i] = input;
      rows[i] = row;
      para.append(row);
    }
    if (para.childElementCount) box.append(para);
  }
  const present = inputs.filter(Boolean);

  // One sentence is reached with Tab: the first chosen, else the first; then the one last focused.
  const roving = (input) => { for (const other of present) other.tabIndex = other === input ? 0 : -1; };
  roving(present.find((input) => input.checked) || present[0]);
  box.addEventListener("focusin", (event) => { if (present.includes(event.target)) roving(event.target); });
  box.addEventListener("keydown", (event) => {
    const at = present.indexOf(event.target);
    if (at < 0 || event.altKey || event.ctrlKey || event.metaKey) return;
    const to = { ArrowDown: at + 1, ArrowRight: at + 1, ArrowUp: at - 1, ArrowLeft: at - 1, Home: 0,
      End: present.length - 1, PageDown: at + 5, PageUp: at - 5 }[event.key];
    if (to === undefined) return;
    event.preventDefault();
    const next = present[Math.max(0, Math.min(present.length - 1, to))];
    roving(next);
    next.focus();
  });

  const show = () => {
    const list = [...chosen].sort((a, b) => a - b);
    status.textContent = list.length
      ? `${plural(list.length, "sentence")} selected: ${numbers(list)}.`
      : "No sentence selected.";
    rows.forEach((row, i) => row?.classList.toggle("selected", chosen.has(i)));
    return list;
  };
  const changed = () => {
    const list = show();
    if (list.length) onAnswer({ sentences: list });
    else onAnswer(null, { empty: true });
  };
  box.addEventListener("change", (event) => {
    const input = event.target;
    if (!present.includes(input)) return;
    const i = Number(input.value);
    note.textContent = "";
    if (input.checked && chosen.size >= MAX_SENTENCES) {
      input.checked = false;
      note.textContent = `You can select at most ${MAX_SENTENCES} sentences: deselect one first.`;
      return;
    }
    if (input.checked) chosen.add(i); else chosen.delete(i);
    changed();
  });
  const clear = h("button", { type: "button", class: "secondary", "data-clear": "", onclick: () => {
    if (!chosen.size) { note.textContent = "Nothing is selected."; return; }
    chosen.clear();
    for (const input of present) input.checked = false;
    note.textContent = "";
    changed();
  } }, "Clear selection");
  show();
  scrollWithin(box, rows[[...chosen].sort((a, b) => a - b)[0]]);
  return [
    h("p", { class: "muted hint", id: hintId },
      "Select each sentence that shows it: click it, or Tab to the article, move with the arrow keys and press Space."),
    h("div", { class: "picker", "data-sentence-picker": "" }, box, h("div", { class: "row picker-bar" }, status, clear),
      note),
  ];
}

const badge = (kind, text) => h("span", { class: `badge ${kind}` }, text);

// The article with the chosen sentences and the key's marked, each with a label that says
// which it is (not by colour alone). `right` (index -> bool) says which chosen ones were
// right when the key itself is not shown.
export function markedArticle(article, { key = null, chosen = [], right = new Map() } = {}) {
  const keySet = new Set(key || []);
  const chosenSet = new Set(chosen);
  const marked = [...new Set([...keySet, ...chosenSet])].filter((i) => article.spans[i]).sort((a, b) => a - b);
  const parts = [];
  let at = 0;
  let first = null;
  for (const i of marked) {
    const span = article.spans[i];
    parts.push(article.chars.slice(at, span.start).join(""));
    const inKey = keySet.has(i);
    const mine = chosenSet.has(i);
    const label = [`Sentence ${i + 1}`];
    if (mine) label.push("your choice");
    if (inKey) label.push("evidence");
    else if (mine && key) label.push("not evidence");
    else if (mine && right.has(i)) label.push(right.get(i) ? "right" : "not evidence");
    const wrong = mine && !inKey && (key !== null || right.get(i) === false);
    const kind = [inKey ? "key" : "", mine ? "chosen" : "", wrong ? "wrong" : ""].join(" ").trim();
    const el = h(inKey ? "mark" : "span", { class: kind, "data-marked": String(i) },
      badge(kind, label.join(" · ")), " ", article.sentences[i]);
    first = first || el;
    parts.push(el);
    at = span.end;
  }
  parts.push(article.chars.slice(at).join(""));
  const box = h("div", { class: "article marked", tabindex: "0", role: "region",
    "aria-label": key ? "The article, your choice and the evidence marked" : "The article, your choice marked" }, parts);
  scrollWithin(box, first);
  return box;
}

// The sentences that prove an answer, quoted where the item is, with the evidence itself
// marked in them: the reader sees the proof without opening the article. Spans in the same
// sentences are quoted once, with each of them marked.
export function proofQuotes(spans, article) {
  if (!article) return spans.map((span) => h("blockquote", { class: "proof", "data-proof": "" }, h("mark", {}, span.text)));
  const groups = new Map();
  for (const span of spans) {
    const indices = sentencesOfSpan(span, article);
    const key = indices.length ? `${indices[0]}-${indices.at(-1)}` : `${span.start}-${span.end}`;
    if (!groups.has(key)) groups.set(key, { indices, spans: [] });
    groups.get(key).spans.push(span);
  }
  return [...groups.values()].map(({ indices, spans: inside }) => {
    if (!indices.length) return h("blockquote", { class: "proof", "data-proof": "" }, h("mark", {}, inside[0].text));
    const from = article.spans[indices[0]].start;
    const to = article.spans[indices.at(-1)].end;
    const marks = inside.map((span) => [Math.max(from, span.start), Math.min(to, span.end)])
      .sort((a, b) => a[0] - b[0]);
    const parts = [];
    let at = from;
    for (const [start, end] of marks) {
      if (start < at) continue; // overlapping spans: the first one marked
      parts.push(article.chars.slice(at, start).join(""), h("mark", {}, article.chars.slice(start, end).join("")));
      at = end;
    }
    parts.push(article.chars.slice(at, to).join(""));
    return h("blockquote", { class: "proof", "data-proof": "" }, parts);
  });
}

// One dialog for the whole page: the article, opened at what `body` (a box from highlighted or
// markedArticle) marks first. Closed with its button or Escape; focus returns to the opener.
let dialog = null;
export function openArticle(body, title = "The article") {
  if (!dialog?.isConnected) {
    const heading = h("h2", { id: uid("dialog") });
    dialog = h("dialog", { class: "article-dialog", "aria-labelledby": heading.id, "data-article-dialog": "" },
      h("div", { class: "dialog-head" }, heading,
        h("button", { type: "button", class: "secondary small", onclick: () => dialog.close() }, "Close")),
      h("div", { class: "dialog-body" }));
    dialog.addEventListener("click", (event) => { if (event.target === dialog) dialog.close(); });
    document.body.append(dialog);
  }
  dialog.querySelector("h2").textContent = title;
  dialog.querySelector(".dialog-body").replaceChildren(body);
  dialog.showModal();
  body.focus({ preventScroll: true });
  scrollWithin(body, body.querySelector("mark, [data-marked]"));
}

// A "Show in the article" button: the article with these evidence spans marked.
export function showInArticleButton(article, spans, label = "Show in the article") {
  return h("button", { type: "button", class: "secondary small", "data-show-article": "",
    onclick: () => openArticle(highlighted(article.text, spans), article.title || "The article") }, label);
}
