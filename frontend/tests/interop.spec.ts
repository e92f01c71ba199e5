// Real Better Auth (this app's own auth configuration, served by `next start`) issuing tokens to the real API.
import { type APIRequestContext, expect, test } from "@playwright/test";

import { decode, frontendToken, newEmail, pluginToken, signUp, stack, tamper, tasksOf, type User } from "./stack";

type Tasks = ReturnType<typeof tasksOf>;

/** Every route once, as one user, with the contract's statuses and shapes. */
async function everyRoute(tasks: Tasks, userId: string) {
  const first = await tasks.create({ title: "Buy milk", description: "2 litres" });
  expect(first.status()).toBe(201);
  const created = await first.json();
  expect(created).toMatchObject({ user_id: userId, title: "Buy milk", description: "2 litres", completed: false });
  expect(first.headers()["location"]).toBe(`/api/${userId}/tasks/${created.id}`);
  const second = await (await tasks.create({ title: "Write report" })).json();

  const list = await tasks.list();
  expect(list.status()).toBe(200);
  expect((await list.json()).map((task: { id: number }) => task.id)).toEqual([second.id, created.id]); // newest first

  expect(await (await tasks.get(created.id)).json()).toEqual(created);
  const updated = await tasks.update(created.id, { title: "Buy oat milk" });
  expect(updated.status()).toBe(200);
  expect(await updated.json()).toMatchObject({ title: "Buy oat milk", description: "2 litres" });
  expect((await (await tasks.toggle(created.id)).json()).completed).toBe(true);
  expect((await (await tasks.toggle(created.id)).json()).completed).toBe(false);
  const removed = await tasks.remove(second.id);
  expect(removed.status()).toBe(200);
  expect(await removed.json()).toEqual(second); // the deleted task
  expect((await tasks.get(second.id)).status()).toBe(404);
  return created.id as number;
}

type TokenSource = (request: APIRequestContext, web: string, user: User) => Promise<string>;

/**
 * Two users signed up at `web`, their tokens from `tokenOf`: A drives every route on `api`; B, with a valid token
 * of their own, cannot see, change or delete A's task. Returns A's token, for checks of its header and claims.
 */
async function twoUsers(request: APIRequestContext, web: string, api: string, tokenOf: TokenSource) {
  const [a, b] = [await signUp(request, web, "a"), await signUp(request, web, "b")];
  const [tokenA, tokenB] = [await tokenOf(request, web, a), await tokenOf(request, web, b)];
  const tasksA = tasksOf(request, api, a.id, tokenA);
  const taskOfA = await everyRoute(tasksA, a.id);
  const before = await (await tasksA.get(taskOfA)).json();

  const asB = tasksOf(request, api, b.id, tokenB);
  expect(await (await asB.list()).json()).toEqual([]);
  for (const response of [
    await asB.get(taskOfA),
    await asB.update(taskOfA, { title: "pwned" }),
    await asB.toggle(taskOfA),
    await asB.remove(taskOfA),
  ]) {
    expect(response.status()).toBe(404); // not 403: B learns nothing about A's ids
  }
  expect((await tasksOf(request, api, a.id, tokenB).list()).status()).toBe(403); // B's token on A's path
  expect(await (await tasksA.get(taskOfA)).json()).toEqual(before);
  return { a, tokenA };
}

test.describe("shared-secret mode: the frontend signs HS256 tokens with BETTER_AUTH_SECRET", () => {
  test("tokens of two real users drive every route, each user only their own tasks [FE-2, FE-4]", async ({ request }) => {
    const { a, tokenA } = await twoUsers(request, stack.web, stack.apiSecret, frontendToken);
    const { header, claims } = decode(tokenA);
    expect(header).toEqual({ alg: "HS256", typ: "JWT" });
    expect(claims).toMatchObject({ sub: a.id, iss: stack.web, aud: stack.web });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(900); // short-lived
  });

  test("no token without a signed-in session [FE-2]", async ({ request }) => {
    const response = await request.get(`${stack.web}/api/token`);
    expect(response.status()).toBe(401);
    expect(response.headers()["cache-control"]).toBe("no-store");
  });
});

