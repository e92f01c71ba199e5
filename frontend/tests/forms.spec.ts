// Forms tried as a new user would: the narrowest phone, long words, the limits, and every message in plain words.
import { expect, type Request, test } from "@playwright/test";

import { stack } from "./stack";
import { addForm, addTask, expectNoSideways, expectTouchTarget, PASSWORD, row, screenshot, signUp, SMALL_PHONE } from "./ui";

test.describe("at 320 px", () => {
  test.use(SMALL_PHONE);

  test("a 200-character word wraps; nothing scrolls sideways; every button stays on screen [UI-1]", async ({ page }) => {
    await page.goto(stack.web);
    await expectNoSideways(page);
    await signUp(page, stack.web, "Kim");
    const word = "Supercalifragilistic".repeat(10); // 200 characters, no space
    await addTask(page, word, "x".repeat(300));
    await addTask(page, "Short one");
    await expectNoSideways(page);
    for (const target of [
      addForm(page).getByRole("button", { name: "Add", exact: true }),
      page.getByRole("button", { name: `Edit ${word}` }),
      page.getByRole("button", { name: `Delete ${word}` }),
      page.getByRole("button", { name: "Sign out" }),
      page.getByRole("link", { name: "Completed" }),
    ]) {
      await expectTouchTarget(target, 320);
    }
    await screenshot(page, "task-page-320-light");
    await page.emulateMedia({ colorScheme: "dark" });
    await screenshot(page, "task-page-320-dark");
    await page.emulateMedia({ colorScheme: "light" });

    await page.getByRole("button", { name: `Edit ${word}` }).click();
    const edit = page.getByRole("form", { name: `Edit ${word}` });
    await expectNoSideways(page);
    await expectTouchTarget(edit.getByRole("button", { name: "Save" }), 320);
    await expectTouchTarget(edit.getByRole("button", { name: "Cancel" }), 320);
    await edit.getByRole("button", { name: "Cancel" }).click();
    await expect(page.getByRole("button", { name: `Edit ${word}` })).toBeFocused();
  });
});

test("the limits: a count beside each field; too long or empty is explained before sending, and nothing is cut [UI-1, UI-7]", async ({
  page,
}) => {
  await signUp(page, stack.web, "Lee");
  const posts: Request[] = [];
  page.on("request", (request) => request.method() === "POST" && request.url().includes("/tasks") && posts.push(request));
  const form = addForm(page);
  await expect(form.getByText("0/200")).toBeVisible();
  await expect(form.getByText("0/1000")).toBeVisible();

  const long = "a".repeat(205);
  await form.getByLabel("Title").fill(long);
  await expect(form.getByText("205/200 characters: 5 too many")).toBeVisible();
  await form.getByRole("button", { name: "Add", exact: true }).click();
  await expect(form.getByRole("alert")).toHaveText("The title is 5 characters too long (200 at most).");
  await expect(form.getByLabel("Title")).toHaveValue(long); // not cut
  await expect(form.getByLabel("Title")).toHaveAttribute("aria-invalid", "true");

  await form.getByLabel("Title").fill("   ");
  await form.getByRole("button", { name: "Add", exact: true }).click();
  await expect(form.getByRole("alert")).toHaveText("Give the task a title.");
  await expect(form.getByLabel("Title")).toBeFocused();

  await form.getByLabel("Title").fill("Emoji count as one 🎉");
  await expect(form.getByText("20/200")).toBeVisible(); // as the API counts: code points
  await form.getByLabel("Description").fill("d".repeat(1001));
  await expect(form.getByText("1001/1000 characters: 1 too many")).toBeVisible();
  await form.getByRole("button", { name: "Add", exact: true }).click();
  await expect(form.getByRole("alert")).toHaveText("The description is 1 character too long (1000 at most).");
  expect(posts).toHaveLength(0);

  await form.getByLabel("Description").fill("d".repeat(1000));
  await form.getByRole("button", { name: "Add", exact: true }).click();
  await expect(row(page, "Emoji count as one 🎉")).toBeVisible();

  await page.getByRole("button", { name: "Edit Emoji count as one 🎉" }).click();
  const edit = page.getByRole("form", { name: "Edit Emoji count as one 🎉" });
  await expect(edit.getByText("1000/1000")).toBeVisible();
  await edit.getByLabel("Title").fill("");
  await edit.getByRole("button", { name: "Save" }).click();
  await expect(edit.getByRole("alert")).toHaveText("Give the task a title.");
  expect(posts).toHaveLength(1);
});

