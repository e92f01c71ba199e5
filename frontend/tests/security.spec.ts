// The frontend's defences against brute force, spoofed addresses, weak passwords, oversized or slow bodies and odd
// methods, tried as an attacker would: raw HTTP from chosen loopback addresses (127.0.0.0/8 is all this machine).
import { readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { join } from "node:path";

import { expect, test } from "@playwright/test";
import pg from "pg";

import { frontendToken, newEmail, signUp, stack } from "./stack";

type Answer = { status: number; headers: Record<string, string | string[] | undefined>; body: string };

/** One HTTP request from the loopback address `from` (each test's "machine"), with the page's Origin. */
function send(url: string, method: string, { from = "127.0.0.1", headers = {}, body }: {
  from?: string; headers?: Record<string, string>; body?: object;
} = {}): Promise<Answer> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      target,
      {
        method,
        localAddress: from,
        headers: { Origin: target.origin, ...(payload ? { "Content-Type": "application/json" } : {}), ...headers },
      },
      (response) => {
        let text = "";
        response.setEncoding("utf8").on("data", (chunk) => (text += chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }));
      },
    );
    outgoing.on("error", reject);
    outgoing.end(payload);
  });
}

const hardened = stack.byKeyType.PS256.web; // the frontend that keeps Better Auth's per-address rate limit on
const PASSWORD = "correct horse battery";
const signIn = (email: string, password: string, from: string, headers: Record<string, string> = {}) =>
  send(`${hardened}/api/auth/sign-in/email`, "POST", { from, headers, body: { email, password } });
const signUpFrom = (email: string, from: string) =>
  send(`${hardened}/api/auth/sign-up/email`, "POST", { from, body: { email, password: PASSWORD, name: "x" } });

test.describe("the client's address is the socket's, whatever X-Forwarded-For says", () => {
  test("a new X-Forwarded-For on every attempt does not get past the per-address limit [FE-8]", async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 6; attempt++) {
      const spoofed = { "X-Forwarded-For": `198.51.100.${attempt + 1}` };
      statuses.push((await signIn(newEmail("nobody"), "wrong password 1", "127.0.0.3", spoofed)).status);
    }
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]); // Better Auth: 3 sign-in attempts per 10 s per address
    expect(statuses.slice(3)).toEqual([429, 429, 429]);
  });

  test("spoofing a victim's address does not lock the victim out [FE-8]", async () => {
    const victim = newEmail("victim");
    expect((await signUpFrom(victim, "127.0.0.5")).status).toBe(200);
    for (let attempt = 0; attempt < 5; attempt++) {
      await signIn(newEmail("nobody"), "wrong password 2", "127.0.0.4", { "X-Forwarded-For": "127.0.0.5" });
    }
    expect((await signIn(victim, PASSWORD, "127.0.0.5")).status).toBe(200);
  });

  test("the session records the real address, not the claimed one [FE-8]", async () => {
    const email = newEmail("where");
    expect((await signUpFrom(email, "127.0.0.6")).status).toBe(200);
    const signedIn = await signIn(email, PASSWORD, "127.0.0.6", { "X-Forwarded-For": "203.0.113.9" });
    expect(signedIn.status).toBe(200);
    const cookie = ([] as string[]).concat(signedIn.headers["set-cookie"] ?? []).map((c) => c.split(";")[0]).join("; ");
    const sessions = await send(`${hardened}/api/auth/list-sessions`, "GET", { from: "127.0.0.6", headers: { Cookie: cookie } });
    expect(sessions.status).toBe(200);
    const addresses = (JSON.parse(sessions.body) as { ipAddress: string }[]).map((session) => session.ipAddress);
    expect(addresses).toEqual(["127.0.0.6", "127.0.0.6"]); // sign-up's session and sign-in's
  });
});

