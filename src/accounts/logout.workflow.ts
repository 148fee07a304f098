import { defineWorkflow } from "../broker/index.js";
import type { Viewer } from "../graphql/index.js";
import { createRevokeSession, type SessionSettings } from "./sessions.js";

/** logout: RevokeSession. The session the caller signed in with (the context found it) ends at once. */
export function createLogoutWorkflow(deps: Pick<SessionSettings, "now">) {
  return defineWorkflow<Viewer>()("logout", [createRevokeSession(deps)], {
    isolationLevel: "ReadCommitted",
    timeout: 5_000,
  });
}
