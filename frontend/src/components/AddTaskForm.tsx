"use client";
// Adding a task. The text stays in the form until the API has the task: a failed add keeps it, and the same
// Idempotency-Key goes with every attempt at the same text, so pressing Add again (or twice) makes one task.
import { type FormEvent, type KeyboardEvent, useEffect, useRef, useState } from "react";

import { Field } from "@/components/Field";
import { newIdempotencyKey } from "@/lib/keys";
import { DESCRIPTION_MAX, normalise, problemWith, TITLE_MAX } from "@/lib/limits";
import type { NewTask } from "@/lib/tasks-api";
import type { AddResult } from "@/lib/use-task-board";

type Props = { onAdd: (task: NewTask, key: string) => Promise<AddResult>; connected: boolean };
type Failure = { field?: "title" | "description"; message: string; offline?: boolean };

export function AddTaskForm({ onAdd, connected }: Props) {
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure>();
  const busyRef = useRef(false); // state changes land on the next render; a double click arrives before that
  const attempt = useRef<{ key: string } & NewTask>(undefined);
  const titleRef = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  const descriptionRef = useRef<HTMLInputElement & HTMLTextAreaElement>(null);

  useEffect(() => {
    // Just signed in, or the page opened: ready to type the first task (unless focus is already somewhere).
    if (!document.activeElement || document.activeElement === document.body) titleRef.current?.focus();
  }, []);

  useEffect(() => {
    // The server is back: say so where the person is looking, instead of a stale "can't reach the server".
    if (connected) setFailure((f) => (f?.offline ? { message: "Connected again: press Add to save your task." } : f));
  }, [connected]);

  async function submit(event?: FormEvent) {
    event?.preventDefault();
    if (busyRef.current) return;
    const invalid = problemWith(title, description);
    if (invalid) {
      setFailure(invalid);
      (invalid.field === "title" ? titleRef : descriptionRef).current?.focus();
      return;
    }
    const task = normalise(title, description);
    if (attempt.current?.title !== task.title || attempt.current?.description !== task.description) {
      attempt.current = { key: newIdempotencyKey(), ...task }; // another task than last time: another key
    }
    busyRef.current = true;
    setBusy(true);
    setFailure(undefined);
    let result = await onAdd(task, attempt.current.key);
    if (result.newKey) {
      attempt.current = { ...attempt.current, key: newIdempotencyKey() };
      result = await onAdd(task, attempt.current.key);
    }
    busyRef.current = false;
    setBusy(false);
    if (result.message) {
      setFailure({
        message: `Your task isn't saved yet. ${result.message} Your text is kept: press Add to try again (it will never be added twice).`,
        offline: result.offline,
      });
      return;
    }
    attempt.current = undefined;
    setTitle("");
    setDescription("");
    titleRef.current?.focus();
  }

  function enterSubmits(event: KeyboardEvent<HTMLInputElement | HTMLTextAreaElement>) {
    if (event.key === "Enter" && !event.shiftKey && event.currentTarget.tagName === "TEXTAREA") {
      event.preventDefault();
      void submit();
    }
  }

  return (
    <form className="card add" onSubmit={submit} aria-label="Add a task" aria-busy={busy} noValidate>
      <Field
        id="add-title"
        label="Title"
        value={title}
        max={TITLE_MAX}
        onChange={setTitle}
        placeholder="What needs doing?"
        readOnly={busy}
        invalid={failure?.field === "title"}
        inputRef={titleRef}
      />
      <Field
        id="add-description"
        label="Description"
        value={description}
        max={DESCRIPTION_MAX}
        onChange={setDescription}
        placeholder="Details (optional)"
        multiline
        readOnly={busy}
        invalid={failure?.field === "description"}
        inputRef={descriptionRef}
        onKeyDown={enterSubmits}
      />
      <button type="submit" className="primary" aria-disabled={busy || undefined}>
        {busy ? "Adding…" : "Add"}
      </button>
      {failure && (
        <p role="alert" className="error wide">
          {failure.message}
        </p>
      )}
    </form>
  );
}
