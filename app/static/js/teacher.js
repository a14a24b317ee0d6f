// The teacher's pages: classes, the bank, building and assigning quizzes, their figures.
import { get, getAll, patch, post } from "./api.js";
import { barChart } from "./charts.js";
import { choices, labelOf } from "./enums.js";
import { describeSentences } from "./evidence.js";
import { loadTypes, typeLabel } from "./types.js";
import { announce, field, h, page, percent, plural, showError, table, uid } from "./ui.js";

const option = (value, label = value) => h("option", { value }, label);
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
const options = (list) => list.map(({ value, label }) => option(value, label));

export async function teacherHome() {
  const [classes, quizzes] = await Promise.all([getAll("/api/classes"), getAll("/api/quizzes")]);
  const name = h("input", { type: "text", required: true, maxlength: "120" });
  const create = h("form", { class: "card row", onsubmit: async (event) => {
    event.preventDefault();
    try {
      const made = await post("/api/classes", { name: name.value });
      announce(`Class ${made.name} created; its join code is ${made.join_code}.`);
      location.hash = `#/class/${made.id}`;
    } catch (error) { showError(error); }
  } }, field("New class name", name), h("button", {}, "Create class"));
  page("Teaching",
    h("h2", {}, "Classes"), create,
    h("ul", {}, classes.map((c) => h("li", {}, h("a", { href: `#/class/${c.id}` }, c.name),
      ` · join code `, h("code", { class: "key" }, c.join_code), ` · ${c.member_count} learner(s)`))),
    h("h2", {}, "Quizzes"),
    h("p", {}, h("a", { class: "button", href: "#/quiz/new" }, "Build a quiz"), " ", h("a", { href: "#/bank" }, "Browse the bank")),
    h("ul", {}, quizzes.map((q) => h("li", {}, h("a", { href: `#/quiz/${q.id}` }, q.title)))));
}

export async function classView(classId) {
  const [info, members, grid] = await Promise.all([
    get(`/api/classes/${classId}`), getAll(`/api/classes/${classId}/members`),
    get(`/api/classes/${classId}/progress`)]);
  const code = h("code", { class: "key", "data-join-code": "" }, info.join_code);
  page(info.name,
    h("p", {}, "Join code: ", code, " ",
      h("button", { type: "button", class: "secondary", onclick: async () => {
        const fresh = await post(`/api/classes/${classId}/join-code`);
        code.textContent = fresh.join_code;
        announce(`New join code ${fresh.join_code}.`);
      } }, "New code")),
    h("h2", {}, "Learners"),
    h("ul", {}, members.map((m) => h("li", {}, `${m.display_name} (${m.email})`))),
    h("h2", {}, "Grades and mastery"),
    h("p", {}, h("a", { href: `/api/classes/${classId}/gradebook.csv`, download: "" }, "Download the gradebook (CSV)")),
    table({
      caption: `Grades and accuracy per tag in ${info.name}`,
      attrs: { "data-grid": "" },
      empty: "No learner has joined this class yet.",
      rows: grid.learners,
      columns: [
        { label: "Learner", rowHeader: true, cell: (l) => l.display_name },
        ...grid.quizzes.map((q) => ({ label: q.title, cell: (l) => percent(l.grades[q.id]) })),
        ...grid.tags.map((t) => ({ label: `${t} (accuracy)`,
          cell: (l) => (l.tags[t] ? percent(100 * l.tags[t].accuracy) : "–") })),
      ],
    }));
}

// A key as the bank shows it: as stored, but sentences numbered as the learner sees them (from 1).
const answerKey = (q) => (q.type === "find_evidence" && Array.isArray(q.answer_key?.sentences)
  ? h("span", { class: "key" }, describeSentences(q.answer_key.sentences))
  : h("code", { class: "key" }, JSON.stringify(q.answer_key)));

function questionTable(questions, selectable) {
  return table({
    caption: plural(questions.length, "question"),
    showCaption: true,
    empty: "No question matches these filters.",
    rows: questions,
    columns: [
      ...(selectable ? [{ label: "Pick",
        cell: (q) => h("input", { type: "checkbox", value: q.id, "aria-label": `Pick: ${q.prompt}` }) }] : []),
      { label: "Prompt", cell: (q) => q.prompt },
      { label: "Type", cell: (q) => typeLabel(q.type) },
      { label: "Difficulty", cell: (q) => labelOf(DIFFICULTY, q.difficulty) },
      { label: "Tags", cell: (q) => q.tags.join(", ") },
      { label: "Answer key", cell: answerKey },
    ],
  });
}

