// The teacher's pages: home (classes and quizzes), a class and its grid, the bank and the quiz
// builder (questions paged from the server, picks kept in a tray across filters and pages), a
// quiz's own page (its questions, settings, classes and results; edit, copy, unassign,
// archive) and the figures. Every action says what it did (a toast) or what went wrong, next
// to where it happened.
import { api, get, getAll, getPage, patch, post } from "./api.js";
import { barChart } from "./charts.js";
import { choices, labelOf } from "./enums.js";
import { articleOf } from "./evidence.js";
import { describe, renderInputs } from "./questions.js";
import { loadTypes, typeLabel } from "./types.js";
import {
  act, announce, clearError, field, formatPercent, h, page, plural, redraw, showError, table, timeEl, toast, uid,
} from "./ui.js";

const option = (value, label = value) => h("option", { value }, label);
const options = (list) => list.map(({ value, label }) => option(value, label));
// The page's words for the server's enum values (the values come from the server: enums.js).
// The first of each is what a new quiz starts with.
const GRADING = { highest: "highest", average: "average", first: "first", last: "last" };
const FEEDBACK = { on_submit: "on submit", immediate: "immediate", after_close: "after close" };
// When learners see the correct answers, explanations and evidence (once results show).
const REVEAL = {
  after_last_attempt: "When they have no attempts left or the quiz closes",
  after_each_attempt: "After each attempt, as soon as results show",
  after_close: "Only once the quiz closes",
};
const DIFFICULTY = { easy: "easy", medium: "medium", hard: "hard" };
// Settings as sentences, for the quiz's page.
const GRADING_WORDS = {
  highest: "The best attempt counts", average: "The average of all attempts counts",
  first: "The first attempt counts", last: "The last attempt counts",
};
const FEEDBACK_WORDS = {
  immediate: "As they check each answer (a checked answer is final)",
  on_submit: "When they submit", after_close: "Once the quiz closes",
};
const LOW_FACILITY = 40; // % right: a question most of the class gets wrong
const BANK_PAGE_SIZE = 20;

const pointsText = (points) => plural(Number(points), "point");
const shortText = (text, words = 14) => {
  const all = String(text).split(/\s+/);
  return all.length > words ? `${all.slice(0, words).join(" ")}…` : String(text);
};
const del = (path) => api("DELETE", path);
// Append what is there (as h() does: null, undefined and false are left out).
const put = (el, ...children) => {
  el.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return el;
};
// A date input's value ("2026-04-01T15:00", the reader's time) for an ISO time, and back.
const localInput = (iso) => {
  if (!iso) return "";
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
};
const isoOf = (local) => (local ? new Date(local).toISOString() : null);

// A question answered with what its key says, as people read it ("Paris", "True",
// "1. X  2. Y", "A → 1"), with the other accepted answers where there are some.
export function keyInWords(question, article = null) {
  const key = question.answer_key || {};
  switch (question.type) {
    case "short_text": {
      const [first, ...others] = key.accepted || [];
      return others.length ? `${first} (also accepted: ${others.join(", ")})` : first ?? "–";
    }
    case "numeric":
      return key.tolerance ? `${key.value} (± ${key.tolerance})` : String(key.value);
    case "cloze":
      return (key.blanks || []).map((alternatives, i) => `${i + 1}. ${alternatives.join(" / ")}`).join("  ");
    default:
      return describe(question, key, article);
  }
}

// --- asking before what cannot be undone in a click ------------------------------------------

// An inline question under `anchor`'s row: the words, a button that does it, and Cancel.
// Only one at a time per place; Escape or Cancel closes it and gives focus back.
function confirmInline(anchor, { text, confirm, danger = true, onConfirm }) {
  const place = anchor.closest("[data-confirm-host]") || anchor.parentElement;
  place.querySelector(":scope > [data-confirm]")?.remove();
  const close = () => { box.remove(); anchor.focus(); };
  const yes = h("button", { type: "button", class: danger ? "danger" : "", "data-confirm-yes": "" }, confirm);
  yes.addEventListener("click", async () => {
    const done = await act(yes, box, onConfirm);
    if (done !== undefined && box.isConnected) box.remove();
  });
  const box = h("div", { class: "confirm", role: "group", "aria-label": confirm, "data-confirm": "",
    onkeydown: (event) => { if (event.key === "Escape") close(); } },
  h("p", {}, text),
  h("div", { class: "toolbar" }, yes, h("button", { type: "button", class: "secondary", onclick: close }, "Cancel")));
  place.append(box);
  yes.focus();
  box.scrollIntoView({ block: "nearest" });
  return box;
}

// --- previewing a question as a learner sees it ----------------------------------------------

let sources = null;
async function sourceIdOf(slug) {
  sources ??= getAll("/api/sources").catch((error) => { sources = null; throw error; });
  return (await sources).find((s) => s.slug === slug)?.id;
}

const articles = new Map(); // source slug -> promise of its article
async function articleFor(question) {
  if (question.type !== "find_evidence") return null;
  const slug = question.content?.source ?? question.evidence?.[0]?.source;
  if (!articles.has(slug)) {
    articles.set(slug, sourceIdOf(slug).then((id) => (id === undefined ? null : get(`/api/sources/${id}`).then(articleOf)))
      .catch((error) => { articles.delete(slug); throw error; }));
  }
  return articles.get(slug);
}

// The articles of a page's find-the-evidence questions, so their keys quote the sentences.
async function articlesOf(questions) {
  const found = new Map();
  await Promise.all(questions.filter((q) => q.type === "find_evidence").map(async (q) => {
    try { found.set(q.id, await articleFor(q)); } catch { /* the key is then said by number */ }
  }));
  return found;
}

let previewDialog = null;
// The question in a dialog, drawn by the learner's own widgets (nothing is saved), with its
// answer and explanation folded away under it. `question` is a bank question (with content).
async function openPreview(question, opener) {
  const article = await articleFor(question);
  if (!previewDialog?.isConnected) {
    const heading = h("h2", { id: uid("preview") }, "Preview");
    previewDialog = h("dialog", { class: "article-dialog preview-dialog", "aria-labelledby": heading.id,
      "data-preview": "" },
    h("div", { class: "dialog-head" }, heading,
      h("button", { type: "button", class: "secondary small", onclick: () => previewDialog.close() }, "Close")),
    h("div", { class: "dialog-body" }));
    previewDialog.addEventListener("click", (event) => { if (event.target === previewDialog) previewDialog.close(); });
    document.body.append(previewDialog);
  }
  previewDialog.onclose = () => { if (opener?.isConnected) opener.focus(); };
  const legend = uid("legend");
  previewDialog.querySelector(".dialog-body").replaceChildren(
    h("p", { class: "muted small" }, "As a learner sees it. Try it: nothing is saved."),
    h("fieldset", { class: "question", "aria-labelledby": legend, "data-type": question.type },
      h("legend", { id: legend }, typeLabel(question.type)),
      h("p", { class: "prompt" }, question.prompt),
      renderInputs(question, null, () => {}, article)),
    h("details", { class: "answer" }, h("summary", {}, "The answer"),
      h("div", { class: "answer" }, h("strong", {}, "Answer: "), keyInWords(question, article)),
      question.explanation ? h("p", { class: "muted" }, question.explanation) : null));
  previewDialog.showModal();
  previewDialog.querySelector(".dialog-body").scrollTop = 0;
}

