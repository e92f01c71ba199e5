"use client";
// The task page's state: the list (a query), the writes still pending laid over it, the open editors, and what to
// say when something fails. Writes themselves live in task-mutations.ts; a failed one is turned into words here
// (a conflict or a refusal re-opens the editor with the text the person typed), also for writes that resumed after
// a reload.
import { useMutationState, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";

import { ApiError, SessionEnded } from "./api-client";
import { useOutage } from "./connection";
import { newIdempotencyKey } from "./keys";
import { normalise, problemWith } from "./limits";
import { explain } from "./messages";
import { Conflict, type EditVars, KEYS, LIST, overlay, type ToggleVars, useWrites, write } from "./task-mutations";
import type { NewTask, Task } from "./tasks-api";
import { useDeletes } from "./use-deletes";
import { useRetry } from "./use-retry";

export type Draft = {
  title: string;
  description: string;
  base: Task; // the version shown when editing began: its etag goes out as If-Match
  error?: string;
  conflict?: Task; // the version saved elsewhere since `base`
  returnFocus: "title" | "edit";
};

export function useTaskBoard(onSessionEnded: () => void) {
  const client = useQueryClient();
  const list = useQuery<Task[]>({ queryKey: LIST });
  const writes = useWrites();
  const deletes = useDeletes();
  const outage = useOutage();
  const [drafts, setDrafts] = useState<Record<number, Draft>>({});
  const [notice, setNotice] = useState<string>();
  const sessionEnded = useRef(onSessionEnded);
  useEffect(() => {
    sessionEnded.current = onSessionEnded;
  });

  const tasks = useMemo(
    () => list.data && overlay(list.data, writes).filter((task) => !deletes.hidden.has(task.id)),
    [list.data, writes, deletes.hidden],
  );
  const pendingFor = (test: (w: (typeof writes)[number]) => boolean) =>
    new Set(writes.filter((w) => w.kind !== "add" && w.status === "pending" && test(w)).map((w) => (w.variables as { id: number }).id));
  const saving = pendingFor(() => true);
  const waiting = pendingFor((w) => w.paused);

  useEffect(() => {
    if (list.error instanceof SessionEnded) sessionEnded.current();
    else if (list.error && !(list.error instanceof ApiError && list.error.transient)) {
      setNotice(`Couldn't load your tasks: ${explain(list.error)}`);
    }
  }, [list.error]);

  // A write that failed (now, or after resuming on a reload) comes back to the person here, once.
  const failed = useMutationState({
    filters: { status: "error", predicate: (m) => m.options.mutationKey?.[0] !== KEYS.add[0] },
    select: (m) => m,
  });
  useEffect(() => {
    const cache = client.getMutationCache();
    for (const mutation of failed) {
      if (!cache.getAll().some((m) => m === mutation)) continue; // already handled (effects can run twice)
      cache.remove(mutation);
      const error = mutation.state.error;
      if (error instanceof SessionEnded) {
        sessionEnded.current();
        continue;
      }
      const kind = mutation.options.mutationKey?.[0];
      if (kind === KEYS.edit[0]) reopen(mutation.state.variables as EditVars, error);
      else if (kind === KEYS.toggle[0]) {
        const { from, completed } = mutation.state.variables as ToggleVars;
        setNotice(`Couldn't mark “${from.title}” as ${completed ? "done" : "not done"}. ${explain(error)}`);
      } else setNotice(`Couldn't delete a task, so it is back. ${explain(error)}`);
    }
    function reopen({ id, changes, base }: EditVars, error: unknown) {
      const text = { title: changes.title, description: changes.description ?? "" };
      setDrafts((all) => {
        if (error instanceof Conflict) {
          client.setQueryData<Task[]>(LIST, (ts) => ts?.map((t) => (t.id === id ? error.latest : t)));
          return { ...all, [id]: { ...text, base, conflict: error.latest, returnFocus: all[id]?.returnFocus ?? "title" } };
        }
        const gone = error instanceof ApiError && error.status === 404;
        const why = gone ? "This task was deleted elsewhere; your text is still here to copy." : explain(error);
        return { ...all, [id]: { ...text, base, error: `Couldn't save your changes. ${why}`, returnFocus: "title" } };
      });
    }
  }, [failed, client]);

  const retry = useRetry(outage !== undefined, () => list.refetch());

  const add = useCallback((task: NewTask) => write(client, "add", { key: newIdempotencyKey(), task }), [client]);

  const toggle = useCallback(
    (task: Task) => {
      setNotice(undefined);
      write(client, "toggle", { id: task.id, completed: !task.completed, from: task }, task.id);
    },
    [client],
  );

  const edit = useCallback((task: Task, returnFocus: Draft["returnFocus"]) => {
    setDrafts((all) => (all[task.id] ? all : { ...all, [task.id]: { title: task.title, description: task.description ?? "", base: task, returnFocus } }));
  }, []);

  const changeDraft = useCallback(
    (id: number, fields: Partial<Pick<Draft, "title" | "description">>) =>
      setDrafts((all) => (all[id] ? { ...all, [id]: { ...all[id], ...fields } } : all)),
    [],
  );
  const cancel = useCallback((id: number) => setDrafts(({ [id]: _, ...others }) => others), []);

  const save = useCallback(
    (id: number) => {
      const draft = drafts[id];
      if (!draft) return;
      const invalid = problemWith(draft.title, draft.description);
      if (invalid) return setDrafts((all) => ({ ...all, [id]: { ...draft, error: invalid.message } }));
      if (draft.conflict) return setDrafts((all) => ({ ...all, [id]: { ...draft, error: undefined } })); // choose first
      write(client, "edit", { id, changes: normalise(draft.title, draft.description), base: draft.base }, id);
      cancel(id); // the row shows the new text at once, "Saving…" until the API has it
    },
    [cancel, client, drafts],
  );

  /** After a conflict: show the other version in the editor, or keep the person's text and save over it knowingly. */
  const resolve = useCallback(
    (id: number, choice: "reload" | "keep") =>
      setDrafts((all) => {
        const draft = all[id];
        if (!draft?.conflict) return all;
        const current = draft.conflict;
        const text = choice === "reload" ? { title: current.title, description: current.description ?? "" } : {};
        return { ...all, [id]: { ...draft, ...text, base: current, conflict: undefined, error: undefined } };
      }),
    [],
  );

  const adds = useMemo(() => writes.filter((w) => w.kind === "add"), [writes]);
  const discard = useCallback(
    (mutationId: number) => {
      const cache = client.getMutationCache();
      const mutation = cache.getAll().find((m) => m.mutationId === mutationId);
      if (mutation) cache.remove(mutation);
    },
    [client],
  );
  const retryAdd = useCallback(
    (mutationId: number) => {
      const failedAdd = adds.find((w) => w.id === mutationId && w.status === "error");
      if (!failedAdd) return void retry.tryNow(); // waiting for the server: try it now
      discard(mutationId);
      write(client, "add", failedAdd.variables as Parameters<typeof write<"add">>[2]);
    },
    [adds, client, discard, retry],
  );

  // Something is on its way to the API (aria-busy; safe to leave the page when false). Paused writes are kept.
  const sending = writes.some((w) => w.status === "pending" && !w.paused);
  return {
    tasks, drafts, saving, waiting, sending, outage, notice, retry, deletes,
    adds, add, retryAdd, discard,
    toggle, edit, changeDraft, cancel, save, resolve,
    dismissNotice: () => setNotice(undefined),
  };
}
