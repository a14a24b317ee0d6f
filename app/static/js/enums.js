// The values of the server's enums (quiz settings, difficulties), read from its OpenAPI
// document once, so the page offers what the server accepts. Labels stay with the pages,
// keyed by value; `choices` orders the values by those labels and names an unknown one raw.
import { get } from "./api.js";

let loading = null;

function openapi() {
  if (!loading) loading = get("/api/openapi.json").catch((error) => { loading = null; throw error; });
  return loading;
}

// Where each enum sits in the document: a schema property, or a query parameter.
const PLACES = {
  grading: { schema: "QuizInput", property: "grading" },
  feedback: { schema: "QuizInput", property: "feedback" },
  reveal_answers: { schema: "QuizInput", property: "reveal_answers" },
  difficulty: { schema: "QuestionQuery", property: "difficulty", path: "/api/questions", parameter: "difficulty" },
};

function values(schema) {
  const list = schema?.enum ?? schema?.anyOf?.flatMap((s) => s.enum ?? []) ?? [];
  return list.filter((v) => v !== null);
}

export async function serverEnum(name) {
  const doc = await openapi();
  const place = PLACES[name];
  let found = values(doc.components?.schemas?.[place.schema]?.properties?.[place.property]);
  if (!found.length && place.path) {
    const parameter = (doc.paths?.[place.path]?.get?.parameters ?? []).find((p) => p.name === place.parameter);
    found = values(parameter?.schema);
  }
  if (!found.length) throw new Error(`The server's API document does not list the values of ${name}.`);
  return found;
}

// [{value, label}] for a select: the values the page has labels for in the labels' order (the
// first is the page's default), then any other the server accepts, named by its value.
export async function choices(name, labels = {}) {
  const known = Object.keys(labels);
  const rank = (v) => (known.includes(v) ? known.indexOf(v) : known.length);
  return (await serverEnum(name))
    .map((value, index) => ({ value, label: labels[value] ?? value, index }))
    .sort((a, b) => rank(a.value) - rank(b.value) || a.index - b.index);
}

export const labelOf = (labels, value) => labels[value] ?? value;
