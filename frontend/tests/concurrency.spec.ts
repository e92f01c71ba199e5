// Repeats and concurrent edits against the real API: Idempotency-Key on adds, If-Match on edits.
import { expect, type Request, test } from "@playwright/test";

import { stack } from "./stack";
import { addForm, addTask, expectAccessible, expectSettled, items, row, signUp } from "./ui";

const isAdd = (request: Request) => request.method() === "POST" && /\/api\/[^/]+\/tasks$/.test(request.url());

test("double-clicking Add makes one task, shown as saving until the API has it [UI-2]", async ({ page }) => {
  await signUp(page, stack.web, "Dora");
  const posts: Request[] = [];
  page.on("request", (request) => isAdd(request) && posts.push(request));
  // Hold the add for a moment at the network, so its progress can be seen and Add pressed again meanwhile.
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(/\/api\/[^/]+\/tasks$/, async (route) => {
    if (route.request().method() === "POST") await held;
    await route.continue();
  });

  const form = addForm(page);
  await form.getByLabel("Title").fill("Pay rent");
  await form.getByRole("button", { name: "Add", exact: true }).dblclick();
  await expect(row(page, "Pay rent")).toContainText("Saving…"); // shown at once, marked as on its way
  await expect(form.getByLabel("Title")).toHaveValue("");
  await form.getByLabel("Title").press("Enter"); // and once more, by keyboard
  await expect(form.getByRole("alert")).toHaveCount(0); // the second half of a double click is no error
  release();

  await expectSettled(page);
  await expect(row(page, "Pay rent")).toHaveCount(1);
  expect(posts).toHaveLength(1);
  await page.reload();
  await expect(row(page, "Pay rent")).toHaveCount(1);
});

test("an add whose answer was lost is sent again with the same Idempotency-Key: the API makes one task [UI-2]", async ({
  page,
}) => {
  await signUp(page, stack.web, "Eve");
  const keys: string[] = [];
  page.on("request", (request) => isAdd(request) && keys.push(request.headers()["idempotency-key"]));
  // The first add reaches the API, which makes the task; its answer is then lost on the way back to the page.
  let dropped = false;
  await page.route(/\/api\/[^/]+\/tasks$/, async (route) => {
    if (dropped || route.request().method() !== "POST") return route.continue();
    dropped = true;
    const answer = await route.fetch();
    expect(answer.status()).toBe(201);
    await route.abort("connectionreset");
  });

  const form = addForm(page);
  await form.getByLabel("Title").fill("Book dentist");
  const replay = page.waitForResponse((response) => isAdd(response.request())); // the first has no answer
  await form.getByRole("button", { name: "Add", exact: true }).click();
  // The page took the lost answer for an outage; once the list loads again it sends the add again by itself.
  expect((await replay).headers()["idempotent-replayed"]).toBe("true"); // the task the first attempt made
  await expect(page.getByText("Not saved")).toHaveCount(0);
  await expectSettled(page);
  await expect(row(page, "Book dentist")).toHaveCount(1);
  expect(keys).toHaveLength(2);
  expect(keys[1]).toBe(keys[0]); // one intended task, one key
  await page.reload();
  await expect(row(page, "Book dentist")).toHaveCount(1);

  await addTask(page, "Book dentist"); // the same text again, on purpose: a new task, so a new key
  await expect(row(page, "Book dentist")).toHaveCount(2);
  expect(new Set(keys).size).toBe(2);
});

test("two tabs edit one task: the later save is refused (412) and says so; reload or keep editing, never a silent overwrite [UI-3]", async ({
  context,
}) => {
  const first = await context.newPage();
  await signUp(first, stack.web, "Finn");
  await addTask(first, "Plan trip", "2 nights");
  const second = await context.newPage(); // the same session, another tab
  await second.goto(stack.web);

  await first.getByRole("button", { name: "Edit Plan trip" }).click();
  await second.getByRole("button", { name: "Edit Plan trip" }).click();
  await second.getByRole("form", { name: "Edit Plan trip" }).getByLabel("Title").fill("Plan trip to Rome");
  await second.getByRole("form", { name: "Edit Plan trip" }).getByRole("button", { name: "Save" }).click();
  await expect(row(second, "Plan trip to Rome")).toBeVisible();

  const edit = first.getByRole("form", { name: "Edit Plan trip" });
  await edit.getByLabel("Title").fill("Plan trip to Lisbon");
  await edit.getByRole("button", { name: "Save" }).click();
  const conflict = edit.getByRole("alert");
  await expect(conflict).toContainText("This task was changed somewhere else");
  await expect(conflict).toContainText("It now reads: “Plan trip to Rome” — 2 nights.");
  await expect(edit.getByLabel("Title")).toHaveValue("Plan trip to Lisbon"); // what was typed is still there
  await expectAccessible(first, "edit conflict");
  await first.screenshot({ path: "../out/frontend/conflict-desktop.png" });
  await second.reload();
  await expect(row(second, "Plan trip to Rome")).toBeVisible(); // nothing was overwritten

  await edit.getByRole("button", { name: "Keep editing" }).click();
  await expect(edit.getByLabel("Title")).toBeFocused();
  await edit.getByRole("button", { name: "Save" }).click(); // now knowingly replacing the other version
  await expect(row(first, "Plan trip to Lisbon")).toBeVisible();
  await expectSettled(first);
  await second.reload();
  await expect(row(second, "Plan trip to Lisbon")).toBeVisible();

  // Again, and this time take the other version.
  await first.getByRole("button", { name: "Edit Plan trip to Lisbon" }).click();
  await second.getByRole("button", { name: "Edit Plan trip to Lisbon" }).click();
  const other = second.getByRole("form", { name: "Edit Plan trip to Lisbon" });
  await other.getByLabel("Description").fill("3 nights");
  await other.getByRole("button", { name: "Save" }).click();
  await expect(row(second, "Plan trip to Lisbon")).toContainText("3 nights");
  const again = first.getByRole("form", { name: "Edit Plan trip to Lisbon" });
  await again.getByLabel("Description").fill("a week");
  await again.getByRole("button", { name: "Save" }).click();
  await again.getByRole("button", { name: "Reload the task" }).click();
  await expect(again.getByLabel("Description")).toHaveValue("3 nights");
  await again.getByLabel("Description").press("Escape");
  await expect(row(first, "Plan trip to Lisbon")).toContainText("3 nights");
  await first.reload();
  await expect(items(first)).toHaveText([/Plan trip to Lisbon.*3 nights/]);
});