function previewButton(load, label) {
  const button = h("button", { type: "button", class: "secondary small", "data-preview-button": "", "aria-label": label },
    "Preview");
  button.addEventListener("click", () => act(button, button.closest("[data-preview-host]") || button.parentElement,
    async () => openPreview(await load(), button)));
  return button;
}

// --- home --------------------------------------------------------------------------------

function quizCard(quiz, { archived = false, onUnarchive } = {}) {
  const classes = quiz.assignments.map((a) => a.class_name);
  const count = quiz.questions.length + quiz.draw.reduce((n, rule) => n + rule.count, 0);
  const meta = [plural(count, "question"), classes.length ? `assigned to ${classes.join(", ")}` : "not assigned",
    plural(quiz.attempt_count, "attempt")].join(" · ");
  const actions = archived ? h("button", { type: "button", class: "secondary small", "data-unarchive": String(quiz.id),
    onclick: (event) => act(event.currentTarget, event.currentTarget.closest("li"),
      () => post(`/api/quizzes/${quiz.id}/unarchive`), `${quiz.title} is back in use.`).then((done) => done && onUnarchive()),
  }, "Unarchive") : null;
  return h("li", { class: "card item-card" },
    h("div", {}, h("h3", {}, h("a", { href: `#/quiz/${quiz.id}` }, quiz.title)), h("p", { class: "meta" }, meta)),
    actions);
}

export async function teacherHome() {
  const [classes, quizzes] = await Promise.all([getAll("/api/classes"), getAll("/api/quizzes")]);
  const name = h("input", { type: "text", required: true, maxlength: "120" });
  const create = h("form", { class: "card", onsubmit: async (event) => {
    event.preventDefault();
    const made = await act(create.querySelector("button"), create, () => post("/api/classes", { name: name.value }),
      (c) => `Class ${c.name} created; its join code is ${c.join_code}.`);
    if (made) location.hash = `#/class/${made.id}`;
  } }, h("div", { class: "row" }, field("New class name", name, { name: "name" }), h("button", {}, "Create class")));

  const archivedList = h("div", { "data-archived": "" });
  const showArchived = h("button", { type: "button", class: "secondary", "aria-expanded": "false" }, "Show archived quizzes");
  const loadArchived = async () => {
    const archived = await getAll("/api/quizzes?archived=true");
    archivedList.replaceChildren(h("h3", {}, "Archived quizzes"), archived.length
      ? h("ul", { class: "list" }, archived.map((q) => quizCard(q, { archived: true, onUnarchive: teacherHome })))
      : h("p", { class: "empty" }, "No archived quiz: archived quizzes are kept here, with their grades."));
  };
  showArchived.addEventListener("click", async () => {
    const open = showArchived.getAttribute("aria-expanded") === "true";
    showArchived.setAttribute("aria-expanded", String(!open));
    showArchived.textContent = open ? "Show archived quizzes" : "Hide archived quizzes";
    if (open) archivedList.replaceChildren();
    else await act(showArchived, archivedList, loadArchived);
  });

  page({ title: "Teaching", lead: "Your classes and quizzes.",
    actions: [h("a", { class: "button", href: "#/quiz/new" }, "Build a quiz"),
      h("a", { class: "button secondary", href: "#/bank" }, "Browse the bank")] },
  h("h2", {}, "Classes"),
  classes.length
    ? h("ul", { class: "list" }, classes.map((c) => h("li", { class: "card item-card" },
      h("div", {}, h("h3", {}, h("a", { href: `#/class/${c.id}` }, c.name)),
        h("p", { class: "meta" }, `${plural(c.member_count, "learner")} · join code `, h("code", { class: "key" }, c.join_code))))))
    : h("p", { class: "empty" }, "No class yet: create one and give its learners the join code."),
  create,
  h("h2", {}, "Quizzes"),
  quizzes.length ? h("ul", { class: "list" }, quizzes.map((q) => quizCard(q)))
    : h("p", { class: "empty" }, "No quiz in use. Build one from the bank."),
  h("div", { class: "toolbar" }, showArchived),
  archivedList);
}

// --- a class -------------------------------------------------------------------------------

export async function classView(classId) {
  const [info, members, grid] = await Promise.all([
    get(`/api/classes/${classId}`), getAll(`/api/classes/${classId}/members`),
    get(`/api/classes/${classId}/progress`)]);
  const code = h("code", { class: "key", "data-join-code": "" }, info.join_code);
  const codeCard = h("div", { class: "card" });
  // The old code stops working at once: asked first, in place.
  const newCode = h("button", { type: "button", class: "secondary small", "data-new-code": "", onclick: () => {
    confirmInline(newCode, {
      text: "A new code replaces this one at once: learners who have not joined yet will need the new one. "
        + "Learners already in the class stay in it.",
      confirm: "Make a new code",
      danger: false,
      onConfirm: async () => {
        const fresh = await post(`/api/classes/${classId}/join-code`);
        code.textContent = fresh.join_code;
        toast(`New join code ${fresh.join_code}: the old one no longer works.`);
        return fresh;
      },
    });
  } }, "New code");
  codeCard.append(h("div", { class: "row" }, h("p", {}, "Join code: ", code), newCode));

  // A grade links to the attempt it comes from (the best one under "highest", ...).
  const grade = (learner, quiz) => {
    const value = learner.grades[quiz.id];
    const attempt = learner.attempts?.[quiz.id];
    if (value === null || value === undefined || !attempt) return "–";
    return h("a", { href: `#/review/${attempt}`, "data-review": String(attempt),
      "aria-label": `${formatPercent(value)}: review ${learner.display_name}'s attempt at ${quiz.title}` },
    formatPercent(value));
  };
  page({ title: info.name, lead: `${plural(members.length, "learner")} · ${plural(grid.quizzes.length, "quiz", "quizzes")} assigned` },
    codeCard,
    h("h2", {}, "Grades and mastery"),
    h("p", { class: "muted" }, "Each grade opens the attempt it comes from. ",
      h("a", { href: `/api/classes/${classId}/gradebook.csv`, download: "" }, "Download the gradebook (CSV)")),
    table({
      caption: `Grades and accuracy per tag in ${info.name}`,
      attrs: { "data-grid": "" },
      empty: "No learner has joined this class yet.",
      rows: grid.learners,
      columns: [
        { label: "Learner", rowHeader: true, cell: (l) => l.display_name },
        ...grid.quizzes.map((q) => ({ label: `${q.title}${q.archived ? " (archived)" : ""}`, cell: (l) => grade(l, q) })),
        ...grid.tags.map((t) => ({ label: `${t} (accuracy)`,
          cell: (l) => (l.tags[t] ? formatPercent(100 * l.tags[t].accuracy) : "–") })),
      ],
    }),
    h("h2", {}, "Quizzes"),
    grid.quizzes.length
      ? h("ul", { class: "list" }, grid.quizzes.map((q) => h("li", {}, h("a", { href: `#/quiz/${q.id}` }, q.title),
        q.archived ? h("span", { class: "badge neutral" }, " archived") : null)))
      : h("p", { class: "empty" }, "No quiz is assigned to this class."),
    h("h2", {}, "Learners"),
    members.length
      ? h("ul", {}, members.map((m) => h("li", {}, `${m.display_name} (${m.email})`)))
      : h("p", { class: "empty" }, "Nobody has joined yet: give your learners the join code."));
}