test("sign-in and sign-up errors in plain words; switching forms clears them; the new password is a new-password [UI-7]", async ({
  page,
}) => {
  await page.goto(stack.web);
  const signIn = page.getByRole("form", { name: "Sign in" });
  await expect(signIn.getByLabel("Password")).toHaveAttribute("autocomplete", "current-password");
  await signIn.getByLabel("Email").fill("nobody@example.com");
  await signIn.getByLabel("Password").fill("not the password");
  await signIn.getByRole("button", { name: "Sign in" }).click();
  await expect(signIn.getByRole("alert")).toHaveText(
    "That email and password don't match an account. Check them, or sign up if you're new.",
  );

  await page.getByRole("button", { name: "Create an account" }).click();
  const signUpForm = page.getByRole("form", { name: "Sign up" });
  await expect(signUpForm.getByRole("alert")).toHaveCount(0); // the sign-in error stayed with the sign-in form
  await expect(signUpForm.getByLabel("Name")).toBeFocused();
  await expect(signUpForm.getByLabel("Password")).toHaveAttribute("autocomplete", "new-password");
  await expect(signUpForm.getByLabel("Email")).toHaveValue("nobody@example.com"); // kept across the switch

  const submit = () => signUpForm.getByRole("button", { name: "Sign up", exact: true }).click();
  await signUpForm.getByLabel("Name").fill("Mia");
  await signUpForm.getByLabel("Email").fill("mia@b.c"); // passes a simple check, refused by Better Auth
  await signUpForm.getByLabel("Password").fill(PASSWORD);
  await submit();
  await expect(signUpForm.getByRole("alert")).toHaveText("That doesn't look like an email address. Check it and try again.");
  await expect(page.getByText("[body.email]")).toHaveCount(0);

  await signUpForm.getByLabel("Email").fill("mia@example");
  await submit();
  await expect(signUpForm.getByRole("alert")).toHaveText("That doesn't look like an email address. Check it and try again.");

  await signUpForm.getByLabel("Email").fill(`mia-${Date.now()}@example.com`);
  await signUpForm.getByLabel("Password").fill("short");
  await submit();
  await expect(signUpForm.getByRole("alert")).toHaveText("Choose a password of at least 8 characters.");
  await signUpForm.getByLabel("Password").fill("password1");
  await submit();
  await expect(signUpForm.getByRole("alert")).toContainText("This password is too easy to guess."); // says why
  // 129 characters that are hard to guess: past Better Auth's length limit.
  const long = Array.from({ length: 129 }, (_, i) => "qZ7$xK2!mW9#pL4&vB8*"[(i * 7 + (i >> 3)) % 20]).join("");
  await signUpForm.getByLabel("Password").fill(long);
  await submit();
  await expect(signUpForm.getByRole("alert")).toHaveText("That password is too long: use at most 128 characters.");

  const email = await signUp(page, stack.web, "Noa");
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("button", { name: "Create an account" }).click();
  await signUpForm.getByLabel("Name").fill("Noa again");
  await signUpForm.getByLabel("Email").fill(email);
  await signUpForm.getByLabel("Password").fill(PASSWORD);
  await submit();
  await expect(signUpForm.getByRole("alert")).toHaveText(
    "There is already an account with this email. Sign in instead, or use another email.",
  );
});
