// Every operation of the API through openapi-fetch, typed by what openapi-typescript generates from /openapi.json,
// against a live server: what a user of the API would write, type-checked with `tsc --strict`.
//
// Run by backend/tests/test_generated_clients.py (see scripts/clients) with API_URL, API_USER and API_TOKEN set,
// for a user with no tasks yet. Prints one line per check; exits non-zero at the first one that fails.
import createClient from "openapi-fetch";
import type { components, paths } from "todo-api-types"; // out/clients/ts/api.d.ts (tsconfig.json)

type Task = components["schemas"]["TaskRead"];
type Problem = components["schemas"]["Problem"];

const { API_URL: baseUrl = "", API_USER: user = "", API_TOKEN: token = "" } = process.env;
let passed = 0;

function fail(what: string, response?: Response): never {
  console.error(`typescript client: FAILED ${what}${response ? ` (got ${response.status})` : ""}`);
  process.exit(1);
}

function check(condition: boolean, what: string, response?: Response): void {
  if (!condition) fail(what, response);
  passed += 1;
  console.log(`typescript client: ok  ${what}`);
}

/** The task of a successful answer; fails unless the status is `status`. */
function task(answer: { data?: Task; response: Response }, status: number, what: string): Task {
  if (answer.response.status !== status || answer.data === undefined) fail(what, answer.response);
  return answer.data;
}

/** The problem of a failed answer (a check of its own); fails unless the status is `status`. */
function problem(answer: { error?: Problem; response: Response }, status: number, what: string): Problem {
  const { error, response } = answer;
  const ok = response.status === status && error?.status === status;
  check(ok && response.headers.get("content-type") === "application/problem+json", what, response);
  return error as Problem;
}

// What the types refuse (tsc fails if one of these lines is NOT an error): a misspelt field, an id as a string.
// @ts-expect-error TaskUpdate is an object type with known optional fields, not `unknown`
const misspelt: components["schemas"]["TaskUpdate"] = { titel: 5 };
// @ts-expect-error `{id}` is an integer, like TaskRead.id
const textId: paths["/api/{user_id}/tasks/{id}"]["get"]["parameters"]["path"] = { user_id: "u", id: "17" };
void [misspelt, textId];

const anonymous = createClient<paths>({ baseUrl }); // the probes need no token
const alive = await anonymous.GET("/health");
check(alive.data?.status === "ok", "health: 200 ok", alive.response);
const ready = await anonymous.GET("/health/ready");
check(ready.data?.status === "ready", "ready: 200 ready", ready.response);

const api = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token}` } });
const tasks = { params: { path: { user_id: user } } };
const one = (id: number) => ({ params: { path: { user_id: user, id } } });

const created = await api.POST("/api/{user_id}/tasks", { ...tasks, body: { title: "Buy milk", description: "2 l" } });
const milk = task(created, 201, "create");
check(created.response.headers.get("Location") === `/api/${user}/tasks/${milk.id}`, "create: 201, Location");
const etag = created.response.headers.get("ETag") ?? "";

let key = crypto.randomUUID();
const keyed = { params: { path: { user_id: user }, header: { "Idempotency-Key": key } }, body: { title: "Call Bob" } };
const bob = task(await api.POST("/api/{user_id}/tasks", keyed), 201, "create: keyed");
const replayed = await api.POST("/api/{user_id}/tasks", keyed);
const replay = task(replayed, 201, "create: replay");
check(replay.id === bob.id && replayed.response.headers.get("Idempotent-Replayed") === "true", "create: key replays");
const reuse = await api.POST("/api/{user_id}/tasks", { ...keyed, body: { title: "Something else" } });
problem(reuse, 422, "create: the same key for another request is 422");

const listed = await api.GET("/api/{user_id}/tasks", tasks);
check(listed.data?.map((t) => t.id).join() === `${bob.id},${milk.id}`, "list: 200, newest first", listed.response);
const ifNoneMatch = { "If-None-Match": listed.response.headers.get("ETag") ?? "" };
const unchanged = await api.GET("/api/{user_id}/tasks", { params: { ...tasks.params, header: ifNoneMatch } });
check(unchanged.response.status === 304 && unchanged.data === undefined, "list: If-None-Match gives 304");

const fetched = await api.GET("/api/{user_id}/tasks/{id}", one(milk.id));
check(task(fetched, 200, "get").title === "Buy milk" && fetched.response.headers.get("ETag") === etag, "get: 200, ETag");

const ifMatch = { params: { ...one(milk.id).params, header: { "If-Match": etag } } };
const updated = task(
  await api.PUT("/api/{user_id}/tasks/{id}", { ...ifMatch, body: { title: "Buy oat milk", description: null } }),
  200,
  "update",
);
check(updated.title === "Buy oat milk" && updated.description === null, "update: 200 with If-Match");
const stale = await api.PUT("/api/{user_id}/tasks/{id}", { ...ifMatch, body: { completed: true } });
problem(stale, 412, "update: a stale If-Match is 412");
check(stale.response.headers.get("ETag") !== etag, "update: the 412 carries the current ETag");

const complete = "/api/{user_id}/tasks/{id}/complete";
check(task(await api.PATCH(complete, one(milk.id)), 200, "toggle").completed, "complete: no body toggles");
check(!task(await api.PATCH(complete, { ...one(milk.id), body: {} }), 200, "{}").completed, "complete: {} toggles");
for (const attempt of [1, 2]) {
  const set = await api.PATCH(complete, { ...one(milk.id), body: { completed: true } });
  check(task(set, 200, "set").completed, `complete: {completed: true} sets (attempt ${attempt})`);
}
key = crypto.randomUUID();
const keyedToggle = { params: { ...one(bob.id).params, header: { "Idempotency-Key": key } } };
const once = task(await api.PATCH(complete, keyedToggle), 200, "complete: keyed");
const twice = task(await api.PATCH(complete, keyedToggle), 200, "complete: replay");
check(once.completed && twice.completed && twice.updated_at === once.updated_at, "complete: keyed toggle toggles once");

const blank = await api.POST("/api/{user_id}/tasks", { ...tasks, body: { title: " " } });
check(problem(blank, 400, "create: a blank title is 400").errors?.[0]?.field === "title", "create: 400 names the field");
problem(await api.GET("/api/{user_id}/tasks/{id}", one(2 ** 52)), 404, "get: a task that does not exist is 404");
const foreign = { params: { path: { user_id: "someone-else" } } };
problem(await api.GET("/api/{user_id}/tasks", foreign), 403, "list: another user's path is 403");

const current = (await api.GET("/api/{user_id}/tasks/{id}", one(milk.id))).response.headers.get("ETag") ?? "";
const deleted = await api.DELETE("/api/{user_id}/tasks/{id}", {
  params: { ...one(milk.id).params, header: { "If-Match": current } },
});
check(task(deleted, 200, "delete").id === milk.id, "delete: 200 with If-Match, returns the task");
problem(await api.DELETE("/api/{user_id}/tasks/{id}", one(milk.id)), 404, "delete: a second delete is 404");

console.log(`typescript client: ${passed} checks passed`);
