import { defineWorkflow } from "../broker/index.js";
import type { AttemptLimits } from "../usecases/users/attemptLimits.js";
import { createCreateSession } from "../usecases/sessions/createSession.js";
import { createUser } from "../usecases/users/createUser.js";
import { createHashNewPassword } from "../usecases/users/hashNewPassword.js";
import { initUserStats } from "../usecases/users/initUserStats.js";
import { createLimitRegistrations } from "../usecases/users/limitRegistrations.js";
import type { PasswordHasher } from "../usecases/users/password.js";
import { queueWelcomeEmail } from "../usecases/users/queueWelcomeEmail.js";

export interface RegisterUserWorkflowInput {
  email: string;
  password: string;
  /** The client's address, for the sign-up rate limit. */
  clientAddress: string;
}

/**
 * registerUser: LimitRegistrations -> HashPassword (both before the transaction) ->
 * CreateUser -> InitUserStats -> QueueWelcomeEmail -> CreateSession. Either the user
 * exists with stats, a queued welcome e-mail and a session, or nothing was written. The
 * password is hashed before the transaction opens, so no connection waits on scrypt; the
 * welcome e-mail is only queued (outbox) and sent after commit.
 */
export function createRegisterUserWorkflow(deps: {
  passwords: PasswordHasher;
  limits: AttemptLimits;
  sessionTtlMs: number;
}) {
  return defineWorkflow<RegisterUserWorkflowInput>()(
    "registerUser",
    [
      createLimitRegistrations(deps),
      createHashNewPassword(deps),
      createUser,
      initUserStats,
      queueWelcomeEmail,
      createCreateSession(deps),
    ],
    { isolationLevel: "ReadCommitted", timeout: 10_000 },
  );
}
