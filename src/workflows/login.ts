import { defineWorkflow } from "../broker/index.js";
import { createSession } from "../usecases/sessions/createSession.js";
import { verifyCredentials } from "../usecases/users/verifyCredentials.js";

export interface LoginWorkflowInput {
  email: string;
  password: string;
  sessionTtlMs: number;
}

/**
 * login: VerifyCredentials -> CreateSession. A session is opened only for the right
 * password; a wrong one writes nothing.
 */
export const loginWorkflow = defineWorkflow<LoginWorkflowInput>()(
  "login",
  [verifyCredentials, createSession],
  { isolationLevel: "ReadCommitted", timeout: 10_000 },
);