// --- picks: questions chosen for a new quiz, kept across filters, pages and pages of the site

const PICKS_KEY = "sourcequiz.picks";
const picks = new Map(); // question id -> {id, prompt, type}
try {
  for (const q of JSON.parse(sessionStorage.getItem(PICKS_KEY) || "[]")) picks.set(q.id, q);
} catch { /* a broken entry: start with no picks */ }
let picksChanged = () => {};
function savePicks() {
  try { sessionStorage.setItem(PICKS_KEY, JSON.stringify([...picks.values()])); } catch { /* private mode */ }
  picksChanged();
}
function setPicked(question, on) {
  if (on) picks.set(question.id, { id: question.id, prompt: question.prompt, type: question.type });
  else picks.delete(question.id);
  savePicks();
}

// The tray: what is picked, each with a remove button, and the way on (`go`).
function trayView({ go, goLabel }) {
  const tray = h("aside", { class: "card tray", id: "picks", "aria-labelledby": uid("tray"), "data-tray": "" });
  const heading = h("h2", { id: tray.getAttribute("aria-labelledby") });
  // On a phone the tray is below the list: a bar that stays at the screen's foot leads to it.
  const bar = h("p", { class: "picks-bar", "data-picks-bar": "" });
  const draw = () => {
    const list = [...picks.values()];
    heading.textContent = `Picked questions (${list.length})`;
    bar.replaceChildren(h("span", {}, list.length ? `${plural(list.length, "question")} picked` : "Nothing picked yet"),
      list.length ? h("a", { href: "#picks" }, "See the picks") : "");
    const goButton = h("button", { type: "button", "data-tray-go": "", disabled: !list.length, onclick: go },
      goLabel(list.length));
    const clear = h("button", { type: "button", class: "secondary", disabled: !list.length, onclick: () => {
      picks.clear();
      savePicks();
      toast("The picks are cleared.", { kind: "info" });
    } }, "Clear all");
    tray.replaceChildren(heading,
      list.length
        ? h("ol", { class: "tray-list" }, list.map((q) => h("li", { "data-picked-question": String(q.id) },
          h("div", {}, h("span", { class: "tray-prompt" }, shortText(q.prompt, 12)),
            h("span", { class: "muted small" }, typeLabel(q.type))),
          h("button", { type: "button", class: "secondary small", "aria-label": `Remove from the picks: ${q.prompt}`,
            onclick: () => { setPicked(q, false); announce(`Removed: ${shortText(q.prompt, 8)}`); } }, "Remove"))))
        : h("p", { class: "muted" }, "Pick questions in the list: they stay here while you filter and turn pages."),
      h("div", { class: "toolbar" }, goButton, clear));
  };
  draw();
  return { tray, bar, draw };
}

// --- the bank: filters, a page of questions, the tray ------------------------------------------

async function filters(onChange) {
  const [types, difficulties, banks] = await Promise.all([loadTypes(), choices("difficulty", DIFFICULTY),
    getAll("/api/banks")]);
  const bank = h("select", {}, option("", "any bank"), banks.map((b) => option(b.id, b.title)));
  const type = h("select", {}, option("", "any type"), types.map((t) => option(t.type, t.label)));
  const tag = h("input", { type: "text" });
  const difficulty = h("select", {}, option("", "any"), options(difficulties));
  const text = h("input", { type: "search" });
  const form = h("form", { class: "card filters", role: "search", "aria-label": "Filter the questions",
    onsubmit: (e) => { e.preventDefault(); onChange(query()); } },
  h("div", { class: "row" }, field("Bank", bank, { name: "bank" }), field("Type", type, { name: "type" }),
    field("Tag", tag, { name: "tag" }), field("Difficulty", difficulty, { name: "difficulty" }),
    field("Text", text, { name: "q" }), h("button", {}, "Filter")));
  const query = () => {
    const params = new URLSearchParams();
    if (bank.value) params.set("bank", bank.value);
    if (type.value) params.set("type", type.value);
    if (tag.value) params.set("tag", tag.value);
    if (difficulty.value) params.set("difficulty", difficulty.value);
    if (text.value) params.set("q", text.value);
    return params;
  };
  return { form, query, banks };
}

