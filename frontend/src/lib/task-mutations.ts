// Every write to the tasks as a TanStack Query mutation, registered as defaults by key so that writes saved with the
// page (paused during an outage, persisted across a reload) find their function again when they resume.
// What the page shows is the server's list with the writes still pending laid over it (`overlay`): a list answer,
// late or refetched on focus, can never hide a change that is not yet saved. A write that lands cancels any list
// request still on its way (it may predate the write) and puts the saved task into the list itself.
import { type Mutation, MutationObserver, type QueryClient, useMutationState } from "@tanstack/react-query";

import { ApiError } from "./api-client";
import { reportFailure } from "./connection";
import { upsert } from "./task-list";
import { type NewTask, type Task, tasksApi } from "./tasks-api";

export const LIST = ["tasks"] as const;
export const KEYS = { add: ["add"], edit: ["edit"], toggle: ["toggle"], remove: ["delete"] } as const;
export type Kind = keyof typeof KEYS;

export type AddVars = { key: string; task: NewTask }; // key: the Idempotency-Key, the same for every attempt
// base: the task as shown when editing began; its etag is sent as If-Match
export type EditVars = { id: number; changes: { title: string; description: string | null }; base: Task };
export type ToggleVars = { id: number; completed: boolean; from: Task }; // from: the task as shown (its etag, text)
export type DeleteVars = { id: number };
type Vars = { add: AddVars; edit: EditVars; toggle: ToggleVars; remove: DeleteVars };

/** A 412 whose task does not read what was sent: changed elsewhere since it was shown. */
export class Conflict extends ApiError {
  constructor(readonly latest: Task) {
    super(412);
  }
}

// Versions this tab made itself (an edit, or a tick that left the text as shown): an edit begun on the version
// before, and queued behind that write, sends the newer one, so a tab never conflicts with its own changes.
const ownVersions = new Map<string, string>();
const newestOwn = (etag: string) => {
  for (let seen = 0; ownVersions.has(etag) && seen < 100; seen++) etag = ownVersions.get(etag)!;
  return etag;
};

async function saveEdit({ id, changes, base }: EditVars): Promise<Task> {
  try {
    return await tasksApi.update(id, changes, newestOwn(base.etag));
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 412)) throw error;
    // Resent after a reload cut off its answer, this very save may already be there: then it is saved, no conflict.
    const latest = await tasksApi.get(id);
    if (latest.title === changes.title && (latest.description ?? null) === changes.description) return latest;
    throw new Conflict(latest);
  }
}

/** Registers every write's function and effects on `client` (before persisted writes are restored into it). */
export function registerTaskMutations(client: QueryClient) {
  const cancelList = () => client.cancelQueries({ queryKey: LIST });
  /** The write is saved: drop list answers that may predate it, then show what the server answered. */
  const landed = async (change: (tasks: Task[]) => Task[]) => {
    await cancelList();
    if (client.getQueryData(LIST)) client.setQueryData<Task[]>(LIST, (tasks) => tasks && change(tasks));
    else void client.refetchQueries({ queryKey: LIST }); // the first list was cancelled: ask again (it has this write)
  };
  // An outage pauses the write (see connection.ts) instead of failing it; anything else fails it at once.
  const common = { retry: (_: number, error: unknown) => reportFailure(error), retryDelay: 0, onMutate: cancelList };
  client.setMutationDefaults<Task, unknown, AddVars>(KEYS.add, {
    ...common,
    mutationFn: ({ task, key }) => tasksApi.create(task, key),
    onSuccess: (task) => landed((tasks) => upsert(tasks, task)),
  });
  client.setMutationDefaults<Task, unknown, EditVars>(KEYS.edit, {
    ...common,
    mutationFn: saveEdit,
    onSuccess: (task, { base }) => {
      ownVersions.set(newestOwn(base.etag), task.etag);
      return landed((tasks) => upsert(tasks, task));
    },
  });
  client.setMutationDefaults<Task, unknown, ToggleVars>(KEYS.toggle, {
    ...common,
    mutationFn: ({ id, completed }) => tasksApi.setCompleted(id, completed),
    onSuccess: (task, { from }) => {
      // Only when the text is still what was shown: a text changed elsewhere meanwhile must still conflict.
      if (task.title === from.title && task.description === from.description) ownVersions.set(from.etag, task.etag);
      return landed((tasks) => upsert(tasks, task));
    },
  });
  client.setMutationDefaults<void, unknown, DeleteVars>(KEYS.remove, {
    ...common,
    mutationFn: ({ id }) => tasksApi.remove(id),
    onSuccess: (_, { id }) => landed((tasks) => tasks.filter((task) => task.id !== id)),
  });
}

/** Start a write. Writes to one task run one after the other (one scope per task), in the order they were made. */
export function write<K extends Kind>(client: QueryClient, kind: K, variables: Vars[K], task?: number) {
  const scope = { id: task === undefined ? `add-${(variables as AddVars).key}` : `task-${task}` };
  void new MutationObserver(client, { mutationKey: KEYS[kind], scope }).mutate(variables as never).catch(() => undefined);
}

export type Pending = { id: number; kind: Kind; variables: Vars[Kind]; paused: boolean; status: string; error: unknown };

const kindOf = (mutation: Pick<Mutation, "options">) =>
  (Object.keys(KEYS) as Kind[]).find((kind) => KEYS[kind][0] === mutation.options.mutationKey?.[0]);

/** The writes not yet saved (and the adds that failed, kept on screen with their text), oldest first. */
export function useWrites(): Pending[] {
  return useMutationState({
    filters: { predicate: (m) => m.state.status === "pending" || (m.state.status === "error" && kindOf(m) === "add") },
    select: (m) => ({
      id: m.mutationId,
      kind: kindOf(m)!,
      variables: m.state.variables as Vars[Kind],
      paused: m.state.isPaused,
      status: m.state.status,
      error: m.state.error,
    }),
  });
}

/** The server's list as it will be once the pending writes are saved. */
export function overlay(tasks: Task[], writes: Pending[]): Task[] {
  let shown = tasks;
  for (const { kind, variables, status } of writes) {
    if (status !== "pending") continue;
    if (kind === "edit") {
      const { id, changes } = variables as EditVars;
      shown = shown.map((task) => (task.id === id ? { ...task, ...changes } : task));
    } else if (kind === "toggle") {
      const { id, completed } = variables as ToggleVars;
      shown = shown.map((task) => (task.id === id ? { ...task, completed } : task));
    } else if (kind === "remove") {
      shown = shown.filter((task) => task.id !== (variables as DeleteVars).id);
    }
  }
  return shown;
}
