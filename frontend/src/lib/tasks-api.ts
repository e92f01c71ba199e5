// The browser's client for the task API, called through the Next.js server's proxy (same origin) with the token from
// /api/token. Types come from the API's OpenAPI document (api-types.ts). Writes use HTTP's own safety nets: an
// Idempotency-Key on create (a repeat returns the first answer instead of making a second task) and If-Match on edits
// (a task changed elsewhere is refused with 412 instead of being overwritten).
import type { components } from "./api-types";

export type Task = components["schemas"]["TaskRead"];
export type Problem = components["schemas"]["Problem"];
export type NewTask = components["schemas"]["TaskCreate"];
export type TaskChanges = Partial<Pick<Task, "title" | "description" | "completed">>;
/** A task with the version the API gave it (its ETag), when the response carried one. */
export type Versioned = { task: Task; etag: string | null };

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
    return this.status === 0 || this.status === 502 || this.status === 503 || this.status === 504 || this.status === 429;
  }
}

/** The session behind the page has ended (signed out elsewhere, or expired): the page must ask to sign in again. */
export class SessionEnded extends Error {}

const TIMEOUT_MS = 15_000; // a hung connection becomes an error the page can show and retry, not an endless spinner
const BUSY_RETRIES = 3; // 409 "the first request with this key is still running": wait as told, then ask again

type ApiToken = { token: string; userId: string; expiresAt: number };
let current: ApiToken | undefined;

async function apiToken(refresh = false): Promise<ApiToken> {
  // Reuse the token until a minute before it expires; the API is stateless, so a new one costs nothing there.
  if (!refresh && current && current.expiresAt - 60 > Date.now() / 1000) return current;
  const response = await send("/api/token", {});
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

async function send(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { ...init, cache: "no-store", signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch {
    throw new ApiError(0); // offline, refused, reset or timed out: the same to the person using the page
  }
}

async function errorOf(response: Response): Promise<ApiError> {
  const type = response.headers.get("content-type") ?? "";
  const problem = type.includes("json") ? ((await response.json().catch(() => undefined)) as Problem | undefined) : undefined;
  const retryAfter = Number(response.headers.get("retry-after"));
  return new ApiError(response.status, problem, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined);
}

type Call = { method?: string; body?: unknown; headers?: Record<string, string> };

async function call(path: string, { method = "GET", body, headers = {} }: Call, retried = false): Promise<Response> {
  const { token, userId } = await apiToken(retried);
  const response = await send(`/api/${encodeURIComponent(userId)}/tasks${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 401 && !retried) return call(path, { method, body, headers }, true); // expired: once more
  if (response.status === 401) throw new SessionEnded();
  return response;
}

async function versioned(response: Response): Promise<Versioned> {
  if (!response.ok) throw await errorOf(response);
  return { task: (await response.json()) as Task, etag: response.headers.get("etag") };
}

const wait = (seconds: number) => new Promise((resolve) => setTimeout(resolve, Math.min(seconds, 5) * 1000));

export const tasksApi = {
  /** The list, newest first; `notModified` when it is still the version `etag` names (If-None-Match → 304). */
  async list(etag?: string | null): Promise<{ tasks: Task[]; etag: string | null } | { notModified: true }> {
    const response = await call("", { headers: etag ? { "If-None-Match": etag } : {} });
    if (response.status === 304) return { notModified: true };
    if (!response.ok) throw await errorOf(response);
    return { tasks: (await response.json()) as Task[], etag: response.headers.get("etag") };
  },

  get: async (id: number) => versioned(await call(`/${id}`, {})),

  /**
   * Create a task. `key` names this one intended task: send the same key when trying the same task again, and the
   * API answers with the task the first attempt made (if it got that far) instead of making another.
   */
  async create(task: NewTask, key: string): Promise<Versioned & { replayed: boolean }> {
    for (let attempt = 0; ; attempt++) {
      const response = await call("", { method: "POST", body: task, headers: { "Idempotency-Key": key } });
      if (response.status === 409 && attempt < BUSY_RETRIES) {
        await wait(Number(response.headers.get("retry-after")) || 1);
        continue;
      }
      const replayed = response.headers.get("idempotent-replayed") === "true";
      return { ...(await versioned(response)), replayed };
    }
  },

  /** Change some fields; with `ifMatch` only if the task is still that version (else ApiError 412). */
  update: async (id: number, changes: TaskChanges, ifMatch?: string | null) =>
    versioned(await call(`/${id}`, { method: "PUT", body: changes, headers: ifMatch ? { "If-Match": ifMatch } : {} })),

  /** Set (not toggle) completion: repeating it gives the same result, so a retry can never flip it back. */
  setCompleted: async (id: number, completed: boolean) =>
    versioned(await call(`/${id}/complete`, { method: "PATCH", body: { completed } })),

  /** Delete; a task that is already gone counts as deleted. */
  async remove(id: number): Promise<void> {
    const response = await call(`/${id}`, { method: "DELETE" });
    if (!response.ok && response.status !== 404) throw await errorOf(response);
  },

  /** Deletes still waiting for their undo time when the page is closed: sent with keepalive, without waiting. */
  removeOnUnload(ids: number[]) {
    if (!current) return;
    for (const id of ids) {
      void fetch(`/api/${encodeURIComponent(current.userId)}/tasks/${id}`, {
        method: "DELETE",
        headers: { Authorization: `Bearer ${current.token}` },
        keepalive: true,
      }).catch(() => undefined);
    }
  },
};
