// Boot, sign-in and routing.
import { ApiError, get, post, setCsrf } from "./api.js";
import * as learner from "./learner.js";
import * as teacher from "./teacher.js";
import { announce, field, h, page, showError } from "./ui.js";

let user = null;

function nav() {
  const links = !user ? [] : user.role === "learner"
    ? [["#/", "My quizzes"], ["#/practice", "Practice"], ["#/progress", "Progress"]]
    : [["#/", "Teaching"], ["#/bank", "Bank"], ["#/quiz/new", "Build a quiz"]];
  document.getElementById("nav").replaceChildren(
    ...links.map(([href, text]) => h("a", { href }, text)),
    user ? h("span", { class: "muted" }, `${user.display_name} (${user.role}) `) : "",
    user ? h("button", { type: "button", class: "secondary", onclick: logout }, "Sign out") : "");
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
      showError(null);
      announce(`Signed in as ${user.display_name}.`);
      route();
    } catch (error) { showError(error); }
  } }, h("h2", {}, "Sign in"), field("Email", email), field("Password", password), h("button", {}, "Sign in"));

  const newEmail = h("input", { type: "email", autocomplete: "email", required: true });
  const newName = h("input", { type: "text", autocomplete: "name", required: true });
  const newPassword = h("input", { type: "password", autocomplete: "new-password", minlength: "10", required: true });
  const role = h("select", {}, h("option", { value: "learner" }, "Learner"), h("option", { value: "teacher" }, "Teacher"));
  const register = h("form", { class: "card", onsubmit: async (event) => {
    event.preventDefault();
    try {
      await post("/api/auth/register", { email: newEmail.value, display_name: newName.value,
        password: newPassword.value, role: role.value });
      email.value = newEmail.value;
      announce("Account created. Sign in with it.");
      password.focus();
    } catch (error) { showError(error); }
  } }, h("h2", {}, "Create an account"), field("Email", newEmail), field("Name", newName),
  field("Password (10 characters or more)", newPassword), field("I am a", role), h("button", {}, "Create account"));
  page("Sourcequiz", h("p", {}, "Quizzes built from the facts of a source, with the sentence that proves each answer."),
    login, register);
}

const learnerRoutes = [
  [/^#?\/?$/, () => learner.assignmentsView()],
  [/^#\/attempt\/(\d+)$/, (id) => learner.attemptView(id)],
  [/^#\/result\/(\d+)$/, (id) => learner.resultView(id)],
  [/^#\/review\/(\d+)$/, (id) => learner.reviewView(id)],
  [/^#\/practice$/, () => learner.practiceView()],
  [/^#\/progress$/, () => learner.progressView()],
];
const teacherRoutes = [
  [/^#?\/?$/, () => teacher.teacherHome()],
  [/^#\/class\/(\d+)$/, (id) => teacher.classView(id)],
  [/^#\/bank$/, () => teacher.bankView()],
  [/^#\/quiz\/new$/, () => teacher.quizBuilder()],
  [/^#\/quiz\/(\d+)$/, (id) => teacher.quizView(id)],
  [/^#\/review\/(\d+)$/, (id) => learner.reviewView(id)],
];

async function route() {
  nav();
  showError(null);
  if (!user) { signIn(); return; }
  const routes = user.role === "learner" ? learnerRoutes : teacherRoutes;
  for (const [pattern, view] of routes) {
    const match = location.hash.match(pattern);
    if (match) {
      try { await view(...match.slice(1)); } catch (error) {
        if (error instanceof ApiError && error.status === 401) { user = null; route(); return; }
        showError(error);
      }
      return;
    }
  }
  page("Not found", h("p", {}, "There is no such page. "), h("a", { href: "#/" }, "Go home"));
}

async function boot() {
  try {
    const me = await get("/api/auth/me");
    user = me.user;
    setCsrf(me.csrf_token);
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 401)) showError(error);
  }
  window.addEventListener("hashchange", route);
  route();
}

boot();
