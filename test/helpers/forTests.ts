import { afterAll, beforeAll } from "vitest";

/**
 * A thing for the tests of the enclosing describe: made before them (beforeAll), closed
 * after them (afterAll). Use it like the thing itself; touching it outside a test, before
 * it exists, throws, saying `what` it is.
 */
export function forTests<T extends object>(
  what: string,
  make: () => Promise<T>,
  close: (thing: T) => Promise<void>,
): T {
  let current: T | undefined;
  beforeAll(async () => {
    current = await make();
  });
  afterAll(async () => {
    if (current) await close(current);
  });
  return new Proxy({} as T, {
    get(_target, property) {
      if (!current) throw new Error(`${what} exists only inside tests`);
      return Reflect.get(current, property, current) as unknown;
    },
  });
}
