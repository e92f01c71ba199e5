"use client";
// The task page's state and every change to it. Each change shows at once (optimistic) and is undone, with a message
// in plain words, if the API refuses it; what the person typed is kept on every error. One write at a time per task,
// so a rollback never undoes a later change. Drafts and the list live in refs as well as state: an action reads the
// latest values right after awaiting, which React state would give only on the next render.
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
  savingRef: RefObject<Set<number>>;
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
  const savingRef = useRef(new Set<number>());
  const hidden = useRef(new Set<number>()); // deleted on screen, waiting for the undo time to pass
  const listEtag = useRef<string | null>(null);
  const bases = useRef(new Map<number, Promise<void>>());

  const commitTasks = useCallback((change: (tasks: Task[]) => Task[]) => {
    tasksRef.current = change(tasksRef.current ?? []);
    setTasks(tasksRef.current);
  }, []);
  const updateDraft = useCallback((id: number, change: (draft: Draft) => Draft | undefined) => {
    const { [id]: draft, ...others } = draftsRef.current;
    const next = draft && change(draft);
    draftsRef.current = next ? { ...others, [id]: next } : others;
    setDrafts(draftsRef.current);
  }, []);
  const busy = useCallback((id: number, on: boolean) => {
    if (on) savingRef.current.add(id);
    else savingRef.current.delete(id);
    setSaving(new Set(savingRef.current));
  }, []);

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
          .map((task) => (savingRef.current.has(task.id) && local.get(task.id)) || task),
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
    async (task: Task) => {
      if (savingRef.current.has(task.id)) return;
      const completed = !task.completed;
      const set = (value: boolean) => commitTasks((ts) => ts.map((t) => (t.id === task.id ? { ...t, completed: value } : t)));
      busy(task.id, true);
      setNotice(undefined);
      set(completed);
      try {
        const { task: saved } = await tasksApi.setCompleted(task.id, completed);
        commitTasks((ts) => upsert(ts, saved));
        setOutage(undefined);
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) commitTasks((ts) => ts.filter((t) => t.id !== task.id));
        else set(task.completed);
        setNotice(`Couldn't mark “${task.title}” as ${completed ? "done" : "not done"}. ${fail(error)}`);
      } finally {
        busy(task.id, false);
      }
    },
    [busy, commitTasks, fail],
  );

  /** Fetch the version being edited (the list carries no per-task ETag); a newer one than shown is a conflict. */
  const fetchBase = useCallback(
    (id: number) => {
      const fetching = tasksApi.get(id).then(({ task: fresh, etag }) => {
        updateDraft(id, (draft) => {
          if (fresh.updated_at === draft.base.updated_at) return { ...draft, etag };
          const untouched = draft.title === draft.base.title && draft.description === (draft.base.description ?? "");
          if (untouched) return { ...draft, title: fresh.title, description: fresh.description ?? "", base: fresh, etag };
          return { ...draft, conflict: { current: fresh, etag } };
        });
        if (!savingRef.current.has(id)) commitTasks((ts) => upsert(ts, fresh));
      });
      bases.current.set(id, fetching.catch(() => undefined)); // a failure is met again, and reported, on save
    },
    [commitTasks, updateDraft],
  );

  const edit = useCallback(
    (task: Task, returnFocus: Draft["returnFocus"]) => {
      if (savingRef.current.has(task.id) || draftsRef.current[task.id]) return;
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
    async (id: number) => {
      const draft = draftsRef.current[id];
      if (!draft || savingRef.current.has(id)) return;
      const invalid = problemWith(draft.title, draft.description);
      if (invalid) return updateDraft(id, (d) => ({ ...d, error: invalid.message }));
      const changes = normalise(draft.title, draft.description);
      const before = tasksRef.current?.find((t) => t.id === id);
      busy(id, true);
      updateDraft(id, (d) => ({ ...d, open: false, error: undefined, waiting: false }));
      commitTasks((ts) => ts.map((t) => (t.id === id ? { ...t, ...changes } : t)));
      try {
        if (draftsRef.current[id]?.etag === undefined) {
          await bases.current.get(id);
          if (draftsRef.current[id]?.etag === undefined) fetchBase(id); // the first try failed: once more, now
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
          const conflict = (d: Draft) => (latest ? { current: latest.task, etag: latest.etag } : (d.conflict ?? { current: d.base, etag: null }));
          updateDraft(id, (d) => ({ ...d, open: true, conflict: conflict(d) }));
        } else {
          const gone = error instanceof ApiError && error.status === 404;
          const why = gone ? "This task was deleted elsewhere; your text is still here to copy." : fail(error);
          const waiting = error instanceof ApiError && error.transient;
          updateDraft(id, (d) => ({ ...d, open: true, error: `Couldn't save your changes. ${why}`, waiting }));
        }
      } finally {
        busy(id, false);
      }
    },
    [busy, commitTasks, fail, fetchBase, updateDraft],
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

  const core: BoardCore = { commitTasks, fail, hidden, savingRef, setNotice, setOutage };
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
