// The learner's pages: assignments, taking a quiz, review, practice, progress.
import { ApiError, get, getAll, post, serverNow } from "./api.js";
import { barChart } from "./charts.js";
import { articleOf, markedArticle, openArticle, proofQuotes, sentencesOfSpan, showInArticleButton } from "./evidence.js";
import { asksForPassage, describe, renderInputs } from "./questions.js";
import { ItemSaver, forgetAttempt, keptAnswer, track } from "./saving.js";
import { typeLabel } from "./types.js";
import {
  act, announce, clearError, field, formatPercent, formatScore, h, page, plural, redraw, showError, table, timeAgo, timeEl,
  toast,
} from "./ui.js";

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

const STATUS = {
  not_started: ["To do", "info"], in_progress: ["In progress", "info"], submitted: ["Done", "good"],
  closed: ["Closed", "neutral"],
};

export async function assignmentsView(placedQuizId = null) {
  const code = h("input", { type: "text", autocomplete: "off", required: true, autocapitalize: "characters" });
  const join = h("form", { class: "card", "data-join": "", onsubmit: async (event) => {
    event.preventDefault();
    const joined = await act(event.submitter, join, () => post("/api/classes/join", { join_code: code.value.trim() }));
    if (!joined) return;
    toast(`You joined ${joined.name}.`);
    announce(`You joined ${joined.name}.`);
    redraw();
  } }, h("h2", {}, "Join a class"), field("Class code from your teacher", code, { name: "join_code" }),
  h("div", { class: "toolbar" }, h("button", {}, "Join")));

  const assignments = await getAll("/api/me/assignments");
  const actions = (a) => {
    const list = [];
    if (a.in_progress_attempt_id) {
      list.push(h("a", { class: "button", href: `#/attempt/${a.in_progress_attempt_id}` }, "Resume"));
    } else if (a.status !== "closed" && (a.attempts_left === null || a.attempts_left > 0)) {
      list.push(h("button", { type: "button", onclick: (event) => start(a.quiz.id, event.currentTarget) },
        a.attempts_used ? "Try again" : "Start"));
    }
    if (a.last_submitted_attempt_id) {
      list.push(h("a", { class: "button secondary", href: `#/review/${a.last_submitted_attempt_id}` }, "Review"));
    }
    return list;
  };
  const cardOf = (a) => {
    const [word, kind] = STATUS[a.status] ?? [a.status.replace("_", " "), "neutral"];
    const due = a.due_at ? [" · due ", timeEl(a.due_at)] : [];
    const left = a.attempts_left === null || a.attempts_left === undefined ? null
      : a.in_progress_attempt_id && a.attempts_left === 0 ? " · your last attempt"
        : ` · ${plural(a.attempts_left, "attempt")} left`;
    // The clock starts at Start: say so before it is pressed.
    const limit = a.quiz.time_limit_s ? h("span", { class: "badge neutral", "data-time-limit": "" },
      `⏱ ${timeLimitWords(a.quiz.time_limit_s)}`) : null;
    return h("li", { class: "card item-card", "data-assignment": String(a.quiz.id) },
      h("div", {}, h("h2", {}, a.quiz.title, " ", h("span", { class: `badge ${kind}` }, word), " ", limit),
        h("p", { class: "meta" }, a.class_name, ...due, left,
          a.grade === null || a.grade === undefined ? "" : ` · grade ${formatPercent(a.grade)}`)),
      h("div", { class: "toolbar" }, actions(a)));
  };
  page({ title: "My quizzes", lead: "What your teachers assigned you, and your grades." },
    assignments.length
      ? h("ul", { class: "list", "aria-label": "Assigned quizzes" }, assignments.map(cardOf))
      : h("div", { class: "empty" }, h("p", {}, "Nothing is assigned to you yet."),
        h("p", {}, "Join a class with the code your teacher gave you, or ",
          h("a", { href: "#/practice" }, "practise the facts of an article"), " meanwhile.")),
    join);
  const placed = placedQuizId && document.querySelector(`[data-assignment="${Number(placedQuizId)}"]`);
  if (placed) {
    placed.classList.add("placed");
    placed.scrollIntoView({ block: "center" });
    placed.querySelector(".toolbar button, .toolbar a")?.focus();
  }
}

