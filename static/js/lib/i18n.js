// The translated strings a page passes with json_script, and Django's %(name)s interpolation.
import { readJSON } from "./dom.js";

export function strings(id) {
  return readJSON(id, {});
}

export function format(text, values) {
  return text.replace(/%\((\w+)\)s/g, (_, key) => values[key]);
}
