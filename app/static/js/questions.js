// How the browser draws each question type (its inputs, each usable with the keyboard alone)
// and writes a response in words. What the types are and what they are called comes from the
// server (types.js); a type this page cannot draw says so instead of breaking.
import { describeSentences, sentencePicker } from "./evidence.js";
import { typeLabel } from "./types.js";
import { h, uid } from "./ui.js";

// Every change is passed on at once; typed ones say so, and whoever saves them waits for a
// pause in typing (onAnswer(response, { typing: true })).
const TYPING = Object.freeze({ typing: true });

function choiceList(item, multiple, saved, onAnswer) {
  const name = uid("q");
  const inputs = item.content.options.map((option) => {
    const checked = multiple ? (saved?.choices || []).includes(option.id) : saved?.choice === option.id;
    const input = h("input", { type: multiple ? "checkbox" : "radio", name, value: option.id, checked });
    input.addEventListener("change", () => {
      if (multiple) onAnswer({ choices: inputs.filter((i) => i.checked).map((i) => i.value) });
      else onAnswer({ choice: input.value });
    });
    return input;
  });
  return inputs.map((input, i) => h("label", { class: "choice" }, input, item.content.options[i].text));
}

function trueFalse(saved, onAnswer) {
  const name = uid("q");
  return [true, false].map((value) => {
    const input = h("input", { type: "radio", name, value: String(value), checked: saved?.value === value });
    input.addEventListener("change", () => onAnswer({ value }));
    return h("label", { class: "choice" }, input, value ? "True" : "False");
  });
}

function numeric(item, saved, onAnswer) {
  const input = h("input", { type: "number", step: "any", inputmode: "decimal", value: saved?.value ?? "" });
  input.addEventListener("input", () => {
    if (input.value !== "") onAnswer({ value: Number(input.value) }, TYPING);
  });
  const unit = item.content.unit ? ` (${item.content.unit})` : "";
  input.id = uid();
  return [h("label", { for: input.id }, `Your answer${unit}`), input];
}

function shortText(saved, onAnswer) {
  const input = h("input", { type: "text", class: "wide", value: saved?.text ?? "", autocomplete: "off", maxlength: "2000" });
  input.addEventListener("input", () => onAnswer({ text: input.value }, TYPING));
  input.id = uid();
  return [h("label", { for: input.id }, "Your answer"), input];
}

function matching(item, saved, onAnswer) {
  const selects = item.content.prompts.map((prompt) => {
    const select = h("select", { id: uid(), "data-prompt": prompt.id },
      h("option", { value: "" }, "Choose…"),
      item.content.options.map((o) => h("option", { value: o.id, selected: saved?.pairs?.[prompt.id] === o.id }, o.text)));
    select.addEventListener("change", () => {
      const pairs = {};
      for (const s of selects) if (s.value) pairs[s.dataset.prompt] = s.value;
      // Some prompts still unmatched: saved, but the quiz says the item is partly answered.
      onAnswer({ pairs }, { partial: Object.keys(pairs).length < selects.length });
    });
    return select;
  });
  return item.content.prompts.map((prompt, i) =>
    h("div", { class: "card match" }, h("label", { for: selects[i].id }, prompt.text), selects[i]));
}

function ordering(item, saved, onAnswer) {
  const byId = Object.fromEntries(item.content.items.map((i) => [i.id, i]));
  let order = saved?.order?.length ? [...saved.order] : item.content.items.map((i) => i.id);
  const list = h("ol", { class: "ordering" });
  const draw = (focusId, direction) => {
    list.replaceChildren(...order.map((id, index) => h("li", {},
      h("span", {}, byId[id].text),
      h("div", { class: "toolbar" },
        h("button", { type: "button", class: "secondary small", "data-move": `${id}:up`, disabled: index === 0,
          "aria-label": `Move up: ${byId[id].text}`, onclick: () => move(index, -1) }, "↑ Up"),
        h("button", { type: "button", class: "secondary small", "data-move": `${id}:down`,
          disabled: index === order.length - 1, "aria-label": `Move down: ${byId[id].text}`,
          onclick: () => move(index, 1) }, "↓ Down")))));
    if (focusId) {
      const target = list.querySelector(`[data-move="${focusId}:${direction}"]`) ||
        list.querySelector(`[data-move^="${focusId}:"]:not([disabled])`);
      if (target) target.focus();
    }
  };
  const move = (index, delta) => {
    const id = order[index];
    [order[index], order[index + delta]] = [order[index + delta], order[index]];
    draw(id, delta < 0 ? "up" : "down");
    onAnswer({ order: [...order] });
  };
  draw();
  onAnswer({ order: [...order] }, { initial: true }); // the order shown, should it be kept
  // Moving an item saves the order; the order as shown can be given as the answer too.
  const save = h("button", { type: "button", class: "secondary", onclick: () => onAnswer({ order: [...order] }) },
    "Save this order");
  return [h("p", { class: "muted small" }, "Each move is saved. Already in the right order? Save it as it is."), list, save];
}

function cloze(item, saved, onAnswer) {
  const inputs = [];
  const parts = [];
  item.content.segments.forEach((segment, i) => {
    parts.push(segment);
    if (i < item.content.segments.length - 1) {
      const input = h("input", { type: "text", "aria-label": `Blank ${i + 1}`, value: saved?.blanks?.[i] ?? "",
        autocomplete: "off" });
      input.addEventListener("input", () => onAnswer({ blanks: inputs.map((x) => x.value) },
        { typing: true, partial: inputs.some((x) => !x.value.trim()) }));
      inputs.push(input);
      parts.push(input);
    }
  });
  return [h("p", { class: "cloze" }, parts)];
}

