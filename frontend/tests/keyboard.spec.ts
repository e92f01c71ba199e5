// Every feature with the keyboard alone, where focus goes after each action, double-click to edit, and undo.
import { expect, type Locator, type Page, test } from "@playwright/test";

import { newEmail, stack } from "./stack";
import { addForm, addTask, items, PASSWORD, row, signUp } from "./ui";

/** Press Tab until `target` has focus (at most `limit` times), as a keyboard user would. */
async function tabTo(page: Page, target: Locator, limit = 25, key = "Tab") {
  for (let i = 0; i < limit; i++) {
    if (await target.evaluate((element) => element === document.activeElement)) return;
    await page.keyboard.press(key);
  }
  await expect(target).toBeFocused();
}

test("keyboard only: sign up, add, toggle, edit, cancel, delete and undo, filter, clear completed, sign out [UI-5, UI-6]", async ({
  page,
}) => {
  await page.goto(stack.web);
  await tabTo(page, page.getByRole("button", { name: "Create an account" }));
  await page.keyboard.press("Enter");
  await expect(page.getByLabel("Name")).toBeFocused();
  await page.keyboard.type("Olga");
  await page.keyboard.press("Tab");
  await page.keyboard.type(newEmail("olga"));
  await page.keyboard.press("Tab");
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press("Enter");
  await expect(page.getByText("Signed in as Olga")).toBeVisible();

  const title = addForm(page).getByLabel("Title");
  await expect(title).toBeFocused();
  await page.keyboard.type("Buy milk");
  await page.keyboard.press("Enter");
  await expect(row(page, "Buy milk")).toBeVisible();
  await expect(title).toBeFocused(); // ready for the next one
  await page.keyboard.type("Call mum");
  await page.keyboard.press("Tab");
  await page.keyboard.type("after dinner");
  await page.keyboard.press("Enter"); // Enter in the description adds too
  await expect(items(page)).toHaveText([/Call mum.*after dinner/, /Buy milk/]);

  await tabTo(page, page.getByLabel("Done: Call mum"));
  await page.keyboard.press("Space");
  await expect(page.getByLabel("Done: Call mum")).toBeChecked();

  await page.keyboard.press("Tab"); // the title: Enter edits it
  await expect(row(page, "Call mum").getByRole("button", { name: "Call mum", exact: true })).toBeFocused();
  await page.keyboard.press("Enter");
  const edit = page.getByRole("form", { name: "Edit Call mum" });
  await expect(edit.getByLabel("Title")).toBeFocused();
  await page.keyboard.type(" tonight");
  await page.keyboard.press("Escape"); // cancels: nothing changes, focus goes back
  await expect(row(page, "Call mum")).toBeVisible();
  await expect(row(page, "Call mum").getByRole("button", { name: "Call mum", exact: true })).toBeFocused();
  await page.keyboard.press("Enter");
  await page.keyboard.type(" tonight");
  await page.keyboard.press("Enter"); // saves
  await expect(row(page, "Call mum tonight")).toBeVisible();
  await expect(row(page, "Call mum tonight").getByRole("button", { name: "Call mum tonight", exact: true })).toBeFocused();

  await tabTo(page, page.getByRole("button", { name: "Delete Call mum tonight" }));
  await page.keyboard.press("Enter");
  await expect(items(page)).toHaveText([/Buy milk/]);
  await expect(page.getByRole("button", { name: "Delete Buy milk" })).toBeFocused(); // the next task's Delete
  await tabTo(page, page.getByRole("button", { name: "Undo" }));
  await page.keyboard.press("Enter");
  await expect(items(page)).toHaveText([/Call mum tonight/, /Buy milk/]);
  await expect(page.getByLabel("Done: Call mum tonight")).toBeChecked(); // back as it was
  await expect(row(page, "Call mum tonight").getByRole("button", { name: "Call mum tonight", exact: true })).toBeFocused();

  await tabTo(page, page.getByRole("link", { name: "Active" }));
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\?filter=active$/);
  await expect(items(page)).toHaveText([/Buy milk/]);
  await tabTo(page, page.getByRole("link", { name: "All" }), 5, "Shift+Tab");
  await page.keyboard.press("Enter");
  await expect(items(page)).toHaveCount(2);

  await tabTo(page, page.getByRole("button", { name: "Clear completed (1)" }));
  await page.keyboard.press("Enter");
  await expect(items(page)).toHaveText([/Buy milk/]);
  await expect(title).toBeFocused();

  await tabTo(page, page.getByRole("button", { name: "Sign out" }), 5, "Shift+Tab");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
});

test("double-click a title to edit; toggling in a filtered view moves focus to the next task [UI-5]", async ({ page }) => {
  await signUp(page, stack.web, "Pia");
  await addTask(page, "Read book");
  await addTask(page, "Go running");
  await page.getByText("Read book", { exact: true }).dblclick();
  const edit = page.getByRole("form", { name: "Edit Read book" });
  await expect(edit.getByLabel("Title")).toBeFocused();
  await edit.getByRole("button", { name: "Cancel" }).click();
  await expect(row(page, "Read book").getByRole("button", { name: "Read book", exact: true })).toBeFocused();

  await page.getByRole("link", { name: "Active" }).click();
  await page.getByLabel("Done: Go running").focus();
  await page.keyboard.press("Space"); // it leaves the Active view: focus goes to the next task, not the page's top
  await expect(items(page)).toHaveText([/Read book/]);
  await expect(page.getByLabel("Done: Read book")).toBeFocused();
});

test("delete with undo: Undo brings the task back as it was; without it the deletion stands [UI-5]", async ({ page }) => {
  await signUp(page, stack.web, "Quinn");
  await addTask(page, "Old task", "with details");
  await addTask(page, "Done task");
  await page.getByLabel("Done: Done task").click();
  await expect(page.getByLabel("Done: Done task")).toBeChecked();

  await page.getByRole("button", { name: "Delete Done task" }).click();
  const toast = page.getByRole("status").filter({ hasText: "Deleted" });
  await expect(toast).toHaveText(/Deleted “Done task”\.\s*Undo/);
  await toast.getByRole("button", { name: "Undo" }).click();
  await expect(items(page)).toHaveText([/Done task/, /Old task.*with details/]);
  await expect(page.getByLabel("Done: Done task")).toBeChecked();
  await page.reload();
  await expect(items(page)).toHaveText([/Done task/, /Old task.*with details/]);

  await page.getByRole("button", { name: "Clear completed (1)" }).click();
  await expect(toast).toHaveText(/Deleted “Done task”\./);
  await page.getByRole("button", { name: "Undo" }).click();
  await expect(items(page)).toHaveCount(2);

  await page.getByRole("button", { name: "Delete Old task" }).click();
  await expect(toast).toHaveCount(0, { timeout: 10_000 }); // the undo time is over: now it is deleted
  await page.reload();
  await expect(items(page)).toHaveText([/Done task/]);
});
