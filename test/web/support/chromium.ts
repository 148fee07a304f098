/**
 * Debian's Chromium driven by playwright-core (never a downloaded browser). A missing
 * binary fails the test with the command that installs it: CI installs it, and a
 * browser test that skips itself would pass without testing anything.
 */
import { access, constants } from "node:fs/promises";
import { chromium, type Browser } from "playwright-core";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

// Without the background-networking flags Chromium keeps calling Google's hosts, which
// this machine's closed network refuses.
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export async function launchChromium(): Promise<Browser> {
  try {
    await access(CHROMIUM_PATH, constants.X_OK);
  } catch {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH} (set CHROMIUM_PATH to use another). ` +
        "Install it with: apt-get update && apt-get install -y --no-install-recommends chromium",
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}
