/**
 * Idempotency keys: a mutation sent again with the same `Idempotency-Key` header (a client
 * retrying after a lost answer) returns the first one's result instead of running twice.
 * The broker stores and replays the results (RunOptions.idempotency); this folder holds its
 * store in the database, the purge of expired keys, and the header.
 */
export {
  createIdempotencyStore,
  DEFAULT_IDEMPOTENCY_TTL_MS,
  purgeExpiredIdempotencyKeys,
} from "./store.js";
export { startIdempotencyPurge, type IdempotencyPurge } from "./purgeLoop.js";
export {
  idempotencyKeyFor,
  idempotencyKeyOf,
  readIdempotencyKeyHeader,
  type GraphQLRequestBody,
} from "./requestKey.js";
