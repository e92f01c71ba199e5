// Outages of the real stack: the API process killed (SIGKILL) and started again, the database closed to connections.
// Nothing typed is lost, the page says what is wrong in plain words, and it recovers by itself.
import { expect, test } from "@playwright/test";

import { stack } from "./stack";
import {
  addForm, addTask, databaseDown, databaseUp, expectAccessible, expectSettled, items, killApi, PHONE, row, signUp, startApi,
} from "./ui";

const api = stack.apiSecret; // the API behind stack.web

test.describe.configure({ timeout: 120_000 });
// Once a server is back, the page's next automatic try is at most 30 s away (its backoff: 1, 2, 4, 8, 15, 30 s).
const BACK = 45_000;

test("the API dies while an add is typed: the task stays on screen, unsaved, and is saved by itself when it is back [UI-2, UI-4]", async ({
  page,
}) => {
  await signUp(page, stack.web, "Gus");
  await addTask(page, "Water plants");
  const form = addForm(page);
  await form.getByLabel("Title").fill("Buy bread");
  try {
    await killApi(api);
    await form.getByLabel("Description").fill("wholemeal");
    await form.getByRole("button", { name: "Add", exact: true }).click();
    const unsaved = row(page, "Buy bread");
    await expect(unsaved).toContainText("wholemeal"); // what was typed is kept, on screen
    await expect(unsaved.getByRole("alert")).toHaveText(
      "Not saved yet. The server can't be reached; this task will be saved by itself as soon as it is back.",
    );
    await expect(page.getByRole("heading", { name: "Can't reach the server" })).toBeVisible();
    await expect(row(page, "Water plants")).toBeVisible(); // what was there stays on screen
    await expectAccessible(page, "an add waiting for the server");
    await page.screenshot({ path: "../out/frontend/add-waiting-desktop.png" });
    await unsaved.getByRole("button", { name: "Try saving Buy bread now" }).click(); // still away: still kept
    await expect(unsaved.getByRole("alert")).toContainText("Not saved yet.");
  } finally {
    await startApi(api);
  }
  // Back: the banner goes and the task is saved, without a click.
  await expect(page.getByRole("heading", { name: "Can't reach the server" })).toHaveCount(0, { timeout: BACK });
  await expect(row(page, "Buy bread")).not.toContainText("Not saved");
  await expect(page.getByText("Saving…")).toHaveCount(0);
  await page.reload();
  await expect(items(page)).toHaveText([/Buy bread.*wholemeal/, /Water plants/]);
});

test("the API dies while a task is edited: the new text stays on screen, unsaved, and is saved by itself when it is back [UI-2, UI-4]", async ({
  page,
}) => {
  await signUp(page, stack.web, "Hana");
  await addTask(page, "Write report", "Q3");
  await page.getByRole("button", { name: "Edit Write report" }).click();
  const edit = page.getByRole("form", { name: "Edit Write report" });
  await expect(edit.getByLabel("Title")).toBeFocused();
  try {
    await killApi(api);
    await edit.getByLabel("Title").fill("Write the Q3 report");
    await edit.getByLabel("Description").fill("by Friday");
    await edit.getByRole("button", { name: "Save" }).click();
    const unsaved = row(page, "Write the Q3 report");
    await expect(unsaved).toContainText("by Friday");
    await expect(unsaved).toContainText("Not saved yet: it will be saved by itself when the server is back.");
    await expect(page.getByRole("heading", { name: "Can't reach the server" })).toBeVisible();
    await expectAccessible(page, "an edit waiting for the server");
  } finally {
    await startApi(api);
  }
  await expect(page.getByRole("heading", { name: "Can't reach the server" })).toHaveCount(0, { timeout: BACK });
  await expect(row(page, "Write the Q3 report")).not.toContainText("Not saved");
  await expectSettled(page);
  await page.reload();
  await expect(items(page)).toHaveText([/Write the Q3 report.*by Friday/]);
});

test.describe("on a phone, in jwks mode", () => {
  test.use(PHONE);

  test("a reload while the API is down: a clear state, counting down to the next try, and recovery by itself [UI-4, UI-6]", async ({
    page,
  }) => {
    await signUp(page, stack.webJwks, "Ivo");
    await addTask(page, "Fix bike");
    try {
      await killApi(stack.apiJwks, "web-jwks");
      await page.reload();
      const problem = page.getByRole("heading", { name: "Can't reach the server" });
      await expect(problem).toBeVisible();
      await expect(page.getByText("Loading your tasks…")).toHaveCount(0);
      await expect(page.getByText(/Trying again by itself in \d+ s\./)).toBeVisible();
      await page.getByRole("button", { name: "Try now" }).click();
      await expect(problem).toBeVisible(); // still down: still said, still trying
      await expect(page.getByText(/Trying again by itself in \d+ s\./)).toBeVisible();
      await expect(page.getByText("Signed in as Ivo")).toBeVisible(); // not signed out
      await expectAccessible(page, "API unreachable");
      await page.screenshot({ path: "../out/frontend/outage-phone.png" });
    } finally {
      await startApi(stack.apiJwks);
    }
    await expect(row(page, "Fix bike")).toBeVisible({ timeout: BACK }); // no click: it came back by itself
    await expect(page.getByRole("heading", { name: "Can't reach the server" })).toHaveCount(0);
  });
});

test("the database is down: the page says the server is in trouble, never that you are signed out, keeps a toggle across a reload, and recovers [UI-4, UI-6, UI-8]", async ({
  page,
}) => {
  await signUp(page, stack.web, "Jo");
  await addTask(page, "Renew passport");
  try {
    await databaseDown(api);
    await page.getByLabel("Done: Renew passport").click();
    // The API answers 503 once its connection attempts have given up (a few seconds): the change is kept.
    await expect(row(page, "Renew passport")).toContainText("Not saved yet", { timeout: 15_000 });
    await expect(page.getByLabel("Done: Renew passport")).toBeChecked();
    await expect(page.getByRole("heading", { name: "The server is having trouble" })).toBeVisible();

    await page.reload(); // the session cannot be checked either (Better Auth's tables are in the same database)
    await expect(page.getByRole("heading", { name: "The server is having trouble" })).toBeVisible();
    await expect(page.getByRole("form", { name: "Sign in" })).toHaveCount(0);
    await expect(page.getByText(/Trying again by itself in \d+ s\./)).toBeVisible();
    await expectAccessible(page, "database down");
    await page.screenshot({ path: "../out/frontend/database-down-desktop.png" });
  } finally {
    await databaseUp(api);
  }
  await expect(row(page, "Renew passport")).toBeVisible({ timeout: BACK });
  await expect(page.getByText("Signed in as Jo")).toBeVisible();
  await expect(row(page, "Renew passport")).not.toContainText("Not saved", { timeout: BACK }); // sent by itself
  await expectSettled(page);
  await page.reload();
  await expect(page.getByLabel("Done: Renew passport")).toBeChecked();
});
