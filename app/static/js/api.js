// The JSON API, with the session's CSRF token and the server's clock.
let csrfToken = null;
let skewMs = 0;

export class ApiError extends Error {
  constructor(status, body) {
    const detail = body && body.detail ? body.detail : `Request failed (${status})`;
    const fields = body && body.errors ? flatten(body.errors) : [];
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

export async function api(method, path, body, { keepalive = false } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && csrfToken) headers["X-CSRF-Token"] = csrfToken;
  const response = await fetch(path, {
    method,
    headers,
    credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
    keepalive, // lets a save finish while the page is being left
  });
  const date = response.headers.get("Date");
  if (date) skewMs = new Date(date).getTime() - Date.now();
  if (response.status === 204) return null;
  const type = response.headers.get("Content-Type") || "";
  const data = type.includes("json") ? await response.json() : await response.text();
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

export const get = (path) => api("GET", path);
export const post = (path, body) => api("POST", path, body ?? {});
export const put = (path, body, options) => api("PUT", path, body, options);
export const patch = (path, body) => api("PATCH", path, body);
