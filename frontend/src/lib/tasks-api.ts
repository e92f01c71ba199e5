// The browser's client for the task API, called through the Next.js server's proxy (same origin, see
// next.config.ts) with the token from /api/token. Types come from the API's OpenAPI document (api-types.ts).
import type { components } from "./api-types";

export type Task = components["schemas"]["TaskRead"];
export type Problem = components["schemas"]["Problem"];
export type NewTask = components["schemas"]["TaskCreate"];
export type TaskChanges = Partial<Pick<Task, "title" | "description" | "completed">>;

export class ApiError extends Error {
  constructor(readonly status: number, readonly problem?: Problem) {
    super(problem?.errors?.[0]?.message ?? problem?.detail ?? `The API answered ${status}`);
  }
}

type ApiToken = { token: string; userId: string; expiresAt: number };
let current: ApiToken | undefined;

async function apiToken(refresh = false): Promise<ApiToken> {
  // Reuse the token until a minute before it expires; the API is stateless, so a new one costs nothing there.
  if (!refresh && current && current.expiresAt - 60 > Date.now() / 1000) return current;
  const response = await fetch("/api/token", { cache: "no-store" });
  if (!response.ok) throw new ApiError(response.status, await problemOf(response));
  current = (await response.json()) as ApiToken;
  return current;
}

/** Forget the token (on sign-out), so the next user never sends the previous user's token. */
export function forgetApiToken() {
  current = undefined;
}

async function problemOf(response: Response): Promise<Problem | undefined> {
  return response.headers.get("content-type")?.includes("json") ? ((await response.json()) as Problem) : undefined;
}

async function call<T>(path: string, init: RequestInit = {}, retried = false): Promise<T> {
  const { token, userId } = await apiToken(retried);
  const response = await fetch(`/api/${encodeURIComponent(userId)}/tasks${path}`, {
    ...init,
    headers: { Authorization: `Bearer ${token}`, ...(init.body ? { "Content-Type": "application/json" } : {}) },
  });
  if (response.status === 401 && !retried) return call<T>(path, init, true); // expired: one fresh token, once
  if (!response.ok) throw new ApiError(response.status, await problemOf(response));
  return (await response.json()) as T;
}

export const tasksApi = {
  list: () => call<Task[]>(""),
  create: (task: NewTask) => call<Task>("", { method: "POST", body: JSON.stringify(task) }),
  update: (id: number, changes: TaskChanges) => call<Task>(`/${id}`, { method: "PUT", body: JSON.stringify(changes) }),
  toggle: (id: number) => call<Task>(`/${id}/complete`, { method: "PATCH" }),
  remove: (id: number) => call<Task>(`/${id}`, { method: "DELETE" }), // answers with the deleted task
};
