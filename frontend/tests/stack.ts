// The running stack (scripts/stack.py) and the HTTP steps the tests share: Better Auth sign-up, tokens, the API.
import { type APIRequestContext, expect } from "@playwright/test";

function url(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests with \`npm test\` (it starts the stack)`);
  return value;
}

export const stack = {
  web: url("E2E_WEB"), // the frontend, shared-secret mode
  apiSecret: url("E2E_API_WEB"), // its API, shared-secret (HS256) mode
  webJwks: url("E2E_WEB_JWKS"), // the frontend, jwt plugin tokens (EdDSA, keys rotating)
  apiJwks: url("E2E_API_WEB_JWKS"), // its API, JWKS mode
  byKeyType: {
    ES256: { web: url("E2E_WEB_ES256"), api: url("E2E_API_WEB_ES256") },
    RS256: { web: url("E2E_WEB_RS256"), api: url("E2E_API_WEB_RS256") },
    PS256: { web: url("E2E_WEB_PS256"), api: url("E2E_API_WEB_PS256") },
  },
  rotationSeconds: Number(url("E2E_ROTATION_SECONDS")),
};

export type User = { id: string; email: string; cookie: string };

let counter = 0;
/** A unique address per call: the stack's database lives for the whole run. */
export function newEmail(label: string): string {
  return `${label}-${Date.now()}-${counter++}@example.com`;
}

/** Sign up through Better Auth's own HTTP API (as the browser's client does) and keep the session cookie. */
export async function signUp(request: APIRequestContext, web: string, label: string): Promise<User> {
  const email = newEmail(label);
  const response = await request.post(`${web}/api/auth/sign-up/email`, {
    headers: { Origin: web }, // Better Auth refuses a POST without an Origin
    data: { email, password: "correct horse battery", name: label },
  });
  expect(response.status(), await response.text()).toBe(200);
  const body = await response.json();
  const cookie = response
    .headersArray()
    .filter((header) => header.name.toLowerCase() === "set-cookie")
    .map((header) => header.value.split(";")[0])
    .join("; ");
  expect(cookie).toContain("session_token");
  return { id: body.user.id, email, cookie };
}

/** The frontend's own token route (/api/token): HS256 or the jwt plugin's token, by the frontend's mode. */
export async function frontendToken(request: APIRequestContext, web: string, user: User): Promise<string> {
  const response = await request.get(`${web}/api/token`, { headers: { Cookie: user.cookie } });
  expect(response.status()).toBe(200);
  const body = await response.json();
  expect(body.userId).toBe(user.id);
  return body.token;
}

/** The jwt plugin's token, from a jwks-mode frontend's /api/token (the plugin's own /api/auth/token is closed). */
export async function pluginToken(request: APIRequestContext, web: string, user: User): Promise<string> {
  const response = await request.get(`${web}/api/token`, { headers: { Cookie: user.cookie } });
  expect(response.status()).toBe(200);
  const body = await response.json();
  expect(body.mode).toBe("jwks");
  return body.token;
}

export function decode(token: string): { header: Record<string, unknown>; claims: Record<string, unknown> } {
  const [header, claims] = token.split(".").slice(0, 2).map((part) => JSON.parse(Buffer.from(part, "base64url").toString()));
  return { header, claims };
}

/** The same token with one claim changed and the original signature: must be refused. */
export function tamper(token: string, claims: Record<string, unknown>): string {
  const [header, payload, signature] = token.split(".");
  const changed = { ...JSON.parse(Buffer.from(payload, "base64url").toString()), ...claims };
  return [header, Buffer.from(JSON.stringify(changed)).toString("base64url"), signature].join(".");
}

/** A small client for the task API at `api`, as one user with one token. */
export function tasksOf(request: APIRequestContext, api: string, userId: string, token: string) {
  const base = `${api}/api/${encodeURIComponent(userId)}/tasks`;
  const headers = { Authorization: `Bearer ${token}` };
  return {
    list: () => request.get(base, { headers }),
    create: (data: object) => request.post(base, { headers, data }),
    get: (id: number) => request.get(`${base}/${id}`, { headers }),
    update: (id: number, data: object) => request.put(`${base}/${id}`, { headers, data }),
    toggle: (id: number) => request.patch(`${base}/${id}/complete`, { headers }),
    remove: (id: number) => request.delete(`${base}/${id}`, { headers }),
  };
}