async function filters(onChange) {
  const [types, difficulties, banks] = await Promise.all([loadTypes(), choices("difficulty", DIFFICULTY),
    getAll("/api/banks")]);
  const bank = h("select", {}, option("", "any bank"), banks.map((b) => option(b.id, b.title)));
  const type = h("select", {}, option("", "any type"), types.map((t) => option(t.type, t.label)));
  const tag = h("input", { type: "text" });
  const difficulty = h("select", {}, option("", "any"), options(difficulties));
  const text = h("input", { type: "search" });
  const form = h("form", { class: "card row", onsubmit: (e) => { e.preventDefault(); onChange(query()); } },
    field("Bank", bank), field("Type", type), field("Tag", tag), field("Difficulty", difficulty), field("Text", text),
    h("button", {}, "Filter"));
  const query = () => {
    const params = new URLSearchParams();
    if (bank.value) params.set("bank", bank.value);
    if (type.value) params.set("type", type.value);
    if (tag.value) params.set("tag", tag.value);
    if (difficulty.value) params.set("difficulty", difficulty.value);
    if (text.value) params.set("q", text.value);
    return `/api/questions?${params}`;
  };
  return { form, query };
}

// Shows the questions of the latest filter asked for: a slower, earlier load (the page's
// first, unfiltered one) never overwrites the answer to a filter given meanwhile.
function questionLoader(results, selectable) {
  let latest = 0;
  return async (url) => {
    const mine = ++latest;
    try {
      const questions = await getAll(url);
      if (mine === latest) results.replaceChildren(questionTable(questions, selectable));
    } catch (error) { if (mine === latest) showError(error); }
  };
}

export async function bankView() {
  const results = h("div");
  const show = questionLoader(results, false);
  const { form, query } = await filters(show);
  page("The question bank", form, results);
  await show(query());
}

export async function quizBuilder() {
  const [banks, classes, gradings, feedbacks, reveals] = await Promise.all([getAll("/api/banks"), getAll("/api/classes"),
    choices("grading", GRADING), choices("feedback", FEEDBACK), choices("reveal_answers", REVEAL)]);
  const picked = new Set();
  const results = h("div", { onchange: (e) => {
    if (e.target.type === "checkbox") e.target.checked ? picked.add(Number(e.target.value)) : picked.delete(Number(e.target.value));
  } });
  const show = questionLoader(results, true);
  const { form: filterForm, query } = await filters(show);
  const title = h("input", { type: "text", required: true, maxlength: "200" });
  const drawBank = h("select", {}, option("", "no draw"), banks.map((b) => option(b.id, b.title)));
  const drawTag = h("input", { type: "text" });
  const drawCount = h("input", { type: "number", min: "1", value: "5" });
  const timeLimit = h("input", { type: "number", min: "1", placeholder: "none" });
  const attempts = h("input", { type: "number", min: "1", placeholder: "unlimited" });
  const grading = h("select", {}, options(gradings));
  const feedback = h("select", {}, options(feedbacks));
  const reveal = h("select", {}, options(reveals));
  const closes = h("input", { type: "datetime-local" });
  const shuffle = h("input", { type: "checkbox" });
  const classSelect = h("select", {}, classes.map((c) => option(c.id, c.name)));
  const save = h("form", { class: "card", onsubmit: async (event) => {
    event.preventDefault();
    const body = { title: title.value, question_ids: [...picked], grading: grading.value, feedback: feedback.value,
      reveal_answers: reveal.value, shuffle_questions: shuffle.checked };
    if (drawBank.value) body.draw = [{ bank: Number(drawBank.value), tag: drawTag.value || null, count: Number(drawCount.value) }];
    if (timeLimit.value) body.time_limit_s = Number(timeLimit.value) * 60;
    if (attempts.value) body.max_attempts = Number(attempts.value);
    if (closes.value) body.closes_at = new Date(closes.value).toISOString();
    try {
      const quiz = await post("/api/quizzes", body);
      const assigned = classSelect.value ? classSelect.selectedOptions[0].textContent : null;
      if (assigned) await post(`/api/quizzes/${quiz.id}/assignments`, { class_id: Number(classSelect.value) });
      const done = `Quiz ${quiz.title} created${assigned ? ` and assigned to ${assigned}` : ""}.`;
      if (!quiz.warnings?.length) {
        announce(done);
        location.hash = `#/quiz/${quiz.id}`;
        return;
      }
      // Questions that give each other away: the teacher sees them now, and can take one out.
      await createdWithWarnings(quiz, done);
    } catch (error) { showError(error); }
  } },
  field("Title", title),
  h("fieldset", {}, h("legend", {}, "Draw at random per attempt (optional)"),
    h("div", { class: "row" }, field("Bank", drawBank), field("Tag", drawTag), field("How many", drawCount))),
  h("fieldset", {}, h("legend", {}, "Settings"), h("div", { class: "row" },
    field("Time limit (minutes)", timeLimit), field("Attempts allowed", attempts), field("Grade by", grading),
    field("Feedback", feedback), field("Show the correct answers", reveal), field("Closes at", closes),
    h("div", {}, h("label", { class: "choice" }, shuffle, "Shuffle the questions")))),
  field("Assign to class", classSelect),
  h("button", {}, "Create and assign"));
  page("Build a quiz", h("h2", {}, "Pick questions"), filterForm, results, h("h2", {}, "Quiz"), save);
  await show(query());
}

