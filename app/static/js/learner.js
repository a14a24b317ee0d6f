// The learner's pages: assignments, taking a quiz, review, practice, progress.
import { ApiError, get, getAll, post, serverNow } from "./api.js";
import { barChart } from "./charts.js";
import { articleOf, markedArticle, sentencesOfSpan } from "./evidence.js";
import { asksForPassage, describe, renderInputs } from "./questions.js";
import { ItemSaver, track } from "./saving.js";
import { typeLabel } from "./types.js";
import { announce, field, h, highlighted, page, percent, showError, table } from "./ui.js";

// Sources as articles (their text and sentences), each loaded once.
const articles = new Map();
function loadArticle(id) {
  if (!articles.has(id)) {
    articles.set(id, get(`/api/sources/${id}`).then(articleOf, (error) => { articles.delete(id); throw error; }));
  }
  return articles.get(id);
}
async function firstSourceId() {
  const list = await get("/api/sources?page_size=1");
  return list.length ? list[0].id : null;
}
// The source an item is about: a find-the-evidence item names it, others through their evidence.
const sourceIdOf = (item) => item.content?.source_id ?? item.result?.evidence?.find((e) => e.source_id)?.source_id;

// The articles the items are about, loaded at once; `of(item)` picks an item's (the first
// source when the item names none: its evidence, once shown, is in it).
async function articlesFor(items) {
  const ids = new Set(items.map(sourceIdOf).filter((id) => id !== undefined && id !== null));
  const fallback = await firstSourceId();
  if (fallback !== null) ids.add(fallback);
  const loaded = new Map(await Promise.all([...ids].map(async (id) => [id, await loadArticle(id)])));
  return {
    of: (item, result = item.result) => loaded.get(sourceIdOf({ ...item, result })) ?? loaded.get(fallback) ?? null,
  };
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

  const assignments = await getAll("/api/me/assignments");
  const actions = (a) => {
    const list = [];
    if (a.in_progress_attempt_id) {
      list.push(h("a", { class: "button", href: `#/attempt/${a.in_progress_attempt_id}` }, "Resume"));
    } else if (a.status !== "closed" && (a.attempts_left === null || a.attempts_left > 0)) {
      list.push(h("button", { type: "button", onclick: () => start(a.quiz.id) },
        a.attempts_used ? "Try again" : "Start"));
    }
    if (a.last_submitted_attempt_id) {
      list.push(" ", h("a", { href: `#/review/${a.last_submitted_attempt_id}` }, "Review"));
    }
    return list;
  };
  page("My quizzes", join, table({
    caption: "Assigned quizzes",
    empty: "Nothing is assigned to you yet.",
    rows: assignments,
    columns: [
      { label: "Quiz", cell: (a) => a.quiz.title },
      { label: "Class", cell: (a) => a.class_name },
      { label: "Due", cell: (a) => (a.due_at ? new Date(a.due_at).toLocaleString() : "–") },
      { label: "Status", cell: (a) => a.status.replace("_", " ") },
      { label: "Grade", cell: (a) => percent(a.grade) },
      { label: "Actions", hideLabel: true, cell: actions },
    ],
  }));
}

async function start(quizId) {
  try {
    const attempt = await post(`/api/quizzes/${quizId}/attempts`);
    location.hash = `#/attempt/${attempt.id}`;
  } catch (error) { showError(error); }
}

// When the correct answers show, in words, for a quiz that does not show them yet.
export function revealWhen(reveal) {
  switch (reveal) {
    case "after_close": return "The correct answers show when the quiz closes.";
    case "after_each_attempt": return "The correct answers show once this attempt is submitted.";
    default: return "The correct answers show when you have no attempts left or the quiz closes.";
  }
}

// Where the article says it, for a find-the-evidence item answered by sentences: the key's
// sentences (once revealed) and the learner's marked in the article.
function sentencesInArticle(result, response, article) {
  const evidence = result.evidence || [];
  const key = Array.isArray(result.correct_answer?.sentences) ? result.correct_answer.sentences
    : evidence.length ? [...new Set(evidence.flatMap((e) => sentencesOfSpan(e, article)))] : null;
  const chosen = Array.isArray(response?.sentences) ? response.sentences : [];
  if (!key && !chosen.length) return null;
  const right = new Map((result.detail || []).filter((d) => Number.isInteger(d.sentence))
    .map((d) => [d.sentence, Boolean(d.correct)]));
  return h("details", { open: true, "data-evidence": "" },
    h("summary", {}, key ? "Where the article says it" : "Your selection in the article"),
    h("p", { class: "muted legend" }, key
      ? "Marked: the sentences that show it (evidence) and the ones you selected (your choice)."
      : "Marked: the sentences you selected."),
    markedArticle(article, { key, chosen, right }));
}

