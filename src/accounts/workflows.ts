import type { AttemptLimits } from "./attemptLimits.js";
import { createLoginWorkflow, type CredentialsLookup } from "./login.workflow.js";
import { createLogoutWorkflow } from "./logout.workflow.js";
import type { PasswordHasher } from "./passwords.js";
import { createRegisterUserWorkflow } from "./registerUser.workflow.js";
import type { SessionSettings } from "./sessions.js";
import { updateSettingsWorkflow } from "./updateSettings.workflow.js";

/** What the account workflows' use cases are built with (nothing of it travels in their input). */
export interface AccountWorkflowDependencies extends SessionSettings {
  passwords: PasswordHasher;
  limits: AttemptLimits;
  accounts: CredentialsLookup;
}

/** registerUser, login, logout and updateSettings, built with their dependencies. */
export function createAccountWorkflows(deps: AccountWorkflowDependencies) {
  return {
    registerUser: createRegisterUserWorkflow(deps),
    login: createLoginWorkflow(deps),
    logout: createLogoutWorkflow(deps),
    updateSettings: updateSettingsWorkflow,
  } as const;
}

export type AccountWorkflows = ReturnType<typeof createAccountWorkflows>;