// The builder's last step when the new quiz's questions give each other away.
async function createdWithWarnings(quiz, done) {
  const draw = async (current) => {
    const panel = await warningsPanel(current, draw);
    page(`${current.title}: created`, h("p", {}, done),
      panel || h("p", { class: "ok", "data-no-warnings": "" }, "No two questions of this quiz give each other away now."),
      h("p", {}, h("a", { class: "button", href: `#/quiz/${current.id}` }, "Go to the quiz")));
  };
  await draw(quiz);
  announce(`${done} ${plural(quiz.warnings.length, "pair")} of its questions give each other away.`);
}

// What the quiz's short name for a question is: its prompt, cut after a few words.
const shortPrompt = (prompt, words = 14) => {
  const all = prompt.split(/\s+/);
  return all.length > words ? `${all.slice(0, words).join(" ")}…` : prompt;
};

// The server's warnings about a quiz (`warnings`: pairs of fixed questions that test the same
// fact or give each other away, which every attempt asks together), each pair named by its
// prompts with the reason, and a button per question that takes it out of the quiz.
// `onChange(quiz)` gets the quiz once changed. Nothing (null) when there is no warning.
async function warningsPanel(quiz, onChange) {
  const warnings = quiz.warnings || [];
  if (!warnings.length) return null;
  const ids = [...new Set(warnings.flatMap((w) => w.questions))];
  const prompts = new Map(await Promise.all(ids.map(async (id) => {
    try { return [id, (await get(`/api/questions/${id}`)).prompt]; } catch { return [id, `Question ${id}`]; }
  })));
  // The reason names questions by id ('12'): by their prompts here.
  const reason = (text) => text.replace(/'(\d+)'/g, (whole, id) =>
    (prompts.has(Number(id)) ? `“${shortPrompt(prompts.get(Number(id)), 8)}”` : whole));
  const remove = async (id, button) => {
    button.disabled = true;
    const kept = quiz.questions.filter((q) => q.question_id !== id);
    try {
      const changed = await patch(`/api/quizzes/${quiz.id}`, {
        question_ids: kept.map((q) => q.question_id),
        points: Object.fromEntries(kept.map((q) => [String(q.question_id), q.points])),
      });
      announce(`Removed from the quiz: ${shortPrompt(prompts.get(id), 8)}`);
      await onChange(changed);
    } catch (error) {
      button.disabled = false;
      showError(error);
    }
  };
  const question = (id) => {
    const button = h("button", { type: "button", class: "secondary", "data-remove": String(id),
      "aria-label": `Remove from the quiz: ${prompts.get(id)}`, onclick: () => remove(id, button) }, "Remove from the quiz");
    return h("li", {}, h("q", {}, prompts.get(id)), " ", button);
  };
  const heading = uid("warnings");
  return h("section", { class: "card warnings", "data-warnings": "", "aria-labelledby": heading },
    h("h2", { id: heading }, warnings.length === 1
      ? "Two questions of this quiz give each other away"
      : `${warnings.length} pairs of questions of this quiz give each other away`),
    h("p", {}, "Every attempt asks both questions of a pair: remove one of them, or keep both if you mean to."),
    warnings.map(({ questions: pair, reason: why }) => h("div", { class: "warning", "data-warning": "" },
      h("ul", {}, pair.map(question)),
      h("p", { class: "muted" }, `Why: ${reason(why)}.`))));
}

