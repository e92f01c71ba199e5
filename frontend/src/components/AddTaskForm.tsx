"use client";
// Adding a task: checked here first (in words, nothing cut), then handed to the list, which shows it at once and
// keeps its text until the API has it. The form empties straight away, ready for the next one.
import { type FormEvent, type KeyboardEvent, useEffect, useRef, useState } from "react";

import { Field } from "@/components/Field";
import { DESCRIPTION_MAX, normalise, problemWith, TITLE_MAX } from "@/lib/limits";
import type { NewTask } from "@/lib/tasks-api";

const DOUBLE_SUBMIT_MS = 1000; // an empty submit this soon after an add is the second half of a double click

export function AddTaskForm({ onAdd }: { onAdd: (task: NewTask) => void }) {
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [failure, setFailure] = useState<{ field: "title" | "description"; message: string }>();
  const lastAdd = useRef(0);
  const titleRef = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  const descriptionRef = useRef<HTMLInputElement & HTMLTextAreaElement>(null);

  useEffect(() => {
    // Just signed in, or the page opened: ready to type the first task (unless focus is already somewhere).
    if (!document.activeElement || document.activeElement === document.body) titleRef.current?.focus();
  }, []);

  function submit(event?: FormEvent) {
    event?.preventDefault();
    if (!title.trim() && !description.trim() && Date.now() - lastAdd.current < DOUBLE_SUBMIT_MS) return;
    const invalid = problemWith(title, description);
    if (invalid) {
      setFailure(invalid);
      (invalid.field === "title" ? titleRef : descriptionRef).current?.focus();
      return;
    }
    lastAdd.current = Date.now();
    onAdd(normalise(title, description));
    setFailure(undefined);
    setTitle("");
    setDescription("");
    titleRef.current?.focus();
  }

  function enterSubmits(event: KeyboardEvent<HTMLInputElement | HTMLTextAreaElement>) {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault(); // Enter adds from the description too; Shift+Enter starts a new line
      submit();
    }
  }

  return (
    <form className="card add" onSubmit={submit} aria-label="Add a task" noValidate>
      <Field
        id="add-title"
        label="Title"
        value={title}
        max={TITLE_MAX}
        onChange={setTitle}
        placeholder="What needs doing?"
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
        invalid={failure?.field === "description"}
        inputRef={descriptionRef}
        onKeyDown={enterSubmits}
      />
      <button type="submit" className="primary">
        Add
      </button>
      {failure && (
        <p role="alert" className="error wide">
          {failure.message}
        </p>
      )}
    </form>
  );
}
