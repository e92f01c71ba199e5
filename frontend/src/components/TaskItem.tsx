"use client";
// One task: a checkbox for completion, its text (double-click it, or press Enter on it, to edit), Edit and Delete.
// While a change to it is on its way the row says "Saving…" (or, while the server is away, that it will be saved by
// itself); further changes queue behind it (one mutation scope per task, see task-mutations.ts).
import type { KeyboardEvent } from "react";

import { TaskEditor } from "@/components/TaskEditor";
import type { Task } from "@/lib/tasks-api";
import type { Draft } from "@/lib/use-task-board";

type Props = {
  task: Task;
  draft?: Draft;
  saving: boolean;
  waiting: boolean;
  onToggle: () => void;
  onEdit: (from: Draft["returnFocus"]) => void;
  onDelete: () => void;
  onChange: (fields: { title?: string; description?: string }) => void;
  onSave: () => void;
  onCancel: () => void;
  onResolve: (choice: "reload" | "keep") => void;
};

export function TaskItem({ task, draft, saving, waiting, onToggle, onEdit, onDelete, ...editor }: Props) {
  const id = `task-${task.id}`;
  if (draft) {
    return (
      <li className="task editing" id={id}>
        <TaskEditor id={task.id} draft={draft} {...editor} />
      </li>
    );
  }
  function titleKeys(event: KeyboardEvent) {
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      onEdit("title");
    }
  }
  return (
    <li className={task.completed ? "task done" : "task"} id={id} aria-busy={saving || undefined}>
      <label className="check">
        <input
          id={`${id}-toggle`}
          type="checkbox"
          checked={task.completed}
          onChange={onToggle}
          aria-label={`Done: ${task.title}`}
        />
      </label>
      <div className="text">
        <span
          id={`${id}-title`}
          className="title"
          role="button"
          tabIndex={0}
          aria-describedby="edit-hint"
          onDoubleClick={() => onEdit("title")}
          onKeyDown={titleKeys}
        >
          {task.title}
        </span>
        {task.description && <span className="description">{task.description}</span>}
        {waiting ? (
          <span className="saving">Not saved yet: it will be saved by itself when the server is back.</span>
        ) : (
          saving && <span className="saving">Saving…</span>
        )}
      </div>
      <div className="row-actions">
        <button
          id={`${id}-edit`}
          type="button"
          className="quiet"
          onClick={() => onEdit("edit")}
          aria-label={`Edit ${task.title}`}
        >
          Edit
        </button>
        <button
          id={`${id}-delete`}
          type="button"
          className="quiet danger"
          onClick={onDelete}
          aria-label={`Delete ${task.title}`}
        >
          Delete
        </button>
      </div>
    </li>
  );
}
