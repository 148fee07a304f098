import { defineWorkflow } from "../broker/index.js";
import { createCreateSession } from "../usecases/sessions/createSession.js";
import type { AttemptLimits } from "../usecases/users/attemptLimits.js";
import {
  createCheckCredentials,
  type CredentialsLookup,
} from "../usecases/users/checkCredentials.js";
import type { PasswordHasher } from "../usecases/users/password.js";
import { upgradePasswordHash } from "../usecases/users/upgradePasswordHash.js";

export interface LoginWorkflowInput {
  email: string;
  password: string;
  /** The client's address, for the sign-in rate limit. */
  clientAddress: string;
}

/**
 * login: CheckCredentials (before the transaction: rate limits, then the password) ->
 * UpgradePasswordHash -> CreateSession. A session is opened only for the right password;
 * a wrong one writes nothing and holds no connection while scrypt runs.
 */
export function createLoginWorkflow(deps: {
  passwords: PasswordHasher;
  limits: AttemptLimits;
  accounts: CredentialsLookup;
  sessionTtlMs: number;
}) {
  return defineWorkflow<LoginWorkflowInput>()(
    "login",
    [createCheckCredentials(deps), upgradePasswordHash, createCreateSession(deps)],
    { isolationLevel: "ReadCommitted", timeout: 10_000 },
  );
}
