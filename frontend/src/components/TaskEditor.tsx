"use client";
// Editing one task in place: Enter saves, Escape cancels. When the task was changed elsewhere since editing began,
// the API refuses the save (If-Match → 412) and this says so, offering the other version or to keep editing.
import { type FormEvent, type KeyboardEvent, useEffect, useRef } from "react";

import { Field } from "@/components/Field";
import { DESCRIPTION_MAX, TITLE_MAX } from "@/lib/limits";
import type { Draft } from "@/lib/use-task-board";

type Props = {
  id: number;
  draft: Draft;
  onChange: (fields: { title?: string; description?: string }) => void;
  onSave: () => void;
  onCancel: () => void;
  onResolve: (choice: "reload" | "keep") => void;
};

export function TaskEditor({ id, draft, onChange, onSave, onCancel, onResolve }: Props) {
  const titleRef = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  const conflictRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    // Opened (or opened again after a failed save): focus the title, unless the person is busy somewhere else.
    const active = document.activeElement;
    if (!active || active === document.body || active.closest(`#task-${id}`)) {
      titleRef.current?.focus();
      const end = titleRef.current?.value.length ?? 0;
      titleRef.current?.setSelectionRange(end, end);
    }
  }, [id]);

  useEffect(() => {
    if (draft.conflict) conflictRef.current?.focus();
  }, [draft.conflict]);

  function submit(event?: FormEvent) {
    event?.preventDefault();
    onSave();
  }

  function keys(event: KeyboardEvent<HTMLFormElement>) {
    if (event.key === "Escape") {
      event.preventDefault();
      onCancel();
    } else if (event.key === "Enter" && !event.shiftKey && (event.target as HTMLElement).tagName === "TEXTAREA") {
      event.preventDefault(); // Enter saves from the description too; Shift+Enter starts a new line
      submit();
    }
  }

  function choose(choice: "reload" | "keep") {
    onResolve(choice);
    titleRef.current?.focus();
  }

  const { conflict } = draft;
  return (
    <form className="edit" onSubmit={submit} onKeyDown={keys} aria-label={`Edit ${draft.base.title}`} noValidate>
      <Field
        id={`edit-${id}-title`}
        label="Title"
        value={draft.title}
        max={TITLE_MAX}
        onChange={(title) => onChange({ title })}
        inputRef={titleRef}
      />
      <Field
        id={`edit-${id}-description`}
        label="Description"
        value={draft.description}
        max={DESCRIPTION_MAX}
        onChange={(description) => onChange({ description })}
        multiline
      />
      {conflict && (
        <div className="conflict" role="alert" tabIndex={-1} ref={conflictRef}>
          <p>
            <strong>This task was changed somewhere else</strong> (in another tab or on another device) after you
            started editing. It now reads: “{conflict.title}”
            {conflict.description ? ` — ${conflict.description}` : ""}.
          </p>
          <p>Reload it to see that version (your changes here are dropped), or keep editing and save to replace it.</p>
          <div className="actions">
            <button type="button" onClick={() => choose("reload")}>
              Reload the task
            </button>
            <button type="button" className="secondary" onClick={() => choose("keep")}>
              Keep editing
            </button>
          </div>
        </div>
      )}
      {draft.error && (
        <p role="alert" className="error">
          {draft.error}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary">
          Save
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