// "20 minutes", "1 hour 30 minutes", "45 seconds".
export function timeLimitWords(seconds) {
  if (seconds < 60) return plural(seconds, "second");
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.round((seconds % 3600) / 60);
  return [hours ? plural(hours, "hour") : "", minutes ? plural(minutes, "minute") : ""].filter(Boolean).join(" ");
}

async function start(quizId, button) {
  const attempt = await act(button, button.closest("li") ?? null, () => post(`/api/quizzes/${quizId}/attempts`));
  if (attempt) location.hash = `#/attempt/${attempt.id}`;
}

// When the correct answers show, in words, for a quiz that does not show them yet.
export function revealWhen(reveal) {
  switch (reveal) {
    case "after_close": return "The correct answers show when the quiz closes.";
    case "after_each_attempt": return "The correct answers show once this attempt is submitted.";
    default: return "The correct answers show when you have no attempts left or the quiz closes.";
  }
}

// For a find-the-evidence item answered by sentences: the key's sentences (once revealed) and
// the learner's, each quoted, and the article with both marked one click away.
function sentencesProof(result, response, article) {
  const evidence = result.evidence || [];
  const key = Array.isArray(result.correct_answer?.sentences) ? result.correct_answer.sentences
    : evidence.length ? [...new Set(evidence.flatMap((e) => sentencesOfSpan(e, article)))] : null;
  const chosen = Array.isArray(response?.sentences) ? response.sentences : [];
  if (!key && !chosen.length) return null;
  const right = new Map((result.detail || []).filter((d) => Number.isInteger(d.sentence))
    .map((d) => [d.sentence, Boolean(d.correct)]));
  const open = () => openArticle(markedArticle(article, { key, chosen, right }), article.title);
  return h("div", { "data-evidence": "" },
    key ? h("p", { class: "small muted" }, "Where the article says it:") : null,
    key ? proofQuotes(evidence, article) : null,
    h("button", { type: "button", class: "secondary small", "data-show-article": "", onclick: open },
      key ? "Show your choice and the evidence in the article" : "Show your selection in the article"));
}

const points = (value) => plural(Number(value.toFixed(2)), "point");

// An item's result. Its correct answer, explanation and evidence are null until the quiz
// reveals them; `hidden` is what to say then (null: said once elsewhere on the page).
// `response` is the answer it is the result of. The sentence that proves the answer is quoted
// here; "Show in the article" opens the article at it.
function resultBlock(result, item, article, hidden = null, response = null, answered = true) {
  if (!result) return h("div");
  const evidence = result.evidence || [];
  const bySentence = item.type === "find_evidence" && !asksForPassage(item) &&
    !(result.correct_answer && "start" in result.correct_answer);
  let where = null;
  if (bySentence && article) where = sentencesProof(result, response, article);
  if (!where && evidence.length) {
    where = h("div", { "data-evidence": "" }, h("p", { class: "small muted" }, "Where the article says it:"),
      proofQuotes(evidence, article),
      article ? showInArticleButton(article, evidence.map((e) => ({ start: e.start, end: e.end }))) : null);
  }
  return h("div", { class: "result" },
    h("p", { class: `verdict ${result.correct ? "ok" : "bad"}` },
      result.correct ? "Correct" : `${answered ? "Not quite" : "Not answered"}: ${Number(result.score.toFixed(2))} of ${points(result.points)}`),
    result.correct_answer ? h("div", { class: "answer" }, h("strong", {}, "Correct answer: "),
      describe(item, result.correct_answer, article)) : null,
    result.explanation ? h("p", {}, result.explanation) : null,
    where,
    !result.correct_answer && hidden ? h("p", { class: "muted", "data-reveal-note": "" }, hidden) : null);
}