// An item's result. Its correct answer, explanation and evidence are null until the quiz
// reveals them; `hidden` is what to say then (null: said once elsewhere on the page).
// `response` is the answer it is the result of.
function resultBlock(result, item, article, hidden = null, response = null) {
  if (!result) return h("div");
  const evidence = result.evidence || [];
  const bySentence = item.type === "find_evidence" && !asksForPassage(item) &&
    !(result.correct_answer && "start" in result.correct_answer);
  const spans = evidence.map((e) => ({ start: e.start, end: e.end }));
  let where = evidence.map((e) => h("blockquote", {}, e.text));
  if (bySentence && article) where = sentencesInArticle(result, response, article) ?? where;
  else if (evidence.length && article) {
    where = h("details", { open: true }, h("summary", {}, "Where the article says it"), highlighted(article.text, spans));
  }
  return h("div", { class: "result" },
    h("p", { class: result.correct ? "ok" : "bad" },
      result.correct ? "Correct" : `Not quite: ${result.score} of ${result.points} point(s)`),
    result.correct_answer ? h("p", {}, "Correct answer: ", describe(item, result.correct_answer, article)) : null,
    result.explanation ? h("p", {}, result.explanation) : null,
    where,
    !result.correct_answer && hidden ? h("p", { class: "muted", "data-reveal-note": "" }, hidden) : null);
}

