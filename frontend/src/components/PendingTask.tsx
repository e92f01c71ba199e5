"use client";
// A task being added: "Saving…" until the API has it; if that failed, why, with its text kept on screen. One that
// failed because the server was away is sent again by itself when it is back (with the same Idempotency-Key).
import type { PendingAdd } from "@/lib/use-adds";

type Props = { add: PendingAdd; onRetry: () => void; onDiscard: () => void };

export function PendingTask({ add, onRetry, onDiscard }: Props) {
  return (
    <li className={add.failed ? "task pending failed" : "task pending"} aria-busy={!add.failed || undefined}>
      <span className="check" />
      <div className="text">
        <span className="title">{add.title}</span>
        {add.description && <span className="description">{add.description}</span>}
        {add.failed ? (
          <span className="error" role="alert">
            Not saved yet. {add.failed}
          </span>
        ) : (
          <span className="saving">Saving…</span>
        )}
      </div>
      {add.failed && (
        <div className="row-actions">
          <button type="button" className="quiet" onClick={onRetry} aria-label={`Try saving ${add.title} now`}>
            Try now
          </button>
          <button type="button" className="quiet danger" onClick={onDiscard} aria-label={`Discard ${add.title}`}>
            Discard
          </button>
        </div>
      )}
    </li>
  );
}