const clock = (seconds) => `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;

export async function attemptView(attemptId) {
  const attempt = await get(`/api/attempts/${attemptId}`);
  if (attempt.state === "submitted") { location.hash = `#/result/${attempt.id}`; return; }
  const sources = await articlesFor(attempt.items);
  const here = () => location.hash === `#/attempt/${attempt.id}`;
  // Immediate feedback: the server locks an item at its first answer and returns its result,
  // so answers are not saved as they are given but checked, once, with a button.
  const checking = attempt.feedback === "immediate";
  const hidden = attempt.answers_revealed === false ? revealWhen(attempt.reveal_answers) : null;
  const savers = [];
  const cards = [];
  const total = attempt.items.length;
  let summaryOpen = false; // the summary before submitting is on screen (it follows the answers)

  // The sticky bar: time left, how many are answered, and a link to each question.
  const timer = h("p", { class: "timer", role: "timer", "aria-live": "off" });
  const progress = h("p", { class: "progress-text", "data-progress": "" });
  const links = attempt.items.map((_, index) => h("a", { href: `#question-${index + 1}`, "data-nav": String(index + 1) },
    String(index + 1)));
  const questionNav = h("nav", { "aria-label": "Questions" }, h("ol", { class: "navigator" }, links.map((a) => h("li", {}, a))));
  const bar = h("div", { class: "quiz-bar", "data-quiz-bar": "" }, attempt.deadline ? timer : null, progress, questionNav);
  const marks = () => savers.map((saver) => saver?.mark ?? "unanswered");
  const refresh = () => {
    const now = marks();
    const answered = now.filter((m) => m !== "unanswered").length;
    progress.textContent = `${answered} of ${total} answered`;
    const words = { unsaved: "not saved", partial: "partly answered" };
    now.forEach((mark, i) => {
      links[i].className = mark === "unanswered" ? "" : mark;
      links[i].setAttribute("aria-label", `Question ${i + 1}: ${words[mark] ?? mark}`);
    });
    if (summaryOpen) summary({ focus: false }); // what it says follows the answers
  };

  // Its controls are disabled one by one, not by disabling the fieldset: what the result
  // adds (the quoted proof, its button) stays reachable with the keyboard.
  const lock = (card, result, item, response) => {
    for (const control of card.querySelectorAll("input, select, textarea, button:not([data-show-article])")) control.disabled = true;
    card.dataset.locked = "";
    card.querySelector("[data-check]")?.remove();
    card.querySelector("[data-clear]")?.remove();
    // The article's box still scrolls with the keyboard once its sentences are disabled.
    card.querySelector(".sentences")?.setAttribute("tabindex", "0");
    if (result) {
      card.querySelector("[data-result]").replaceChildren(resultBlock(result, item, sources.of(item, result), hidden,
        response));
    }
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
    const card = h("fieldset", { class: "card question", id: `question-${index + 1}`, "data-type": item.type,
      "data-item": item.id });
    const saver = new ItemSaver({ attemptId: attempt.id, itemId: item.id, number: index + 1, status, check: checking,
      held: Boolean(item.response),
      onResult: (r, response) => {
        if (checking) {
          lock(card, r, item, response);
          announce(`Question ${index + 1}: ${r.correct ? "correct" : "not quite"}.`);
        } else result.replaceChildren(resultBlock(r, item, sources.of(item, r), hidden, response));
      },
      onLocked: () => { reload(index).catch((error) => showError(error)); },
      onState: () => { card.classList.toggle("unsaved", saver.mark === "unsaved"); refresh(); } });
    saver.locked = locked;
    savers[index] = saver;
    // An answer given here before and never saved (the page closed offline): shown, and sent.
    const kept = !checking && !locked ? keptAnswer(attempt.id, item.id) : undefined;
    const body = renderInputs(item, kept ?? item.response, (response, how) => saver.answer(response, how),
      sources.of(item));
    if (kept !== undefined) restored.push([saver, kept]);
    const check = checking && !locked
      ? h("div", { class: "row check", "data-check": "" },
        h("button", { type: "button", class: "secondary", onclick: async () => {
          const ok = await saver.checkNow();
          if (!ok && saver.error) announce(`Question ${index + 1}: not checked. ${saver.reason()}`);
        } }, "Check answer"),
        h("span", { class: "muted" }, "You can check each answer once."))
      : null;
    card.append(h("legend", {}, `Question ${index + 1} of ${total} · ${typeLabel(item.type)}`),
      h("p", { class: "prompt" }, item.prompt), ...body, check || "", h("div", {}, status), result);
    if (item.result) result.replaceChildren(resultBlock(item.result, item, sources.of(item), hidden, item.response));
    if (locked) lock(card, item.result, item, item.response);
    return card;
  }

  const restored = [];
  attempt.items.forEach((item, index) => { cards[index] = buildCard(item, index); });
  track(savers);
  for (const [saver, kept] of restored) saver.answer(kept);
  if (restored.length) toast(`${plural(restored.length, "answer")} given offline restored and being saved.`, { kind: "info" });
  refresh();

  const note = h("div", { "data-submit-note": "", "aria-live": "polite" });
  const submitArea = h("div", { class: "submit card", "data-submit": "" });
  let finished = false;

  // Every answer given saved first (typed ones, ones on their way, ones to retry and, under
  // immediate feedback, ones not checked); then the attempt is submitted. Offline, the submit
  // waits for the connection and goes by itself.
  async function submitNow(button) {
    if (finished) return;
    if (button) button.disabled = true;
    clearError(submitArea);
    cards.forEach((card) => card.classList.remove("unsaved"));
    note.className = "muted";
    note.replaceChildren("Saving your answers…");
    announce("Saving your answers…");
    const saved = await Promise.all(savers.map((saver) => saver.flush()));
    const unsaved = savers.filter((_, i) => !saved[i]);
    if (unsaved.length && !timeUp) {
      unsaved.forEach((saver) => cards[saver.number - 1].classList.add("unsaved"));
      refresh();
      if (!navigator.onLine) {
        queueSubmit(button);
        return;
      }
      const which = unsaved.map((saver) => `question ${saver.number} (${saver.reason()})`).join(", ");
      const message = `Not submitted: your ${unsaved.length > 1 ? "answers to" : "answer to"} ${which} ` +
        "could not be saved. Check the question, then press Submit again.";
      note.replaceChildren();
      showError(message, submitArea);
      // The server no longer takes answers (time is up, or the attempt is closed): say where the
      // saved ones are graded rather than leave the learner pressing Submit.
      if (unsaved.some((saver) => saver.error instanceof ApiError && saver.error.status === 409)) {
        note.replaceChildren(h("a", { href: `#/result/${attempt.id}` }, "See my result"));
      }
      if (button) { button.disabled = false; button.focus(); }
      return;
    }
    note.replaceChildren("Submitting…");
    try {
      await post(`/api/attempts/${attempt.id}/submit`);
      finished = true;
      summaryOpen = false;
      forgetAttempt(attempt.id);
      // At 0:00 the page stays, locked, and says what happened; otherwise on to the result.
      if (here() && !timeUp) location.hash = `#/result/${attempt.id}`;
    } catch (error) {
      note.replaceChildren();
      if (!navigator.onLine) { queueSubmit(button); return; }
      showError(error, submitArea);
      if (button) { button.disabled = false; button.focus(); }
    }
  }

  let queued = false;
  function queueSubmit(button) {
    note.className = "notice";
    note.replaceChildren("You are offline. Your answers are kept on this device, and the quiz is submitted as soon ",
      "as the connection is back.");
    note.scrollIntoView({ block: "nearest" });
    announce("Offline: the quiz will be submitted when the connection is back.");
    if (button) button.disabled = false;
    if (queued) return;
    queued = true;
    window.addEventListener("online", () => { queued = false; if (here()) submitNow(null); }, { once: true });
  }

  // Before submitting: what is answered, what is not (with links), what is not saved.
  function summary({ focus = true } = {}) {
    if (submitArea.querySelector("[data-confirm-submit]")?.disabled) return; // on its way
    summaryOpen = true;
    const now = marks();
    const unanswered = now.flatMap((m, i) => (m === "unanswered" ? [i + 1] : []));
    const partly = now.flatMap((m, i) => (m === "partial" ? [i + 1] : []));
    const unsavedOnes = now.flatMap((m, i) => (m === "unsaved" ? [i + 1] : []));
    const go = (n) => h("a", { href: `#question-${n}` }, `question ${n}`);
    const list = (numbers) => numbers.flatMap((n, i) => [i ? ", " : "", go(n)]);
    const confirm = h("button", { type: "button", "data-confirm-submit": "", onclick: () => submitNow(confirm) },
      "Submit now");
    submitArea.replaceChildren(...[
      h("h2", {}, "Ready to submit?"),
      h("p", {}, `You answered ${now.length - unanswered.length} of ${total} questions.`),
      unanswered.length
        ? h("p", { class: "bad", "data-unanswered": "" }, `${plural(unanswered.length, "question")} unanswered: `,
          ...list(unanswered), ".")
        : partly.length ? null : h("p", { class: "ok" }, "Every question is answered."),
      partly.length ? h("p", { class: "bad", "data-partly": "" }, "Partly answered (something left blank): ",
        ...list(partly), ".") : null,
      unsavedOnes.length ? h("p", { class: "bad" }, "Not saved yet: ", ...list(unsavedOnes), ".") : null,
      h("p", { class: "muted" }, "Once submitted, your answers cannot change."),
      h("div", { class: "toolbar" }, confirm,
        h("button", { type: "button", class: "secondary", onclick: () => {
          summaryOpen = false;
          submitArea.replaceChildren(start);
          start.querySelector("button").focus();
        } }, "Keep answering")),
      note].filter(Boolean));
    if (!focus) return;
    confirm.focus();
    submitArea.scrollIntoView({ block: "nearest" });
  }
  const start = h("div", { class: "toolbar" },
    h("button", { type: "button", onclick: summary }, "Submit my answers"),
    h("span", { class: "muted" }, "You will see what is unanswered before it goes."));
  submitArea.append(start);

  // At 0:00 the page stops taking answers: what is saved is submitted and graded.
  let timeUp = false;
  let warned = false;
  if (attempt.deadline) {
    const deadline = new Date(attempt.deadline);
    const tick = () => {
      if (!here() || finished) return;
      const left = Math.max(0, Math.round((deadline - serverNow()) / 1000));
      timer.textContent = `Time left ${clock(left)}`;
      timer.classList.toggle("low", left <= 60);
      if (left <= 60 && left > 0 && !warned) {
        warned = true;
        toast("One minute left.", { kind: "info" });
        announce("One minute left.");
      }
      if (left > 0) { setTimeout(tick, 1000); return; }
      timeUp = true;
      for (const control of document.querySelectorAll("#main fieldset.question :is(input, select, textarea, button)")) {
        control.disabled = true;
      }
      submitArea.replaceChildren();
      summaryOpen = false;
      // In the sticky bar, so it shows wherever the learner has scrolled to.
      bar.append(h("div", { class: "time-up", role: "alert", "data-time-up": "" },
        "Time is up. Your saved answers are being submitted."));
      announce("Time is up.");
      submitNow(null).then(() => {
        const banner = document.querySelector("[data-time-up]");
        if (!banner || !finished) return;
        banner.replaceChildren("Time is up: your attempt was submitted. ",
          h("a", { href: `#/result/${attempt.id}` }, "See my result"));
        announce("Time is up: your attempt was submitted.");
      });
    };
    tick();
  }

  const intro = checking
    ? ["Check each answer to see its result: you can check each answer once, and it cannot change afterwards. ",
      "Answers you do not check are saved and graded when you submit."]
    : ["Each answer is saved as you give it."];
  page({ title: attempt.quiz_title, lead: intro.join("") }, bar,
    hidden && checking ? h("p", { class: "muted" }, hidden) : null,
    ...cards, submitArea);
}

