/**
 * Prisma's interactive-transaction client as a plain object instead of a stack of proxies.
 *
 * The `tx` that `prisma.$transaction(fn)` hands to `fn` is, in Prisma 7 (`_createItxClient`
 * in `getPrismaClient.ts`), a composite Proxy around a composite Proxy around the client:
 *
 * - the inner one adds the transaction: `_createPrismaPromise` (which binds each statement
 *   to it), the nested-transaction scope, `_appliedParent`;
 * - the middle one (`applyModelsAndClientExtensions`) adds the model delegates
 *   (`tx.activity`), `$parent`, the client's methods and its extensions;
 * - the outer one takes away `$connect`, `$disconnect`, `$on`, `$use` and `$extends`.
 *
 * Prisma's methods run with `this` bound to that proxy, and read a dozen properties from
 * it per statement (`this._engine`, `this._tracingHelper`, ...). Each read goes through
 * every layer's `get` trap and, for the proxy invariant check, the inner layers'
 * `getOwnPropertyDescriptor` traps, which allocate a descriptor each time: 45-55 µs of CPU
 * in every createActivity transaction (three statements), about a tenth of it, in
 * profiles (bench/README.md, "Where the time goes").
 *
 * The flat client does what those layers do, without traps: its prototype is the client
 * itself, unproxied, so the methods and their reads of `this` are ordinary property
 * lookups; it holds the transaction's own `_createPrismaPromise` and scope, so every
 * statement runs in the transaction exactly as through Prisma's `tx`; the model
 * delegates, `$parent`, `_appliedParent` and a nested `$transaction` are taken from
 * Prisma's `tx` (so they are Prisma's own, bound to the same transaction); and the five
 * methods a transaction must not call are `undefined` on it, as on Prisma's.
 *
 * It leans on Prisma's internals, so it is used only when the client has the shape this
 * was written against (checked once per client, and each `tx` checked for the two
 * properties it takes from it); otherwise the transaction gets Prisma's `tx` as it is.
 * test/db/flatTransactionClient.test.ts fails if the shape changes under an upgrade.
 */
import type { Prisma, PrismaClient } from "../generated/prisma/client.js";

type TransactionClient = Prisma.TransactionClient;

/** Where a flat client keeps the `tx` Prisma gave the transaction. */
const PRISMA_TX = Symbol("Prisma's transaction client");
/** The key of a transaction client's nested-transaction scope (Prisma's TX_SCOPE_CONTEXT). */
const TRANSACTION_SCOPE = Symbol.for("prisma.client.transaction.scope_context");
/** What a transaction client does not have (Prisma's itxClientDenyList). */
const DENIED = ["$connect", "$disconnect", "$on", "$use", "$extends"] as const;

/** The parts of Prisma's client, unproxied, that the flat clients rely on. */
interface RawClient {
  _createPrismaPromise: unknown;
  _originalClient: unknown;
  _runtimeDataModel: { models: Record<string, unknown> };
  _extensions: { getAllClientExtensions(): unknown };
}

interface FlatClient {
  [PRISMA_TX]: TransactionClient;
}

/**
 * Returns a function that turns the `tx` of one of `prisma`'s interactive transactions
 * into a flat client for the same transaction; or undefined when `prisma` is not shaped as
 * this module expects (then use Prisma's `tx` as it is).
 */
export function transactionClientFlattener(
  prisma: PrismaClient,
): ((tx: TransactionClient) => TransactionClient) | undefined {
  const found = unproxiedClient(prisma);
  if (found === undefined) return undefined;
  const { raw, rawKey } = found;

  const flatten = (tx: TransactionClient): TransactionClient => {
    const original = tx as unknown as Record<PropertyKey, unknown>;
    const createPrismaPromise = original._createPrismaPromise;
    const scope = original[TRANSACTION_SCOPE];
    if (typeof createPrismaPromise !== "function" || typeof scope !== "object") return tx;
    const flat = Object.create(shared) as FlatClient & Record<PropertyKey, unknown>;
    flat[PRISMA_TX] = tx;
    flat._createPrismaPromise = createPrismaPromise;
    flat[TRANSACTION_SCOPE] = scope;
    return flat as unknown as TransactionClient;
  };

  // What every flat client of this Prisma client shares; the client, unproxied, behind it.
  const shared: object = Object.create(raw);
  const fromPrismaTx = (key: PropertyKey): PropertyDescriptor => ({
    get(this: FlatClient) {
      return (this[PRISMA_TX] as unknown as Record<PropertyKey, unknown>)[key];
    },
  });
  const dmmfNames = Object.keys(raw._runtimeDataModel.models);
  const modelNames = new Set([
    ...dmmfNames,
    ...dmmfNames.map((name) => name.charAt(0).toLowerCase() + name.slice(1)),
  ]);
  for (const key of [...modelNames, "$parent", "_appliedParent", rawKey]) {
    Object.defineProperty(shared, key, fromPrismaTx(key));
  }
  for (const key of DENIED) Object.defineProperty(shared, key, { value: undefined });
  Object.defineProperty(shared, "$transaction", {
    // A nested transaction (a savepoint) is Prisma's; its client is flattened in turn.
    value(this: FlatClient, input: unknown, options?: unknown) {
      const { $transaction } = this[PRISMA_TX] as unknown as {
        $transaction(input: unknown, options?: unknown): Promise<unknown>;
      };
      return typeof input === "function"
        ? $transaction.call(
            this[PRISMA_TX],
            (inner: TransactionClient) =>
              (input as (tx: TransactionClient) => unknown)(flatten(inner)),
            options,
          )
        : $transaction.call(this[PRISMA_TX], input, options);
    },
  });
  return flatten;
}

/**
 * The client behind Prisma's proxy (kept under an unnamed symbol, `rawClient` in
 * `applyModelsAndClientExtensions.ts`), when it looks as expected and has no client
 * extensions (which only the proxy would add).
 */
function unproxiedClient(prisma: PrismaClient): { raw: RawClient; rawKey: symbol } | undefined {
  const proxied = prisma as unknown as Record<PropertyKey, unknown>;
  const candidates = Reflect.ownKeys(prisma).filter(
    (key): key is symbol => typeof key === "symbol" && key.description === undefined,
  );
  if (candidates.length !== 1) return undefined;
  const rawKey = candidates[0]!;
  const raw = proxied[rawKey] as Partial<RawClient> | undefined;
  if (
    typeof raw !== "object" ||
    raw === null ||
    typeof raw._createPrismaPromise !== "function" ||
    raw._originalClient === undefined ||
    typeof raw._runtimeDataModel?.models !== "object" ||
    typeof raw._extensions?.getAllClientExtensions !== "function" ||
    raw._extensions.getAllClientExtensions() !== undefined
  ) {
    return undefined;
  }
  return { raw: raw as RawClient, rawKey };
}
