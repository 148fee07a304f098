import { describe, expect, it } from "vitest";
import { CREATE_ACTIVITY, graphql, LOGIN, registerUser } from "../helpers/graphqlClient.js";
import { useTestServer } from "../helpers/httpServer.js";

describe("the server's logs", () => {
  const lines: Record<string, unknown>[] = [];
  const api = useTestServer({
    env: { LOG_LEVEL: "debug" },
    logDestination: {
      write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>),
    },
  });

  it("log each request and each workflow with durations, and never a password, token or Authorization header", async () => {
    const user = await registerUser(api.graphqlUrl);
    await graphql(api.graphqlUrl, LOGIN, { input: { email: user.email, password: user.password } });
    await graphql(
      api.graphqlUrl,
      CREATE_ACTIVITY,
      { input: { type: "run", title: "Logged" } },
      { token: user.sessionToken },
    );

    const text = lines.map((line) => JSON.stringify(line)).join("\n");
    expect(text).not.toContain(user.password);
    expect(text).not.toContain(user.sessionToken);

    const requests = lines.filter((line) => line.msg === "request completed");
    expect(requests.length).toBeGreaterThanOrEqual(3);
    for (const request of requests) expect(request.responseTime).toEqual(expect.any(Number));
    const authorized = requests.find((line) => JSON.stringify(line).includes("authorization"));
    expect(authorized).toMatchObject({ req: { headers: { authorization: "[Redacted]" } } });

    const committed = lines
      .filter((line) => line.msg === "workflow committed")
      .map((line) => line.workflow);
    expect(committed).toEqual(["registerUser", "login", "createActivity"]);
    for (const line of lines.filter((line) => line.msg === "workflow committed")) {
      expect(line.durationMs).toEqual(expect.any(Number));
    }
  });
});