// The questions of the filter, a page at a time from the server, with a pick box and a preview
// each. The answer of the latest request asked for is the one shown: a slower, earlier one
// never overwrites it.
function questionPages(form) {
  const region = h("section", { class: "bank-results", "aria-label": "Questions", "data-preview-host": "" });
  let latest = 0;
  let filter = new URLSearchParams();
  let current = 1;
  // One question: a box to pick it (its prompt is the box's label), what it is, its answer.
  const questionCard = (q, article) => {
    const box = h("input", { type: "checkbox", value: q.id, checked: picks.has(q.id), id: uid("pick"),
      "aria-describedby": null });
    box.addEventListener("change", () => {
      setPicked(q, box.checked);
      announce(box.checked ? `Picked (${picks.size}): ${shortText(q.prompt, 8)}` : `Removed (${picks.size} picked)`);
    });
    const meta = h("span", { class: "q-meta", id: uid("meta") },
      [typeLabel(q.type), labelOf(DIFFICULTY, q.difficulty), ...q.tags].join(" · "));
    box.setAttribute("aria-describedby", meta.id);
    return h("li", { class: "card bank-question", "data-bank-question": String(q.id) },
      box,
      h("div", { class: "q-body" },
        h("label", { for: box.id, class: "q-prompt" }, h("span", { class: "visually-hidden" }, "Pick: "), q.prompt),
        meta,
        h("div", { class: "q-answer" }, h("span", { class: "muted" }, "Answer: "),
          h("span", { class: "q-key", "data-key": "" }, keyInWords(q, article)))),
      previewButton(async () => q, `Preview: ${q.prompt}`));
  };
  const pager = (paging) => {
    const total = paging.total ?? 0;
    const pages = Math.max(1, paging.total_pages ?? 1);
    const status = `Page ${paging.page ?? 1} of ${pages} · ${plural(total, "question")}`;
    const previous = h("button", { type: "button", class: "secondary", disabled: !paging.previous_page,
      "data-page-previous": "", onclick: () => show(paging.previous_page) }, "← Previous");
    const next = h("button", { type: "button", class: "secondary", disabled: !paging.next_page,
      "data-page-next": "", onclick: () => show(paging.next_page) }, "Next →");
    return { status, nav: h("nav", { class: "pager", "aria-label": "Pages of questions" }, previous,
      h("span", { class: "pager-status", "aria-live": "polite", "data-page-status": "" }, status), next) };
  };
  const show = async (pageNumber = 1, newFilter = null) => {
    if (newFilter) filter = newFilter;
    const mine = ++latest;
    const params = new URLSearchParams(filter);
    params.set("page", String(pageNumber));
    params.set("page_size", String(BANK_PAGE_SIZE));
    clearError(form);
    try {
      const { items, paging } = await getPage(`/api/questions?${params}`);
      const quoted = await articlesOf(items);
      if (mine !== latest) return;
      current = pageNumber;
      const { status, nav } = pager(paging);
      region.replaceChildren(
        h("p", { class: "bank-status", "data-bank-status": "" }, status),
        items.length
          ? h("ul", { class: "list bank-list", "aria-label": status },
            items.map((q) => questionCard(q, quoted.get(q.id))))
          : h("p", { class: "empty" }, "No question matches these filters."),
        items.length ? nav : "");
      if (pageNumber !== 1) region.scrollIntoView({ block: "start" });
    } catch (error) {
      if (mine === latest) showError(error, form);
    }
  };
  // A pick changed elsewhere (the tray's Remove): the boxes of this page follow.
  const sync = () => {
    for (const box of region.querySelectorAll("[data-bank-question] input[type=checkbox]")) {
      box.checked = picks.has(Number(box.value));
    }
  };
  return { region, show, sync, reload: () => show(current) };
}

async function bankBrowser({ go, goLabel }) {
  let pages;
  const { form, query, banks } = await filters((params) => pages.show(1, params));
  pages = questionPages(form);
  const { tray, bar, draw } = trayView({ go, goLabel });
  picksChanged = () => { draw(); pages.sync(); };
  return { form, pages, tray, banks, layout: h("div", { class: "bank-layout" }, pages.region, bar, tray) };
}

export async function bankView() {
  const { form, pages, layout } = await bankBrowser({
    go: () => { location.hash = "#/quiz/new"; },
    goLabel: (n) => (n ? `Create quiz with ${n === 1 ? "this question" : `these ${n}`}` : "Create quiz"),
  });
  page({ title: "The question bank", lead: "Every question with its answer. Pick some to build a quiz." },
    form, layout);
  await pages.show(1);
}

// --- the builder ------------------------------------------------------------------------------

export async function quizBuilder() {
  const [classes, gradings, feedbacks, reveals] = await Promise.all([getAll("/api/classes"),
    choices("grading", GRADING), choices("feedback", FEEDBACK), choices("reveal_answers", REVEAL)]);
  let save;
  let title;
  // The tray's button finishes the quiz: straight to its title while it has none.
  const finish = () => {
    if (title.value.trim()) { save.requestSubmit(); return; }
    save.scrollIntoView({ block: "start" });
    title.focus({ preventScroll: true });
  };
  const { form: filterForm, pages, layout, banks } = await bankBrowser({
    go: finish,
    goLabel: (n) => (n ? `Create quiz with ${n === 1 ? "this question" : `these ${n}`}` : "Create quiz"),
  });
  title = h("input", { type: "text", required: true, maxlength: "200" });
  const drawBank = h("select", {}, option("", "no draw"), banks.map((b) => option(b.id, b.title)));
  const drawTag = h("input", { type: "text" });
  const drawCount = h("input", { type: "number", min: "1", value: "5" });
  const timeLimit = h("input", { type: "number", min: "1", max: "10080", placeholder: "none" }); // a week
  const attempts = h("input", { type: "number", min: "1", placeholder: "unlimited" });
  const grading = h("select", {}, options(gradings));
  const feedback = h("select", {}, options(feedbacks));
  const reveal = h("select", {}, options(reveals));
  const closes = h("input", { type: "datetime-local" });
  const shuffle = h("input", { type: "checkbox" });
  const classSelect = h("select", {}, classes.map((c) => option(c.id, c.name)), option("", "Not yet (assign it later)"));
  const due = h("input", { type: "datetime-local" });
  const submit = h("button", { type: "submit" });
  const label = () => { submit.textContent = classSelect.value ? "Create and assign" : "Create quiz"; };
  classSelect.addEventListener("change", label);
  label();
  save = h("form", { class: "card", "data-quiz-form": "", onsubmit: async (event) => {
    event.preventDefault();
    const body = { title: title.value, question_ids: [...picks.keys()], grading: grading.value, feedback: feedback.value,
      reveal_answers: reveal.value, shuffle_questions: shuffle.checked };
    if (drawBank.value) body.draw = [{ bank: Number(drawBank.value), tag: drawTag.value || null, count: Number(drawCount.value) }];
    if (timeLimit.value) body.time_limit_s = Number(timeLimit.value) * 60;
    if (attempts.value) body.max_attempts = Number(attempts.value);
    if (closes.value) body.closes_at = isoOf(closes.value);
    const assigned = classSelect.value ? classSelect.selectedOptions[0].textContent : null;
    const quiz = await act(submit, save, async () => {
      const made = await post("/api/quizzes", body);
      if (assigned) {
        await post(`/api/quizzes/${made.id}/assignments`, { class_id: Number(classSelect.value),
          due_at: due.value ? isoOf(due.value) : null });
      }
      return made;
    });
    if (!quiz) return;
    picks.clear();
    savePicks();
    const done = `Quiz ${quiz.title} created${assigned ? ` and assigned to ${assigned}` : ""}.`;
    toast(done);
    if (!quiz.warnings?.length) {
      announce(done);
      location.hash = `#/quiz/${quiz.id}`;
      return;
    }
    // Questions that give each other away: the teacher sees them now, and can take one out.
    await createdWithWarnings(quiz, done);
  } },
  h("h2", {}, "The quiz"),
  h("p", { class: "muted", "data-picked-count": "" }),
  field("Title", title, { name: "title" }),
  h("fieldset", {}, h("legend", {}, "Draw at random per attempt (optional)"),
    h("div", { class: "row" }, field("Bank", drawBank, { name: "draw" }), field("Tag", drawTag), field("How many", drawCount))),
  h("fieldset", {}, h("legend", {}, "Settings"), h("div", { class: "row" },
    field("Time limit (minutes)", timeLimit, { name: "time_limit_s" }), field("Attempts allowed", attempts, { name: "max_attempts" }),
    field("Grade by", grading, { name: "grading" }), field("Feedback", feedback, { name: "feedback" }),
    field("Show the correct answers", reveal, { name: "reveal_answers" }), field("Closes at", closes, { name: "closes_at" }),
    h("label", { class: "choice" }, shuffle, "Shuffle the questions"))),
  h("div", { class: "row" }, field("Assign to class", classSelect, { name: "class_id" }),
    field("Due (optional)", due, { name: "due_at" })),
  h("div", { class: "toolbar" }, submit));
  const count = save.querySelector("[data-picked-count]");
  const counted = () => {
    count.textContent = picks.size ? `${plural(picks.size, "picked question")}, asked in every attempt.`
      : "No question picked: pick some above, or draw them at random below.";
  };
  const trayChanged = picksChanged;
  picksChanged = () => { trayChanged(); counted(); };
  counted();
  // Come from the bank with questions picked: the quiz's form first, the picker below it.
  const parts = picks.size ? [save, h("h2", {}, "Pick more questions"), filterForm, layout] : [filterForm, layout, save];
  page({ title: "Build a quiz", lead: "Pick questions (they stay picked while you filter and page), then set the quiz up." },
    parts);
  await pages.show(1);
}

