"use client";
// The task page's state and every change to it. Each change shows at once (optimistic) and is undone, with a message
// in plain words, if the API refuses it; what the person typed is kept on every error. Writes to one task are sent one
// after the other (a queue per task), so nothing is ignored and a response never overtakes a later change. Drafts and
// the list live in refs as well as state: an action reads the latest values right after awaiting.
import { type Dispatch, type RefObject, type SetStateAction, useCallback, useEffect, useRef, useState } from "react";

import { normalise, problemWith } from "./limits";
import { explain } from "./messages";
import { upsert } from "./task-list";
import { ApiError, SessionEnded, type Task, tasksApi } from "./tasks-api";
import { useAdds } from "./use-adds";
import { useDeletes } from "./use-deletes";
import { useRetry } from "./use-retry";

export type Draft = {
  title: string;
  description: string;
  base: Task; // the version the person started editing
  etag?: string | null; // its ETag: undefined while being fetched, null when the API sent none
  open: boolean; // false while an optimistic save is on its way (the row already shows the new text)
  error?: string;
  waiting?: boolean; // the error was the server being away: once it is back, say so
  conflict?: { current: Task; etag: string | null }; // changed elsewhere since `base`
  returnFocus: "title" | "edit";
};
/** What the add and delete hooks share with the board. */
export type BoardCore = {
  commitTasks: (change: (tasks: Task[]) => Task[]) => void;
  fail: (error: unknown) => string;
  hidden: RefObject<Set<number>>;
  serial: <T>(id: number, work: () => Promise<T>) => Promise<T>;
  setNotice: Dispatch<SetStateAction<string | undefined>>;
  setOutage: Dispatch<SetStateAction<number | undefined>>;
};

