/**
 * The example web app, built for production and served by `vite preview`, in headless
 * Chromium against the real API (real HTTP, real database).
 */
import { randomUUID } from "node:crypto";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { hashSessionToken } from "../../src/accounts/sessions.js";
import { startTestServer, type TestServer } from "../helpers/httpServer.js";
import { launchChromium } from "./support/chromium.js";
import { screenshotIfFailed } from "./support/screenshots.js";
import { startWebApp, type WebApp } from "./support/webApp.js";

const PASSWORD = "correct horse battery";
const TOKEN_KEY = "activelog.sessionToken"; // examples/web/src/session.ts
const PAGE_SIZE = 10; // ActivityList's page size

let api: TestServer | undefined;
let web: WebApp | undefined;
let browser: Browser | undefined;
let context: BrowserContext | undefined;
let page: Page | undefined;

function currentPage(): Page {
  if (!page) throw new Error("no page: beforeEach did not run");
  return page;
}

function uniqueEmail(): string {
  return `web-${randomUUID()}@example.com`;
}

/** The message shown for a field: the element its input names in aria-describedby. */
async function fieldError(label: string): Promise<string | null> {
  const input = currentPage().getByLabel(label, { exact: true });
  if ((await input.getAttribute("aria-invalid")) !== "true") return null;
  const errorId = await input.getAttribute("aria-describedby");
  if (!errorId) return null;
  return currentPage().locator(`[id="${errorId}"]`).textContent();
}

async function formError(): Promise<string | null> {
  const alert = currentPage().locator(".form-error");
  return (await alert.count()) > 0 ? alert.first().textContent() : null;
}

function statsText(): Promise<string | null> {
  return currentPage().locator(".stats").textContent();
}

function activityTitles(): Promise<string[]> {
  return currentPage()
    .getByRole("list", { name: "Activities" })
    .getByRole("listitem")
    .locator("strong")
    .allTextContents();
}

const NOTIFY_ME = "Notify me when I log an activity";

function notificationMessages(): Promise<string[]> {
  return currentPage()
    .getByRole("list", { name: "Latest notifications" })
    .getByRole("listitem")
    .allTextContents();
}

// The root tsconfig has no DOM types; these functions run in the page.
interface PageGlobals {
  getComputedStyle(element: unknown): { backgroundColor: string };
  sessionStorage: {
    getItem(key: string): string | null;
    setItem(key: string, value: string): void;
  };
}

function readSessionToken(): Promise<string | null> {
  return currentPage().evaluate(
    (key) => (globalThis as unknown as PageGlobals).sessionStorage.getItem(key),
    TOKEN_KEY,
  );
}

function writeSessionToken(token: string): Promise<void> {
  return currentPage().evaluate(
    ([key, value]) => (globalThis as unknown as PageGlobals).sessionStorage.setItem(key, value),
    [TOKEN_KEY, token] as const,
  );
}

async function openApp(query = ""): Promise<void> {
  if (!web) throw new Error("the web app did not start");
  await currentPage().goto(new URL(query, web.url).toString());
}

async function submitCredentials(email: string, password: string, button: string) {
  const p = currentPage();
  await p.getByLabel("E-mail").fill(email);
  await p.getByLabel("Password").fill(password);
  await p.getByRole("button", { name: button, exact: true }).click();
}

async function signUp(email: string): Promise<void> {
  await currentPage().getByRole("button", { name: "New here? Create an account" }).click();
  await submitCredentials(email, PASSWORD, "Sign up");
  await currentPage().getByRole("heading", { name: "Your activities" }).waitFor();
}

async function logActivity(fields: {
  type: string;
  title: string;
  duration?: string;
  distance?: string;
  /** YYYY-MM-DD */
  date?: string;
}) {
  const p = currentPage();
  await p.getByLabel("Type").fill(fields.type);
  await p.getByLabel("Title").fill(fields.title);
  if (fields.duration !== undefined) await p.getByLabel("Duration (minutes)").fill(fields.duration);
  if (fields.distance !== undefined) await p.getByLabel("Distance (km)").fill(fields.distance);
  if (fields.date !== undefined)
    await p.getByLabel("Date (optional, default today)").fill(fields.date);
  await p.getByRole("button", { name: "Log activity" }).click();
}

/** Logs activities straight through the API, as the signed-in user of the page. */
async function createActivitiesThroughApi(titles: string[]): Promise<void> {
  const token = await readSessionToken();
  if (!api || !token) throw new Error("no API or no session token in sessionStorage");
  for (const title of titles) {
    const response = await fetch(api.graphqlUrl, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({
        query:
          "mutation ($input: CreateActivityInput!) { createActivity(input: $input) { activityId } }",
        variables: { input: { type: "run", title } },
      }),
    });
    const body = (await response.json()) as { errors?: unknown };
    expect(body.errors).toBeUndefined();
  }
}