export async function quizView(quizId) {
  const [quiz, stats, classes] = await Promise.all([
    get(`/api/quizzes/${quizId}`), get(`/api/quizzes/${quizId}/statistics`), getAll("/api/classes")]);
  const classSelect = h("select", {}, classes.map((c) => option(c.id, c.name)));
  const due = h("input", { type: "datetime-local" });
  const assign = h("form", { class: "card row", onsubmit: async (event) => {
    event.preventDefault();
    try {
      await post(`/api/quizzes/${quizId}/assignments`, { class_id: Number(classSelect.value),
        due_at: due.value ? new Date(due.value).toISOString() : null });
      announce("Assigned.");
    } catch (error) { showError(error); }
  } }, field("Assign to class", classSelect), field("Due", due), h("button", {}, "Assign"));
  const bands = stats.quiz.histogram.map((_, i) => `${i * 10}–${i === 9 ? 100 : i * 10 + 9} %`);
  page(quiz.title,
    h("p", {}, `Grading: ${labelOf(GRADING, quiz.grading)} · feedback: ${labelOf(FEEDBACK, quiz.feedback)} · `,
      quiz.reveal_answers ? `correct answers shown: ${REVEAL[quiz.reveal_answers]?.toLowerCase() ?? quiz.reveal_answers} · ` : "",
      `${quiz.questions.length} fixed question(s), ${quiz.draw.length} draw rule(s)`),
    await warningsPanel(quiz, () => quizView(quizId)),
    assign,
    h("h2", {}, "Statistics"),
    h("p", { "data-summary": "" }, `${stats.quiz.attempts} attempt(s) · mean ${percent(stats.quiz.mean)} · median `,
      `${percent(stats.quiz.median)} · SD ${percent(stats.quiz.sd)} · Cronbach's alpha ${stats.quiz.cronbach_alpha ?? "–"}`),
    barChart({ title: "Scores (attempts per band)", labels: bands, values: stats.quiz.histogram,
      max: Math.max(1, ...stats.quiz.histogram) }),
    stats.questions.length
      ? barChart({ title: "Facility per question", labels: stats.questions.map((q, i) => `Q${i + 1} ${typeLabel(q.type)}`),
        values: stats.questions.map((q) => Math.round(q.facility ?? 0)), unit: " %" })
      : h("p", {}, "No submitted attempts yet."),
    stats.questions.length ? table({
      caption: "Item analysis per question",
      empty: "No submitted attempts yet.",
      rows: stats.questions,
      columns: [
        { label: "Question", cell: (q) => q.prompt },
        { label: "Facility", cell: (q) => percent(q.facility) },
        { label: "SD", cell: (q) => percent(q.sd) },
        { label: "Discrimination", cell: (q) => percent(q.discrimination) },
        { label: "Mean time", cell: (q) => (q.mean_time_s === null ? "–" : `${q.mean_time_s} s`) },
        { label: "Options chosen",
          cell: (q) => q.options.map((o) => `${o.text}${o.correct ? " ✓" : ""}: ${o.count}`).join("; ") },
      ],
    }) : null,
    h("h2", {}, "Facts the class gets wrong"),
    table({
      caption: "Facts, the least often right first",
      empty: "No fact has been answered yet.",
      rows: [...stats.facts].sort((a, b) => (a.share_right ?? 0) - (b.share_right ?? 0)),
      columns: [
        { label: "Fact", cell: (f) => f.statement },
        { label: "Evidence", cell: (f) => h("q", {}, f.evidence_text) },
        { label: "Learners right", cell: (f) => `${f.learners_right} / ${f.learners}` },
      ],
    }));
}
