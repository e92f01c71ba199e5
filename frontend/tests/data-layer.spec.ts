// The data layer against the real stack: races between the list and the writes, writes kept across a reload during
// an outage, the kept writes belonging to one user, and edits sent with the version that was shown.
// `page.route` only holds real answers back (to make a race certain); every answer comes from the real API.
import { expect, type Page, type Request, type Route, test } from "@playwright/test";

import { stack, tasksOf } from "./stack";
import { addForm, addTask, expectSettled, items, killApi, row, signUp, startApi } from "./ui";

const api = stack.apiSecret; // the API behind stack.web
const LIST = /\/api\/[^/]+\/tasks$/;
const isList = (request: Request) => request.method() === "GET" && LIST.test(new URL(request.url()).pathname);

test.describe.configure({ timeout: 120_000 });
const BACK = 45_000; // once the API is back, the page's next automatic try is at most 30 s away

type Task = { id: number; title: string; description: string | null; completed: boolean; etag: string };

/** The tasks the server holds for the user signed in on `page` (through the API itself, with the page's token). */
async function serverTasks(page: Page): Promise<Task[]> {
  const { token, userId } = await (await page.request.get(`${new URL(page.url()).origin}/api/token`)).json();
  const response = await tasksOf(page.request, api, userId, token).list();
  expect(response.status()).toBe(200);
  return response.json();
}

/** The writes this page keeps in localStorage for its user (TanStack's persisted mutations). */
const keptWrites = (page: Page) =>
  page.evaluate(() => {
    const key = Object.keys(localStorage).find((name) => name.startsWith("todo:unsent:"));
    return key ? (JSON.parse(localStorage.getItem(key)!).clientState.mutations as unknown[]).length : 0;
  });

/** Holds the first request `matches` selects: its real answer is fetched at once, and given to the page on release. */
function holdFirst(page: Page, pattern: RegExp, matches: (request: Request) => boolean) {
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  let seen = () => {};
  const held = new Promise<void>((resolve) => (seen = resolve));
  let done = false;
  const handler = async (route: Route) => {
    if (done || !matches(route.request())) return route.continue();
    done = true;
    const answer = await route.fetch(); // the server's answer as of now, before what the test does next
    seen();
    await released;
    await route.fulfill({ response: answer }).catch(() => undefined); // the page may have cancelled it: fine
  };
  return { ready: page.route(pattern, handler), held, release };
}

test("a task added while the first list is still on its way stays, and exists once on the server [UI-2, UI-9]", async ({ page }) => {
  await signUp(page, stack.web, "Lena");
  const hold = holdFirst(page, LIST, isList);
  await hold.ready;
  await page.reload();
  await hold.held; // the list the page asked for first has been answered by the server, and is held back
  const late = page.waitForEvent("requestfinished", isList);
  const cancelled = page.waitForEvent("requestfailed", isList);
  await expect(page.getByText("Loading your tasks…")).toBeVisible();
  await addForm(page).getByLabel("Title").fill("Call the plumber");
  await addForm(page).getByRole("button", { name: "Add", exact: true }).click();
  await expect(row(page, "Call the plumber")).toBeVisible();
  await expectSettled(page);
  hold.release(); // the first list (without the new task) arrives last, unless the page has cancelled it
  await Promise.race([late, cancelled]);
  await addTask(page, "Fix the gate"); // a later change, made after whatever the late list did to the page
  await expect(items(page)).toHaveText([/Fix the gate/, /Call the plumber/]);
  await expect(page.getByText("No tasks yet")).toHaveCount(0);
  expect((await serverTasks(page)).filter((task) => task.title === "Call the plumber")).toHaveLength(1);
  await page.reload();
  await expect(items(page)).toHaveText([/Fix the gate/, /Call the plumber/]);
});

test("one token request and one list request per page load [UI-9]", async ({ page }) => {
  await signUp(page, stack.web, "Milo");
  await addTask(page, "Sharpen pencils");
  const seen: string[] = [];
  page.on("request", (request) => {
    const path = new URL(request.url()).pathname;
    if (path === "/api/token" || isList(request)) seen.push(`${request.method()} ${path === "/api/token" ? "token" : "list"}`);
  });
  await page.reload();
  await expect(row(page, "Sharpen pencils")).toBeVisible();
  await expectSettled(page);
  expect(seen.sort()).toEqual(["GET list", "GET token"]);
});

