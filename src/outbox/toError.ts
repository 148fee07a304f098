// Internal to the outbox: makes whatever a handler threw into an Error.

/**
 * `thrown` itself when it is an Error; otherwise an Error describing its type, with the
 * value as `cause` (its contents are not put in the message: they might hold personal data).
 */
export function toError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  const description = typeof thrown === "string" ? JSON.stringify(thrown) : typeof thrown;
  return new Error(`A handler threw a non-Error value: ${description}`, { cause: thrown });
}
