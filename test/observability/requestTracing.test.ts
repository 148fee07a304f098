import { SpanKind } from "@opentelemetry/api";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  CREATE_ACTIVITY,
  graphql,
  registerUser,
  type RegisteredUser,
} from "../helpers/graphqlClient.js";
import { startTestServer, useTestServer, type TestServer } from "../helpers/httpServer.js";
import {
  descendants,
  nameTree,
  onlySpan,
  spanTree,
  startTestTracing,
  type TestTracing,
} from "../helpers/tracing.js";

const CALLER_TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const CALLER_SPAN_ID = "00f067aa0ba902b7";
const TRACEPARENT = `00-${CALLER_TRACE_ID}-${CALLER_SPAN_ID}-01`;
const input = { type: "run", title: "Traced run", durationMinutes: 30 };

/** Spans of the request, the operation, the workflow and its steps, and SQL statements. */
const shown = (name: string) =>
  /^(POST|GET) /.test(name) ||
  /^(query|mutation) /.test(name) ||
  name.startsWith("workflow ") ||
  name.startsWith("step ");

describe("tracing a request", () => {
  let tracing: TestTracing;
  let api: TestServer;
  /** The server's log lines, parsed. */
  const logLines: Record<string, unknown>[] = [];
  let user: RegisteredUser;

  beforeAll(async () => {
    tracing = await startTestTracing();
    api = await startTestServer({
      tracing,
      logDestination: { write: (line: string) => void logLines.push(JSON.parse(line)) },
      env: { LOG_LEVEL: "debug" },
    });
    user = await registerUser(api.graphqlUrl);
  });
  afterAll(async () => {
    await api?.close();
    await tracing?.shutdown();
  });
  beforeEach(() => tracing.reset());

  it("continues the caller's traceparent: HTTP -> GraphQL operation -> workflow -> steps -> SQL", async () => {
    const response = await graphql(
      api.graphqlUrl,
      CREATE_ACTIVITY,
      { input },
      { token: user.sessionToken, headers: { traceparent: TRACEPARENT } },
    );
    expect(response.errors).toBeUndefined();
    await tracing.forceFlush();
    const spans = tracing.spans();
    const http = onlySpan(spans, "POST /graphql");
    expect(http.kind).toBe(SpanKind.SERVER);
    expect(http.spanContext().traceId).toBe(CALLER_TRACE_ID);
    expect(http.parentSpanContext?.spanId).toBe(CALLER_SPAN_ID);
    expect(http.attributes).toMatchObject({
      "http.request.method": "POST",
      "http.route": "/graphql",
      "http.response.status_code": 200,
    });

    const tree = spanTree(spans, http);
    expect(nameTree(tree, shown)).toEqual([
      "POST /graphql",
      [
        [
          "mutation CreateActivity",
          [
            [
              "workflow createActivity",
              [
                [
                  "workflow createActivity attempt",
                  [
                    ["step CreateActivity", []],
                    ["step SendNotification", []],
                    ["step UpdateStats", []],
                  ],
                ],
              ],
            ],
          ],
        ],
      ],
    ]);
    const operation = onlySpan(spans, "mutation CreateActivity");
    expect(operation.attributes).toMatchObject({
      "graphql.operation.type": "mutation",
      "graphql.operation.name": "CreateActivity",
    });
    const insert = descendants(tree).find(
      (node) =>
        node.name === "prisma:client:db_query" &&
        /^\s*INSERT INTO activities\b/.test(String(node.span.attributes["db.query.text"])),
    );
    expect(insert, "the activity's INSERT").toBeDefined();
    // It belongs to the step that made it.
    const createStep = descendants(tree).find((node) => node.name === "step CreateActivity")!;
    expect(descendants(createStep).map((node) => node.span)).toContain(insert!.span);
    for (const span of spans) expect(span.spanContext().traceId).toBe(CALLER_TRACE_ID);
  });

  it("puts the trace id on every log line of a failing request (HTTP, GraphQL, broker) and in the error", async () => {
    // Without its stats row the last step fails: the run rolls back, and GraphQL logs it.
    await api.database.prisma.userStats.delete({ where: { userId: user.userId } });
    const before = logLines.length;
    const response = await graphql(
      api.graphqlUrl,
      CREATE_ACTIVITY,
      { input },
      { token: user.sessionToken },
    );
    expect(response.errors?.[0]?.extensions?.code).toBe("WORKFLOW_STEP_FAILED");
    await tracing.forceFlush();
    const http = onlySpan(tracing.spans(), "POST /graphql");
    const traceId = http.spanContext().traceId;
    expect(traceId).not.toBe(CALLER_TRACE_ID); // no traceparent: a trace of its own
    expect(response.errors?.[0]?.extensions?.traceId).toBe(traceId);

    const lines = logLines.slice(before);
    const messages = lines.map((line) => line.msg);
    expect(messages).toEqual(
      expect.arrayContaining([
        "request completed", // pino-http
        "workflow step failed", // the GraphQL error formatter
        "attempt started", // the broker
        "workflow failed",
      ]),
    );
    for (const line of lines) {
      expect(line, String(line.msg)).toMatchObject({ trace_id: traceId });
    }
    const failed = onlySpan(tracing.spans(), "step UpdateStats");
    expect(failed.attributes["workflow.step.outcome"]).toBe("failed");
  });
});

describe("a server without tracing", () => {
  const api = useTestServer();

  it("adds no trace id to errors", async () => {
    const response = await graphql(api.graphqlUrl, CREATE_ACTIVITY, { input });
    expect(response.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(response.errors?.[0]?.extensions).not.toHaveProperty("traceId");
  });
});
