import { createActivityWorkflow } from "./createActivity.js";
import { loginWorkflow } from "./login.js";
import { logoutWorkflow } from "./logout.js";
import { registerUserWorkflow } from "./registerUser.js";

export { createActivityWorkflow, loginWorkflow, logoutWorkflow, registerUserWorkflow };

/** Every named workflow the API runs; the broker is created with this list. */
export const allWorkflows = [
  registerUserWorkflow,
  loginWorkflow,
  logoutWorkflow,
  createActivityWorkflow,
] as const;
