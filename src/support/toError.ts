// Small helpers any folder may use (the broker and the outbox included): no app imports.

/**
 * `thrown` itself when it is an Error; otherwise an Error describing it, with the thrown
 * value as its `cause` (so `throw "nope"` and `throw undefined` still give a message).
 * Objects are described by their type only: their contents might hold secrets.
 */
export function toError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  return new Error(`A non-Error value was thrown: ${describeThrown(thrown)}`, { cause: thrown });
}

function describeThrown(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "object" && value !== null) {
    const type = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return `an object (${typeof type === "string" && type !== "" ? type : "no prototype"})`;
  }
  return String(value);
}
