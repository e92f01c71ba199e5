"use client";
// Adding tasks. The form empties at once and the task shows as "Saving…", so the next one can be typed straight
// away. Each task carries its own Idempotency-Key from its first attempt to its last: a repeat (after a lost answer,
// an outage, a double submit) gives back the task the first attempt made instead of a second one. An add that
// fails stays on screen with its text; when the server was away it is sent again by itself once it is back.
import { useCallback, useEffect, useRef, useState } from "react";

import { newIdempotencyKey } from "./keys";
import { upsert } from "./task-list";
import { ApiError, type NewTask, tasksApi } from "./tasks-api";
import type { BoardCore } from "./use-task-board";

export type PendingAdd = NewTask & {
  key: string;
  failed?: string; // why the last attempt failed, in words; undefined while an attempt is on its way
  waiting?: boolean; // failed because the server was away: sent again by itself when it is back
};

export function useAdds(core: BoardCore, connected: boolean) {
  const [pending, setPending] = useState<PendingAdd[]>([]);
  const ref = useRef<PendingAdd[]>([]);
  const { commitTasks, fail, hidden, setOutage } = core;

  const update = useCallback((change: (list: PendingAdd[]) => PendingAdd[]) => {
    ref.current = change(ref.current);
    setPending(ref.current);
  }, []);

  const send = useCallback(
    async (add: PendingAdd) => {
      const { key, title, description } = add;
      update((list) => list.map((p) => (p.key === key ? { ...p, failed: undefined, waiting: false } : p)));
      try {
        const { task } = await tasksApi.create({ title, description }, key);
        update((list) => list.filter((p) => p.key !== key));
        if (!hidden.current.has(task.id)) commitTasks((tasks) => upsert(tasks, task));
        setOutage(undefined);
      } catch (error) {
        const refused = error instanceof ApiError ? error : undefined;
        const explained = fail(error);
        const waiting = !!refused?.transient;
        const away =
          refused?.status === 429
            ? "The server asked to slow down"
            : refused?.status === 503
              ? "The server is having trouble"
              : "The server can't be reached";
        const failed = waiting ? `${away}; this task will be saved by itself as soon as it is back.` : explained;
        // 422: the key went with another request before (being random it cannot; if it did, nothing was made).
        const next = refused?.status === 422 ? newIdempotencyKey() : key;
        update((list) => list.map((p) => (p.key === key ? { ...p, key: next, failed, waiting } : p)));
      }
    },
    [commitTasks, fail, hidden, setOutage, update],
  );

  /** Add a task: shown at once; returns at once (the form is free for the next one). */
  const add = useCallback(
    (task: NewTask) => {
      const next = { ...task, key: newIdempotencyKey() };
      update((list) => [next, ...list]);
      void send(next);
    },
    [send, update],
  );

  const retry = useCallback((key: string) => {
    const add = ref.current.find((p) => p.key === key);
    if (add?.failed) void send(add);
  }, [send]);

  const discard = useCallback((key: string) => update((list) => list.filter((p) => p.key !== key)), [update]);

  useEffect(() => {
    // The server is back: send what could not be sent while it was away (the same keys: nothing is made twice).
    if (connected) for (const add of ref.current) if (add.waiting) void send(add);
  }, [connected, send]);

  return { pending, add, retry, discard };
}
