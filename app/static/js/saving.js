// Saving a learner's answers. Each item has one queue: typing waits for a pause, one PUT is on
// its way at a time (so an older answer can never land after a newer one), a network failure
// is retried, and flush() sends whatever is still pending and resolves once the newest answer
// is acknowledged, or false when it could not be saved. Submit flushes every item first.
//
// An answer can be taken back (a find-the-evidence selection cleared): the server takes no
// empty answer, so nothing is sent; what it holds already still counts, and the status says so.
//
// Under immediate feedback (`check: true`) nothing is sent as it is given: the server locks an
// item at its first answer, so only "Check answer" (a flush) or the submit sends it.
import { ApiError, put } from "./api.js";
import { announce, h } from "./ui.js";

export const TYPING_PAUSE_MS = 600;
const FLUSH_TRIES = 3; // a flush sends the newest answer up to this many times

// A failure worth retrying: no connection, or the server was briefly unable to answer.
const retryable = (error) => !(error instanceof ApiError) || error.status >= 500 || error.status === 429;
const isLocked = (error) => error instanceof ApiError && error.status === 409 &&
  String(error.body?.type || "").endsWith("/item-locked");
const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

export class ItemSaver {
  constructor({ attemptId, itemId, number, status, check = false, held = false, onResult = () => {},
    onLocked = () => {}, onState = () => {} }) {
    this.url = `/api/attempts/${attemptId}/responses/${itemId}`;
    this.number = number; // the question's number on the page, for messages
    this.status = status;
    this.onResult = onResult;
    this.onLocked = onLocked; // the server holds a checked answer already (409 item-locked)
    this.onState = onState; // every change of what the status says (the quiz's navigator follows it)
    this.state = held ? "saved" : "none";
    this.check = check;
    this.locked = false;
    this.latest = undefined;
    this.version = 0; // grows with every answer given
    this.savedVersion = 0; // the newest version the server acknowledged
    this.inflight = null; // the promise of the sending loop, while it runs
    this.debounceTimer = null;
    this.retryTimer = null;
    this.tries = 0;
    this.flushing = 0;
    this.error = null; // why the newest answer is not saved, if it is not
    this.empty = false; // the learner took their answer back: nothing to send
    this.held = held; // the server holds an answer to this item
    this.partial = false; // the answer given leaves something blank (a blank, a pair)
  }

  get dirty() { return !this.empty && this.savedVersion < this.version; }

  // A new answer: sent now, or after a pause in typing (or, to be checked, kept until then).
  // An `initial` one is what the item shows before the learner touches it (an ordering's
  // shuffled order): nothing to save, but it can be checked as it is.
  answer(response, { typing = false, initial = false, empty = false, partial = false } = {}) {
    if (this.locked) return;
    if (initial) { if (this.version === 0) this.latest = response; return; }
    this.partial = partial;
    this.latest = empty ? undefined : response;
    this.version += 1;
    this.error = null;
    this.tries = 0;
    this.empty = empty;
    if (!this.check) keep(this, empty ? undefined : response);
    if (empty) {
      this.clearTimers();
      if (!this.inflight) this.show(this.held && !this.check ? "withdrawn" : "none");
    } else if (this.check) {
      if (!this.inflight) this.show("unchecked");
    } else if (typing) {
      this.clearTimers();
      this.debounceTimer = setTimeout(() => { this.debounceTimer = null; this.pump(); }, TYPING_PAUSE_MS);
      if (!this.inflight) this.show("pending");
    } else {
      this.pump();
    }
  }

  clearTimers() {
    clearTimeout(this.debounceTimer);
    clearTimeout(this.retryTimer);
    this.debounceTimer = null;
    this.retryTimer = null;
  }

  // Send until the newest answer is saved, one request at a time. Resolves true when nothing
  // is left to send now (a pause in typing may still be pending), false after a failure.
  pump(options = {}) {
    this.clearTimers();
    if (this.inflight) return this.inflight;
    if (!this.dirty) return Promise.resolve(true);
    this.inflight = (async () => {
      try {
        while (this.dirty && this.debounceTimer === null) {
          if (!(await this.send(options))) return false;
        }
        return true;
      } finally {
        this.inflight = null;
      }
    })();
    return this.inflight;
  }

  async send({ keepalive = false } = {}) {
    const version = this.version;
    const response = this.latest;
    this.show("saving");
    try {
      const saved = await put(this.url, { response }, { keepalive });
      this.savedVersion = Math.max(this.savedVersion, version);
      if (!this.dirty) keep(this, undefined); // the server has the newest: nothing to keep here
      this.held = true;
      if (this.check) { // its first answer is final: any given since cannot be saved
        this.locked = true;
        this.savedVersion = this.version;
      }
      this.tries = 0;
      this.error = null;
      if (this.empty && !this.check) this.show("withdrawn");
      else if (!this.dirty) this.show("saved");
      else if (this.debounceTimer !== null) this.show("pending");
      if (saved && saved.result) this.onResult(saved.result, response);
      return true;
    } catch (error) {
      if (version !== this.version) return true; // a newer answer replaces it: send that one
      if (isLocked(error)) { // checked before (another tab, or a reply lost on the way)
        this.savedVersion = Math.max(this.savedVersion, version);
        this.locked = true;
        this.show("checked");
        this.onLocked();
        return true;
      }
      this.error = error;
      if (retryable(error)) {
        this.tries += 1;
        if (!this.flushing && !this.check) this.scheduleRetry();
        else this.show("offline");
      } else {
        this.show("failed");
        announce(`Question ${this.number}: not saved. ${error.message}`);
      }
      return false;
    }
  }

