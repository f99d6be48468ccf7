// Building the page from data: elements are made here and text is only ever set with textContent,
// so that nothing the server or another participant sends is read as HTML.

export function byId(id) {
  return document.getElementById(id);
}

// make("span", {className: "badge", text: p.role, dataset: {id: p.id}}, child, …)
export function make(tag, props, ...children) {
  const node = document.createElement(tag);
  const { text, dataset, attrs, ...rest } = props || {};
  Object.assign(node, rest);
  if (text !== undefined && text !== null) { node.textContent = text; }
  if (dataset) { Object.assign(node.dataset, dataset); }
  if (attrs) { Object.entries(attrs).forEach(([name, value]) => node.setAttribute(name, value)); }
  node.append(...children);
  return node;
}

export function show(node, visible) {
  node.hidden = !visible;
}

// A line that says one thing or nothing: hidden while empty.
export function say(node, text) {
  node.textContent = text || "";
  node.hidden = !text;
}

// What the page passed with Django's json_script (labels, settings), or `fallback` when absent.
export function readJSON(id, fallback) {
  const node = byId(id);
  return node ? JSON.parse(node.textContent) : fallback;
}
