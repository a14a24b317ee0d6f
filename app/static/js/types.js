// The question types, as the server lists them (GET /api/question-types), loaded once.
// Every module asks here for a type's label and for the list of types; none copies them.
import { get } from "./api.js";

let loading = null;
let types = [];
let byName = new Map();

// The types in the server's order: [{type, label, response_shape, counts_options}].
// A failed load is tried again by the next caller.
export function loadTypes() {
  if (!loading) {
    loading = get("/api/question-types").then((list) => {
      types = list;
      byName = new Map(list.map((t) => [t.type, t]));
      return types;
    }, (error) => {
      loading = null;
      throw error;
    });
  }
  return loading;
}

// What the page calls a type; its raw name while the list is not loaded or lacks it.
export function typeLabel(type) {
  return byName.get(type)?.label ?? type;
}
