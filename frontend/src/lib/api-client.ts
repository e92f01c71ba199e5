// The typed client for the task API (openapi-fetch over the generated `paths`), called through this app's same-origin
// proxy with a token from /api/token. Paths, parameters and bodies are checked against the API's OpenAPI document at
// build time: a route or field the API does not have fails `tsc`.
import createClient from "openapi-fetch";

import type { components, paths } from "./api-types";

export type Problem = components["schemas"]["Problem"];

/** The API (or the proxy in front of it) answered with an error. status 0: no answer at all (network, timeout). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem?: Problem,
    readonly retryAfterSeconds?: number,
  ) {
    super(problem?.detail ?? (status ? `The API answered ${status}` : "No answer from the server"));
  }
  /** Worth trying again later by itself: nothing was wrong with the request. */
  get transient(): boolean {
    return isTransient(this.status);
  }
}

export const isTransient = (status: number) => status === 0 || status === 429 || status === 502 || status === 503 || status === 504;

/** The session behind the page has ended (signed out elsewhere, or expired): the page must ask to sign in again. */
export class SessionEnded extends Error {}

const TIMEOUT_MS = 15_000; // a hung connection becomes an error the page can show and retry, not an endless spinner

type ApiToken = { token: string; userId: string; expiresAt: number };
let current: ApiToken | undefined;
let asking: Promise<ApiToken> | undefined; // one token request at a time, however many calls need one

/** A token for the signed-in user, reused until a minute before it expires (the API is stateless: no cost there). */
export function apiToken(refresh = false): Promise<ApiToken> {
  if (!refresh && current && current.expiresAt - 60 > Date.now() / 1000) return Promise.resolve(current);
  asking ??= askToken().finally(() => (asking = undefined));
  return asking;
}

async function askToken(): Promise<ApiToken> {
  const response = await send(new Request("/api/token"));
  if (response.status === 401) throw new SessionEnded();
  // A failing session check (Better Auth's database away) is an outage to wait out, not a reason to sign out.
  if (response.status >= 500) throw new ApiError(503, undefined, 5);
  if (!response.ok) throw await errorOf(response);
  current = (await response.json()) as ApiToken;
  return current;
}

/** Forget the token (on sign-out), so the next user never sends the previous user's token. */
export function forgetApiToken() {
  current = undefined;
}

/** The token held now, if any: for requests sent while the page unloads, which cannot wait for one. */
export const heldToken = () => current;

async function send(request: Request): Promise<Response> {
  const signal = AbortSignal.any([request.signal, AbortSignal.timeout(TIMEOUT_MS)]);
  try {
    return await fetch(request, { cache: "no-store", signal });
  } catch (error) {
    if (request.signal.aborted) throw error; // cancelled by the page itself (a query cancelled): not an outage
    throw new ApiError(0); // offline, refused, reset or timed out: the same to the person using the page
  }
}

/** Sends with the bearer token; an expired one (401) is replaced once. */
async function withToken(request: Request): Promise<Response> {
  const again = request.clone();
  const first = await send(authorised(request, (await apiToken()).token));
  if (first.status !== 401) return first;
  const second = await send(authorised(again, (await apiToken(true)).token));
  if (second.status === 401) throw new SessionEnded();
  return second;
}

function authorised(request: Request, token: string): Request {
  request.headers.set("Authorization", `Bearer ${token}`);
  return request;
}

export async function errorOf(response: Response): Promise<ApiError> {
  const type = response.headers.get("content-type") ?? "";
  const problem = type.includes("json") ? ((await response.clone().json().catch(() => undefined)) as Problem | undefined) : undefined;
  const retryAfter = Number(response.headers.get("retry-after"));
  return new ApiError(response.status, problem, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined);
}

/** The API through this origin's proxy; every call carries the token (see `withToken`). */
export const api = createClient<paths>({ baseUrl: "", fetch: withToken });

/** The same, for the last requests of a page being closed: keepalive, and the token already held (no waiting). */
export const unloadApi = createClient<paths>({
  baseUrl: "",
  fetch: (request) => {
    const token = current?.token;
    if (token) request.headers.set("Authorization", `Bearer ${token}`);
    return fetch(request, { keepalive: true });
  },
});
