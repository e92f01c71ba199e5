// End to end in headless Chromium: the page, Better Auth's cookies, the token route and the proxied API together.
import { expect, type Page, test } from "@playwright/test";

import { newEmail, stack } from "./stack";

async function signUp(page: Page, name: string) {
  await page.getByRole("button", { name: "No account yet? Sign up" }).click();
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Email").fill(newEmail(name.toLowerCase()));
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Sign up", exact: true }).click();
  await expect(page.getByText(`Signed in as ${name}`)).toBeVisible();
}

async function addTask(page: Page, title: string, description = "") {
  const form = page.getByRole("form", { name: "Add a task" });
  await form.getByLabel("Title").fill(title);
  await form.getByLabel("Description").fill(description);
  await form.getByRole("button", { name: "Add" }).click();
  await expect(page.getByRole("list", { name: "Tasks" }).getByText(title, { exact: true })).toBeVisible();
}

test("the page is sent with headers that forbid framing and sniffing [FE-7]", async ({ request }) => {
  for (const path of ["/", "/api/token"]) {
    const headers = (await request.get(stack.web + path)).headers();
    expect(headers["content-security-policy"]).toBe("frame-ancestors 'none'");
    expect(headers["x-frame-options"]).toBe("DENY");
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["referrer-policy"]).toBe("same-origin");
    expect(headers["x-powered-by"]).toBeUndefined();
  }
});

const modes = [
  ["shared-secret", () => stack.web],
  ["jwks", () => stack.webJwks],
] as const;

for (const [mode, web] of modes) {
  test(`sign up, manage tasks, sign out; a second user starts empty (${mode} mode) [FE-1, FE-4]`, async ({ page }) => {
    await page.goto(web());
    await signUp(page, "Alice");
    await expect(page.getByText("No tasks yet.")).toBeVisible();

    await addTask(page, "Buy milk", "2 litres");
    await addTask(page, "Write report");
    await addTask(page, "Call mum");
    const items = page.getByRole("list", { name: "Tasks" }).getByRole("listitem");
    await expect(items).toHaveText([/Call mum/, /Write report/, /Buy milk.*2 litres/]); // newest first

    await page.getByLabel("Done: Write report").click(); // checked once the API has answered
    await expect(page.getByLabel("Done: Write report")).toBeChecked();

    await page.getByRole("button", { name: "Edit Buy milk" }).click();
    const edit = page.getByRole("form", { name: "Edit Buy milk" });
    await edit.getByLabel("Title").fill("Buy oat milk");
    await edit.getByRole("button", { name: "Save" }).click();
    await expect(items.filter({ hasText: "Buy oat milk" })).toHaveCount(1);

    await page.getByRole("button", { name: "Delete Call mum" }).click();
    await expect(items).toHaveText([/Write report/, /Buy oat milk.*2 litres/]);

    await page.reload(); // what the page shows is what the API stored
    await expect(items).toHaveText([/Write report/, /Buy oat milk.*2 litres/]);
    await expect(page.getByLabel("Done: Write report")).toBeChecked();
    await expect(page.getByLabel("Done: Buy oat milk")).not.toBeChecked();
    await page.screenshot({ path: `../out/frontend/task-page-${mode}.png`, fullPage: true });

    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();

    await signUp(page, "Bob");
    await expect(page.getByText("No tasks yet.")).toBeVisible();
    await expect(page.getByRole("list", { name: "Tasks" })).toHaveCount(0);
  });
}