test("the API down: an add, an edit and a toggle survive a reload and are each saved once when it is back, the edit with If-Match [UI-2, UI-4, UI-8]", async ({
  page,
}) => {
  await signUp(page, stack.web, "Nora");
  await addTask(page, "Paint fence");
  await addTask(page, "Mow lawn");
  const before = await serverTasks(page);
  const fence = before.find((task) => task.title === "Paint fence")!;
  const writes: { method: string; ifMatch?: string; status?: number }[] = [];
  page.on("response", (response) => {
    const request = response.request();
    if (["POST", "PUT", "PATCH"].includes(request.method()) && /\/api\/[^/]+\/tasks/.test(request.url())) {
      writes.push({ method: request.method(), ifMatch: request.headers()["if-match"], status: response.status() });
    }
  });
  try {
    await killApi(api);
    await addForm(page).getByLabel("Title").fill("Buy seeds");
    await addForm(page).getByRole("button", { name: "Add", exact: true }).click();
    await expect(row(page, "Buy seeds").getByRole("alert")).toContainText("will be saved by itself");
    await page.getByRole("button", { name: "Edit Paint fence" }).click();
    const edit = page.getByRole("form", { name: "Edit Paint fence" });
    await edit.getByLabel("Title").fill("Paint fence white");
    await edit.getByRole("button", { name: "Save" }).click();
    await expect(row(page, "Paint fence white")).toContainText("Not saved yet");
    await page.getByLabel("Done: Mow lawn").click();
    await expect(row(page, "Mow lawn")).toContainText("Not saved yet");
    await expect(page.getByLabel("Done: Mow lawn")).toBeChecked();
    await expect.poll(() => keptWrites(page)).toBe(3); // kept in this browser, for this user

    await page.reload(); // still down
    await expect(page.getByRole("heading", { name: "Can't reach the server" })).toBeVisible();
    await expect(row(page, "Buy seeds")).toContainText("Not saved yet");
    await expect(page.getByText("Changes to 2 tasks are kept in this browser")).toBeVisible(); // the edit, the toggle
    expect(await keptWrites(page)).toBe(3);
    await page.screenshot({ path: "../out/frontend/kept-writes-desktop.png" });
  } finally {
    await startApi(api);
  }
  await expect(page.getByRole("heading", { name: "Can't reach the server" })).toHaveCount(0, { timeout: BACK });
  await expectSettled(page);
  await expect.poll(() => keptWrites(page)).toBe(0);
  await expect(items(page)).toHaveText([/Buy seeds/, /Mow lawn/, /Paint fence white/]);
  await expect(page.getByLabel("Done: Mow lawn")).toBeChecked();

  const after = await serverTasks(page);
  expect(after.filter((task) => task.title === "Buy seeds")).toHaveLength(1);
  expect(after.find((task) => task.id === fence.id)?.title).toBe("Paint fence white");
  expect(after.find((task) => task.title === "Mow lawn")?.completed).toBe(true);
  expect(after).toHaveLength(3);
  const saved = writes.filter((write) => write.status && write.status < 300);
  expect(saved.map((write) => write.method).sort()).toEqual(["PATCH", "POST", "PUT"]); // each once
  expect(saved.find((write) => write.method === "PUT")?.ifMatch).toBe(fence.etag); // the version that was shown
});

test("a kept edit that meets a change made elsewhere while it waited ends in the conflict box after the reload [UI-3, UI-8]", async ({
  page,
}) => {
  await signUp(page, stack.web, "Rita");
  await addTask(page, "Plan party");
  const [party] = await serverTasks(page);
  try {
    await killApi(api);
    await page.getByRole("button", { name: "Edit Plan party" }).click();
    const edit = page.getByRole("form", { name: "Edit Plan party" });
    await edit.getByLabel("Title").fill("Plan party at 8");
    await edit.getByRole("button", { name: "Save" }).click();
    await expect(row(page, "Plan party at 8")).toContainText("Not saved yet");
    await expect.poll(() => keptWrites(page)).toBe(1);
    // Meanwhile another device changes it, through the other frontend's API (same user, same database).
    const { token, userId } = await (await page.request.get(`${stack.webJwks}/api/token`)).json();
    const changed = await tasksOf(page.request, stack.apiJwks, userId, token).update(party.id, { title: "Plan party at 7" });
    expect(changed.status()).toBe(200);
    await page.reload();
    await expect(page.getByRole("heading", { name: "Can't reach the server" })).toBeVisible();
  } finally {
    await startApi(api);
  }
  const edit = page.getByRole("form", { name: "Edit Plan party" });
  await expect(edit.getByRole("alert")).toContainText("It now reads: “Plan party at 7”", { timeout: BACK });
  await expect(edit.getByLabel("Title")).toHaveValue("Plan party at 8"); // what was typed, before the reload
  await expect.poll(() => keptWrites(page)).toBe(0);
  await edit.getByRole("button", { name: "Keep editing" }).click();
  await edit.getByRole("button", { name: "Save" }).click();
  await expect(row(page, "Plan party at 8")).toBeVisible();
  await expectSettled(page);
  expect((await serverTasks(page)).map((task) => task.title)).toEqual(["Plan party at 8"]);
});

