// The JSON API, with the session's CSRF token and the server's clock.
let csrfToken = null;
let skewMs = 0;

// The API's field names as the page's labels call them; any other is its name in words.
const FIELD_LABELS = {
  question_ids: "Questions", time_limit_s: "Time limit", max_attempts: "Attempts allowed", closes_at: "Closes at",
  opens_at: "Opens at", due_at: "Due", display_name: "Name", join_code: "Join code", class_id: "Class",
  reveal_answers: "Show the correct answers", shuffle_questions: "Shuffle", draw: "Draw", count: "How many",
  bank: "Bank", tag: "Tag", tags: "Tags", text: "Text", file: "File", title: "Title", email: "Email",
  password: "Password", response: "Answer", points: "Points", statement: "Statement", answer: "Answer",
  distractors: "Wrong answers", new_password: "New password", current_password: "Current password",
};
const words = (key) => FIELD_LABELS[key] ?? (key.charAt(0).toUpperCase() + key.slice(1).replace(/_/g, " "));
// "draw.0.count" → "Draw 1, how many".
const fieldName = (path) => path.split(".").map((part, i) =>
  (/^\d+$/.test(part) ? String(Number(part) + 1) : i ? words(part).toLowerCase() : words(part))).join(" ").replace(/ (\d+) /g, " $1, ");

// An API field named inside a message ("Must be after opens_at."), by its label.
const namedInWords = (text) => text.replace(/\b[a-z]+(?:_[a-z]+)+\b/g, (name) => (FIELD_LABELS[name]
  ? `“${FIELD_LABELS[name]}”` : name));

// A problem document (RFC 9457) in plain words: what went wrong and, where the API says which
// field, each field's message. `fields` ([{path, message}]) lets a form mark its controls.
export class ApiError extends Error {
  constructor(status, body, headers = null) {
    const detail = body && typeof body === "object" && body.detail ? body.detail : null;
    const fields = body && typeof body === "object" && body.errors ? flatten(body.errors) : [];
    const summary = plainWords(status, detail, fields, headers);
    const said = fields.filter(({ message }) => message !== detail && !summary.includes(message));
    for (const field of fields) field.message = namedInWords(field.message);
    super(said.length ? `${summary} ${said.map(({ path, message }) => `${fieldName(path)}: ${message}`).join(" ")}` : summary);
    this.summary = summary;
    this.status = status;
    this.body = body;
    this.fields = fields;
  }
}

// Not an answer from the server at all: the connection failed.
export class NetworkError extends Error {
  constructor() {
    super("No connection to the server. Check your connection and try again.");
  }
}

// A time the API writes as ISO 8601 ("2026-12-01T09:00:00+00:00"), in the reader's words.
const ISO_TIME = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?/g;
const localTimes = (text) => text.replace(ISO_TIME, (iso) => {
  const time = new Date(iso);
  return Number.isNaN(time.getTime()) ? iso
    : new Intl.DateTimeFormat(navigator.language || undefined, { dateStyle: "medium", timeStyle: "short" }).format(time);
});

function plainWords(status, given, fields, headers) {
  const detail = given ? namedInWords(localTimes(given)) : given;
  if (status === 401) {
    return detail && !/token/i.test(detail) ? detail : "Your session has ended. Sign in again.";
  }
  if (status === 403 && detail && /csrf/i.test(detail)) return "This page is out of date. Reload it and try again.";
  if (status === 403) return detail && !/permission|forbidden/i.test(detail) ? detail : "You do not have access to this.";
  if (status === 404) return detail || "This could not be found. It may have been deleted, or the link is wrong.";
  if (status === 429) {
    const wait = Number(headers?.get?.("Retry-After"));
    const when = Number.isFinite(wait) && wait > 0
      ? wait >= 90 ? `in ${Math.ceil(wait / 60)} minutes` : `in ${Math.ceil(wait)} seconds` : "in a few minutes";
    return `Too many tries in a short time. Try again ${when}.`;
  }
  if (status >= 500) return "Something went wrong on our side. Try again in a moment.";
  // The API's own summary when it says something ("The article's text is 10 characters
  // long…"); its generic one ("see errors") in plain words, the fields saying the rest.
  if (status === 422 && fields.length) {
    return detail && !/see errors|did not validate/i.test(detail) ? detail : "Please check what you entered.";
  }
  return detail || `The request could not be done (${status}).`;
}

