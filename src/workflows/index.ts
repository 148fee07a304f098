import type { AttemptLimits } from "../usecases/users/attemptLimits.js";
import type { CredentialsLookup } from "../usecases/users/checkCredentials.js";
import type { PasswordHasher } from "../usecases/users/password.js";
import { createActivityWorkflow } from "./createActivity.js";
import { createLoginWorkflow } from "./login.js";
import { logoutWorkflow } from "./logout.js";
import { createRegisterUserWorkflow } from "./registerUser.js";

export { createActivityWorkflow, logoutWorkflow };

/** What the workflows' use cases are built with. */
export interface WorkflowDependencies {
  passwords: PasswordHasher;
  limits: AttemptLimits;
  accounts: CredentialsLookup;
  sessionTtlMs: number;
}

/** Every named workflow the API runs, built with its dependencies; the broker is created with them. */
export function createWorkflows(deps: WorkflowDependencies) {
  return {
    registerUser: createRegisterUserWorkflow(deps),
    login: createLoginWorkflow(deps),
    logout: logoutWorkflow,
    createActivity: createActivityWorkflow,
  } as const;
}

export type Workflows = ReturnType<typeof createWorkflows>;