export async function resultView(attemptId) {
  const attempt = await get(`/api/attempts/${attemptId}`);
  const graded = attempt.score !== null && attempt.score !== undefined;
  const score = graded
    ? h("p", { class: "score" }, "Your score: ", h("span", { class: "score-big" }, formatScore(attempt.score, attempt.max_score)))
    : h("p", { class: "score" }, "Submitted. Your score and the answers show when the quiz closes.");
  const hidden = graded && attempt.answers_revealed === false
    ? h("p", { "data-reveal-note": "" }, revealWhen(attempt.reveal_answers)) : null;
  page({ title: `${attempt.quiz_title}: submitted`, lead: attempt.submitted_at ? ["Submitted ", timeAgo(attempt.submitted_at), "."].join("") : null },
    h("div", { class: "card" }, score, hidden,
      h("div", { class: "toolbar" }, graded ? h("a", { class: "button", href: `#/review/${attempt.id}` }, "Review my answers") : null,
        h("a", { class: "button secondary", href: "#/" }, "Back to my quizzes"),
        h("a", { class: "button secondary", href: "#/practice" }, "Practise what you missed"))));
  announce(score.textContent);
}

// A teacher reads a learner's attempt with the same page, named as that learner's.
export async function reviewView(attemptId, { asTeacher = false } = {}) {
  let review;
  try { review = await get(`/api/attempts/${attemptId}/review`); } catch (error) {
    if (error instanceof ApiError && error.status === 409) {
      page("Review", h("div", { class: "notice" }, error.message), h("a", { class: "button", href: "#/" }, "Back"));
      return;
    }
    throw error;
  }
  const sources = await articlesFor(review.items);
  const right = review.items.filter((item) => item.result?.correct).length;
  const whose = asTeacher ? `${review.learner_name}'s answer` : "Your answer";
  page({ title: `Review: ${review.quiz_title}`,
    lead: asTeacher ? `${review.learner_name}'s attempt ${review.number}, submitted ${timeAgo(review.submitted_at)}` : null },
  h("div", { class: "card" },
    h("p", { class: "score" }, "Score: ", h("span", { class: "score-big" }, formatScore(review.score, review.max_score))),
    h("p", { class: "muted" }, `${right} of ${plural(review.items.length, "question")} right.`),
    review.answers_revealed === false && !asTeacher
      ? h("p", { "data-reveal-note": "" }, `Your answers and whether they were right. ${revealWhen(review.reveal_answers)}`)
      : null),
  review.items.map((item, index) => h("section", { class: "card", "data-item": item.id },
    h("h2", {}, `Question ${index + 1} · ${typeLabel(item.type)}`),
    h("p", { class: "prompt" }, item.prompt),
    h("div", { class: "answer" }, h("strong", {}, `${whose}: `), describe(item, item.response, sources.of(item))),
    resultBlock(item.result, item, sources.of(item), null, item.response, Boolean(item.response)))));
}

