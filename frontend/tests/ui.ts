// What the browser tests share: signing up through the page, adding tasks, axe, layout checks, and outages of the
// real stack (scripts/stack.py: kill the API's process group, SIGUSR1 starts it again; the database closed to
// connections with ALTER DATABASE ... ALLOW_CONNECTIONS).
import { readFileSync } from "node:fs";

import AxeBuilder from "@axe-core/playwright";
import { expect, type Locator, type Page } from "@playwright/test";
import pg from "pg";

import { newEmail } from "./stack";

export const PASSWORD = "correct horse battery";
export const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
export const SMALL_PHONE = { viewport: { width: 320, height: 640 }, isMobile: true, hasTouch: true };
export const DESKTOP = { viewport: { width: 1280, height: 800 } };

/** Sign up through the page's own form; returns the email used. */
export async function signUp(page: Page, web: string, name: string): Promise<string> {
  const email = newEmail(name.toLowerCase());
  await page.goto(web);
  await page.getByRole("button", { name: "Create an account" }).click();
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign up", exact: true }).click();
  await expect(page.getByText(`Signed in as ${name}`)).toBeVisible();
  return email;
}

export const addForm = (page: Page) => page.getByRole("form", { name: "Add a task" });
export const taskList = (page: Page) => page.getByRole("list", { name: "Tasks" });
export const items = (page: Page) => taskList(page).getByRole("listitem");
export const row = (page: Page, title: string) => items(page).filter({ has: page.getByText(title, { exact: true }) });

export async function addTask(page: Page, title: string, description = "") {
  const form = addForm(page);
  await form.getByLabel("Title").fill(title);
  await form.getByLabel("Description").fill(description);
  await form.getByRole("button", { name: "Add", exact: true }).click();
  await expect(form.getByLabel("Title")).toHaveValue(""); // the form is ready for the next one at once
  await expect(row(page, title).first()).toBeVisible();
  await expectSettled(page); // and the API has it
}

/** Every change has reached the API (the task board is no longer aria-busy): safe to reload or leave. */
export async function expectSettled(page: Page) {
  await expect(page.getByRole("region", { name: "Your tasks" })).toHaveAttribute("aria-busy", "false");
}

/**
 * axe-core finds no serious or critical violation on what the page shows now. `contrastOnly`: just the colour
 * contrast rule, for a second colour scheme of a screen already checked in full (the other rules do not change).
 */
export async function expectAccessible(page: Page, screen: string, contrastOnly = false) {
  const axe = new AxeBuilder({ page });
  const { violations } = await (contrastOnly ? axe.withRules(["color-contrast"]) : axe).analyze();
  const serious = violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`);
  expect(serious, `axe on "${screen}"`).toEqual([]);
}

/** Nothing sticks out sideways: the page does not scroll horizontally. */
export async function expectNoSideways(page: Page) {
  const { scroll, client } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  expect(scroll, "page width").toBeLessThanOrEqual(client);
}

/** The element is inside the viewport horizontally and at least 44 × 44 CSS pixels (a finger's width). */
export async function expectTouchTarget(locator: Locator, width: number) {
  const box = await locator.boundingBox();
  expect(box, "visible").not.toBeNull();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(width);
  expect(Math.round(box!.height)).toBeGreaterThanOrEqual(44);
  expect(Math.round(box!.width)).toBeGreaterThanOrEqual(44);
}

export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: `../out/frontend/${name}.png`, fullPage: true });
}

// ---- outages of the real stack ----

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests with \`npm test\` (it starts the stack)`);
  return value;
}

async function until(what: string, check: () => Promise<boolean>, seconds = 60) {
  const deadline = Date.now() + seconds * 1000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not after ${seconds} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const answers = (url: string) => fetch(url).then((response) => response.ok, () => false);

/** SIGKILL the API behind a frontend ("web" or "web-jwks"): the proxy then answers 502, as for a crashed server. */
export async function killApi(api: string, name = "web") {
  const pid = Number(readFileSync(`${env("E2E_PIDS")}/api-${name}.pid`, "utf8"));
  process.kill(-pid, "SIGKILL");
  await until("the API stops answering", async () => !(await answers(`${api}/health`)));
}

/** Start every killed API again (the stack does it on SIGUSR1) and wait until `api` is ready. */
export async function startApi(api: string) {
  process.kill(Number(env("E2E_STACK_PID")), "SIGUSR1");
  await until("the API is ready again", () => answers(`${api}/health/ready`));
}

async function admin<T>(work: (client: pg.Client, database: string) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: env("E2E_ADMIN_DATABASE_URL") });
  await client.connect();
  try {
    return await work(client, env("E2E_DATABASE"));
  } finally {
    await client.end();
  }
}

/** A database outage: no new connections, and the open ones closed (the API answers 503, Better Auth 500). */
export async function databaseDown(api: string) {
  await admin(async (client, database) => {
    await client.query(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS false`);
    await client.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [
      database,
    ]);
  });
  await until("the API reports the database away", async () => !(await answers(`${api}/health/ready`)));
}

export async function databaseUp(api: string) {
  await admin((client, database) => client.query(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS true`));
  await until("the API reaches the database again", () => answers(`${api}/health/ready`));
}
