import { defineConfig } from "@playwright/test";

// Run through `npm test` (scripts/test-frontend), which builds the app and starts the stack these tests talk to
// (scripts/stack.py sets the E2E_* URLs). Chromium is the machine's own (Debian package `chromium`).
export default defineConfig({
  testDir: "tests",
  outputDir: "../out/frontend/test-results",
  workers: 1, // the tests share one stack on a small machine; one at a time keeps timings honest
  retries: 0,
  timeout: 60_000,
  reporter: [["list"]],
  use: {
    launchOptions: { executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium" },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
});