// Practice as a session of a few questions: "3 of 10", Enter to check and Enter to go on, and
// an end screen with what was right and when the next review falls.
const SESSION_SIZES = [5, 10, 20];
export async function practiceView() {
  const banks = await getAll("/api/banks");
  const bank = h("select", {}, banks.map((b) => h("option", { value: b.id }, b.title)));
  const tag = h("input", { type: "text", placeholder: "any tag" });
  const size = h("select", {}, SESSION_SIZES.map((n) => h("option", { value: n, selected: n === 10 }, `${n} questions`)));
  const area = h("div", { "data-practice": "" });
  let session = null;

  const finish = (nextDue, why) => {
    setup.hidden = false;
    const { answered } = session;
    const correct = answered.filter((a) => a.correct).length;
    const soonest = answered.map((a) => a.nextDue).filter(Boolean).sort()[0] ?? nextDue;
    area.replaceChildren(h("section", { class: "card", "data-session-end": "" },
      h("h2", {}, answered.length ? "Session complete" : "Nothing to practise now"),
      why ? h("p", { class: "muted" }, why) : null,
      answered.length ? h("p", { class: "score" }, `${correct} of ${answered.length} right`) : null,
      answered.length ? h("ul", { class: "stack", "data-learned": "" }, answered.map((a) => h("li", {},
        h("span", { class: `badge ${a.correct ? "good" : "bad"}` }, a.correct ? "Right" : "To review"), " ", a.prompt)))
        : null,
      soonest ? h("p", { "data-next-review": "" }, "Your next review is due ", timeEl(soonest), ".")
        : h("p", {}, "Nothing is scheduled yet."),
      h("div", { class: "toolbar" }, h("button", { type: "button", onclick: () => begin() }, "Practise again"),
        h("a", { class: "button secondary", href: "#/progress" }, "See my progress"))));
    area.querySelector("h2").setAttribute("tabindex", "-1");
    area.querySelector("h2").focus();
  };

  const next = async () => {
    clearError(area);
    let step;
    try {
      const query = `/api/practice/next?bank=${bank.value}` + (tag.value ? `&tag=${encodeURIComponent(tag.value)}` : "");
      step = await get(query);
    } catch (error) { showError(error, area); return; }
    // Facts a quiz still open for the learner tests are left out: practice shows answers.
    const held = step.held_back > 0
      ? h("p", { class: "muted", "data-held-back": "" }, step.held_back === 1
        ? "1 fact is held back until your open quizzes close."
        : `${step.held_back} facts are held back until your open quizzes close.`)
      : null;
    if (!step.question) {
      const why = step.next_due ? null : held ? "Nothing to practise here now." : "Nothing to practise here yet.";
      finish(step.next_due, session.answered.length ? "Nothing more is due right now." : why);
      if (held) area.querySelector("[data-session-end]").append(held);
      return;
    }
    const q = { ...step.question };
    const sources = await articlesFor([q]);
    const number = session.answered.length + 1;
    let answer = null;
    const result = h("div", { "aria-live": "polite" });
    const check = h("button", { "data-check": "" }, "Check my answer");
    const checkBar = h("div", { class: "toolbar" }, check, h("span", { class: "kbd-hint" }, "or press ", h("kbd", {}, "Enter")));
    // Enter checks from any answer control (a checkbox or a select does not submit a form).
    const enter = (event) => {
      if (event.key !== "Enter" || event.defaultPrevented || !checkBar.isConnected) return;
      if (event.target.matches("textarea, button, a")) return;
      event.preventDefault();
      card.requestSubmit();
    };
    const card = h("form", { class: "card", "data-type": q.type, onkeydown: enter, onsubmit: async (event) => {
      event.preventDefault();
      if (!answer) { showError({ message: "Answer first, then check it." }, card); return; }
      const given = answer;
      const feedback = await act(check, card, () => post(`/api/practice/${q.question_id}/answer`, { response: given }));
      if (!feedback) return;
      checkBar.remove();
      for (const control of card.querySelectorAll("fieldset :is(input, select, textarea, button)")) control.disabled = true;
      card.querySelector(".sentences")?.setAttribute("tabindex", "0"); // still scrolls with the keyboard
      const article = sources.of(q, feedback.result);
      session.answered.push({ prompt: q.prompt, correct: feedback.result.correct, nextDue: feedback.next_due });
      const last = number >= session.size;
      const go = h("button", { type: "button", "data-continue": "", onclick: () => (last ? finish(null) : next()) },
        last ? "See how it went" : "Next question");
      result.replaceChildren(resultBlock(feedback.result, q, article, null, given),
        h("p", { class: "muted" }, "Next review of this fact: ", feedback.next_due ? timeEl(feedback.next_due) : "–"),
        h("div", { class: "toolbar" }, go, h("span", { class: "kbd-hint" }, "or press ", h("kbd", {}, "Enter"))));
      go.focus();
      announce(feedback.result.correct ? "Correct." : "Not quite.");
    } },
    h("fieldset", { "data-type": q.type },
      h("legend", {}, `${q.is_new ? "New fact" : "Review"} · ${typeLabel(q.type)}`),
      h("p", { class: "prompt" }, q.prompt), renderInputs(q, null, (r) => { answer = r; }, sources.of(q))),
    checkBar, result);
    const meter = h("div", { class: "meter", role: "progressbar", "aria-label": "Session progress",
      "aria-valuemin": "0", "aria-valuemax": String(session.size), "aria-valuenow": String(number - 1) },
    h("span", { style: null }));
    meter.firstChild.style.width = `${(100 * (number - 1)) / session.size}%`;
    area.replaceChildren(h("div", { class: "session-bar" }, h("strong", { "data-session-count": "" },
      `${number} of ${session.size}`), meter,
    h("button", { type: "button", class: "link", onclick: () => finish(null, "You ended the session.") }, "End session")),
    held || "", card);
    card.querySelector("input, select, textarea, button")?.focus();
  };

  const begin = () => {
    session = { size: Number(size.value), answered: [] };
    setup.hidden = true; // the session has the page; its end screen offers another
    next();
  };
  const setup = h("form", { class: "card", onsubmit: (e) => { e.preventDefault(); begin(); } },
    h("div", { class: "row" }, field("Bank", bank), field("Tag (optional)", tag), field("Session", size)),
    h("div", { class: "toolbar" }, h("button", {}, "Start")));
  page({ title: "Practice", lead: "Short sessions on the facts you are due to review, then new ones." }, setup, area);
}