// The builder's last step when the new quiz's questions give each other away. The address
// becomes the quiz's (without drawing it again): a reload shows the quiz, not an empty builder.
async function createdWithWarnings(quiz, done) {
  history.replaceState(null, "", `#/quiz/${quiz.id}`);
  const draw = async (current) => {
    const panel = await warningsPanel(current, draw);
    page(`${current.title}: created`, h("p", {}, done),
      panel || h("p", { class: "ok", "data-no-warnings": "" }, "No two questions of this quiz give each other away now."),
      // The address is the quiz's already: following the link draws its page.
      h("p", {}, h("a", { class: "button", href: `#/quiz/${current.id}`,
        onclick: (event) => { event.preventDefault(); redraw(); } }, "Go to the quiz")));
  };
  await draw(quiz);
  announce(`${done} ${plural(quiz.warnings.length, "pair")} of its questions give each other away.`);
}

// The server's warnings about a quiz (`warnings`: pairs of fixed questions that test the same
// fact or give each other away, which every attempt asks together), each pair named by its
// prompts with the reason, and a button per question that takes it out of the quiz.
// `onChange(quiz)` gets the quiz once changed. Nothing (null) when there is no warning.
async function warningsPanel(quiz, onChange) {
  const warnings = quiz.warnings || [];
  if (!warnings.length) return null;
  const known = new Map((quiz.questions || []).filter((q) => q.prompt).map((q) => [q.question_id, q.prompt]));
  const ids = [...new Set(warnings.flatMap((w) => w.questions))];
  const prompts = new Map(await Promise.all(ids.map(async (id) => {
    if (known.has(id)) return [id, known.get(id)];
    try { return [id, (await get(`/api/questions/${id}`)).prompt]; } catch { return [id, `Question ${id}`]; }
  })));
  // The reason names questions by id ('12'): by their prompts here.
  const reason = (text) => text.replace(/'(\d+)'/g, (whole, id) =>
    (prompts.has(Number(id)) ? `“${shortText(prompts.get(Number(id)), 8)}”` : whole));
  const heading = uid("warnings");
  const panel = h("section", { class: "card warnings", "data-warnings": "", "aria-labelledby": heading });
  const remove = async (id, button) => {
    const kept = quiz.questions.filter((q) => q.question_id !== id);
    const changed = await act(button, panel, () => patch(`/api/quizzes/${quiz.id}`, {
      question_ids: kept.map((q) => q.question_id),
      points: Object.fromEntries(kept.map((q) => [String(q.question_id), q.points])),
    }), `Removed from the quiz: ${shortText(prompts.get(id), 8)}`);
    if (changed) await onChange(changed);
  };
  const question = (id) => {
    const button = h("button", { type: "button", class: "secondary small", "data-remove": String(id),
      "aria-label": `Remove from the quiz: ${prompts.get(id)}` }, "Remove from the quiz");
    button.addEventListener("click", () => remove(id, button));
    return h("li", {}, h("q", {}, prompts.get(id)), " ", button);
  };
  put(panel, 
    h("h2", { id: heading }, warnings.length === 1
      ? "Two questions of this quiz give each other away"
      : `${warnings.length} pairs of questions of this quiz give each other away`),
    h("p", {}, "Every attempt asks both questions of a pair: remove one of them, or keep both if you mean to."),
    warnings.map(({ questions: pair, reason: why }) => h("div", { class: "warning", "data-warning": "" },
      h("ul", {}, pair.map(question)),
      h("p", { class: "muted" }, `Why: ${reason(why)}.`))));
  return panel;
}

// --- a quiz's page -----------------------------------------------------------------------------

const LOCKED = "Learners have attempted this quiz, so what changes scores is locked: its questions, "
  + "points and grading, and feedback to or from immediate. Duplicate it to change those.";