test.describe("per account: a botnet, one address per guess, cannot brute-force a password", () => {
  test("after 10 sign-ins without success the account is throttled, whatever the address [FE-9]", async () => {
    const email = newEmail("target");
    expect((await signUpFrom(email, "127.0.1.1")).status).toBe(200);
    const statuses: number[] = [];
    for (let bot = 0; bot < 12; bot++) statuses.push((await signIn(email, `guess ${bot}`, `127.0.2.${bot + 1}`)).status);
    expect(statuses).toEqual([...Array(10).fill(401), 429, 429]);
    const refused = await signIn(email, PASSWORD, "127.0.2.100"); // even the right password, until the window ends
    expect(refused.status).toBe(429);
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
    expect(JSON.parse(refused.body).message).toMatch(/Too many failed sign-ins for this account/);
    const other = newEmail("bystander");
    expect((await signUpFrom(other, "127.0.1.2")).status).toBe(200);
    expect((await signIn(other, PASSWORD, "127.0.2.101")).status).toBe(200); // other accounts are unaffected
  });

  test("a successful sign-in starts the count afresh [FE-9]", async () => {
    const email = newEmail("typo");
    expect((await signUpFrom(email, "127.0.1.3")).status).toBe(200);
    for (let bot = 0; bot < 9; bot++) expect((await signIn(email, `typo ${bot}`, `127.0.3.${bot + 1}`)).status).toBe(401);
    expect((await signIn(email, PASSWORD, "127.0.3.50")).status).toBe(200);
    for (let bot = 0; bot < 9; bot++) expect((await signIn(email, `typo ${bot}`, `127.0.3.${bot + 60}`)).status).toBe(401);
  });

  test("each failed sign-in is logged with an account hash and the client's address, never the email [FE-9]", async () => {
    const email = newEmail("logged");
    await signIn(email, "wrong password 3", "127.0.4.1");
    await signIn(email, "wrong password 4", "127.0.4.2");
    const lines = readFileSync(join(process.env.E2E_LOGS ?? "", "web-ps256.log"), "utf8").split("\n");
    const events = lines
      .filter((line) => line.includes('"sign_in_failed"'))
      .map((line) => JSON.parse(line.slice(line.indexOf("{"))))
      .filter((event) => event.client === "127.0.4.1" || event.client === "127.0.4.2");
    expect(events.map((event) => event.client)).toEqual(["127.0.4.1", "127.0.4.2"]);
    expect(events[0].account).toMatch(/^[0-9a-f]{16}$/);
    expect(events[1].account).toBe(events[0].account); // one account, one name: an operator sees the pattern
    expect(lines.join("\n")).not.toContain(email);
  });
});

test.describe("passwords and accounts", () => {
  for (const weak of ["password", "12345678", "qwertyuiop", "iloveyou123"]) {
    test(`"${weak}" is refused at sign-up, with the reason [FE-10]`, async ({ request }) => {
      const response = await request.post(`${stack.web}/api/auth/sign-up/email`, {
        headers: { Origin: stack.web },
        data: { email: newEmail("weak"), password: weak, name: "w" },
      });
      expect(response.status()).toBe(400);
      const body = await response.json();
      expect(body.code).toBe("PASSWORD_TOO_WEAK");
      expect(body.message).toMatch(/too easy to guess/);
    });
  }

  test("a password made of the user's own email is refused [FE-10]", async ({ request }) => {
    const email = newEmail("self");
    const response = await request.post(`${stack.web}/api/auth/sign-up/email`, {
      headers: { Origin: stack.web },
      data: { email, password: email, name: "self" },
    });
    expect(response.status()).toBe(400);
  });

  test("the sign-up form tells the user why a password is refused [FE-10]", async ({ page }) => {
    await page.goto(stack.web);
    await page.getByRole("button", { name: "Create an account" }).click();
    await page.getByLabel("Name").fill("Weak");
    await page.getByLabel("Email").fill(newEmail("weak-page"));
    await page.getByLabel("Password").fill("password");
    await page.getByRole("button", { name: "Sign up", exact: true }).click();
    await expect(page.locator("form [role=alert]")).toContainText("too easy to guess");
    await page.screenshot({ path: "../out/frontend/weak-password.png" });
  });

  test("sign-in answers alike for an unknown email and a wrong password [FE-10]", async ({ request }) => {
    const user = await signUp(request, stack.web, "known");
    const attempt = (email: string) =>
      request.post(`${stack.web}/api/auth/sign-in/email`, { headers: { Origin: stack.web }, data: { email, password: "not it at all" } });
    const [known, unknown] = [await attempt(user.email), await attempt(newEmail("unknown"))];
    expect([known.status(), unknown.status()]).toEqual([401, 401]);
    expect(await known.json()).toEqual(await unknown.json());
  });
});

/**
 * Raw HTTP on one socket: send `head`, wait up to 3 s for an answer to the headers alone, then send up to `total`
 * bytes of body, stopping as soon as an answer arrives. `sent` is 0 when the server answered without the body.
 */
function rawUpload(url: string, head: string, total: number, chunked: boolean) {
  const { hostname, port } = new URL(url);
  return new Promise<{ answer: string; sent: number }>((resolve) => {
    const socket = connect(Number(port), hostname);
    let answer = "";
    let sent = 0;
    const piece = Buffer.alloc(16_384, "x");
    const frame = chunked ? Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from("\r\n")]) : piece;
    const pump = () => {
      if (answer || socket.destroyed || sent >= total) return;
      sent += piece.length;
      if (socket.write(frame)) setImmediate(pump); // one piece per turn: an answer is noticed as soon as it comes
      else socket.once("drain", pump);
    };
    socket.on("connect", () => {
      socket.write(head);
      setTimeout(pump, 3_000);
    });
    socket.on("data", (data) => {
      answer += data.toString("latin1");
      if (answer.includes("\r\n\r\n")) setTimeout(() => socket.destroy(), 500); // time for the body to follow
    });
    socket.on("error", () => socket.destroy());
    socket.on("close", () => resolve({ answer, sent }));
    setTimeout(() => socket.destroy(), 20_000);
  });
}