test("signing out with unsent changes: the next user on this browser never sees or sends them [UI-8, FE-4]", async ({ page }) => {
  await signUp(page, stack.web, "Omar");
  try {
    await killApi(api);
    await addForm(page).getByLabel("Title").fill("Omar's secret plan");
    await addForm(page).getByRole("button", { name: "Add", exact: true }).click();
    await expect(row(page, "Omar's secret plan").getByRole("alert")).toContainText("will be saved by itself");
    await expect.poll(() => keptWrites(page)).toBe(1);
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page.getByRole("form", { name: "Sign in" })).toBeVisible();
  } finally {
    await startApi(api);
  }
  const sent: string[] = [];
  page.on("request", (request) => request.method() !== "GET" && /\/tasks/.test(request.url()) && sent.push(request.url()));
  await signUp(page, stack.web, "Pia");
  await expect(page.getByText("No tasks yet. Add your first one above.")).toBeVisible();
  await expectSettled(page);
  await expect(page.getByText("Omar's secret plan")).toHaveCount(0);
  expect(sent).toEqual([]);
  expect(await page.evaluate(() => JSON.stringify(localStorage))).not.toContain("secret plan");
  expect(await serverTasks(page)).toEqual([]);
});

test("two tabs: a change in one shows in the other on focus; a stale edit gets the conflict box, even when the other tab saves as the editor opens [UI-3, UI-9]", async ({
  context,
}) => {
  const first = await context.newPage();
  await signUp(first, stack.web, "Quinn");
  await addTask(first, "Book hotel", "2 nights");
  const second = await context.newPage();
  await second.goto(stack.web);
  await expect(row(second, "Book hotel")).toBeVisible();

  // A change in the second tab shows in the first when it is looked at again (focus refetch).
  await second.getByLabel("Done: Book hotel").click();
  await expectSettled(second);
  await first.evaluate(() => document.dispatchEvent(new Event("visibilitychange", { bubbles: true })));
  await expect(first.getByLabel("Done: Book hotel")).toBeChecked();

  // The race: the second tab's save is answered by the server, but its answer is held until the first tab's editor
  // is open; opening the editor asks the server nothing (the list carries each task's version).
  const hold = holdFirst(second, /\/api\/[^/]+\/tasks\/\d+$/, (request) => request.method() === "PUT");
  await hold.ready;
  const asked: string[] = [];
  first.on("request", (request) => /\/tasks\/\d+$/.test(request.url()) && asked.push(request.method()));
  await second.getByRole("button", { name: "Edit Book hotel" }).click();
  await second.getByRole("form", { name: "Edit Book hotel" }).getByLabel("Title").fill("Book hotel in Porto");
  await second.getByRole("form", { name: "Edit Book hotel" }).getByRole("button", { name: "Save" }).click();
  await hold.held; // saved on the server
  await first.getByRole("button", { name: "Edit Book hotel" }).click();
  const edit = first.getByRole("form", { name: "Edit Book hotel" });
  await expect(edit.getByLabel("Title")).toBeFocused();
  hold.release();
  await expectSettled(second);
  // The first tab learns of the new version while its editor is open: the editor keeps what it showed.
  const refreshed = first.waitForResponse((response) => isList(response.request()));
  await first.evaluate(() => document.dispatchEvent(new Event("visibilitychange", { bubbles: true })));
  await refreshed;
  await expect(edit.getByLabel("Title")).toHaveValue("Book hotel");
  expect(asked).toEqual([]);

  await edit.getByLabel("Title").fill("Book hotel in Lisbon");
  await edit.getByRole("button", { name: "Save" }).click();
  const conflict = first.getByRole("form", { name: "Edit Book hotel" }).getByRole("alert");
  await expect(conflict).toContainText("This task was changed somewhere else");
  await expect(conflict).toContainText("It now reads: “Book hotel in Porto” — 2 nights.");
  await expect(first.getByRole("form", { name: "Edit Book hotel" }).getByLabel("Title")).toHaveValue("Book hotel in Lisbon");
  expect(asked).toEqual(["PUT", "GET"]); // the refused save, then the version that refused it
  const held = await serverTasks(first);
  expect(held.map((task) => task.title)).toEqual(["Book hotel in Porto"]);
});