export function useTaskBoard(onSessionEnded: () => void) {
  const sessionEnded = useRef(onSessionEnded); // the latest callback, without making every action depend on it
  useEffect(() => {
    sessionEnded.current = onSessionEnded;
  });
  const [tasks, setTasks] = useState<Task[]>();
  const [drafts, setDrafts] = useState<Record<number, Draft>>({});
  const [saving, setSaving] = useState<ReadonlySet<number>>(new Set());
  const [outage, setOutage] = useState<number>(); // the status of the last request that got no usable answer
  const [notice, setNotice] = useState<string>();
  const tasksRef = useRef<Task[] | undefined>(undefined);
  const draftsRef = useRef<Record<number, Draft>>({});
  const writes = useRef(new Map<number, { last: Promise<unknown>; count: number }>()); // the queue per task
  const hidden = useRef(new Set<number>()); // deleted on screen, waiting for the undo time to pass
  const listEtag = useRef<string | null>(null);
  const bases = useRef(new Map<number, Promise<void>>());

  const commitTasks = useCallback((change: (tasks: Task[]) => Task[]) => {
    // A task deleted on screen stays off it, whatever answer arrives for it later.
    tasksRef.current = change(tasksRef.current ?? []).filter((task) => !hidden.current.has(task.id));
    setTasks(tasksRef.current);
  }, []);
  const updateDraft = useCallback((id: number, change: (draft: Draft) => Draft | undefined) => {
    const { [id]: draft, ...others } = draftsRef.current;
    const next = draft && change(draft);
    draftsRef.current = next ? { ...others, [id]: next } : others;
    setDrafts(draftsRef.current);
  }, []);

  /** Run `work` (a write to task `id`) once the writes before it to that task have answered. */
  const serial = useCallback(<T,>(id: number, work: () => Promise<T>): Promise<T> => {
    const queue = writes.current.get(id) ?? { last: Promise.resolve(), count: 0 };
    const next = queue.last.catch(() => undefined).then(work);
    writes.current.set(id, { last: next, count: queue.count + 1 });
    setSaving(new Set(writes.current.keys()));
    const done = () => {
      const current = writes.current.get(id);
      if (current && current.count > 1) writes.current.set(id, { ...current, count: current.count - 1 });
      else writes.current.delete(id);
      setSaving(new Set(writes.current.keys()));
    };
    next.then(done, done);
    return next;
  }, []);
  /** Resolves once the writes to task `id` sent so far have answered. */
  const settled = (id: number) => writes.current.get(id)?.last.catch(() => undefined);

  /** The failure in words; notes an outage (the page then tries again by itself) or an ended session. */
  const fail = useCallback(
    (error: unknown): string => {
      if (error instanceof SessionEnded) {
        sessionEnded.current();
        return "Your session has ended: sign in again.";
      }
      if (error instanceof ApiError && error.transient) setOutage(error.status);
      return explain(error);
    },
    [],
  );

  const load = useCallback(async () => {
    try {
      const result = await tasksApi.list(tasksRef.current && listEtag.current);
      setOutage(undefined);
      if ("notModified" in result) return;
      listEtag.current = result.etag;
      const local = new Map((tasksRef.current ?? []).map((task) => [task.id, task]));
      commitTasks(() =>
        result.tasks
          .filter((task) => !hidden.current.has(task.id))
          .map((task) => (writes.current.has(task.id) && local.get(task.id)) || task),
      );
    } catch (error) {
      const message = fail(error);
      if (!(error instanceof ApiError && error.transient)) setNotice(`Couldn't load your tasks: ${message}`);
    }
  }, [commitTasks, fail]);

  const retry = useRetry(outage !== undefined, load);

  useEffect(() => {
    void load();
    // Back to a tab left open: pick up changes made elsewhere (cheap: If-None-Match, usually a 304).
    const refresh = () => document.visibilityState === "visible" && void load();
    document.addEventListener("visibilitychange", refresh);
    return () => document.removeEventListener("visibilitychange", refresh);
  }, [load]);

  const toggle = useCallback(
    (task: Task) => {
      const completed = !task.completed; // `task` as shown, so a second click before the first answer flips back
      const set = (value: boolean) => commitTasks((ts) => ts.map((t) => (t.id === task.id ? { ...t, completed: value } : t)));
      setNotice(undefined);
      set(completed);
      return serial(task.id, async () => {
        try {
          const { task: saved, etag } = await tasksApi.setCompleted(task.id, completed);
          commitTasks((ts) => upsert(ts, saved));
          // An editor open on this task began from the version before this change: it only ticked the box, so
          // the editor moves on to the new version (unless the text changed too: then someone else changed it).
          updateDraft(task.id, (d) =>
            d.etag !== undefined && !d.conflict && saved.title === d.base.title && saved.description === d.base.description
              ? { ...d, base: saved, etag }
              : d,
          );
          setOutage(undefined);
        } catch (error) {
          if (error instanceof ApiError && error.status === 404) commitTasks((ts) => ts.filter((t) => t.id !== task.id));
          else set(task.completed);
          setNotice(`Couldn't mark “${task.title}” as ${completed ? "done" : "not done"}. ${fail(error)}`);
        }
      });
    },
    [commitTasks, fail, serial, updateDraft],
  );

  /**
   * Fetch the version being edited (the list carries no per-task ETag), after any write to it still on its way.
   * A version whose text differs from what the editor started with refreshes an untouched editor, or is a conflict.
   */
  const fetchBase = useCallback(
    (id: number, afterWrites = true) => {
      const fetching = Promise.resolve(afterWrites ? settled(id) : undefined)
        .then(() => tasksApi.get(id))
        .then(({ task: fresh, etag }) => {
          updateDraft(id, (draft) => {
            const sameText = fresh.title === draft.base.title && fresh.description === draft.base.description;
            if (sameText) return { ...draft, base: fresh, etag };
            const untouched = draft.title === draft.base.title && draft.description === (draft.base.description ?? "");
            if (untouched) return { ...draft, title: fresh.title, description: fresh.description ?? "", base: fresh, etag };
            return { ...draft, conflict: { current: fresh, etag } };
          });
          if (!writes.current.has(id)) commitTasks((ts) => upsert(ts, fresh));
        });
      bases.current.set(id, fetching.catch(() => undefined)); // a failure is met again, and reported, on save
    },
    [commitTasks, updateDraft],
  );

  const edit = useCallback(
    (task: Task, returnFocus: Draft["returnFocus"]) => {
      if (draftsRef.current[task.id]) return; // already open, or its save is on its way
      const draft = { title: task.title, description: task.description ?? "", base: task, open: true, returnFocus };
      draftsRef.current = { ...draftsRef.current, [task.id]: draft };
      setDrafts(draftsRef.current);
      fetchBase(task.id);
    },
    [fetchBase],
  );

  const changeDraft = useCallback(
    (id: number, fields: Partial<Pick<Draft, "title" | "description">>) => updateDraft(id, (d) => ({ ...d, ...fields })),
    [updateDraft],
  );
  const cancel = useCallback((id: number) => updateDraft(id, () => undefined), [updateDraft]);

  const save = useCallback(
    (id: number) => {
      const draft = draftsRef.current[id];
      if (!draft?.open) return;
      const invalid = problemWith(draft.title, draft.description);
      if (invalid) return updateDraft(id, (d) => ({ ...d, error: invalid.message }));
      const changes = normalise(draft.title, draft.description);
      const before = tasksRef.current?.find((t) => t.id === id);
      updateDraft(id, (d) => ({ ...d, open: false, error: undefined, waiting: false }));
      commitTasks((ts) => ts.map((t) => (t.id === id ? { ...t, ...changes } : t)));
      return serial(id, async () => {
        try {
          if (draftsRef.current[id]?.etag === undefined) {
            await bases.current.get(id);
            if (draftsRef.current[id]?.etag === undefined) fetchBase(id, false); // the first try failed: once more
            await bases.current.get(id);
          }
          const current = draftsRef.current[id];
          if (current?.etag === undefined) throw new ApiError(0);
          if (current.conflict) throw new ApiError(412);
          const { task } = await tasksApi.update(id, changes, current.etag);
          updateDraft(id, () => undefined);
          commitTasks((ts) => upsert(ts, task));
          setOutage(undefined);
        } catch (error) {
          if (before) commitTasks((ts) => ts.map((t) => (t.id === id ? before : t)));
          if (error instanceof ApiError && error.status === 412) {
            const latest = await tasksApi.get(id).catch(() => undefined);
            if (latest) commitTasks((ts) => upsert(ts, latest.task));
            const conflict = (d: Draft) =>
              latest ? { current: latest.task, etag: latest.etag } : (d.conflict ?? { current: d.base, etag: null });
            updateDraft(id, (d) => ({ ...d, open: true, conflict: conflict(d) }));
          } else {
            const gone = error instanceof ApiError && error.status === 404;
            const why = gone ? "This task was deleted elsewhere; your text is still here to copy." : fail(error);
            const waiting = error instanceof ApiError && error.transient;
            updateDraft(id, (d) => ({ ...d, open: true, error: `Couldn't save your changes. ${why}`, waiting }));
          }
        }
      });
    },
    [commitTasks, fail, fetchBase, serial, updateDraft],
  );

  /** After a conflict: show the other version in the editor, or keep the person's text and save over it knowingly. */
  const resolve = useCallback(
    (id: number, choice: "reload" | "keep") =>
      updateDraft(id, (d) => {
        if (!d.conflict) return d;
        const { current, etag } = d.conflict;
        const text = choice === "reload" ? { title: current.title, description: current.description ?? "" } : {};
        return { ...d, ...text, base: current, etag, conflict: undefined, error: undefined };
      }),
    [updateDraft],
  );

  const core: BoardCore = { commitTasks, fail, hidden, serial, setNotice, setOutage };
  const adds = useAdds(core, outage === undefined);
  const deletes = useDeletes(core);

  // Something is on its way to the API (shown as aria-busy; safe to leave the page when it is false).
  const sending = saving.size > 0 || deletes.deleting || adds.pending.some((add) => !add.failed);
  return {
    tasks, drafts, saving, sending, outage, notice, retry, adds, deletes,
    toggle, edit, changeDraft, cancel, save, resolve,
    dismissNotice: () => setNotice(undefined),
  };
}
