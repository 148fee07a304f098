import { describe, expect, it } from "vitest";
import { parseWelcomeEmailPayload } from "../../src/accounts/welcomeEmail.js";
import { MalformedPayloadError } from "../../src/outbox/index.js";

describe("the welcome e-mail payload", () => {
  it("is accepted with a user id and an e-mail address", () => {
    expect(parseWelcomeEmailPayload({ userId: "u-1", email: "ada@example.com" })).toEqual({
      userId: "u-1",
      email: "ada@example.com",
    });
  });

  it.each([
    ["null", null, "expected an object"],
    ["an array", [], "expected an object"],
    ["a string", "ada@example.com", "expected an object"],
    ["an object without userId", { email: "ada@example.com" }, "userId must be a non-empty string"],
    [
      "an empty userId",
      { userId: "", email: "ada@example.com" },
      "userId must be a non-empty string",
    ],
    ["an object without email", { userId: "u-1" }, "email must be a valid e-mail address"],
    ["a numeric email", { userId: "u-1", email: 42 }, "email must be a valid e-mail address"],
    ["an email without @", { userId: "u-1", email: "ada" }, "email must be a valid e-mail address"],
    [
      "a quoted local part",
      { userId: "u-1", email: '"ada lovelace"@example.com' },
      "email must be a valid e-mail address",
    ],
    [
      "an address not in its stored form",
      { userId: "u-1", email: "Ada@Example.com" },
      "email must be a valid e-mail address",
    ],
  ])("is refused when it is %s, saying what is wrong", (_, payload, problem) => {
    expect(() => parseWelcomeEmailPayload(payload)).toThrow(MalformedPayloadError);
    expect(() => parseWelcomeEmailPayload(payload)).toThrow(
      `Malformed payload for topic "user.welcome-email": ${problem}`,
    );
  });
});