// Code point offsets (the API's) from UTF-16 ones (the browser's).
const codePoints = (text, index) => Array.from(text.slice(0, index)).length;

// An item asked before sentences (its content has `source_length`): the learner selects a
// passage of the article's text, answered as character offsets. Kept for those items only.
function passagePicker(item, saved, onAnswer, article) {
  const text = article?.text || "";
  const area = h("textarea", { class: "source", readonly: true, id: uid(), spellcheck: "false" });
  area.value = text;
  const chosen = h("p", { class: "muted", "aria-live": "polite" },
    saved ? `Saved passage: “${Array.from(text).slice(saved.start, saved.end).join("")}”` : "No passage chosen yet.");
  const use = h("button", { type: "button", onclick: () => {
    const start = codePoints(area.value, area.selectionStart);
    const end = codePoints(area.value, area.selectionEnd);
    if (end <= start) { chosen.textContent = "Select a passage in the article first (Shift + arrow keys)."; return; }
    chosen.textContent = `Chosen passage: “${Array.from(area.value).slice(start, end).join("")}”`;
    onAnswer({ start, end });
  } }, "Use the selected passage");
  // Typing a phrase selects it in the article: the keyboard's way to a passage far down.
  const phrase = h("input", { type: "search", id: uid(), autocomplete: "off" });
  const find = h("button", { type: "button", class: "secondary", onclick: () => {
    let at = area.value.indexOf(phrase.value);
    if (at < 0) at = area.value.toLowerCase().indexOf(phrase.value.toLowerCase());
    if (!phrase.value || at < 0) { chosen.textContent = "That phrase is not in the article."; return; }
    area.focus();
    area.setSelectionRange(at, at + phrase.value.length);
    chosen.textContent = "Found and selected; adjust with Shift + arrow keys, then use it.";
  } }, "Select it in the article");
  return [h("label", { for: area.id }, "The article: select the passage with the mouse or Shift + arrow keys"),
    area, h("label", { for: phrase.id }, "Or type a phrase from the passage"),
    h("div", { class: "row" }, phrase, find), use, chosen];
}

// Which find-the-evidence answer an item takes: a passage (asked before sentences) or sentences.
export const asksForPassage = (item) => item.type === "find_evidence" && "source_length" in (item.content || {});

function findEvidence(item, saved, onAnswer, article) {
  if (asksForPassage(item)) return passagePicker(item, saved, onAnswer, article);
  if (!article?.spans.length) return [h("p", { class: "bad" }, "The article could not be shown: reload the page.")];
  return sentencePicker(item, saved, onAnswer, article);
}

const WIDGETS = {
  single_choice: (item, saved, onAnswer) => choiceList(item, false, saved, onAnswer),
  multiple_choice: (item, saved, onAnswer) => choiceList(item, true, saved, onAnswer),
  true_false: (item, saved, onAnswer) => trueFalse(saved, onAnswer),
  numeric: (item, saved, onAnswer) => numeric(item, saved, onAnswer),
  short_text: (item, saved, onAnswer) => shortText(saved, onAnswer),
  matching: (item, saved, onAnswer) => matching(item, saved, onAnswer),
  ordering: (item, saved, onAnswer) => ordering(item, saved, onAnswer),
  cloze: (item, saved, onAnswer) => cloze(item, saved, onAnswer),
  find_evidence: (item, saved, onAnswer, article) => findEvidence(item, saved, onAnswer, article),
};

export const canDraw = (type) => Object.hasOwn(WIDGETS, type);

// `article` (evidence.js articleOf) is the source a find-the-evidence item asks about.
export function renderInputs(item, saved, onAnswer, article) {
  if (!canDraw(item.type)) {
    return [h("p", { class: "bad", "data-unsupported": item.type },
      `This question type (${typeLabel(item.type)}) is not supported by this page: `,
      "this question cannot be answered here.")];
  }
  return WIDGETS[item.type](item, saved, onAnswer, article);
}

// An answer of several parts, one per line: a list (numbered for an order).
function parts(items, tag = "ul") {
  return items.length ? h(tag, { class: "answer-parts" }, items.map((item) => h("li", {}, item))) : "(none)";
}

// A readable form of a response (the learner's or the correct one) for the review; `article`
// quotes the sentences or the passage of a find-the-evidence answer.
export function describe(item, response, article = null) {
  if (!response) return "(no answer)";
  const c = item.content;
  const text = (list, id) => (list || []).find((o) => o.id === id)?.text ?? id;
  switch (item.type) {
    case "single_choice": return text(c.options, response.choice);
    case "multiple_choice": return parts((response.choices || []).map((id) => text(c.options, id)));
    case "true_false": return response.value ? "True" : "False";
    case "numeric": return String(response.value);
    case "short_text": return response.text;
    case "matching": return parts((c.prompts || []).filter((p) => response.pairs?.[p.id])
      .map((p) => `${p.text} → ${text(c.options, response.pairs[p.id])}`));
    case "ordering": return parts((response.order || []).map((id) => text(c.items, id)), "ol");
    case "cloze": return (response.blanks || []).map((blank, i) => `${i + 1}. ${blank.trim() || "(blank)"}`).join("   ");
    case "find_evidence":
      if (Array.isArray(response.sentences)) return describeSentences(response.sentences, article);
      return article // an answer given before sentences: the passage itself
        ? `“${article.chars.slice(response.start, response.end).join("")}”`
        : "the passage you selected";
    default: return JSON.stringify(response); // a type this page cannot draw: the raw answer
  }
}