  scheduleRetry() {
    const wait = Math.min(8000, 1000 * 2 ** Math.max(0, this.tries - 1));
    this.clearTimers();
    this.retryTimer = setTimeout(() => { this.retryTimer = null; this.pump(); }, wait);
    this.show("offline", wait);
  }

  // Everything pending sent now, retried a few times: true once the newest answer is saved.
  async flush(options = {}) {
    this.flushing += 1;
    let failures = 0;
    try {
      while (this.dirty) {
        if (await this.pump(options)) continue; // clean, or typing went on: pump again
        if (!retryable(this.error) || ++failures >= FLUSH_TRIES) return false;
        await sleep(300 * failures);
      }
      return true;
    } finally {
      this.flushing -= 1;
      if (!this.flushing && !this.check && this.dirty && this.error && retryable(this.error) && !this.inflight) {
        this.scheduleRetry();
      }
    }
  }

  // Check the answer as it stands (immediate feedback): the shown one counts if none was given.
  async checkNow() {
    if (this.locked) return true;
    if (this.empty) { this.show("empty"); return false; }
    if (this.version === 0 && this.latest !== undefined) this.version = 1;
    if (this.version === 0) { this.show("empty"); return false; }
    return this.flush();
  }

  // Why the newest answer is not saved, in words.
  reason() {
    if (!this.error) return "it is still being saved";
    return retryable(this.error) ? "no connection to the server" : this.error.message;
  }

  // How the navigator shows this item: "answered", "partial" (something left blank),
  // "unanswered" or "unsaved" (given, not saved).
  get mark() {
    if (["failed", "offline"].includes(this.state)) return "unsaved";
    if (this.empty) return this.held && !this.check ? "answered" : "unanswered";
    if (this.version > 0 && this.partial) return "partial";
    return this.held || this.version > 0 ? "answered" : "unanswered";
  }

  show(state, wait) {
    this.state = state;
    this.onState(state);
    const status = this.status;
    status.className = "status";
    switch (state) {
      case "pending": status.textContent = "Saving when you pause…"; break;
      case "saving": status.textContent = this.check ? "Checking…" : "Saving…"; break;
      case "saved":
        status.textContent = this.check ? "Checked ✓" : "Saved ✓";
        status.className = "status ok";
        break;
      case "checked": status.textContent = "Checked ✓"; status.className = "status ok"; break;
      case "unchecked": status.textContent = "Not checked yet"; break;
      case "withdrawn":
        status.textContent = "Nothing selected: the answer saved before still counts until you give another.";
        break;
      case "empty": status.textContent = "Answer first, then check it."; status.className = "status bad"; break;
      case "failed":
        status.textContent = `${this.check ? "Not checked" : "Not saved"}: ${this.error.message}`;
        status.className = "status bad";
        break;
      case "offline":
        status.className = "status bad";
        if (this.check) { status.textContent = "Not checked (no connection). Try again."; break; }
        status.replaceChildren(wait ? `Not saved (no connection). Retrying in ${wait / 1000} s… ` : "Not saved (no connection). ",
          h("button", { type: "button", class: "secondary", onclick: () => { this.tries = 0; this.pump(); } }, "Retry now"));
        break;
      default: status.textContent = "";
    }
  }
}

// Answers given and not yet saved are kept in the browser (localStorage) until the server
// acknowledges them, so an answer typed offline survives the page being closed: the quiz,
// opened again, shows it and sends it. Keyed by the item's URL; an answer checked under
// immediate feedback is never kept (it is sent only when the learner asks).
const KEPT = "sourcequiz:unsaved";
function keptAnswers() {
  try { return JSON.parse(localStorage.getItem(KEPT) || "{}"); } catch { return {}; }
}
function keep(saver, response) {
  try {
    const all = keptAnswers();
    if (response === undefined) delete all[saver.url]; else all[saver.url] = response;
    localStorage.setItem(KEPT, JSON.stringify(all));
  } catch { /* storage full or refused: the answer is still in the page */ }
}
// The answer kept for this attempt's item, if one was given and not saved.
export function keptAnswer(attemptId, itemId) {
  return keptAnswers()[`/api/attempts/${attemptId}/responses/${itemId}`];
}

// A submitted attempt takes no more answers: nothing of it is worth keeping.
export function forgetAttempt(attemptId) {
  try {
    const all = keptAnswers();
    for (const url of Object.keys(all)) if (url.startsWith(`/api/attempts/${attemptId}/`)) delete all[url];
    localStorage.setItem(KEPT, JSON.stringify(all));
  } catch { /* nothing kept */ }
}

// The savers of the quiz on screen: whatever is pending goes out when the learner leaves it.
let current = [];
export function track(savers) { current = savers; }
function sendPending() {
  for (const saver of current) if (!saver.check && saver.dirty && !saver.inflight) saver.pump({ keepalive: true });
}
document.addEventListener("visibilitychange", () => { if (document.visibilityState === "hidden") sendPending(); });
window.addEventListener("pagehide", sendPending);
window.addEventListener("hashchange", sendPending);
