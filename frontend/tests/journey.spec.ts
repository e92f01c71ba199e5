// The main journey in headless Chromium, on a phone and on a desktop, in both token modes: the page, Better Auth's
// cookies, the token route and the proxied API together.
import { expect, test } from "@playwright/test";

import { stack } from "./stack";
import { addForm, addTask, DESKTOP, expectNoSideways, expectSettled, expectTouchTarget, items, PHONE, row, screenshot, signUp, taskList } from "./ui";

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

test("a favicon, and the landing page says what the app is for [UI-1]", async ({ page, request }) => {
  const icon = await request.get(`${stack.web}/favicon.ico`);
  expect(icon.status()).toBe(200);
  expect(icon.headers()["content-type"]).toBe("image/x-icon");
  await page.goto(stack.web);
  await expect(page.getByRole("heading", { name: "Todo", level: 1 })).toBeVisible();
  await expect(page.getByText("Your to-do list, kept safe on the server")).toBeVisible();
  await expect(page.getByRole("form", { name: "Sign in" })).toBeVisible();
});

const modes = [
  ["shared-secret", () => stack.web],
  ["jwks", () => stack.webJwks],
] as const;
const devices = [
  ["phone", PHONE],
  ["desktop", DESKTOP],
] as const;

for (const [device, options] of devices) {
  test.describe(device, () => {
    test.use(options);
    for (const [mode, web] of modes) {
      test(`sign up, add, toggle, edit, delete, filter, sign out; a second user starts empty (${mode}, ${device}) [FE-1, FE-4, UI-1, UI-5]`, async ({
        page,
      }) => {
        const width = options.viewport.width;
        await signUp(page, web(), "Alice");
        await expect(page.getByText("No tasks yet.")).toBeVisible();
        await expect(addForm(page).getByLabel("Title")).toBeFocused(); // ready to type

        await addTask(page, "Buy milk", "2 litres");
        await addTask(page, "Write report");
        await addTask(page, "Call mum");
        await expect(items(page)).toHaveText([/Call mum/, /Write report/, /Buy milk.*2 litres/]); // newest first
        await expect(page.getByText("3 items left")).toBeVisible();
        for (const target of [
          addForm(page).getByRole("button", { name: "Add", exact: true }),
          page.getByLabel("Done: Write report").locator("xpath=.."), // the label around it takes the tap
          page.getByRole("button", { name: "Edit Write report" }),
          page.getByRole("button", { name: "Delete Write report" }),
          page.getByRole("link", { name: "Active" }),
        ]) {
          await expectTouchTarget(target, width);
        }

        await page.getByLabel("Done: Write report").click(); // shown at once, kept once the API has answered
        await expect(page.getByLabel("Done: Write report")).toBeChecked();
        await expect(page.getByText("2 items left")).toBeVisible();

        await page.getByRole("button", { name: "Edit Buy milk" }).click();
        const edit = page.getByRole("form", { name: "Edit Buy milk" });
        await expect(edit.getByLabel("Title")).toBeFocused();
        await expectTouchTarget(edit.getByRole("button", { name: "Cancel" }), width);
        await edit.getByLabel("Title").fill("Buy oat milk");
        await edit.getByRole("button", { name: "Save" }).click();
        await expect(row(page, "Buy oat milk")).toHaveCount(1);
        await expect(page.getByRole("button", { name: "Edit Buy oat milk" })).toBeFocused(); // back where it began
        await expectSettled(page);

        await page.getByRole("link", { name: "Active" }).click();
        await expect(page).toHaveURL(/\?filter=active$/);
        await expect(items(page)).toHaveText([/Call mum/, /Buy oat milk/]);
        await page.getByRole("link", { name: "Completed" }).click();
        await expect(items(page)).toHaveText([/Write report/]);
        await expectSettled(page);
        await page.reload(); // the filter is in the URL
        await expect(items(page)).toHaveText([/Write report/]);
        await expect(page.getByRole("link", { name: "Completed" })).toHaveAttribute("aria-current", "page");
        await page.getByRole("link", { name: "All" }).click();
        await expect(items(page)).toHaveCount(3);

        await page.getByRole("button", { name: "Delete Call mum" }).click();
        await expect(items(page)).toHaveText([/Write report/, /Buy oat milk.*2 litres/]);
        await expect(page.getByRole("status").getByText("Deleted “Call mum”.")).toBeVisible();
        await expectNoSideways(page);
        await screenshot(page, `task-page-${device}-${mode}`);

        await expectSettled(page);
        await page.reload(); // what the page shows is what the API stored (a deletion in its undo time included)
        await expect(items(page)).toHaveText([/Write report/, /Buy oat milk.*2 litres/]);
        await expect(page.getByLabel("Done: Write report")).toBeChecked();
        await expect(page.getByLabel("Done: Buy oat milk")).not.toBeChecked();

        await page.getByRole("button", { name: "Clear completed (1)" }).click();
        await expect(items(page)).toHaveText([/Buy oat milk/]);
        await expect(page.getByText("1 item left")).toBeVisible();

        await page.getByRole("button", { name: "Sign out" }).click();
        await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
        await signUp(page, web(), "Bob");
        await expect(page.getByText("No tasks yet.")).toBeVisible();
        await expect(taskList(page)).toHaveCount(0);
      });
    }
  });
}
