import { defineWorkflow } from "../broker/index.js";
import { revokeSession } from "../usecases/sessions/revokeSession.js";

export interface LogoutWorkflowInput {
  userId: string;
  sessionToken: string;
}

/** logout: RevokeSession. The token the caller signed in with stops working. */
export const logoutWorkflow = defineWorkflow<LogoutWorkflowInput>()("logout", [revokeSession], {
  isolationLevel: "ReadCommitted",
  timeout: 5_000,
});
