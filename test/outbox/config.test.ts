import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";

describe("OUTBOX_POLL_INTERVAL_MS", () => {
  it("defaults to one second and accepts 0, which disables polling", () => {
    expect(loadConfig({}).outboxPollIntervalMs).toBe(1_000);
    expect(loadConfig({ OUTBOX_POLL_INTERVAL_MS: "0" }).outboxPollIntervalMs).toBe(0);
    expect(loadConfig({ OUTBOX_POLL_INTERVAL_MS: " 250 " }).outboxPollIntervalMs).toBe(250);
  });

  it.each(["-1", "1.5", "soon", "3600001"])("rejects %j, naming the variable", (value) => {
    expect(() => loadConfig({ OUTBOX_POLL_INTERVAL_MS: value })).toThrow(ConfigError);
    expect(() => loadConfig({ OUTBOX_POLL_INTERVAL_MS: value })).toThrow(
      `OUTBOX_POLL_INTERVAL_MS must be a whole number from 0 to 3600000, got "${value}"`,
    );
  });
});
