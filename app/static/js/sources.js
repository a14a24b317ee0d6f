// A teacher's own sources: add an article (paste or upload), review the facts drafted from it
// with their evidence marked in the article, publish its bank, and bring a new version.
import { get, getAll, patch, post, put, upload } from "./api.js";
import { typeLabel } from "./types.js";
import { announce, field, formatDate, h, page, plural, scrollWithin, toast } from "./ui.js";

// The kinds of fact, in the order the review shows them, with what their answer is.
const KINDS = [
  { kind: "date", title: "Dates and years", answer: "Year" },
  { kind: "quote", title: "Quotations", answer: "Speaker" },
  { kind: "definition", title: "Acronyms", answer: "Expansion" },
  { kind: "entity", title: "People and organisations", answer: "Name" },
  { kind: "number", title: "Numbers", answer: "Number" },
  { kind: "list", title: "Lists", answer: "Items" },
];
// The one field of its kind a fact of the teacher's own needs beside statement and answer.
const DETAIL = {
  date: ["event", "What happened"],
  quote: ["words", "The words, as said"],
  definition: ["term", "The short form (acronym)"],
  entity: ["role", "Their role, as the text gives it"],
  number: ["counts", "What the number counts"],
  list: ["of", "What the items are"],
};
const STATUS = { proposed: "to review", accepted: "accepted", rejected: "rejected", stale: "stale: evidence changed" };
const words = (text) => text.split(",").map((w) => w.trim()).filter(Boolean);
// A tag as the server takes it: "Science Time" -> "science-time".
const slug = (text) => text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");

// An error shown where the action was, not at the top of a long page.
function inlineError(box, error) {
  box.textContent = error ? String(error.message || error) : "";
  box.hidden = !error;
  if (error) box.scrollIntoView({ block: "nearest" });
}

// Code points, as the server counts offsets (a JS string counts UTF-16 units).
const length = (text) => Array.from(text).length;

// A reason names questions by their slugs ('date-5--single-choice'): a question of the
// preview by its prompt's first words, one left out as "another question".
function inWords(reason, questions) {
  const prompts = new Map(questions.map((q) => [q.id, q.prompt]));
  return reason.replace(/'([a-z0-9]+(?:-[a-z0-9]+)*--[a-z0-9-]+)'/g, (_, slug) => {
    const prompt = prompts.get(slug);
    if (!prompt) return "another question";
    const words = prompt.split(/\s+/);
    return `“${words.slice(0, 10).join(" ")}${words.length > 10 ? "…" : ""}”`;
  });
}

export async function sourcesView() {
  const mine = await getAll("/api/sources?mine=true");
  const title = h("input", { type: "text", required: true, maxlength: "300" });
  const publisher = h("input", { type: "text", maxlength: "200" });
  const author = h("input", { type: "text", maxlength: "200" });
  const published = h("input", { type: "date" });
  const text = h("textarea", { class: "source", "aria-describedby": "paste-hint" });
  const file = h("input", { type: "file", accept: ".txt,.html,.htm,text/plain,text/html" });
  const status = h("p", { class: "status", role: "status" });
  const addProblem = h("p", { class: "problem", role: "alert", hidden: true });
  const add = h("form", { class: "card", "data-add-source": "", onsubmit: async (event) => {
    event.preventDefault();
    inlineError(addProblem, null);
    const meta = { title: title.value.trim(), publisher: publisher.value.trim(), author: author.value.trim() || null,
      published_on: published.value || null };
    status.textContent = "Reading the article and drafting its facts…";
    try {
      let made;
      if (file.files.length) {
        const form = new FormData();
        for (const [key, value] of Object.entries(meta)) if (value) form.append(key, value);
        form.append("file", file.files[0]);
        made = await upload("/api/sources/upload", form);
      } else {
        if (!meta.publisher) throw new Error("Say who published the article.");
        made = await post("/api/sources", { ...meta, text: text.value });
      }
      toast(`${made.title} added; its facts are drafted for your review.`);
      location.hash = `#/source/${made.id}`;
    } catch (error) { status.textContent = ""; inlineError(addProblem, error); }
  } },
  h("h2", {}, "Add a source"),
  h("div", { class: "row" }, field("Title", title), field("Publisher", publisher), field("Author", author),
    field("Published on", published)),
  field("Paste the article's text", text),
  h("p", { id: "paste-hint", class: "muted hint" }, "Paste the whole article, a blank line between paragraphs; or upload it:"),
  field("…or upload a .txt file or a saved web page (.html)", file),
  addProblem, h("p", {}, h("button", {}, "Add and draft facts")), status);
  page("Sources",
    h("p", {}, "Bring a news article: Sourcequiz drafts its facts (dates, quotations, acronyms, people, numbers, lists), ",
      "you review them, and the bank it builds from the ones you accept is yours to quiz and practise."),
    h("h2", {}, "Your sources"),
    mine.length
      ? h("ul", { "data-sources": "" }, mine.map((s) => h("li", {}, h("a", { href: `#/source/${s.id}` }, s.title),
        ` · ${s.publisher}`, s.revision > 1 ? ` · version ${s.revision}` : "")))
      : h("p", { class: "empty" }, "None yet: add one below."),
    add);
}

