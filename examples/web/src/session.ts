import { useSyncExternalStore } from "react";

/**
 * The session token lives in sessionStorage: it survives a reload but not the tab, and
 * every request reads it from here (see apollo.ts).
 */
const TOKEN_KEY = "activelog.sessionToken";

export interface SessionState {
  readonly token: string | null;
  /** True when the server ended the session (UNAUTHENTICATED), not the user. */
  readonly expired: boolean;
}

let state: SessionState = { token: sessionStorage.getItem(TOKEN_KEY), expired: false };
const listeners = new Set<() => void>();

function setState(next: SessionState): void {
  state = next;
  for (const listener of listeners) listener();
}

export function getSessionToken(): string | null {
  return state.token;
}

export function startSession(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token);
  setState({ token, expired: false });
}

export function endSession(reason: "logout" | "expired"): void {
  sessionStorage.removeItem(TOKEN_KEY);
  if (state.token !== null) setState({ token: null, expired: reason === "expired" });
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useSession(): SessionState {
  return useSyncExternalStore(subscribe, () => state);
}
