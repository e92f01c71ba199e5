"use client";
import { type FormEvent, useCallback, useEffect, useState } from "react";

import { TaskItem } from "@/components/TaskItem";
import { authClient } from "@/lib/auth-client";
import { ApiError, forgetApiToken, type Task, type TaskChanges, tasksApi } from "@/lib/tasks-api";

/** The signed-in user's tasks, newest first (the API's order), with add, edit, toggle and delete. */
export function TaskBoard({ user }: { user: { name: string; email: string } }) {
  const [tasks, setTasks] = useState<Task[]>();
  const [error, setError] = useState<string>();

  // Every change goes to the API first; the list shows what the API answered, so nothing is shown that was not saved.
  const run = useCallback(async (action: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await action();
      setTasks(await tasksApi.list());
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : "The task service cannot be reached; try again.");
    }
  }, []);

  useEffect(() => {
    void run(async () => undefined);
  }, [run]);

  async function add(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const description = String(form.get("description")).trim();
    await run(() => tasksApi.create({ title: String(form.get("title")), description: description || null }));
    formElement.reset();
  }

  async function signOut() {
    forgetApiToken();
    await authClient.signOut();
  }

  return (
    <section>
      <header className="bar">
        <span>
          Signed in as <strong>{user.name}</strong> <span className="muted">({user.email})</span>
        </span>
        <button className="link" onClick={signOut}>
          Sign out
        </button>
      </header>
      <form className="card add" onSubmit={add} aria-label="Add a task">
        <input name="title" placeholder="What needs doing?" required maxLength={200} aria-label="Title" />
        <input name="description" placeholder="Details (optional)" maxLength={1000} aria-label="Description" />
        <button type="submit">Add</button>
      </form>
      {error && <p role="alert" className="error">{error}</p>}
      {tasks === undefined ? (
        <p className="muted">Loading tasks…</p>
      ) : tasks.length === 0 ? (
        <p className="muted empty">No tasks yet.</p>
      ) : (
        <ul className="tasks" aria-label="Tasks">
          {tasks.map((task) => (
            <TaskItem
              key={task.id}
              task={task}
              onToggle={() => run(() => tasksApi.toggle(task.id))}
              onSave={(changes: TaskChanges) => run(() => tasksApi.update(task.id, changes))}
              onDelete={() => run(() => tasksApi.remove(task.id))}
            />
          ))}
        </ul>
      )}
    </section>
  );
}