test.describe("the task proxy reads no more than it must", () => {
  const path = "/api/someone/tasks";
  const head = (extra: string) => `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${extra}\r\n`;

  test("a write without a token is refused before its body is read [FE-11]", async () => {
    const { answer, sent } = await rawUpload(stack.web, head("Content-Length: 1000000\r\n"), 1_000_000, false);
    expect(answer).toMatch(/^HTTP\/1\.1 401/);
    expect(sent).toBe(0);
  });

  test("a declared length over the cap is refused at once [FE-11]", async () => {
    const { answer, sent } = await rawUpload(stack.web, head("Authorization: Bearer x.y.z\r\nContent-Length: 8388608\r\n"), 8 << 20, false);
    expect(answer).toMatch(/^HTTP\/1\.1 413/);
    expect(answer).toContain("at most 65536 bytes");
    expect(sent).toBe(0);
  });

  test("a chunked body is cut off as soon as it passes the cap, long before its end [FE-11]", async () => {
    const total = 32 << 20;
    const { answer, sent } = await rawUpload(stack.web, head("Authorization: Bearer x.y.z\r\nTransfer-Encoding: chunked\r\n"), total, true);
    expect(answer).toMatch(/^HTTP\/1\.1 413/);
    // Answered while the client was still sending (what it sent includes the socket buffers, a few MB on loopback);
    // a proxy that read the whole body first would answer only after all 32 MB.
    expect(sent).toBeLessThan(total / 4);
  });

  test("TRACE and unknown methods are 405, on the proxy and on pages [FE-11]", async () => {
    for (const [method, url] of [["TRACE", `${stack.web}${path}`], ["TRACE", stack.web], ["PROPFIND", `${stack.web}${path}`]]) {
      const answer = await send(url, method);
      expect(answer.status).toBe(405);
      expect(answer.headers["allow"]).toBe("GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
      expect(JSON.parse(answer.body)).toMatchObject({ status: 405, detail: `${method} is not allowed here.` });
    }
  });

  test("no answer names the internal API's address: its slash redirects become paths on this origin [FE-11]", async () => {
    const api = new URL(stack.apiSecret);
    for (const path of ["/api/x/tasks/%2F", "/api/x/tasks/%2F%2F", "/api/x/tasks/1/complete%2F"]) {
      const answer = await send(`${stack.web}${path}`, "GET");
      const location = String(answer.headers["location"] ?? "");
      expect(`${answer.status} ${location} ${answer.body}`, path).not.toContain(api.host);
      expect([307, 308, 404, 401], path).toContain(answer.status);
      if (location) expect(location, path).toMatch(/^\/(?!\/)/); // a path here, never another host
    }
  });

  test("the request id is the proxy's own, never the client's [FE-11]", async ({ request }) => {
    const user = await signUp(request, stack.web, "request-id");
    const token = await frontendToken(request, stack.web, user);
    const response = await request.get(`${stack.web}/api/${user.id}/tasks`, {
      headers: { Authorization: `Bearer ${token}`, "X-Request-ID": "forged-by-the-client" },
    });
    expect(response.status()).toBe(200);
    expect(response.headers()["x-request-id"]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });
});

test.describe("tokens and sessions are never cached", () => {
  test("the jwt plugin's /api/auth/token is closed; /api/token and Better Auth's answers are no-store [FE-12]", async ({ request }) => {
    for (const web of [stack.web, stack.webJwks]) {
      const user = await signUp(request, web, "no-store");
      const cookie = { Cookie: user.cookie };
      expect((await request.get(`${web}/api/auth/token`, { headers: cookie })).status()).toBe(404);
      for (const path of ["/api/token", "/api/auth/get-session", "/api/auth/list-sessions"]) {
        const response = await request.get(`${web}${path}`, { headers: cookie });
        expect(response.status(), path).toBe(200);
        expect(response.headers()["cache-control"], path).toBe("no-store");
        expect(response.headers()["x-content-type-options"], path).toBe("nosniff");
      }
    }
    expect((await request.get(`${stack.web}/api/auth/jwks`)).status()).toBe(404); // no keys in shared-secret mode
    expect((await request.get(`${stack.webJwks}/api/auth/jwks`)).status()).toBe(200);
  });
});

test("Better Auth works as a role of its own: no superuser, no access to the API's tasks [FE-13]", async ({ request }) => {
  await signUp(request, stack.web, "role"); // Better Auth's pool is busy: its connections are in pg_stat_activity
  const client = new pg.Client({ connectionString: process.env.E2E_AUTH_DATABASE_URL });
  await client.connect();
  try {
    const role = await client.query(
      "SELECT rolname, rolsuper, rolcreaterole, rolcreatedb, rolbypassrls FROM pg_roles WHERE rolname = current_user",
    );
    expect(role.rows[0]).toEqual({ rolname: "todo_auth", rolsuper: false, rolcreaterole: false, rolcreatedb: false, rolbypassrls: false });
    await expect(client.query("SELECT count(*) FROM public.tasks")).rejects.toThrow(/permission denied/);
    const users = await client.query(
      "SELECT DISTINCT usename FROM pg_stat_activity WHERE application_name = 'better-auth' AND datname = current_database()",
    );
    expect(users.rows).toEqual([{ usename: "todo_auth" }]);
  } finally {
    await client.end();
  }
});
