"use client";
// Deleting with undo: the task leaves the screen at once and the deletion is sent once the undo time has passed
// (or when the page is left), so Undo brings it back exactly as it was: same id, same place, same state.
// Deletions not yet answered when the page is left are noted for the next page in this tab (sessionStorage).
import { useCallback, useEffect, useRef, useState } from "react";

import { sorted, upsert } from "./task-list";
import { type Task, tasksApi } from "./tasks-api";
import type { BoardCore } from "./use-task-board";

export const UNDO_SECONDS = 6;
const LEFT_DELETING = "todo:deleting"; // sessionStorage: deletions still in their undo time when the page was left

export type Undo = { tasks: Task[]; label: string; serial: number };

export function useDeletes(core: BoardCore) {
  const [undo, setUndo] = useState<Undo>();
  const undoRef = useRef<Undo>(undefined);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const sending = useRef(new Set<number>()); // deletions sent, not yet answered
  const [deleting, setDeleting] = useState(0); // how many of them (the page shows it is busy)
  const { commitTasks, fail, hidden, serial, setNotice } = core;

  /** Delete for real; a refusal brings the task back with a message. Returns when every deletion has answered. */
  const commit = useCallback(async () => {
    const due = undoRef.current;
    clearTimeout(timer.current);
    undoRef.current = undefined;
    setUndo(undefined);
    if (!due) return;
    await Promise.all(
      due.tasks.map(async (task) => {
        sending.current.add(task.id);
        setDeleting(sending.current.size);
        try {
          // After any write to it still on its way; it stays hidden: a list fetched just before could still hold it.
          await serial(task.id, () => tasksApi.remove(task.id));
        } catch (error) {
          hidden.current.delete(task.id);
          commitTasks((tasks) => upsert(tasks, task));
          setNotice(`Couldn't delete “${task.title}”, so it is back. ${fail(error)}`);
        } finally {
          sending.current.delete(task.id);
          setDeleting(sending.current.size);
        }
      }),
    );
  }, [commitTasks, fail, hidden, serial, setNotice]);

  const remove = useCallback(
    (victims: Task[], label: string) => {
      if (victims.length === 0) return;
      void commit(); // an earlier deletion can no longer be undone
      for (const task of victims) hidden.current.add(task.id);
      commitTasks((tasks) => tasks.filter((t) => !hidden.current.has(t.id)));
      undoRef.current = { tasks: victims, label, serial: Date.now() };
      setUndo(undoRef.current);
      timer.current = setTimeout(commit, UNDO_SECONDS * 1000);
    },
    [commit, commitTasks, hidden],
  );

  /** Undo the last deletion; returns the tasks brought back. */
  const restore = useCallback((): Task[] => {
    const due = undoRef.current;
    if (!due) return [];
    clearTimeout(timer.current);
    undoRef.current = undefined;
    setUndo(undefined);
    for (const task of due.tasks) hidden.current.delete(task.id);
    commitTasks((tasks) => sorted([...tasks, ...due.tasks]));
    return due.tasks;
  }, [commitTasks, hidden]);

  useEffect(() => {
    // Leaving (or reloading) within the undo time: the deletion still happens. It is sent as the page goes, and noted
    // for the next page in this tab, which hides those tasks and sends it again (a repeat is harmless: 404 = gone),
    // so a reload never shows a deleted task because its list request overtook the deletion.
    const leave = () => {
      const waiting = undoRef.current?.tasks.map((task) => task.id) ?? [];
      tasksApi.removeOnUnload(waiting);
      const ids = [...waiting, ...sending.current];
      if (ids.length) sessionStorage.setItem(LEFT_DELETING, JSON.stringify(ids));
    };
    const left: number[] = JSON.parse(sessionStorage.getItem(LEFT_DELETING) ?? "[]");
    sessionStorage.removeItem(LEFT_DELETING);
    for (const id of left) {
      hidden.current.add(id); // for good: a list fetched before this deletion could still hold it
      tasksApi.remove(id).catch(() => undefined);
    }
    window.addEventListener("pagehide", leave);
    return () => window.removeEventListener("pagehide", leave);
  }, [hidden]);

  return { undo, remove, restore, flush: commit, deleting: deleting > 0 };
}
