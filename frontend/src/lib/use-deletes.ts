"use client";
// Deleting with undo: the task leaves the screen at once and the deletion is sent once the undo time has passed
// (or when the page is left), so Undo brings it back exactly as it was: same id, same place, same state.
// Deletions still in their undo time when the page is left are sent as it goes (keepalive) and noted for the next
// page in this tab (sessionStorage), which hides those tasks and sends them again (a repeat is harmless: 404 = gone).
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";

import { unloadApi, heldToken } from "./api-client";
import { write } from "./task-mutations";
import type { Task } from "./tasks-api";

export const UNDO_SECONDS = 6;
const LEFT_DELETING = "todo:deleting";

export type Undo = { tasks: Task[]; label: string; serial: number };

export function useDeletes() {
  const client = useQueryClient();
  const [undo, setUndo] = useState<Undo>();
  const undoRef = useRef<Undo>(undefined);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const [hidden, setHidden] = useState<ReadonlySet<number>>(new Set()); // off the screen, in their undo time

  /** Send the deletion waiting for its undo time (a mutation each: shown as gone until it is saved). */
  const commit = useCallback(() => {
    const due = undoRef.current;
    clearTimeout(timer.current);
    undoRef.current = undefined;
    setUndo(undefined);
    if (!due) return;
    for (const task of due.tasks) write(client, "remove", { id: task.id }, task.id);
    setHidden((ids) => new Set([...ids].filter((id) => !due.tasks.some((task) => task.id === id))));
  }, [client]);

  const remove = useCallback(
    (victims: Task[], label: string) => {
      if (victims.length === 0) return;
      commit(); // an earlier deletion can no longer be undone
      setHidden((ids) => new Set([...ids, ...victims.map((task) => task.id)]));
      undoRef.current = { tasks: victims, label, serial: Date.now() };
      setUndo(undoRef.current);
      timer.current = setTimeout(commit, UNDO_SECONDS * 1000);
    },
    [commit],
  );

  /** Undo the last deletion; returns the tasks brought back. */
  const restore = useCallback((): Task[] => {
    const due = undoRef.current;
    if (!due) return [];
    clearTimeout(timer.current);
    undoRef.current = undefined;
    setUndo(undefined);
    setHidden((ids) => new Set([...ids].filter((id) => !due.tasks.some((task) => task.id === id))));
    return due.tasks;
  }, []);

  useEffect(() => {
    const leave = () => {
      const waiting = undoRef.current?.tasks.map((task) => task.id) ?? [];
      const userId = heldToken()?.userId;
      if (!waiting.length || !userId) return;
      for (const id of waiting) {
        void unloadApi.DELETE("/api/{user_id}/tasks/{id}", { params: { path: { user_id: userId, id } } }).catch(() => undefined);
      }
      sessionStorage.setItem(LEFT_DELETING, JSON.stringify(waiting));
    };
    const left: number[] = JSON.parse(sessionStorage.getItem(LEFT_DELETING) ?? "[]");
    sessionStorage.removeItem(LEFT_DELETING);
    for (const id of left) write(client, "remove", { id }, id); // shown as gone until the repeat is answered
    window.addEventListener("pagehide", leave);
    return () => window.removeEventListener("pagehide", leave);
  }, [client]);

  return { undo, hidden, remove, restore, flush: commit };
}
