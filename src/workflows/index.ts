import { createActivityWorkflow } from "./createActivity.js";
import { loginWorkflow } from "./login.js";
import { registerUserWorkflow } from "./registerUser.js";

export { createActivityWorkflow, loginWorkflow, registerUserWorkflow };

/** Every named workflow the API runs; the broker is created with this list. */
export const allWorkflows = [registerUserWorkflow, loginWorkflow, createActivityWorkflow] as const;
