// axe-core on every screen, light and dark, on a phone and a desktop; the README's screenshots are taken here.
import { expect, type Page, test } from "@playwright/test";

import { stack } from "./stack";
import { addForm, addTask, DESKTOP, expectAccessible, expectNoSideways, items, PHONE, row, screenshot, signUp } from "./ui";

const schemes = ["light", "dark"] as const;

/** axe in both colour schemes (all rules in light, contrast again in dark), and a screenshot of each if named. */
async function check(page: Page, screen: string, name?: string) {
  for (const colorScheme of schemes) {
    await page.emulateMedia({ colorScheme });
    await expectAccessible(page, `${screen} (${colorScheme})`, colorScheme === "dark");
    await expectNoSideways(page);
    if (name) await screenshot(page, `${name}-${colorScheme}`);
  }
  await page.emulateMedia({ colorScheme: "light" });
}

async function fill(page: Page) {
  await addTask(page, "Book train to Lisbon", "Friday, the 18:05; window seat if there is one");
  await addTask(page, "Call the plumber about the kitchen tap");
  await addTask(page, "Buy oat milk", "2 litres");
  await addTask(page, "Send the Q3 report to Sam");
  await page.getByLabel("Done: Call the plumber about the kitchen tap").click();
  await page.getByLabel("Done: Send the Q3 report to Sam").click();
  await expect(page.getByText("2 items left")).toBeVisible();
}

test.describe("desktop", () => {
  test.use(DESKTOP);

  test("no serious or critical axe violation on any screen, light or dark [UI-1, UI-6]", async ({ page }) => {
    await page.goto(stack.web);
    await expect(page.getByRole("form", { name: "Sign in" })).toBeVisible();
    await check(page, "sign in", "sign-in-desktop");
    await page.getByRole("button", { name: "Sign in" }).click(); // empty: the form explains what is missing
    await expect(page.getByRole("form", { name: "Sign in" }).getByRole("alert")).toHaveText("Enter your email address.");
    await page.getByRole("button", { name: "Create an account" }).click();
    await page.getByRole("button", { name: "Sign up", exact: true }).click();
    await expect(page.getByRole("form", { name: "Sign up" }).getByRole("alert")).toHaveText("Enter your name.");
    await check(page, "sign up with an error", "sign-up-desktop");

    await signUp(page, stack.web, "Rosa");
    await check(page, "no tasks yet");
    await fill(page);
    await check(page, "tasks", "task-page-desktop");

    const form = addForm(page);
    await form.getByLabel("Title").fill("x".repeat(201));
    await form.getByRole("button", { name: "Add", exact: true }).click();
    await expect(form.getByRole("alert")).toBeVisible();
    await page.getByRole("button", { name: "Edit Buy oat milk" }).click();
    await check(page, "editing, and an add refused for its length", "editing-desktop");
    await page.getByRole("form", { name: "Edit Buy oat milk" }).getByRole("button", { name: "Cancel" }).click();

    await page.getByRole("button", { name: "Delete Buy oat milk" }).click();
    await check(page, "undo after a delete");
    await page.getByRole("link", { name: "Completed" }).click();
    await expect(items(page)).toHaveCount(2);
    await check(page, "completed filter");
    await page.getByRole("button", { name: "Clear completed (2)" }).click();
    await expect(page.getByText("No completed tasks yet.")).toBeVisible();
    await check(page, "empty filter");
    await expect(row(page, "Book train to Lisbon")).toHaveCount(0);
  });
});

test.describe("phone", () => {
  test.use({ ...PHONE, deviceScaleFactor: 2 }); // sharp screenshots for the README

  test("the task page on a phone, light and dark: no serious or critical axe violation [UI-1, UI-6]", async ({ page }) => {
    await page.goto(stack.web);
    await check(page, "sign in", "sign-in-phone");
    await signUp(page, stack.web, "Rosa");
    await fill(page);
    await page.getByRole("button", { name: "Delete Buy oat milk" }).click();
    await page.getByRole("button", { name: "Undo" }).click();
    await expect(items(page)).toHaveCount(4);
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await check(page, "tasks", "task-page-phone");
  });
});