// The review page of one source version.
export async function sourceView(sourceId) {
  const source = await get(`/api/sources/${sourceId}`);
  if (source.newer_id) {
    // An old version: kept as it was for the attempts that quoted it; its facts moved on.
    page(source.title,
      h("p", { class: "card", role: "status", "data-old-version": "" }, `This is version ${source.revision}, kept for the attempts that `
        + "asked it. Its facts moved to the newer version: ", h("a", { href: `#/source/${source.newer_id}` }, "review the newer version"), "."),
      h("h2", {}, "The article, as it was"), h("div", { class: "article", tabindex: "0" }, source.text));
    return;
  }
  const [facts, changes] = await Promise.all([
    getAll(`/api/sources/${sourceId}/facts`),
    source.previous_id ? get(`/api/sources/${sourceId}/changes`) : null,
  ]);
  const byId = new Map(facts.map((f) => [f.id, f]));
  let current = facts.find((f) => f.status !== "rejected") ?? null;

  // The article, the current fact's evidence marked; a selection in it makes a fact.
  const articleBox = h("div");
  const selection = { start: null, end: null };
  const selected = h("p", { class: "muted", "data-selection": "" }, "Select a passage in the article to make a fact of your own from it.");
  function drawArticle() {
    const chars = Array.from(source.text);
    const parts = [];
    if (current) {
      parts.push(chars.slice(0, current.evidence_start).join(""),
        h("mark", { class: "chosen", "data-evidence": current.id }, chars.slice(current.evidence_start, current.evidence_end).join("")),
        chars.slice(current.evidence_end).join(""));
    } else parts.push(source.text);
    const box = h("div", { class: "article marked", tabindex: "0", "data-article": "",
      "aria-label": current ? `The article; the evidence of “${current.statement}” is marked` : "The article",
      onmouseup: () => readSelection(box), onkeyup: () => readSelection(box) }, parts);
    articleBox.replaceChildren(box);
    scrollWithin(box, box.querySelector("mark"));
  }
  function readSelection(box) {
    const chosen = window.getSelection();
    if (!chosen || chosen.isCollapsed || !box.contains(chosen.anchorNode)) return;
    const range = chosen.getRangeAt(0);
    const before = document.createRange();
    before.selectNodeContents(box);
    before.setEnd(range.startContainer, range.startOffset);
    const start = length(before.toString());
    const end = start + length(range.toString());
    if (end <= start) return;
    selection.start = start;
    selection.end = end;
    selected.textContent = `Selected: “${range.toString().trim().slice(0, 160)}”`;
    ownForm.hidden = false;
    reanchorButtons.forEach((b) => { b.disabled = false; });
  }

  // A fact: its statement, answer and evidence, and what the teacher may do with it.
  const reanchorButtons = [];
  function factCard(fact) {
    const kind = KINDS.find((k) => k.kind === fact.kind);
    const card = h("li", { class: `card fact ${fact.status}`, "data-fact": fact.id, "data-status": fact.status,
      tabindex: "-1" });
    const problem = h("p", { class: "problem", role: "alert", hidden: true });
    const act = async (change, message) => {
      inlineError(problem, null);
      try {
        const saved = await patch(`/api/sources/${sourceId}/facts/${fact.id}`, change);
        byId.set(saved.id, saved);
        Object.assign(fact, saved);
        card.replaceWith(factCard(fact));
        updateCounts();
        announce(message);
      } catch (error) { inlineError(problem, error); }
    };
    const show = h("button", { type: "button", class: "secondary", onclick: () => {
      current = fact;
      drawArticle();
      articleBox.querySelector("[data-article]").focus({ preventScroll: true });
      articleBox.scrollIntoView({ block: "nearest" });
    } }, "Show in the article");
    const buttons = [show];
    if (fact.status !== "accepted" && fact.status !== "stale") {
      buttons.push(h("button", { type: "button", onclick: () => act({ status: "accepted" }, "Fact accepted.") }, "Accept"));
    }
    if (fact.status !== "rejected") {
      buttons.push(h("button", { type: "button", class: "secondary",
        onclick: () => act({ status: "rejected" }, fact.status === "stale" ? "Fact retired." : "Fact rejected.") },
      fact.status === "stale" ? "Retire" : "Reject"));
    }
    if (fact.status === "stale") {
      const again = h("button", { type: "button", disabled: selection.start === null, onclick: () => act(
        { evidence_start: selection.start, evidence_end: selection.end },
        "Fact moved to the selected passage: check its answer and statement, then accept it.") },
      "Re-anchor on the selection");
      reanchorButtons.push(again);
      buttons.push(again);
    }
    const edit = h("details", {}, h("summary", {}, "Edit"), editForm(fact, (change) => act(change, "Fact saved.")));
    const unit = fact.kind === "number" && fact.fields.unit ? ` ${fact.fields.unit}` : "";
    const role = fact.kind === "entity" && fact.fields.role ? ` · ${fact.fields.role}` : "";
    card.append(...[
      h("p", { class: "fact-head" }, h("span", { class: `badge ${fact.status}` }, STATUS[fact.status] ?? fact.status),
        " ", h("strong", {}, fact.statement)),
      fact.answer ? h("p", {}, `${kind?.answer ?? "Answer"}: `, h("span", { class: "answer" }, `${fact.answer}${unit}`), role)
        : null,
      h("blockquote", { class: "evidence", "aria-label": "Evidence" }, fact.evidence_text),
      h("div", { class: "row actions" }, buttons), problem, edit].filter(Boolean));
    return card;
  }

  function editForm(fact, save) {
    const statement = h("textarea", { rows: "2" }, fact.statement);
    const answer = h("input", { type: "text", value: fact.answer ?? "" });
    // The kind's own words the questions are made of: a date's event, a quotation's words…
    const [detailName, detailLabel] = DETAIL[fact.kind] ?? [null, null];
    const detail = h("textarea", { rows: "2" }, detailName ? String(fact.fields[detailName] ?? "") : "");
    const hints = h("input", { type: "text", value: (fact.fields.distractors ?? []).join(", ") });
    const tags = h("input", { type: "text", value: fact.tags.join(", ") });
    return h("form", { onsubmit: (event) => {
      event.preventDefault();
      const change = { statement: statement.value.trim(), tags: words(tags.value).map(slug).filter(Boolean),
        distractors: words(hints.value) };
      if (fact.answer !== null && answer.value.trim() !== (fact.answer ?? "")) change.answer = answer.value.trim();
      if (detailName && detail.value.trim() !== String(fact.fields[detailName] ?? "")) {
        change.fields = { [detailName]: detail.value.trim() };
      }
      save(change);
    } }, field("Statement", statement),
    fact.answer !== null ? field("Answer", answer) : null,
    detailName ? field(`${detailLabel} (what the questions ask about)`, detail) : null,
    field("Wrong answers to offer (distractor hints, comma-separated)", hints),
    field("Tags (comma-separated)", tags),
    h("p", {}, h("button", {}, "Save")));
  }

  // A fact of the teacher's own, on the selected passage.
  const ownKind = h("select", {}, KINDS.map((k) => h("option", { value: k.kind }, k.title)));
  const ownStatement = h("textarea", { rows: "2", required: true });
  const ownAnswer = h("input", { type: "text", required: true });
  const ownDetail = h("input", { type: "text", required: true });
  const detailLabel = h("label", {}, DETAIL.date[1]);
  const answerLabel = h("label", {}, "Year");
  ownKind.addEventListener("change", () => {
    detailLabel.textContent = DETAIL[ownKind.value][1];
    answerLabel.textContent = KINDS.find((k) => k.kind === ownKind.value).answer;
  });
  ownAnswer.id = `own-answer-${sourceId}`; answerLabel.htmlFor = ownAnswer.id;
  ownDetail.id = `own-detail-${sourceId}`; detailLabel.htmlFor = ownDetail.id;
  const ownProblem = h("p", { class: "problem", role: "alert", hidden: true });
  const ownForm = h("form", { class: "card", hidden: true, "data-own-fact": "", onsubmit: async (event) => {
    event.preventDefault();
    inlineError(ownProblem, null);
    const kind = ownKind.value;
    const fields = { [DETAIL[kind][0]]: ownDetail.value.trim() };
    if (kind === "quote") fields.direct = false;
    if (kind === "entity") fields.entity_type = "person";
    try {
      const made = await post(`/api/sources/${sourceId}/facts`, { kind, statement: ownStatement.value.trim(),
        answer: ownAnswer.value.trim(), fields, evidence_start: selection.start, evidence_end: selection.end });
      facts.push(made);
      byId.set(made.id, made);
      groups.get(kind).list.append(factCard(made));
      ownForm.reset();
      ownForm.hidden = true;
      updateCounts();
      toast("Your fact is added and accepted.");
    } catch (error) { inlineError(ownProblem, error); }
  } }, h("h3", {}, "A fact of your own from the selection"), field("Kind", ownKind), field("Statement", ownStatement),
  h("div", {}, answerLabel, ownAnswer), h("div", {}, detailLabel, ownDetail), ownProblem, h("p", {}, h("button", {}, "Add fact")));

  // The candidates, grouped by kind.
  const groups = new Map();
  for (const { kind, title } of KINDS) {
    const list = h("ul", { class: "facts" });
    const heading = h("h3", {}, title);
    groups.set(kind, { list, heading, title, section: h("section", { "data-kind": kind }, heading, list) });
  }
  for (const fact of facts) groups.get(fact.kind)?.list.append(factCard(fact));
  const counts = h("p", { class: "muted", "data-counts": "" });
  function updateCounts() {
    const by = (status) => [...byId.values()].filter((f) => f.status === status).length;
    counts.textContent = `${plural(by("accepted"), "fact")} accepted, ${by("proposed")} to review, ` +
      `${by("rejected")} rejected${by("stale") ? `, ${by("stale")} stale` : ""}.`;
    for (const group of groups.values()) {
      const n = group.list.children.length;
      group.heading.textContent = `${group.title} (${n})`;
      group.section.hidden = n === 0;
    }
  }

  // Preview and publish the bank.
  const bankBox = h("div", { "data-bank": "" });
  const bankProblem = h("p", { class: "problem", role: "alert", hidden: true });
  const previewButton = h("button", { type: "button", class: "secondary", onclick: async () => {
    inlineError(bankProblem, null);
    try { showPreview(await get(`/api/sources/${sourceId}/bank`)); } catch (error) { inlineError(bankProblem, error); }
  } }, "Preview the bank");
  const publishButton = h("button", { type: "button", onclick: async () => {
    inlineError(bankProblem, null);
    try {
      const done = await put(`/api/sources/${sourceId}/bank`);
      bankBox.replaceChildren(h("div", { class: "card", role: "status", "data-published": "" },
        h("p", { class: "ok" }, `Published “${done.bank.title}”: ${plural(done.created, "new question")}, `,
          `${plural(done.new_versions, "changed question")}, ${done.retired} retired.`),
        h("p", {}, "Its questions are in ", h("a", { href: "#/bank" }, "the bank"), "; ",
          h("a", { href: "#/quiz/new" }, "build a quiz"), " from them. Your learners can practise it.")));
      toast("Bank published.");
    } catch (error) { inlineError(bankProblem, error); }
  } }, "Publish the bank");
  function showPreview(preview) {
    bankBox.replaceChildren(h("div", { class: "card", "data-preview": "" },
      h("h3", {}, `${plural(preview.questions.length, "question")} from the accepted facts`),
      h("ol", {}, preview.questions.map((q) => h("li", {}, h("span", { class: "muted" }, `${typeLabel(q.type)}: `), q.prompt))),
      preview.left_out.length
        ? h("details", {}, h("summary", {}, `${plural(preview.left_out.length, "question")} left out, and why`),
          h("ul", {}, preview.left_out.map((l) => h("li", { "data-left-out": "" }, inWords(l.reason, preview.questions)))))
        : null));
  }

  // A new version of the source.
  const revision = h("textarea", { class: "source" });
  const revisionProblem = h("p", { class: "problem", role: "alert", hidden: true });
  const revise = h("details", { class: "card" }, h("summary", {}, "The article was updated: add the new version"),
    h("form", { onsubmit: async (event) => {
      event.preventDefault();
      inlineError(revisionProblem, null);
      try {
        const changed = await post(`/api/sources/${sourceId}/revisions`, { text: revision.value });
        toast(`Version ${changed.source.revision} added: ${plural(changed.stale.length, "fact")} to check.`);
        location.hash = `#/source/${changed.source.id}`;
      } catch (error) { inlineError(revisionProblem, error); }
    } }, field("The article's new text", revision), revisionProblem, h("p", {}, h("button", {}, "Compare and add version"))));

  page(source.title,
    h("p", { class: "muted" }, [source.publisher, source.author,
      source.published_on ? formatDate(`${source.published_on}T12:00:00`, { time: false }) : null].filter(Boolean).join(" · "),
      source.revision > 1 ? ` · version ${source.revision}` : ""),
    changes ? changesCard(changes) : null,
    h("div", { class: "review" },
      h("section", { class: "review-article" }, h("h2", {}, "The article"), articleBox, selected, ownForm),
      h("section", { class: "review-facts" }, h("h2", {}, "Drafted facts"), counts,
        h("p", { class: "muted" }, "Accept the facts worth asking, edit what is off, reject the rest."),
        KINDS.map(({ kind }) => groups.get(kind).section))),
    h("h2", {}, "The bank"),
    h("p", { class: "row" }, previewButton, publishButton), bankProblem, bankBox,
    revise);
  drawArticle();
  updateCounts();
}

