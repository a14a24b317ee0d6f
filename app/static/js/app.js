// Boot, sign-in and routing.
import { ApiError, get, post, setCsrf } from "./api.js";
import * as learner from "./learner.js";
import * as sources from "./sources.js";
import * as teacher from "./teacher.js";
import { loadTypes } from "./types.js";
import { announce, clearError, field, h, page, problemText, showError, toast } from "./ui.js";

let user = null;

function nav() {
  const links = !user ? [] : user.role === "learner"
    ? [["#/", "My quizzes"], ["#/practice", "Practice"], ["#/progress", "Progress"]]
    : [["#/", "Teaching"], ["#/sources", "Sources"], ["#/bank", "Bank"], ["#/quiz/new", "Build a quiz"]];
  const here = routeOf(location.hash) ?? "#/";
  // The section a page belongs to: "#/class/3" is under Teaching, "#/attempt/5" under My quizzes.
  const section = links.find(([href]) => href !== "#/" && here.startsWith(href))?.[0]
    ?? (here.startsWith("#/source/") ? "#/sources" : "#/");
  document.getElementById("nav").replaceChildren(
    ...links.map(([href, text]) => h("a", { href, "aria-current": href === section ? "page" : null }, text)),
    user ? h("span", { class: "who" }, `${user.display_name} · ${user.role === "learner" ? "Learner" : "Teacher"}`) : "",
    user ? h("button", { type: "button", class: "secondary small", onclick: logout }, "Sign out") : "");
}

async function logout() {
  await post("/api/auth/logout");
  user = null;
  setCsrf(null);
  location.hash = "#/";
  route();
}

function signIn() {
  const email = h("input", { type: "email", autocomplete: "username", required: true });
  const password = h("input", { type: "password", autocomplete: "current-password", required: true });
  const login = h("form", { class: "card", onsubmit: async (event) => {
    event.preventDefault();
    try {
      const session = await post("/api/auth/login", { email: email.value, password: password.value });
      user = session.user;
      setCsrf(session.csrf_token);
      announce(`Signed in as ${user.display_name}.`);
      route();
    } catch (error) { showError(error, login); }
  } }, h("h2", {}, "Sign in"), field("Email", email, { name: "email" }), field("Password", password, { name: "password" }),
  h("div", { class: "toolbar" }, h("button", {}, "Sign in")));

  const newEmail = h("input", { type: "email", autocomplete: "email", required: true });
  const newName = h("input", { type: "text", autocomplete: "name", required: true });
  const newPassword = h("input", { type: "password", autocomplete: "new-password", minlength: "10", required: true });
  const role = h("select", {}, h("option", { value: "learner" }, "Learner"), h("option", { value: "teacher" }, "Teacher"));
  const register = h("form", { class: "card", onsubmit: async (event) => {
    event.preventDefault();
    try {
      await post("/api/auth/register", { email: newEmail.value, display_name: newName.value,
        password: newPassword.value, role: role.value });
      clearError(register);
      email.value = newEmail.value;
      toast("Account created. Sign in with your new password.");
      announce("Account created. Sign in with your new password.");
      password.focus();
    } catch (error) { showError(error, register); }
  } }, h("h2", {}, "Create an account"), field("Email", newEmail, { name: "email" }),
  field("Name", newName, { name: "display_name" }),
  field("Choose a password", newPassword, { name: "password", hint: "10 characters or more" }), field("I am a", role, { name: "role" }),
  h("div", { class: "toolbar" }, h("button", {}, "Create account")));
  page({ title: "Welcome to Sourcequiz",
    lead: "Quizzes built from the facts of a source, each answer with the sentence that proves it." },
  h("div", { class: "grid-2" }, login, register));
}