function settingsInWords(quiz, bankTitles) {
  const fixedPoints = quiz.questions.reduce((sum, q) => sum + q.points, 0);
  const asked = [
    quiz.questions.length ? `${plural(quiz.questions.length, "fixed question")} (${pointsText(fixedPoints)})` : null,
    ...quiz.draw.map((rule) => `${rule.count} drawn at random from ${bankTitles.get(rule.bank) ?? `bank ${rule.bank}`}`
      + `${rule.tag ? `, tag ${rule.tag}` : ""}${rule.difficulty ? `, ${rule.difficulty}` : ""} (${pointsText(rule.points)} each)`),
  ].filter(Boolean);
  const minutes = quiz.time_limit_s ? Math.round(quiz.time_limit_s / 60) : null;
  return [
    ["Questions", asked.length ? asked.join("; ") : "None yet"],
    ["Time limit", minutes ? plural(minutes, "minute") : "None"],
    ["Attempts", quiz.max_attempts ? `Up to ${quiz.max_attempts}` : "Unlimited"],
    ["Grade", GRADING_WORDS[quiz.grading] ?? quiz.grading],
    ["Results shown", FEEDBACK_WORDS[quiz.feedback] ?? quiz.feedback],
    ["Correct answers shown", REVEAL[quiz.reveal_answers] ?? quiz.reveal_answers],
    ["Order", `${quiz.shuffle_questions ? "Questions shuffled" : "Questions in this order"}; `
      + `${quiz.shuffle_options ? "options shuffled" : "options in their order"}`],
    ["Opens", quiz.opens_at ? timeEl(quiz.opens_at) : "Open from the start"],
    ["Closes", quiz.closes_at ? timeEl(quiz.closes_at) : "Never"],
  ];
}

// The settings card: in words, and an edit form (only what may still change is enabled).
async function settingsCard(quiz, bankTitles, refresh) {
  const [gradings, feedbacks, reveals] = await Promise.all([choices("grading", GRADING), choices("feedback", FEEDBACK),
    choices("reveal_answers", REVEAL)]);
  const attempted = quiz.attempt_count > 0;
  const card = h("section", { class: "card", "aria-labelledby": uid("settings"), "data-settings": "" });
  const heading = h("h2", { id: card.getAttribute("aria-labelledby") }, "Settings");
  const words = h("dl", { class: "settings" }, settingsInWords(quiz, bankTitles).map(([term, text]) =>
    h("div", {}, h("dt", {}, term), h("dd", {}, text))));

  const title = h("input", { type: "text", required: true, maxlength: "200", value: quiz.title });
  const timeLimit = h("input", { type: "number", min: "1", max: "10080", placeholder: "none",
    value: quiz.time_limit_s ? String(Math.round(quiz.time_limit_s / 60)) : "" });
  const maxAttempts = h("input", { type: "number", min: "1", placeholder: "unlimited", value: quiz.max_attempts ?? "" });
  const grading = h("select", { disabled: attempted }, options(gradings));
  grading.value = quiz.grading;
  const feedback = h("select", { disabled: attempted && quiz.feedback === "immediate" }, options(feedbacks));
  feedback.value = quiz.feedback;
  if (attempted) for (const o of feedback.options) if (o.value === "immediate" && quiz.feedback !== "immediate") o.disabled = true;
  const reveal = h("select", {}, options(reveals));
  reveal.value = quiz.reveal_answers;
  const opens = h("input", { type: "datetime-local", value: localInput(quiz.opens_at) });
  const closes = h("input", { type: "datetime-local", value: localInput(quiz.closes_at) });
  const shuffleQuestions = h("input", { type: "checkbox", checked: quiz.shuffle_questions });
  const shuffleOptions = h("input", { type: "checkbox", checked: quiz.shuffle_options });
  const saveButton = h("button", { type: "submit" }, "Save settings");
  const form = h("form", { class: "stack", hidden: true, "data-settings-form": "", onsubmit: async (event) => {
    event.preventDefault();
    // Only what changed is sent: an unchanged grading is still a change of a locked field.
    const wanted = {
      title: title.value, time_limit_s: timeLimit.value ? Number(timeLimit.value) * 60 : null,
      max_attempts: maxAttempts.value ? Number(maxAttempts.value) : null, grading: grading.value,
      feedback: feedback.value, reveal_answers: reveal.value, opens_at: isoOf(opens.value), closes_at: isoOf(closes.value),
      shuffle_questions: shuffleQuestions.checked, shuffle_options: shuffleOptions.checked,
    };
    const same = (name) => (name.endsWith("_at")
      ? (wanted[name] && new Date(wanted[name]).getTime()) === (quiz[name] && new Date(quiz[name]).getTime())
      : wanted[name] === quiz[name]);
    const body = Object.fromEntries(Object.entries(wanted).filter(([name]) => !same(name)));
    if (!Object.keys(body).length) { toast("Nothing changed.", { kind: "info" }); return; }
    const changed = await act(saveButton, form, () => patch(`/api/quizzes/${quiz.id}`, body), "Settings saved.");
    if (changed) await refresh();
  } },
  attempted ? h("p", { class: "notice", "data-locked-note": "" }, LOCKED) : null,
  field("Title", title, { name: "title" }),
  h("div", { class: "row" }, field("Time limit (minutes)", timeLimit, { name: "time_limit_s" }),
    field("Attempts allowed", maxAttempts, { name: "max_attempts" }),
    field("Grade by", grading, { name: "grading" }), field("Feedback", feedback, { name: "feedback" })),
  field("Show the correct answers", reveal, { name: "reveal_answers" }),
  h("div", { class: "row" }, field("Opens at", opens, { name: "opens_at" }), field("Closes at", closes, { name: "closes_at" })),
  h("label", { class: "choice" }, shuffleQuestions, "Shuffle the questions"),
  h("label", { class: "choice" }, shuffleOptions, "Shuffle each question's options"),
  h("div", { class: "toolbar" }, saveButton,
    h("button", { type: "button", class: "secondary", onclick: () => toggle(false) }, "Cancel")));
  const edit = h("button", { type: "button", class: "secondary small", "aria-expanded": "false" }, "Edit settings");
  const toggle = (open) => {
    form.hidden = !open;
    words.hidden = open;
    edit.setAttribute("aria-expanded", String(open));
    if (open) title.focus(); else { clearError(form); edit.focus(); }
  };
  edit.addEventListener("click", () => toggle(form.hidden));
  card.append(h("div", { class: "card-head" }, heading, edit), words, form);
  return card;
}

