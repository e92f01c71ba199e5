"use client";
// A task being added: "Saving…" until the API has it. While the server is away it says so and is kept (also across
// a reload), to be sent by itself when it is back, with the same Idempotency-Key. One the API refused stays on
// screen with its text and the reason.
import { explain } from "@/lib/messages";
import type { AddVars, Pending } from "@/lib/task-mutations";

type Props = { add: Pending; outage?: number; onRetry: () => void; onDiscard: () => void };

const AWAY: Record<number, string> = { 429: "The server asked to slow down", 503: "The server is having trouble" };

export function PendingTask({ add, outage, onRetry, onDiscard }: Props) {
  const { task } = add.variables as AddVars;
  const failed =
    add.status === "error"
      ? explain(add.error)
      : add.paused
        ? `${AWAY[outage ?? 0] ?? "The server can't be reached"}; this task will be saved by itself as soon as it is back.`
        : undefined;
  return (
    <li className={failed ? "task pending failed" : "task pending"} aria-busy={!failed || undefined}>
      <span className="check" />
      <div className="text">
        <span className="title">{task.title}</span>
        {task.description && <span className="description">{task.description}</span>}
        {failed ? (
          <span className="error" role="alert">
            Not saved yet. {failed}
          </span>
        ) : (
          <span className="saving">Saving…</span>
        )}
      </div>
      {failed && (
        <div className="row-actions">
          <button type="button" className="quiet" onClick={onRetry} aria-label={`Try saving ${task.title} now`}>
            Try now
          </button>
          <button type="button" className="quiet danger" onClick={onDiscard} aria-label={`Discard ${task.title}`}>
            Discard
          </button>
        </div>
      )}
    </li>
  );
}