function flatten(errors, prefix = "") {
  return Object.entries(errors).flatMap(([key, value]) => {
    const path = key === "json" || key === "query" || key === "files" || key === "form" ? prefix
      : `${prefix}${prefix ? "." : ""}${key}`;
    if (Array.isArray(value)) {
      return value.flatMap((m) => (typeof m === "string" ? [{ path, message: m }] : flatten(m, path)));
    }
    if (value && typeof value === "object") return flatten(value, path);
    return [{ path, message: String(value) }];
  });
}

export function setCsrf(token) { csrfToken = token; }

// The server's time, as told by the Date header of its last answer.
export function serverNow() { return new Date(Date.now() + skewMs); }

// One request: its body (parsed) and its headers.
async function send(method, path, body, { keepalive = false } = {}) {
  const headers = { Accept: "application/json" };
  const form = body instanceof FormData; // a file upload: the browser sets its multipart type
  if (body !== undefined && !form) headers["Content-Type"] = "application/json";
  if (method !== "GET" && csrfToken) headers["X-CSRF-Token"] = csrfToken;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: "same-origin",
      body: body === undefined || form ? body : JSON.stringify(body),
      keepalive, // lets a save finish while the page is being left
    });
  } catch {
    throw new NetworkError();
  }
  const date = response.headers.get("Date");
  if (date) skewMs = new Date(date).getTime() - Date.now();
  if (response.status === 204) return { data: null, headers: response.headers };
  const type = response.headers.get("Content-Type") || "";
  const data = type.includes("json") ? await response.json() : await response.text();
  if (!response.ok) throw new ApiError(response.status, data, response.headers);
  return { data, headers: response.headers };
}

export async function api(method, path, body, options) {
  return (await send(method, path, body, options)).data;
}

export const get = (path) => api("GET", path);
export const post = (path, body) => api("POST", path, body ?? {});
export const put = (path, body, options) => api("PUT", path, body, options);
export const patch = (path, body) => api("PATCH", path, body);
export const upload = (path, formData) => api("POST", path, formData);

// The largest page the server gives (its page_size maximum).
export const PAGE_SIZE = 100;
// A bound on pages followed, should a server keep offering a next one (100 000 items).
const MAX_PAGES = 1000;

// Every item of a paginated list: page after page, as the X-Pagination header's next_page
// says, up to the last one. A list the server does not paginate comes back as it is. An item
// that a change between two pages pushes onto the next one is kept once (by its id).
export async function getAll(path) {
  const url = new URL(path, location.origin);
  url.searchParams.set("page_size", String(PAGE_SIZE));
  const items = [];
  const seen = new Set();
  let page = 1;
  for (let fetched = 1; fetched <= MAX_PAGES; fetched += 1) {
    url.searchParams.set("page", String(page));
    const { data, headers } = await send("GET", url.pathname + url.search);
    if (!Array.isArray(data)) return data;
    for (const item of data) {
      const id = item && typeof item === "object" ? item.id : undefined;
      if (id !== undefined && seen.has(id)) continue;
      if (id !== undefined) seen.add(id);
      items.push(item);
    }
    const next = parsePagination(headers.get("X-Pagination"))?.next_page;
    if (!Number.isInteger(next) || next <= page) return items;
    page = next;
  }
  // Never cut a list silently.
  throw new Error(`${url.pathname} has more than ${MAX_PAGES} pages; only part of it could be shown.`);
}

// One page of a paginated list: its items, and where it stands (X-Pagination: page,
// total_pages, total, previous_page, next_page) — for lists shown a page at a time.
export async function getPage(path) {
  const { data, headers } = await send("GET", path);
  const paging = parsePagination(headers.get("X-Pagination"));
  return { items: data, paging: paging || { total: data.length, total_pages: 1, page: 1 } };
}

function parsePagination(text) {
  if (!text) return null;
  try { return JSON.parse(text); } catch { return null; }
}