/** The timeline's runs, newest first, as their outcomes. */
function runOutcomes(): Promise<(string | null)[]> {
  return currentPage()
    .getByRole("list", { name: "Workflow runs" })
    .getByRole("listitem")
    .evaluateAll((items) => items.map((item) => item.getAttribute("data-outcome")));
}

/** The steps of the timeline's newest run: name, attempt and outcome, in bar order. */
function newestRunSteps(): Promise<string[][]> {
  return currentPage()
    .getByRole("list", { name: "Workflow runs" })
    .getByRole("listitem")
    .first()
    .locator(".run-step")
    .evaluateAll((steps) =>
      steps.map((step) => [
        step.getAttribute("data-step") ?? "",
        step.getAttribute("data-attempt") ?? "",
        step.getAttribute("data-outcome") ?? "",
      ]),
    );
}

describe("example web app", () => {
  beforeAll(async () => {
    // Chromium first: without it the suite fails at once, with the command to install it.
    browser = await launchChromium();
    api = await startTestServer();
    web = await startWebApp(api.url);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await api?.close();
  });

  beforeEach(async () => {
    if (!browser) throw new Error("Chromium did not start");
    context = await browser.newContext();
    page = await context.newPage();
    await openApp();
  });

  afterEach(async (testContext) => {
    await screenshotIfFailed(testContext, page);
    await context?.close();
  });

  it("signs up, logs an activity and shows it in the list with the stats at 1", async () => {
    await signUp(uniqueEmail());
    await expect.poll(statsText).toBe("Total activities: 0");

    await logActivity({ type: "run", title: "Morning run", duration: "42" });

    await expect.poll(activityTitles).toEqual(["Morning run"]);
    await expect.poll(statsText).toBe("Total activities: 1");
    const item = currentPage()
      .getByRole("list", { name: "Activities" })
      .getByRole("listitem")
      .filter({ hasText: "Morning run" });
    expect(await item.textContent()).toContain("42 min");
    // The form is ready for the next one.
    expect(await currentPage().getByLabel("Title").inputValue()).toBe("");
  });

  it("logs an activity on an earlier date, which sorts below a newer one", async () => {
    await signUp(uniqueEmail());
    await logActivity({ type: "run", title: "Today's run" });
    await expect.poll(activityTitles).toEqual(["Today's run"]);

    await logActivity({ type: "ride", title: "Last year's ride", date: "2025-06-15" });

    await expect.poll(activityTitles).toEqual(["Today's run", "Last year's ride"]);
    const stored = await api!.database.prisma.activity.findFirstOrThrow({
      where: { title: "Last year's ride" },
    });
    expect(stored.activityDate.toISOString().slice(0, 10)).toBe("2025-06-15");
    await expect.poll(statsText).toBe("Total activities: 2");
  });

  it("logs a double-submitted activity once: both requests carry one Idempotency-Key", async () => {
    await signUp(uniqueEmail());
    const p = currentPage();
    const keys: (string | undefined)[] = [];
    p.on("request", (request) => {
      if (request.method() === "POST" && request.postData()?.includes("CreateActivity")) {
        keys.push(request.headers()["idempotency-key"]);
      }
    });
    await p.getByLabel("Type").fill("swim");
    await p.getByLabel("Title").fill("Double-clicked swim");
    // Two submits in one tick, before the button can turn disabled: a double click at its worst.
    await p.evaluate(`{
      const form = document.querySelector('form[aria-label="Log an activity"]');
      form.requestSubmit();
      form.requestSubmit();
    }`);

    await expect.poll(activityTitles).toEqual(["Double-clicked swim"]);
    await expect.poll(statsText).toBe("Total activities: 1");
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(
      await api!.database.prisma.activity.count({ where: { title: "Double-clicked swim" } }),
    ).toBe(1);
    await p.screenshot({ path: "test-results/web-double-submit.png", fullPage: true });

    // The next activity gets a key of its own.
    await logActivity({ type: "run", title: "Next run" });
    await expect.poll(statsText).toBe("Total activities: 2");
    expect(keys[2]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[2]).not.toBe(keys[0]);
  });

  it("shows the client-side check next to an empty title", async () => {
    await signUp(uniqueEmail());

    await logActivity({ type: "run", title: "" });

    await expect.poll(() => fieldError("Title")).toBe("Title can't be empty.");
    expect(await fieldError("Type")).toBeNull();
    await expect.poll(statsText).toBe("Total activities: 0");
  });

  it("shows the server's BAD_USER_INPUT next to the field it names", async () => {
    await signUp(uniqueEmail());
    // Same tab, same sessionStorage: still signed in, now without the client-side checks.
    await openApp("?clientChecks=off");
    const p = currentPage();
    const response = p.waitForResponse(
      (r) =>
        r.url().endsWith("/graphql") && (r.request().postData() ?? "").includes("CreateActivity"),
    );

    await logActivity({ type: "run", title: "   " });

    const body = (await (await response).json()) as {
      errors?: { message: string; extensions?: { code?: string; field?: string } }[];
    };
    const [serverError] = body.errors ?? [];
    expect(serverError?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "title" });
    expect(serverError?.message).toMatch(/title/i);
    // The server's own message, next to the field it names.
    await expect.poll(() => fieldError("Title")).toBe(serverError?.message);
    await expect.poll(statsText).toBe("Total activities: 0");
  });

  it("shows each of the server's field errors at its own field, in words", async () => {
    await signUp(uniqueEmail());
    await openApp("?clientChecks=off");

    await logActivity({ type: "run", title: "\u200b \u200b", distance: "-2" });

    await expect.poll(() => fieldError("Title")).toBe("Title can't be empty.");
    await expect.poll(() => fieldError("Distance (km)")).toBe("Distance can't be negative.");
    expect(await fieldError("Duration (minutes)")).toBeNull();
    expect(await fieldError("Type")).toBeNull();
    await currentPage().screenshot({ path: "test-results/field-errors.png", fullPage: true });
    await expect.poll(statsText).toBe("Total activities: 0");
  });

  it("turns activity notifications off and on with the checkbox: stored on the server, and only activities logged with it on leave a notification", async () => {
    const email = uniqueEmail();
    await signUp(email);
    const p = currentPage();
    const checkbox = p.getByLabel(NOTIFY_ME);
    const stored = async () =>
      (await api!.database.prisma.user.findUniqueOrThrow({ where: { email } }))
        .activityNotifications;
    await expect.poll(() => checkbox.isEnabled()).toBe(true);
    expect(await checkbox.isChecked()).toBe(true);

    await checkbox.uncheck();

    await expect.poll(stored).toBe(false);
    await logActivity({ type: "run", title: "Quiet run" });
    await expect.poll(statsText).toBe("Total activities: 1");
    // The stats and the notifications come in the same answer: none was left.
    expect(await notificationMessages()).toEqual([]);
    expect(await p.getByText("No notifications yet.").count()).toBe(1);

    // The box shows what the server stored, not what this tab remembers.
    await p.reload();
    await expect.poll(() => checkbox.isEnabled()).toBe(true);
    expect(await checkbox.isChecked()).toBe(false);

    await checkbox.check();

    await expect.poll(stored).toBe(true);
    await logActivity({ type: "ride", title: "Loud ride" });
    await expect.poll(statsText).toBe("Total activities: 2");
    expect(await notificationMessages()).toEqual(["Activity logged: Loud ride"]);
    expect(await checkbox.isChecked()).toBe(true);
    await p.screenshot({ path: "test-results/notification-setting.png", fullPage: true });
  });

  it("lists activities newest first and loads the next page with Load more", async () => {
    await signUp(uniqueEmail());
    const titles = Array.from({ length: PAGE_SIZE + 2 }, (_, i) => `Activity ${i + 1}`);
    await createActivitiesThroughApi(titles);
    await currentPage().reload();

    const newestFirst = [...titles].reverse();
    await expect.poll(activityTitles).toEqual(newestFirst.slice(0, PAGE_SIZE));
    await currentPage().getByRole("button", { name: "Load more" }).click();

    await expect.poll(activityTitles).toEqual(newestFirst);
    expect(await currentPage().getByRole("button", { name: "Load more" }).count()).toBe(0);
    await expect.poll(statsText).toBe(`Total activities: ${titles.length}`);
  });

  it("shows EMAIL_TAKEN on sign-up and INVALID_CREDENTIALS on log-in, then logs in", async () => {
    const email = uniqueEmail();
    await signUp(email);
    const tokenBeforeLogout = await readSessionToken();
    await currentPage().getByRole("button", { name: "Log out" }).click();
    await currentPage().getByRole("heading", { name: "Log in" }).waitFor();
    // Logging out revoked the session on the server, not only in the tab.
    expect(await readSessionToken()).toBeNull();
    const session = await api!.database.prisma.session.findFirstOrThrow({
      where: { tokenHash: hashSessionToken(tokenBeforeLogout!) },
    });
    expect(session.revokedAt).not.toBeNull();

    await currentPage().getByRole("button", { name: "New here? Create an account" }).click();
    await submitCredentials(email, PASSWORD, "Sign up");
    await expect.poll(() => fieldError("E-mail")).toMatch(/already exists/);

    await currentPage().getByRole("button", { name: "Already have an account? Log in" }).click();
    await submitCredentials(email, "not the password", "Log in");
    await expect.poll(formError).toMatch(/e-mail address or the password is wrong/);

    await submitCredentials(email, PASSWORD, "Log in");
    await currentPage().getByRole("heading", { name: "Your activities" }).waitFor();
    // The heading comes with the page, the e-mail with `me`'s answer: wait for that.
    await expect.poll(() => currentPage().getByText(email).count()).toBe(1);
  });

  it("goes back to the login screen when the server rejects the session (UNAUTHENTICATED)", async () => {
    await signUp(uniqueEmail());
    await writeSessionToken("not-a-real-session-token");

    await currentPage().reload();

    await currentPage().getByRole("heading", { name: "Log in" }).waitFor();
    expect(await currentPage().getByRole("status").textContent()).toMatch(/session has ended/);
    expect(await readSessionToken()).toBeNull();
  });

  it("shows the viewer's runs as a timeline: a bar per run, split into its steps, coloured by outcome", async () => {
    const email = uniqueEmail();
    await signUp(email);
    // Signing up ran before there was a session: it is no one's run.
    await currentPage().getByText("No runs yet.").waitFor();

    await logActivity({ type: "run", title: "Timed run", duration: "30" });
    await expect.poll(runOutcomes).toEqual(["COMMITTED"]);
    await logActivity({ type: "ride", title: "Second ride", distance: "20" });
    await expect.poll(runOutcomes).toEqual(["COMMITTED", "COMMITTED"]);
    expect(await newestRunSteps()).toEqual([
      ["CreateActivity", "1", "SUCCEEDED"],
      ["SendNotification", "1", "SUCCEEDED"],
      ["UpdateStats", "1", "SUCCEEDED"],
    ]);

    // Without the user's stats row, the next run fails in its last step and rolls back.
    const user = await api!.database.prisma.user.findUniqueOrThrow({ where: { email } });
    await api!.database.prisma.userStats.delete({ where: { userId: user.id } });
    await logActivity({ type: "swim", title: "Doomed swim" });
    await expect.poll(formError).not.toBeNull();
    await currentPage().getByRole("button", { name: "Refresh" }).click();
    await expect.poll(runOutcomes).toEqual(["FAILED", "COMMITTED", "COMMITTED"]);
    expect(await newestRunSteps()).toEqual([
      ["CreateActivity", "1", "SUCCEEDED"],
      ["SendNotification", "1", "SUCCEEDED"],
      ["UpdateStats", "1", "FAILED"],
    ]);
    const newest = currentPage()
      .getByRole("list", { name: "Workflow runs" })
      .getByRole("listitem")
      .first();
    expect(await newest.getAttribute("aria-label")).toMatch(
      /^createActivity failed in [\d.]+ ms, 1 attempt$/,
    );

    // The steps sit in the bar in the order they ran, and do not overlap.
    const bar = (await newest.locator(".run-bar").boundingBox())!;
    const boxes = await newest.locator(".run-step").evaluateAll((steps) =>
      steps.map((step) => {
        const { x, width } = step.getBoundingClientRect();
        return { x, width };
      }),
    );
    boxes.forEach((box, index) => {
      expect(box.x).toBeGreaterThanOrEqual(bar.x - 0.5);
      expect(box.x + box.width).toBeLessThanOrEqual(bar.x + bar.width + 0.5);
      const next = boxes[index + 1];
      if (next) expect(next.x).toBeGreaterThanOrEqual(box.x + box.width - 2.5); // min-width 2px
    });
    // Colours come from the outcome: the failed step is red, the others green.
    const colours = await newest
      .locator(".run-step")
      .evaluateAll((steps) =>
        steps.map(
          (step) => (globalThis as unknown as PageGlobals).getComputedStyle(step).backgroundColor,
        ),
      );
    expect(colours).toEqual(["rgb(45, 164, 78)", "rgb(45, 164, 78)", "rgb(207, 34, 46)"]);
    await currentPage().locator(".runs").screenshot({ path: "test-results/run-timeline.png" });
  });
});