test.describe("JWKS mode: Better Auth's jwt plugin signs, the API fetches the frontend's JWKS", () => {
  test("EdDSA tokens of two real users drive every route, each user only their own tasks [FE-3, FE-4]", async ({ request }) => {
    const { a, tokenA } = await twoUsers(request, stack.webJwks, stack.apiJwks, pluginToken);
    const { header, claims } = decode(tokenA);
    expect(header.alg).toBe("EdDSA");
    expect(typeof header.kid).toBe("string");
    expect(claims).toMatchObject({ sub: a.id, iss: stack.webJwks, aud: stack.webJwks });
    expect(claims).not.toHaveProperty("email"); // the user id is all the API needs: no personal data in tokens
    expect(claims).not.toHaveProperty("name");
  });

  test("in jwks mode the frontend's /api/token hands out the plugin's token [FE-3]", async ({ request }) => {
    const user = await signUp(request, stack.webJwks, "erin");
    const token = await frontendToken(request, stack.webJwks, user);
    expect(decode(token).header.alg).toBe("EdDSA");
    expect((await tasksOf(request, stack.apiJwks, user.id, token).list()).status()).toBe(200);
  });

  for (const [algorithm, { web, api }] of Object.entries(stack.byKeyType)) {
    test(`the plugin's ${algorithm} keys work too [FE-3]`, async ({ request }) => {
      const user = await signUp(request, web, `key-${algorithm.toLowerCase()}`);
      const token = await pluginToken(request, web, user);
      expect(decode(token).header.alg).toBe(algorithm);
      const tasks = tasksOf(request, api, user.id, token);
      expect((await tasks.create({ title: `signed with ${algorithm}` })).status()).toBe(201);
      expect((await tasks.list()).status()).toBe(200);
      const altered = tasksOf(request, api, user.id, tamper(token, { email: "someone@example.com" }));
      expect((await altered.list()).status()).toBe(401);
    });
  }
});

test("the page's same-origin proxy forwards the API's answers as they are [FE-1]", async ({ request }) => {
  const user = await signUp(request, stack.web, "proxy");
  const token = await frontendToken(request, stack.web, user);
  const viaProxy = tasksOf(request, stack.web, user.id, token); // the Next.js server, not the API

  const created = await viaProxy.create({ title: "through the proxy" });
  expect(created.status()).toBe(201);
  expect(created.headers()["location"]).toBe(`/api/${user.id}/tasks/${(await created.json()).id}`);
  const listed = await viaProxy.list();
  expect(listed.status()).toBe(200);
  expect(listed.headers()["x-request-id"]).toBeTruthy();
  expect(Object.keys(listed.headers()).filter((name) => name.startsWith("x-middleware"))).toEqual([]);
  expect((await listed.json()).map((task: { title: string }) => task.title)).toEqual(["through the proxy"]);

  const refused = await tasksOf(request, stack.web, user.id, tamper(token, { sub: "someone-else" })).list();
  expect(refused.status()).toBe(401);
  expect(refused.headers()["www-authenticate"]).toContain("Bearer");
  expect(refused.headers()["content-type"]).toBe("application/problem+json");
  const invalid = await viaProxy.create({ title: "" });
  expect(invalid.status()).toBe(400);
  expect((await invalid.json()).errors[0].field).toBeTruthy();
});

test("Better Auth refuses cross-site requests: a foreign Origin, or a session cookie with no Origin [FE-7]", async ({ request }) => {
  const data = { email: newEmail("cross-site"), password: "correct horse battery", name: "x" };
  const foreign = { Origin: "https://evil.example" };
  expect((await request.post(`${stack.web}/api/auth/sign-up/email`, { data, headers: foreign })).status()).toBe(403);
  const user = await signUp(request, stack.web, "csrf");
  const signOut = (headers: Record<string, string>) =>
    request.post(`${stack.web}/api/auth/sign-out`, { data: {}, headers: { Cookie: user.cookie, ...headers } });
  expect((await signOut(foreign)).status()).toBe(403);
  expect((await signOut({})).status()).toBe(403); // a cookie without an Origin: not from this app's pages
  expect((await request.get(`${stack.web}/api/token`, { headers: { Cookie: user.cookie } })).status()).toBe(200);
});

test("altered tokens, and tokens of the other mode, are 401 [FE-5]", async ({ request }) => {
  const a = await signUp(request, stack.web, "frank");
  const b = await signUp(request, stack.web, "grace");
  const hs256 = await frontendToken(request, stack.web, a);
  const eddsa = await pluginToken(request, stack.webJwks, a); // same session store: the same user, both modes

  const cases = [
    [stack.apiSecret, b.id, tamper(hs256, { sub: b.id })], // A's signature, B's id
    [stack.apiSecret, a.id, tamper(hs256, { exp: 4102444800 })], // lifetime stretched
    [stack.apiJwks, b.id, tamper(eddsa, { sub: b.id })],
    [stack.apiJwks, a.id, hs256], // an HS256 token where asymmetric keys are expected
    [stack.apiSecret, a.id, eddsa], // a plugin token where the shared secret is expected
  ] as const;
  for (const [api, userId, token] of cases) {
    const response = await tasksOf(request, api, userId, token).list();
    expect(response.status()).toBe(401);
    expect(response.headers()["www-authenticate"]).toContain('error="invalid_token"');
    expect(response.headers()["content-type"]).toBe("application/problem+json");
  }
});
