// A small event table: modules say what they listen to (a message type or a page event) and
// handlers run in the order they were registered. Nothing goes through `window`.

export function createBus() {
  const table = new Map();
  return {
    on(type, handler) {
      if (!table.has(type)) { table.set(type, []); }
      table.get(type).push(handler);
    },
    emit(type, detail) {
      (table.get(type) || []).forEach((handler) => handler(detail));
    },
  };
}