// The questions card: each numbered as the results number it, previewable; points and removal
// while nothing has been attempted.
function questionsCard(quiz, refresh) {
  const attempted = quiz.attempt_count > 0;
  const card = h("section", { class: "card", "aria-labelledby": uid("questions"), "data-questions": "",
    "data-preview-host": "" });
  const heading = h("h2", { id: card.getAttribute("aria-labelledby") }, `Questions (${quiz.questions.length})`);
  const inputs = new Map();
  const save = h("button", { type: "button", class: "secondary", "data-save-points": "" }, "Save points");
  // Refused because learners started meanwhile (409): the points go back to what they are and
  // nothing here can change any more; the problem, shown where the teacher clicked, says why.
  const lock = () => {
    for (const q of quiz.questions) inputs.get(q.question_id).value = String(q.points);
    for (const control of card.querySelectorAll("input, [data-remove-question], [data-save-points]")) control.disabled = true;
  };
  const change = async (button, near, body, done) => {
    button.disabled = true;
    clearError(card);
    try {
      await patch(`/api/quizzes/${quiz.id}`, body);
    } catch (error) {
      showError(error, near);
      if (error.status === 409) lock(); else button.disabled = false;
      return;
    }
    toast(done);
    announce(done);
    await refresh();
  };
  const saveBar = h("div", { class: "points-bar" }, h("div", { class: "toolbar" }, save));
  save.addEventListener("click", () => change(save, saveBar, {
    points: Object.fromEntries([...inputs].map(([id, input]) => [String(id), Number(input.value)])),
  }, "Points saved."));
  const row = (q, index) => {
    const number = `Q${index + 1}`;
    const points = h("input", { type: "number", min: "0.5", max: "1000", step: "0.5", value: String(q.points),
      "aria-label": `Points for ${number}`, name: "points", class: "points" });
    inputs.set(q.question_id, points);
    const remove = h("button", { type: "button", class: "danger small",
      "data-remove-question": String(q.question_id), "aria-label": `Remove ${number} from the quiz` }, "Remove");
    remove.addEventListener("click", () => {
      const kept = quiz.questions.filter((other) => other.question_id !== q.question_id);
      change(remove, remove.closest("li"), { question_ids: kept.map((k) => k.question_id),
        points: Object.fromEntries(kept.map((k) => [String(k.question_id), k.points])) }, `${number} removed from the quiz.`);
    });
    return h("li", { class: "quiz-question", "data-question": String(q.question_id) },
      h("span", { class: "q-number", "aria-hidden": "true" }, number),
      h("div", { class: "q-body" },
        h("p", { class: "q-prompt" }, h("span", { class: "visually-hidden" }, `${number}: `), q.prompt),
        h("p", { class: "q-meta" }, typeLabel(q.type), " · ",
          attempted ? pointsText(q.points) : h("label", { class: "inline" }, points, " points"))),
      h("div", { class: "toolbar" },
        previewButton(() => get(`/api/questions/${q.question_id}`), `Preview ${number}: ${q.prompt}`),
        attempted ? null : remove));
  };
  put(card, h("div", { class: "card-head" }, heading),
    attempted ? h("p", { class: "notice", "data-locked-note": "" }, LOCKED) : null,
    quiz.questions.length
      ? h("ol", { class: "quiz-questions" }, quiz.questions.map(row))
      : h("p", { class: "empty" }, "No fixed question: every question is drawn at random."),
    quiz.questions.length && !attempted ? saveBar : null);
  return card;
}

// The classes card: where the quiz is assigned, with due dates; unassign; assign to another.
function classesCard(quiz, classes, refresh) {
  const card = h("section", { class: "card", "aria-labelledby": uid("classes"), "data-classes": "" });
  const heading = h("h2", { id: card.getAttribute("aria-labelledby") }, "Classes");
  const rows = quiz.assignments.map((a) => {
    const unassign = h("button", { type: "button", class: "danger small", "data-unassign": String(a.class_id),
      "aria-label": `Unassign from ${a.class_name}` }, "Unassign");
    unassign.addEventListener("click", () => confirmInline(unassign, {
      text: `Take this quiz away from ${a.class_name}? Its learners stop seeing it; their attempts and grades are kept `
        + "(an attempt in progress is submitted as it stands).",
      confirm: `Unassign from ${a.class_name}`,
      onConfirm: async () => {
        await del(`/api/quizzes/${quiz.id}/assignments/${a.class_id}`);
        toast(`Unassigned from ${a.class_name}.`);
        announce(`Unassigned from ${a.class_name}.`);
        await refresh();
        return true;
      },
    }));
    return h("li", { class: "assignment", "data-assignment": String(a.class_id), "data-confirm-host": "" },
      h("div", {}, h("a", { href: `#/class/${a.class_id}` }, a.class_name),
        h("span", { class: "muted small" }, " · ", a.due_at ? ["due ", timeEl(a.due_at)] : "no due date")),
      unassign);
  });
  const free = classes.filter((c) => !quiz.assignments.some((a) => a.class_id === c.id));
  const classSelect = h("select", {}, free.map((c) => option(c.id, c.name)));
  const due = h("input", { type: "datetime-local" });
  const assignButton = h("button", {}, "Assign");
  const assign = h("form", { class: "assign", "data-assign": "", onsubmit: async (event) => {
    event.preventDefault();
    const name = classSelect.selectedOptions[0]?.textContent;
    const made = await act(assignButton, assign, () => post(`/api/quizzes/${quiz.id}/assignments`,
      { class_id: Number(classSelect.value), due_at: isoOf(due.value) }), `Assigned to ${name}.`);
    if (made) await refresh();
  } }, h("div", { class: "row" }, field("Assign to class", classSelect, { name: "class_id" }),
    field("Due (optional)", due, { name: "due_at" }), assignButton));
  put(card, heading,
    rows.length ? h("ul", { class: "assignments" }, rows) : h("p", { class: "muted" }, "Not assigned to any class yet."),
    quiz.archived_at ? h("p", { class: "muted" }, "Unarchive the quiz to assign it to a class.")
      : free.length ? assign
        : h("p", { class: "muted" }, classes.length ? "Assigned to all your classes." : "Create a class to assign it."));
  return card;
}

