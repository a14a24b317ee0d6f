// The JSON API, with the session's CSRF token and the server's clock.
let csrfToken = null;
let skewMs = 0;

export class ApiError extends Error {
  constructor(status, body) {
    const detail = body && body.detail ? body.detail : `Request failed (${status})`;
    // A field's message that only repeats the detail is said once.
    const fields = (body && body.errors ? flatten(body.errors) : [])
      .filter((message) => !message.endsWith(`: ${detail}`) && message !== detail);
    super(fields.length ? `${detail} ${fields.join(" ")}` : detail);
    this.status = status;
    this.body = body;
  }
}

function flatten(errors, prefix = "") {
  return Object.entries(errors).flatMap(([key, value]) => {
    const name = key === "json" || key === "query" ? prefix : `${prefix}${prefix ? "." : ""}${key}`;
    if (Array.isArray(value)) return value.map((m) => (typeof m === "string" ? `${name}: ${m}` : flatten(m, name))).flat();
    if (value && typeof value === "object") return flatten(value, name);
    return [`${name}: ${value}`];
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
  const response = await fetch(path, {
    method,
    headers,
    credentials: "same-origin",
    body: body === undefined || form ? body : JSON.stringify(body),
    keepalive, // lets a save finish while the page is being left
  });
  const date = response.headers.get("Date");
  if (date) skewMs = new Date(date).getTime() - Date.now();
  if (response.status === 204) return { data: null, headers: response.headers };
  const type = response.headers.get("Content-Type") || "";
  const data = type.includes("json") ? await response.json() : await response.text();
  if (!response.ok) throw new ApiError(response.status, data);
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

function parsePagination(text) {
  if (!text) return null;
  try { return JSON.parse(text); } catch { return null; }
}