export async function progressView() {
  const progress = await get("/api/me/progress");
  page({ title: "My progress", lead: `Streak: ${plural(progress.streak_days, "day")} in a row.` },
    progress.tags.length
      ? h("div", { class: "card" }, barChart({ title: "Mastery per tag", labels: progress.tags.map((t) => t.tag),
        values: progress.tags.map((t) => Math.round(100 * t.mastery.mastery)), unit: " %",
        xLabel: "Mastery (%)", yLabel: "Tag" }))
      : h("p", { class: "empty" }, "Answer some questions to see your mastery."),
    h("h2", {}, "Quizzes"),
    progress.quizzes.length
      ? h("ul", { class: "list" }, progress.quizzes.map((q) => h("li", { class: "card item-card" }, h("h3", {}, q.title),
        h("span", { class: "badge info" }, q.grade === null || q.grade === undefined ? "not graded yet" : formatPercent(q.grade)))))
      : h("p", { class: "empty" }, "No quiz graded yet."),
    h("h2", {}, "Facts"),
    table({
      caption: "Mastery per fact",
      empty: "Answer some questions to see your facts.",
      rows: progress.facts,
      columns: [
        { label: "Fact", cell: (f) => f.statement },
        { label: "Answered", cell: (f) => f.mastery.answered },
        { label: "Accuracy", cell: (f) => formatPercent(100 * f.mastery.accuracy) },
        { label: "Recall now", cell: (f) => formatPercent(100 * f.mastery.retrievability) },
        { label: "Mastery", cell: (f) => formatPercent(100 * f.mastery.mastery) },
        { label: "Due", cell: (f) => (f.due ? timeEl(f.due) : "–") },
      ],
    }));
}