// The results: score histogram, facility per question (low ones in a second colour), the item
// analysis (rows numbered as the chart's bars and the questions card) and facts.
function resultsSection(quiz, stats) {
  // Fixed questions keep their number from the questions card; drawn ones follow.
  const order = new Map(quiz.questions.map((q, i) => [q.question_id, i]));
  const rows = [...stats.questions].sort((a, b) =>
    (order.get(a.question_id) ?? 1e9) - (order.get(b.question_id) ?? 1e9) || a.question_id - b.question_id);
  let next = quiz.questions.length;
  const numberOf = new Map(rows.map((q) => [q.question_id,
    `Q${order.has(q.question_id) ? order.get(q.question_id) + 1 : ++next}`]));
  const bands = stats.quiz.histogram.map((_, i) => `${i * 10}–${i === 9 ? 100 : i * 10 + 9} %`);
  const low = (value) => value !== null && value < LOW_FACILITY;
  return [
    h("h2", {}, "Results"),
    // The item analysis's words, for a teacher who has not met them.
    h("details", { class: "glossary", "data-glossary": "" }, h("summary", {}, "What these figures mean"),
      h("dl", { class: "settings" },
        h("div", {}, h("dt", {}, "Facility"), h("dd", {}, "The share of the marks learners earned on a question: "
          + `under ${LOW_FACILITY} % it was hard, or misleading.`)),
        h("div", {}, h("dt", {}, "Discrimination"), h("dd", {}, "How much better learners who did well overall did on "
          + "this question: near 0 or below, it does not tell strong from weak answers.")),
        h("div", {}, h("dt", {}, "SD"), h("dd", {}, "How spread out the marks are.")),
        h("div", {}, h("dt", {}, "Cronbach's alpha"), h("dd", {}, "How consistently the questions measure the same "
          + "thing, from 0 to 1: 0.7 or more is usual for a class quiz.")))),
    h("p", { "data-summary": "" }, `${plural(stats.quiz.attempts, "submitted attempt")} · mean ${formatPercent(stats.quiz.mean)} · `,
      `median ${formatPercent(stats.quiz.median)} · SD ${formatPercent(stats.quiz.sd)} · `,
      `Cronbach's alpha ${stats.quiz.cronbach_alpha ?? "–"}`),
    stats.quiz.attempts ? h("div", { class: "charts" },
      h("div", { class: "card" }, barChart({ title: "Scores: attempts per band", labels: bands, values: stats.quiz.histogram,
        max: Math.max(1, ...stats.quiz.histogram), xLabel: "Attempts", yLabel: "Score" })),
      rows.length ? h("div", { class: "card" }, barChart({ title: "Facility: share of marks earned per question",
        labels: rows.map((q) => numberOf.get(q.question_id)), details: rows.map((q) => shortText(q.prompt, 10)),
        values: rows.map((q) => (q.facility === null ? null : Math.round(q.facility))), unit: " %",
        xLabel: "Facility (% of marks earned)", yLabel: "Question",
        highlight: (value) => low(value), highlightNote: `below ${LOW_FACILITY} %, too hard or misleading` })) : null)
      : h("p", { class: "empty" }, "No submitted attempts yet: results show here once learners submit."),
    rows.length ? table({
      caption: "Item analysis per question",
      showCaption: true,
      rows,
      columns: [
        { label: "No.", rowHeader: true, cell: (q) => numberOf.get(q.question_id) },
        { label: "Question", cell: (q) => h("span", { class: "cell-text" }, q.prompt) },
        { label: "Facility", cell: (q) => (low(q.facility)
          ? h("span", { class: "low" }, formatPercent(q.facility), " ", h("span", { class: "badge bad" }, "low"))
          : formatPercent(q.facility)) },
        { label: "SD", cell: (q) => formatPercent(q.sd) },
        { label: "Discrimination", cell: (q) => formatPercent(q.discrimination) },
        { label: "Mean time", cell: (q) => (q.mean_time_s === null ? "–" : `${q.mean_time_s} s`) },
        { label: "Options chosen",
          cell: (q) => q.options.map((o) => `${o.text}${o.correct ? " ✓" : ""}: ${o.count}`).join("; ") || "–" },
      ],
    }) : null,
    h("h2", {}, "Facts, the most often missed first"),
    table({
      caption: "Facts, the least often right first",
      empty: "No fact has been answered yet.",
      rows: [...stats.facts].sort((a, b) => (a.share_right ?? 0) - (b.share_right ?? 0)),
      columns: [
        { label: "Fact", cell: (f) => h("span", { class: "cell-text" }, f.statement) },
        { label: "Evidence", cell: (f) => h("span", { class: "cell-text" }, h("q", {}, f.evidence_text)) },
        { label: "Learners right", cell: (f) => `${f.learners_right} / ${f.learners}` },
      ],
    }),
  ];
}

export async function quizView(quizId) {
  const [quiz, stats, classes, banks] = await Promise.all([
    get(`/api/quizzes/${quizId}`), get(`/api/quizzes/${quizId}/statistics`), getAll("/api/classes"),
    getAll("/api/banks")]);
  const bankTitles = new Map(banks.map((b) => [b.id, b.title]));
  const refresh = () => quizView(quizId);
  const archived = Boolean(quiz.archived_at);
  const head = h("div", { class: "quiz-actions", "data-confirm-host": "" });

  const duplicate = h("button", { type: "button", class: "secondary", "data-duplicate": "" }, "Duplicate");
  duplicate.addEventListener("click", async () => {
    const copy = await act(duplicate, head, () => post(`/api/quizzes/${quiz.id}/duplicate`),
      (c) => `Copied as “${c.title}”: not assigned yet, and everything in it can change.`);
    if (copy) location.hash = `#/quiz/${copy.id}`;
  });
  const archive = h("button", { type: "button", class: archived ? "secondary" : "danger",
    "data-archive": archived ? "unarchive" : "archive" }, archived ? "Unarchive" : "Archive");
  archive.addEventListener("click", () => {
    if (archived) {
      act(archive, head, () => post(`/api/quizzes/${quiz.id}/unarchive`),
        "Back in use: the classes it is assigned to see it again.").then((done) => done && refresh());
      return;
    }
    confirmInline(archive, {
      text: "Archive this quiz? Its learners stop seeing it and cannot start it; attempts in progress are submitted "
        + "as they stand. Grades and reviews stay, and you can unarchive it later.",
      confirm: "Archive the quiz",
      onConfirm: async () => {
        await post(`/api/quizzes/${quiz.id}/archive`);
        toast("Archived. It is listed under “Show archived quizzes” on your home page.");
        await refresh();
        return true;
      },
    });
  });
  head.append(h("div", { class: "toolbar" }, duplicate, archive));

  const assigned = quiz.assignments.map((a) => a.class_name);
  const lead = [assigned.length ? `Assigned to ${assigned.join(", ")}` : "Not assigned",
    plural(quiz.attempt_count, "attempt")].join(" · ");
  page({ title: quiz.title, lead },
    head,
    archived ? h("p", { class: "notice", "data-archived-note": "" }, "Archived ", timeEl(quiz.archived_at),
      ": learners do not see it. Unarchive it to use it again.") : null,
    await warningsPanel(quiz, refresh),
    h("div", { class: "grid-2 quiz-cards" },
      await settingsCard(quiz, bankTitles, refresh),
      classesCard(quiz, classes, refresh)),
    questionsCard(quiz, refresh),
    resultsSection(quiz, stats));
}