export async function attemptView(attemptId) {
  const attempt = await get(`/api/attempts/${attemptId}`);
  if (attempt.state === "submitted") { location.hash = `#/result/${attempt.id}`; return; }
  const sources = await articlesFor(attempt.items);
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
  // Immediate feedback: the server locks an item at its first answer and returns its result,
  // so answers are not saved as they are given but checked, once, with a button.
  const checking = attempt.feedback === "immediate";
  const hidden = attempt.answers_revealed === false ? revealWhen(attempt.reveal_answers) : null;
  const savers = [];
  const cards = [];

  // Its controls are disabled one by one, not by disabling the fieldset: what the result
  // adds (the article's box, its details) stays reachable with the keyboard.
  const lock = (card, result, item, response) => {
    for (const control of card.querySelectorAll("input, select, textarea, button")) control.disabled = true;
    card.dataset.locked = "";
    card.querySelector("[data-check]")?.remove();
    card.querySelector("[data-clear]")?.remove();
    // The article's box still scrolls with the keyboard once its sentences are disabled.
    card.querySelector(".sentences")?.setAttribute("tabindex", "0");
    card.querySelector("[data-result]").replaceChildren(resultBlock(result, item, sources.of(item, result), hidden,
      response));
  };

  // The server already holds a checked answer for this item: show it as the server has it.
  const reload = async (index) => {
    const fresh = (await get(`/api/attempts/${attempt.id}`)).items.find((i) => i.id === attempt.items[index].id);
    const card = buildCard(fresh, index);
    cards[index].replaceWith(card);
    cards[index] = card;
  };

  function buildCard(item, index) {
    const locked = Boolean(item.locked);
    const status = h("span", { class: "status", "aria-live": "polite" });
    if (item.response) {
      status.textContent = checking ? "Checked ✓" : "Saved ✓";
      status.className = "status ok";
    }
    const result = h("div", { "data-result": "" });
    const card = h("fieldset", { class: "card", "data-type": item.type, "data-item": item.id });
    const saver = new ItemSaver({ attemptId: attempt.id, itemId: item.id, number: index + 1, status, check: checking,
      held: Boolean(item.response),
      onResult: (r, response) => {
        if (checking) {
          lock(card, r, item, response);
          announce(`Question ${index + 1}: ${r.correct ? "correct" : "not quite"}.`);
        } else result.replaceChildren(resultBlock(r, item, sources.of(item, r), hidden, response));
      },
      onLocked: () => { reload(index).catch(showError); } });
    saver.locked = locked;
    savers[index] = saver;
    const body = renderInputs(item, item.response, (response, how) => saver.answer(response, how), sources.of(item));
    const check = checking && !locked
      ? h("div", { class: "row check", "data-check": "" },
        h("button", { type: "button", class: "secondary", onclick: async () => {
          const ok = await saver.checkNow();
          if (!ok && saver.error) announce(`Question ${index + 1}: not checked. ${saver.reason()}`);
        } }, "Check answer"),
        h("span", { class: "muted" }, "You can check each answer once."))
      : null;
    card.append(h("legend", {}, `Question ${index + 1} · ${typeLabel(item.type)}`),
      h("p", {}, item.prompt), ...body, check || "", h("div", {}, status), result);
    if (item.result) result.replaceChildren(resultBlock(item.result, item, sources.of(item), hidden, item.response));
    if (locked) lock(card, item.result, item, item.response);
    return card;
  }

  attempt.items.forEach((item, index) => { cards[index] = buildCard(item, index); });
  track(savers);
  const note = h("p", { class: "muted", "data-submit-note": "" });
  const submit = h("button", { type: "button", onclick: async () => {
    submit.disabled = true;
    showError(null);
    cards.forEach((card) => card.classList.remove("unsaved"));
    note.className = "muted";
    note.replaceChildren("Saving your answers…");
    announce("Saving your answers…");
    // Nothing is submitted until every answer given is saved: typed ones, ones on their way,
    // ones waiting to be retried and, under immediate feedback, ones not checked.
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
  const intro = checking
    ? ["Check each answer to see its result: you can check each answer once, and it cannot change afterwards. ",
      "Answers you do not check are saved and graded when you submit."]
    : ["Each answer is saved as you give it."];
  page(attempt.quiz_title, timer, h("p", { class: "muted" }, ...intro),
    hidden && checking ? h("p", { class: "muted" }, hidden) : null,
    ...cards, h("div", { class: "submit" }, submit, note));
}

export async function resultView(attemptId) {
  const attempt = await get(`/api/attempts/${attemptId}`);
  const score = attempt.score === null
    ? h("p", {}, "Submitted. Your score and the answers show when the quiz closes.")
    : h("p", { class: "score" }, `Your score: ${attempt.score} / ${attempt.max_score}`);
  const hidden = attempt.score !== null && attempt.answers_revealed === false
    ? h("p", { "data-reveal-note": "" }, revealWhen(attempt.reveal_answers)) : null;
  page(`${attempt.quiz_title}: submitted`, score, hidden,
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
  const sources = await articlesFor(review.items);
  page(`Review: ${review.quiz_title}`,
    h("p", { class: "score" }, `Score: ${review.score} / ${review.max_score}`),
    review.answers_revealed === false
      ? h("p", { "data-reveal-note": "" }, `Your answers and whether they were right. ${revealWhen(review.reveal_answers)}`)
      : null,
    review.items.map((item, index) => h("section", { class: "card", "data-item": item.id },
      h("h2", {}, `Question ${index + 1} · ${typeLabel(item.type)}`),
      h("p", {}, item.prompt),
      h("p", {}, "Your answer: ", describe(item, item.response, sources.of(item))),
      resultBlock(item.result, item, sources.of(item), null, item.response))));
}

export async function practiceView() {
  const banks = await getAll("/api/banks");
  const bank = h("select", {}, banks.map((b) => h("option", { value: b.id }, b.title)));
  const tag = h("input", { type: "text", placeholder: "any tag" });
  const area = h("div", { "aria-live": "polite" });
  const next = async () => {
    try {
      const query = `/api/practice/next?bank=${bank.value}` + (tag.value ? `&tag=${encodeURIComponent(tag.value)}` : "");
      const step = await get(query);
      // Facts a quiz still open for the learner tests are left out: practice shows answers.
      const held = step.held_back > 0
        ? h("p", { class: "muted", "data-held-back": "" }, step.held_back === 1
          ? "1 fact is held back until your open quizzes close."
          : `${step.held_back} facts are held back until your open quizzes close.`)
        : null;
      if (!step.question) {
        area.replaceChildren(h("p", {}, step.next_due
          ? `Nothing is due. The next fact is due ${new Date(step.next_due).toLocaleString()}.`
          : held ? "Nothing to practise here now." : "Nothing to practise here yet."), held || "");
        return;
      }
      const q = { ...step.question };
      const sources = await articlesFor([q]);
      let answer = null;
      const check = h("button", { type: "button", onclick: async () => {
        if (!answer) { showError("Answer first."); return; }
        const given = answer;
        try {
          const feedback = await post(`/api/practice/${q.question_id}/answer`, { response: given });
          check.disabled = true;
          area.append(resultBlock(feedback.result, q, sources.of(q, feedback.result), null, given),
            h("p", { class: "muted" }, `Next review: ${feedback.next_due ? new Date(feedback.next_due).toLocaleString() : "–"}`),
            h("button", { type: "button", onclick: next }, "Next question"));
          announce(feedback.result.correct ? "Correct." : "Not quite.");
        } catch (error) { showError(error); }
      } }, "Check my answer");
      area.replaceChildren(held || "", h("fieldset", { class: "card", "data-type": q.type },
        h("legend", {}, `${q.is_new ? "New fact" : "Review"} · ${typeLabel(q.type)}`),
        h("p", {}, q.prompt), renderInputs(q, null, (r) => { answer = r; }, sources.of(q))), check);
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
    table({
      caption: "Mastery per fact",
      empty: "Answer some questions to see your facts.",
      rows: progress.facts,
      columns: [
        { label: "Fact", cell: (f) => f.statement },
        { label: "Answered", cell: (f) => f.mastery.answered },
        { label: "Accuracy", cell: (f) => percent(100 * f.mastery.accuracy) },
        { label: "Recall now", cell: (f) => percent(100 * f.mastery.retrievability) },
        { label: "Mastery", cell: (f) => percent(100 * f.mastery.mastery) },
        { label: "Due", cell: (f) => (f.due ? new Date(f.due).toLocaleDateString() : "–") },
      ],
    }));
}
