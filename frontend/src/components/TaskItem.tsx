"use client";
import { type FormEvent, useState } from "react";

import type { Task, TaskChanges } from "@/lib/tasks-api";

type Props = {
  task: Task;
  onToggle: () => Promise<void>;
  onSave: (changes: TaskChanges) => Promise<void>;
  onDelete: () => Promise<void>;
};

/** One task: a checkbox for completion, its text, and edit / delete. */
export function TaskItem({ task, onToggle, onSave, onDelete }: Props) {
  const [editing, setEditing] = useState(false);

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const description = String(form.get("description")).trim();
    await onSave({ title: String(form.get("title")), description: description || null });
    setEditing(false);
  }

  if (editing) {
    return (
      <li className="task">
        <form className="edit" onSubmit={save} aria-label={`Edit ${task.title}`}>
          <input name="title" defaultValue={task.title} required maxLength={200} aria-label="Title" />
          <input name="description" defaultValue={task.description ?? ""} maxLength={1000} aria-label="Description" />
          <button type="submit">Save</button>
          <button type="button" className="link" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </form>
      </li>
    );
  }
  return (
    <li className={task.completed ? "task done" : "task"}>
      <input type="checkbox" checked={task.completed} onChange={onToggle} aria-label={`Done: ${task.title}`} />
      <div className="text">
        <span className="title">{task.title}</span>
        {task.description && <span className="muted">{task.description}</span>}
      </div>
      <button className="link" onClick={() => setEditing(true)} aria-label={`Edit ${task.title}`}>
        Edit
      </button>
      <button className="link danger" onClick={onDelete} aria-label={`Delete ${task.title}`}>
        Delete
      </button>
    </li>
  );
}
