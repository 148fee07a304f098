import { defineWorkflow } from "../broker/index.js";
import { createSession } from "../usecases/sessions/createSession.js";
import { createUser } from "../usecases/users/createUser.js";
import { initUserStats } from "../usecases/users/initUserStats.js";
import { queueWelcomeEmail } from "../usecases/users/queueWelcomeEmail.js";

export interface RegisterUserWorkflowInput {
  email: string;
  password: string;
  sessionTtlMs: number;
}

/**
 * registerUser: CreateUser -> InitUserStats -> QueueWelcomeEmail -> CreateSession.
 * Either the user exists with stats, a queued welcome e-mail and a session, or nothing
 * was written. The welcome e-mail is only queued (outbox); it is sent after commit.
 */
export const registerUserWorkflow = defineWorkflow<RegisterUserWorkflowInput>()(
  "registerUser",
  [createUser, initUserStats, queueWelcomeEmail, createSession],
  { isolationLevel: "ReadCommitted", timeout: 10_000 },
);