const learnerRoutes = [
  [/^#\/$/, () => learner.assignmentsView()],
  // One quiz among the learner's (where an LMS launch lands): its card marked, Start focused.
  [/^#\/quiz\/(\d+)$/, (id) => learner.assignmentsView(id)],
  [/^#\/attempt\/(\d+)$/, (id) => learner.attemptView(id)],
  [/^#\/result\/(\d+)$/, (id) => learner.resultView(id)],
  [/^#\/review\/(\d+)$/, (id) => learner.reviewView(id)],
  [/^#\/practice$/, () => learner.practiceView()],
  [/^#\/progress$/, () => learner.progressView()],
];
const teacherRoutes = [
  [/^#\/$/, () => teacher.teacherHome()],
  [/^#\/class\/(\d+)$/, (id) => teacher.classView(id)],
  [/^#\/sources$/, () => sources.sourcesView()],
  [/^#\/source\/(\d+)$/, (id) => sources.sourceView(id)],
  [/^#\/bank$/, () => teacher.bankView()],
  [/^#\/quiz\/new$/, () => teacher.quizBuilder()],
  [/^#\/quiz\/(\d+)$/, (id) => teacher.quizView(id)],
  [/^#\/review\/(\d+)$/, (id) => learner.reviewView(id, { asTeacher: true })],
];

// Only hashes that start with "#/" are pages; no hash is the home page. Any other hash
// ("#main" from the skip link) names a place on the page shown, never a page.
function routeOf(hash) {
  if (hash === "" || hash === "#") return "#/";
  return hash.startsWith("#/") ? hash : null;
}

// Focus the element a plain fragment names (it keeps the page on screen as it is).
function focusFragment(hash) {
  let target = null;
  try { target = document.getElementById(decodeURIComponent(hash.slice(1))); } catch { target = null; }
  if (!target) return;
  if (!target.matches("a[href], button, input, select, textarea, [tabindex]")) target.setAttribute("tabindex", "-1");
  target.focus();
  target.scrollIntoView({ block: "start" });
}

// Pages are drawn one at a time, the latest asked for last: a slow page (the home page still
// loading when a link is followed) never draws over the one asked for after it.
let asked = 0;
let drawing = Promise.resolve();
function route() {
  const ticket = ++asked;
  const current = () => ticket === asked;
  drawing = drawing.then(() => (current() ? draw(current) : undefined)).catch((error) => showError(error));
  return drawing;
}

async function draw(current) {
  const hash = routeOf(location.hash) ?? "#/";
  nav();
  if (!user) { signIn(); return; }
  // Every page names question types by the server's labels: load them before any page.
  try { await loadTypes(); } catch (error) { showError(error); }
  if (!current()) return; // another page was asked for meanwhile: draw that one instead
  const routes = user.role === "learner" ? learnerRoutes : teacherRoutes;
  for (const [pattern, view] of routes) {
    const match = hash.match(pattern);
    if (match) {
      try { await view(...match.slice(1)); } catch (error) {
        if (error instanceof ApiError && error.status === 401) {
          user = null;
          toast("Your session has ended. Sign in again.", { kind: "info" });
          route();
          return;
        }
        if (current()) failed(error);
      }
      return;
    }
  }
  page("Not found", h("p", {}, "There is no such page."), h("a", { class: "button", href: "#/" }, "Go home"));
}

// A page that could not be drawn says so in its place, with a way to try again.
function failed(error) {
  page("This page could not be shown",
    h("div", { class: "problem", role: "alert" }, problemText(error)),
    h("div", { class: "toolbar" }, h("button", { type: "button", onclick: () => route() }, "Try again"),
      h("a", { class: "button secondary", href: "#/" }, "Go home")));
}

// A link to a place on the page (the skip link) moves focus there and leaves the address,
// and so the page shown, as it is.
function onClick(event) {
  const link = event.target.closest?.("a[href^='#']");
  if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey ||
    event.shiftKey || event.altKey) return;
  const hash = link.getAttribute("href");
  if (routeOf(hash) !== null) return;
  event.preventDefault();
  focusFragment(hash);
}

function onHashChange() {
  if (routeOf(location.hash) === null) { focusFragment(location.hash); return; }
  route();
}

// Offline: a banner says so, and what is typed meanwhile is kept (saving.js sends it later).
function watchConnection() {
  const banner = document.getElementById("offline");
  const update = () => { banner.hidden = navigator.onLine; };
  window.addEventListener("online", () => { update(); toast("Back online.", { kind: "info" }); });
  window.addEventListener("offline", update);
  update();
}

async function boot() {
  watchConnection();
  try {
    const me = await get("/api/auth/me");
    user = me.user;
    setCsrf(me.csrf_token);
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 401)) showError(error);
  }
  document.addEventListener("click", onClick);
  window.addEventListener("hashchange", onHashChange);
  route();
}

boot();