function changesCard(changes) {
  return h("div", { class: "card warnings", "data-changes": "" },
    h("h2", {}, `What changed since version ${changes.previous.revision}`),
    changes.sentences.length
      ? h("ul", {}, changes.sentences.map((c) => h("li", {},
        c.change === "added" ? ["Added: ", h("ins", {}, c.after.join(" "))]
          : c.change === "removed" ? ["Removed: ", h("del", {}, c.before.join(" "))]
            : ["Changed: ", h("del", {}, c.before.join(" ")), " → ", h("ins", {}, c.after.join(" "))])))
      : h("p", {}, "No sentence changed."),
    h("p", {}, changes.stale.length
      ? `${plural(changes.stale.length, "fact")} lost ${changes.stale.length === 1 ? "its" : "their"} evidence and left the bank: `
        + "select the passage that now proves it and re-anchor, edit, or retire it (marked stale below)."
      : "Every fact's evidence is still in the text."),
    changes.stale.length
      ? h("ul", {}, changes.stale.map((f) => h("li", {}, h("a", { href: `#fact-${f.id}`, onclick: (event) => {
        event.preventDefault();
        const card = document.querySelector(`li[data-fact="${f.id}"]`);
        card?.scrollIntoView({ block: "center" });
        card?.focus({ preventScroll: true });
      } }, f.statement))))
      : null,
    changes.to_check.length
      ? h("div", { "data-to-check": "" }, h("p", {}, `${plural(changes.to_check.length, "fact")} kept ${changes.to_check.length === 1 ? "its" : "their"} `
        + "evidence, in a sentence that changed: check that each still says what the article says."),
      h("ul", {}, changes.to_check.map((f) => h("li", {}, f.statement))))
      : null);
}
