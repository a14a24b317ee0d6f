// The learner's pages: assignments, taking a quiz, review, practice, progress.
import { ApiError, get, post, serverNow } from "./api.js";
import { barChart } from "./charts.js";
import { describe, renderInputs, typeName } from "./questions.js";
import { ItemSaver, track } from "./saving.js";
import { announce, field, h, highlighted, page, percent, showError } from "./ui.js";

const sources = new Map();
async function sourceText(id) {
  if (!sources.has(id)) sources.set(id, (await get(`/api/sources/${id}`)).text);
  return sources.get(id);
}
async function firstSourceId() {
  const list = await get("/api/sources");
  return list.length ? list[0].id : null;
}

export async function assignmentsView() {
  const code = h("input", { type: "text", autocomplete: "off", required: true });
  const join = h("form", { class: "card row", onsubmit: async (event) => {
    event.preventDefault();
    try {
      const joined = await post("/api/classes/join", { join_code: code.value });
      announce(`You joined ${joined.name}.`);
      await assignmentsView();
    } catch (error) { showError(error); }
  } }, field("Join a class with its code", code), h("button", {}, "Join"));

  const assignments = await get("/api/me/assignments?page_size=100");
  const rows = assignments.map((a) => {
    const actions = [];
    if (a.in_progress_attempt_id) {
      actions.push(h("a", { class: "button", href: `#/attempt/${a.in_progress_attempt_id}` }, "Resume"));
    } else if (a.status !== "closed" && (a.attempts_left === null || a.attempts_left > 0)) {
      actions.push(h("button", { type: "button", onclick: () => start(a.quiz.id) },
        a.attempts_used ? "Try again" : "Start"));
    }
    if (a.last_submitted_attempt_id) {
      actions.push(" ", h("a", { href: `#/review/${a.last_submitted_attempt_id}` }, "Review"));
    }
    return h("tr", {},
      h("td", {}, a.quiz.title), h("td", {}, a.class_name),
      h("td", {}, a.due_at ? new Date(a.due_at).toLocaleString() : "–"),
      h("td", {}, a.status.replace("_", " ")), h("td", {}, percent(a.grade)), h("td", {}, actions));
  });
  page("My quizzes", join,
    assignments.length
      ? h("table", {}, h("caption", { class: "visually-hidden" }, "Assigned quizzes"),
        h("thead", {}, h("tr", {}, ["Quiz", "Class", "Due", "Status", "Grade", ""].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, rows))
      : h("p", {}, "Nothing is assigned to you yet."));
}

async function start(quizId) {
  try {
    const attempt = await post(`/api/quizzes/${quizId}/attempts`);
    location.hash = `#/attempt/${attempt.id}`;
  } catch (error) { showError(error); }
}

function resultBlock(result, item, source) {
  if (!result) return h("div");
  const spans = result.evidence.map((e) => ({ start: e.start, end: e.end }));
  return h("div", { class: "result" },
    h("p", { class: result.correct ? "ok" : "bad" },
      result.correct ? "Correct" : `Not quite: ${result.score} of ${result.points} point(s)`),
    h("p", {}, "Correct answer: ", describe(item, result.correct_answer)),
    h("p", {}, result.explanation),
    result.evidence.length && source
      ? h("details", { open: true }, h("summary", {}, "Where the article says it"), highlighted(source, spans))
      : result.evidence.map((e) => h("blockquote", {}, e.text)));
}

export async function attemptView(attemptId) {
  const attempt = await get(`/api/attempts/${attemptId}`);
  if (attempt.state === "submitted") { location.hash = `#/result/${attempt.id}`; return; }
  const sourceId = attempt.items.find((i) => i.type === "find_evidence")?.content.source_id ?? await firstSourceId();
  const source = sourceId ? await sourceText(sourceId) : "";
  const timer = h("p", { class: "timer", role: "timer", "aria-live": "off" });
  if (attempt.deadline) {
    const deadline = new Date(attempt.deadline);
    const tick = () => {
      const left = Math.max(0, Math.round((deadline - serverNow()) / 1000));
      timer.textContent = `Time left: ${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
      if (left === 60) announce("One minute left.");
      if (left > 0 && location.hash === `#/attempt/${attempt.id}`) setTimeout(tick, 1000);
      else if (left === 0) announce("Time is up.");
    };
    tick();
  }
  const savers = [];
  const cards = attempt.items.map((item, index) => {
    const status = h("span", { class: "status", "aria-live": "polite" }, item.response ? "Saved ✓" : "");
    if (item.response) status.className = "status ok";
    const result = h("div");
    const saver = new ItemSaver({ attemptId: attempt.id, itemId: item.id, number: index + 1, status,
      onResult: (r) => result.replaceChildren(resultBlock(r, item, source)) });
    savers.push(saver);
    const body = renderInputs(item, item.response, (response, how) => saver.answer(response, how), source);
    if (item.result) result.replaceChildren(resultBlock(item.result, item, source));
    return h("fieldset", { class: "card", "data-type": item.type, "data-item": item.id },
      h("legend", {}, `Question ${index + 1} · ${typeName(item.type)}`),
      h("p", {}, item.prompt), body, h("div", {}, status), result);
  });
  track(savers);
  const note = h("p", { class: "muted", "data-submit-note": "" });
  const submit = h("button", { type: "button", onclick: async () => {
    submit.disabled = true;
    showError(null);
    cards.forEach((card) => card.classList.remove("unsaved"));
    note.className = "muted";
    note.replaceChildren("Saving your answers…");
    announce("Saving your answers…");
    // Nothing is submitted until every answer given is saved: typed ones, ones on their way
    // and ones waiting to be retried.
    const saved = await Promise.all(savers.map((saver) => saver.flush()));
    const unsaved = savers.filter((_, i) => !saved[i]);
    if (unsaved.length) {
      unsaved.forEach((saver) => cards[saver.number - 1].classList.add("unsaved"));
      const which = unsaved.map((saver) => `question ${saver.number} (${saver.reason()})`).join(", ");
      const message = `Not submitted: your ${unsaved.length > 1 ? "answers to" : "answer to"} ${which} ` +
        "could not be saved. Check the question and your connection, then press Submit again.";
      note.className = "bad";
      note.replaceChildren(message);
      // The server no longer takes answers (time is up, or the attempt is closed): say where the
      // saved ones are graded rather than leave the learner pressing Submit.
      if (unsaved.some((saver) => saver.error instanceof ApiError && saver.error.status === 409)) {
        note.append(" ", h("a", { href: `#/result/${attempt.id}` }, "See my result"));
      }
      showError(message);
      submit.disabled = false;
      submit.focus();
      return;
    }
    note.replaceChildren("Submitting…");
    try {
      await post(`/api/attempts/${attempt.id}/submit`);
      location.hash = `#/result/${attempt.id}`;
    } catch (error) {
      note.replaceChildren();
      showError(error);
      submit.disabled = false;
      submit.focus();
    }
  } }, "Submit my answers");
  page(attempt.quiz_title, timer, h("p", { class: "muted" }, "Each answer is saved as you give it."),
    ...cards, h("div", { class: "submit" }, submit, note));
}

export async function resultView(attemptId) {
  const attempt = await get(`/api/attempts/${attemptId}`);
  const score = attempt.score === null
    ? h("p", {}, "Submitted. Your score and the answers show when the quiz closes.")
    : h("p", { class: "score" }, `Your score: ${attempt.score} / ${attempt.max_score}`);
  page(`${attempt.quiz_title}: submitted`, score,
    attempt.score === null ? null : h("a", { class: "button", href: `#/review/${attempt.id}` }, "Review my answers"),
    " ", h("a", { href: "#/" }, "Back to my quizzes"));
  announce(score.textContent);
}

export async function reviewView(attemptId) {
  let review;
  try { review = await get(`/api/attempts/${attemptId}/review`); } catch (error) {
    if (error instanceof ApiError && error.status === 409) { page("Review", h("p", {}, error.message)); return; }
    throw error;
  }
  const sourceId = review.items.flatMap((i) => i.result?.evidence || [])[0]?.source_id;
  const source = sourceId ? await sourceText(sourceId) : "";
  page(`Review: ${review.quiz_title}`,
    h("p", { class: "score" }, `Score: ${review.score} / ${review.max_score}`),
    review.items.map((item, index) => h("section", { class: "card", "data-item": item.id },
      h("h2", {}, `Question ${index + 1} · ${typeName(item.type)}`),
      h("p", {}, item.prompt),
      h("p", {}, "Your answer: ", describe(item, item.response)),
      resultBlock(item.result, item, source))));
}

export async function practiceView() {
  const banks = await get("/api/banks");
  const bank = h("select", {}, banks.map((b) => h("option", { value: b.id }, b.title)));
  const tag = h("input", { type: "text", placeholder: "any tag" });
  const area = h("div", { "aria-live": "polite" });
  const next = async () => {
    try {
      const query = `/api/practice/next?bank=${bank.value}` + (tag.value ? `&tag=${encodeURIComponent(tag.value)}` : "");
      const step = await get(query);
      if (!step.question) {
        area.replaceChildren(h("p", {}, step.next_due
          ? `Nothing is due. The next fact is due ${new Date(step.next_due).toLocaleString()}.`
          : "Nothing to practise here yet."));
        return;
      }
      const q = { ...step.question };
      const source = q.content.source_id ? await sourceText(q.content.source_id) : await sourceText(await firstSourceId());
      let answer = null;
      const check = h("button", { type: "button", onclick: async () => {
        if (!answer) { showError("Answer first."); return; }
        try {
          const feedback = await post(`/api/practice/${q.question_id}/answer`, { response: answer });
          check.disabled = true;
          area.append(resultBlock(feedback.result, q, source),
            h("p", { class: "muted" }, `Next review: ${feedback.next_due ? new Date(feedback.next_due).toLocaleString() : "–"}`),
            h("button", { type: "button", onclick: next }, "Next question"));
          announce(feedback.result.correct ? "Correct." : "Not quite.");
        } catch (error) { showError(error); }
      } }, "Check my answer");
      area.replaceChildren(h("fieldset", { class: "card", "data-type": q.type },
        h("legend", {}, `${q.is_new ? "New fact" : "Review"} · ${typeName(q.type)}`),
        h("p", {}, q.prompt), renderInputs(q, null, (r) => { answer = r; }, source)), check);
      area.querySelector("input, select, textarea, button")?.focus();
    } catch (error) { showError(error); }
  };
  page("Practice", h("form", { class: "card row", onsubmit: (e) => { e.preventDefault(); next(); } },
    field("Bank", bank), field("Tag (optional)", tag), h("button", {}, "Start")), area);
}

export async function progressView() {
  const progress = await get("/api/me/progress");
  page("My progress",
    h("p", {}, `Streak: ${progress.streak_days} day(s) in a row.`),
    progress.tags.length
      ? barChart({ title: "Mastery per tag", labels: progress.tags.map((t) => t.tag),
        values: progress.tags.map((t) => Math.round(100 * t.mastery.mastery)), unit: " %" })
      : h("p", {}, "Answer some questions to see your mastery."),
    h("h2", {}, "Quizzes"),
    h("ul", {}, progress.quizzes.map((q) => h("li", {}, `${q.title}: ${percent(q.grade)}`))),
    h("h2", {}, "Facts"),
    h("table", {}, h("thead", {}, h("tr", {}, ["Fact", "Answered", "Accuracy", "Recall now", "Mastery", "Due"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, progress.facts.map((f) => h("tr", {}, h("td", {}, f.statement), h("td", {}, f.mastery.answered),
        h("td", {}, percent(100 * f.mastery.accuracy)), h("td", {}, percent(100 * f.mastery.retrievability)),
        h("td", {}, percent(100 * f.mastery.mastery)), h("td", {}, f.due ? new Date(f.due).toLocaleDateString() : "–"))))));
}
