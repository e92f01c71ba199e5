// The task calls the page makes, over the typed client. Writes use HTTP's own safety nets: an Idempotency-Key on
// create (a repeat returns the first answer instead of making a second task) and If-Match on edits (a task changed
// elsewhere is refused with 412 instead of being overwritten). Every task carries its own `etag`: the version shown.
import { api, apiToken, ApiError, type Problem } from "./api-client";
import type { components } from "./api-types";

export type Task = components["schemas"]["TaskRead"];
export type NewTask = components["schemas"]["TaskCreate"];
export type TaskChanges = components["schemas"]["TaskUpdate"];

const BUSY_RETRIES = 3; // 409 "the first request with this key is still running": wait as told, then ask again

type Result<T> = { data?: T; error?: unknown; response: Response };

/** The answer's body, or the API's refusal as an ApiError. */
function check<T>({ data, error, response }: Result<T>): T {
  if (response.ok && data !== undefined) return data;
  const retryAfter = Number(response.headers.get("retry-after"));
  const problem = typeof error === "object" && error !== null ? (error as Problem) : undefined;
  throw new ApiError(response.status, problem, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined);
}

const wait = (seconds: number) => new Promise((resolve) => setTimeout(resolve, Math.min(seconds, 5) * 1000));
const owner = async () => (await apiToken()).userId;

export const tasksApi = {
  /** The list, newest first; `notModified` when it is still the version `etag` names (If-None-Match → 304). */
  async list(etag: string | undefined, signal?: AbortSignal): Promise<{ tasks: Task[]; etag?: string } | { notModified: true }> {
    const result = await api.GET("/api/{user_id}/tasks", {
      params: { path: { user_id: await owner() }, header: etag ? { "If-None-Match": etag } : undefined },
      signal,
    });
    if (result.response.status === 304) return { notModified: true };
    return { tasks: check(result), etag: result.response.headers.get("etag") ?? undefined };
  },

  get: async (id: number) => check(await api.GET("/api/{user_id}/tasks/{id}", { params: { path: { user_id: await owner(), id } } })),

  /**
   * Create a task. `key` names this one intended task: send the same key when trying the same task again, and the
   * API answers with the task the first attempt made (if it got that far) instead of making another.
   */
  async create(task: NewTask, key: string): Promise<Task> {
    for (let attempt = 0; ; attempt++) {
      const result = await api.POST("/api/{user_id}/tasks", {
        params: { path: { user_id: await owner() }, header: { "Idempotency-Key": key } },
        body: task,
      });
      if (result.response.status === 409 && attempt < BUSY_RETRIES) {
        await wait(Number(result.response.headers.get("retry-after")) || 1);
        continue;
      }
      return check(result);
    }
  },

  /** Change some fields, only if the task is still the version `ifMatch` names (else ApiError 412). */
  update: async (id: number, changes: TaskChanges, ifMatch: string) =>
    check(
      await api.PUT("/api/{user_id}/tasks/{id}", {
        params: { path: { user_id: await owner(), id }, header: { "If-Match": ifMatch } },
        body: changes,
      }),
    ),

  /** Set (not toggle) completion: repeating it gives the same result, so a retry can never flip it back. */
  setCompleted: async (id: number, completed: boolean) =>
    check(
      await api.PATCH("/api/{user_id}/tasks/{id}/complete", {
        params: { path: { user_id: await owner(), id } },
        body: { completed },
      }),
    ),

  /** Delete; a task that is already gone counts as deleted. */
  async remove(id: number): Promise<void> {
    const result = await api.DELETE("/api/{user_id}/tasks/{id}", { params: { path: { user_id: await owner(), id } } });
    if (!result.response.ok && result.response.status !== 404) check(result);
  },
};
