import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Page } from "playwright-core";
import type { TestContext } from "vitest";

const RESULTS_DIR = join(process.cwd(), "test-results");

/**
 * Saves a full-page screenshot to test-results/ if the test has failed. Call it from
 * afterEach before closing the page: vitest runs afterEach hooks before onTestFailed ones.
 */
export async function screenshotIfFailed(context: TestContext, page: Page | undefined) {
  if (context.task.result?.state !== "fail" || !page || page.isClosed()) return;
  await mkdir(RESULTS_DIR, { recursive: true });
  const name = context.task.name.replace(/[^a-z0-9]+/gi, "-").toLowerCase();
  const path = join(RESULTS_DIR, `web-${name}.png`);
  await page.screenshot({ path, fullPage: true });
  console.error(`Screenshot of the failed test: ${path}`);
}
