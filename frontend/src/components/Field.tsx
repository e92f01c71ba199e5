"use client";
// A labelled text field with its character count beside the limit: nothing is cut silently, the count says how
// much is left and, past the limit, by how much it is over.
import type { KeyboardEvent, Ref } from "react";

import { length } from "@/lib/limits";

type Props = {
  id: string;
  label: string;
  value: string;
  max: number;
  onChange: (value: string) => void;
  multiline?: boolean;
  invalid?: boolean;
  readOnly?: boolean;
  placeholder?: string;
  inputRef?: Ref<HTMLInputElement & HTMLTextAreaElement>;
  onKeyDown?: (event: KeyboardEvent<HTMLInputElement | HTMLTextAreaElement>) => void;
};

export function Field({ id, label, value, max, onChange, multiline, invalid, readOnly, placeholder, inputRef, onKeyDown }: Props) {
  const count = length(value.trim());
  const over = count - max;
  const state = over > 0 ? "count over" : count >= max * 0.9 ? "count near" : "count";
  const common = {
    id,
    name: id,
    value,
    readOnly,
    placeholder,
    onKeyDown,
    ref: inputRef,
    "aria-invalid": invalid || over > 0 || undefined,
    "aria-describedby": `${id}-count`,
    onChange: (event: { target: { value: string } }) => onChange(event.target.value),
  };
  return (
    <div className="field">
      <div className="field-head">
        <label htmlFor={id}>{label}</label>
        <span id={`${id}-count`} className={state}>
          {count}/{max}
          <span className="sr-only"> characters</span>
          {over > 0 && `: ${over} too many`}
        </span>
      </div>
      {multiline ? <textarea rows={2} {...common} /> : <input type="text" autoComplete="off" {...common} />}
    </div>
  );
}
