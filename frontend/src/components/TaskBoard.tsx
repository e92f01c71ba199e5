"use client";
// The signed-in user's tasks: add, toggle, edit, delete with undo, filters, and the server's state when it is away.
// After every action focus goes somewhere sensible: the next task when one disappears, back where editing began.
import { useQueryClient } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import { useCallback, useEffect, useState } from "react";

import { AddTaskForm } from "@/components/AddTaskForm";
import { PendingTask } from "@/components/PendingTask";
import { ServerProblem } from "@/components/ServerProblem";
import { TaskFooter } from "@/components/TaskFooter";
import { TaskItem } from "@/components/TaskItem";
import { UndoToast } from "@/components/UndoToast";
import { authClient } from "@/lib/auth-client";
import { forgetApiToken } from "@/lib/api-client";
import { forgetUnsent } from "@/lib/query-client";
import { filterOf, matches } from "@/lib/task-list";
import type { Task } from "@/lib/tasks-api";
import { useTaskBoard } from "@/lib/use-task-board";

type Props = { user: { id: string; name: string; email: string }; onSessionEnded: () => void };

const EMPTY = {
  all: "No tasks yet. Add your first one above.",
  active: "Nothing left to do.",
  completed: "No completed tasks yet.",
};

export function TaskBoard({ user, onSessionEnded }: Props) {
  const board = useTaskBoard(onSessionEnded);
  const client = useQueryClient();
  const filter = filterOf(useSearchParams().get("filter"));
  const [focusTarget, setFocusTarget] = useState<string>();

  useEffect(() => {
    // One-shot: the element exists in the render that follows the action that asked for it.
    if (!focusTarget) return;
    document.getElementById(focusTarget)?.focus();
    setFocusTarget(undefined);
  }, [focusTarget]);

  const visible = (board.tasks ?? []).filter((task) => matches(task, filter));
  const adding = filter === "completed" ? [] : board.adds; // tasks on their way to the API

  /** The neighbour that takes focus when `gone` leaves the visible list (the next one, else the one before). */
  const neighbour = useCallback(
    (gone: Task[], part: "toggle" | "delete") => {
      const ids = new Set(gone.map((task) => task.id));
      const index = visible.findIndex((task) => ids.has(task.id));
      const rest = visible.filter((task) => !ids.has(task.id));
      const next = rest[Math.min(Math.max(index, 0), rest.length - 1)];
      return next ? `task-${next.id}-${part}` : "add-title";
    },
    [visible],
  );

  function toggle(task: Task) {
    if (!matches({ ...task, completed: !task.completed }, filter)) setFocusTarget(neighbour([task], "toggle"));
    board.toggle(task);
  }

  function remove(task: Task) {
    setFocusTarget(neighbour([task], "delete"));
    board.deletes.remove([task], `“${task.title}”`);
  }

  function clearCompleted() {
    const done = (board.tasks ?? []).filter((task) => task.completed);
    setFocusTarget("add-title");
    board.deletes.remove(done, done.length === 1 ? `“${done[0].title}”` : `${done.length} completed tasks`);
  }

  function undo() {
    const back = board.deletes.restore();
    if (back[0]) setFocusTarget(`task-${back[0].id}-title`);
  }

  function close(id: number, action: () => unknown) {
    const from = board.drafts[id]?.returnFocus ?? "title";
    void action();
    setFocusTarget(`task-${id}-${from}`);
  }

  async function signOut() {
    board.deletes.flush();
    forgetUnsent(user.id, client);
    forgetApiToken();
    await authClient.signOut();
  }

  const { tasks, outage, retry } = board;
  const problem = outage !== undefined && (
    <ServerProblem status={outage} secondsLeft={retry.secondsLeft} trying={retry.trying} onRetry={retry.tryNow} compact={!!tasks} />
  );
  return (
    <section aria-label="Your tasks" aria-busy={board.sending}>
      <header className="bar">
        <p className="who">
          Signed in as <strong>{user.name}</strong>
          <span className="muted email">{user.email}</span>
        </p>
        <button type="button" className="quiet" onClick={signOut}>
          Sign out
        </button>
      </header>
      <AddTaskForm onAdd={board.add} />
      {board.notice && (
        <div className="notice" role="alert">
          <p>{board.notice}</p>
          <button type="button" className="quiet" onClick={board.dismissNotice}>
            Dismiss
          </button>
        </div>
      )}
      {problem}
      {tasks === undefined && !problem && <p className="muted loading">Loading your tasks…</p>}
      {tasks === undefined && board.saving.size > 0 && (
        <p className="muted kept">
          Changes to {board.saving.size === 1 ? "1 task are" : `${board.saving.size} tasks are`} kept in this browser and
          will be saved by themselves as soon as the server is back.
        </p>
      )}
      {visible.length > 0 || adding.length > 0 ? (
        <ul className="tasks" aria-label="Tasks">
          {adding.map((add) => (
            <PendingTask
              key={add.id}
              add={add}
              outage={outage}
              onRetry={() => board.retryAdd(add.id)}
              onDiscard={() => {
                setFocusTarget("add-title");
                board.discard(add.id);
              }}
            />
          ))}
          {visible.map((task) => (
            <TaskItem
              key={task.id}
              task={task}
              draft={board.drafts[task.id]}
              saving={board.saving.has(task.id)}
              waiting={board.waiting.has(task.id)}
              onToggle={() => toggle(task)}
              onEdit={(from) => board.edit(task, from)}
              onDelete={() => remove(task)}
              onChange={(fields) => board.changeDraft(task.id, fields)}
              onSave={() => close(task.id, () => board.save(task.id))}
              onCancel={() => close(task.id, () => board.cancel(task.id))}
              onResolve={(choice) => board.resolve(task.id, choice)}
            />
          ))}
        </ul>
      ) : null}
      {tasks && visible.length === 0 && adding.length === 0 && <p className="muted empty">{EMPTY[filter]}</p>}
      {tasks && tasks.length > 0 && <TaskFooter tasks={tasks} filter={filter} onClearCompleted={clearCompleted} />}
      <span id="edit-hint" className="sr-only">
        Double-click, or press Enter, to edit.
      </span>
      <UndoToast undo={board.deletes.undo} onUndo={undo} />
    </section>
  );
}
