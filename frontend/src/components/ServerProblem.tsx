"use client";
// The server cannot be reached, or answers that it cannot work right now: said plainly, with the next automatic
// try counted down and a button to try at once. Never shown as being signed out: the session is still there.
type Props = {
  status: number; // 0 or 502/504: no answer; 429: asked to slow down; 503 and other 5xx: up, but cannot work
  secondsLeft?: number;
  trying: boolean;
  onRetry: () => void;
  compact?: boolean; // a banner above tasks already shown, rather than in their place
  what?: string; // what could not be loaded, e.g. "your tasks"
};

export function ServerProblem({ status, secondsLeft, trying, onRetry, compact, what = "your tasks" }: Props) {
  const [title, detail] =
    status === 429
      ? ["Too many requests", `The server asked this page to slow down for a moment. Nothing is lost.`]
      : status >= 500 && status !== 502 && status !== 504
        ? ["The server is having trouble", `It is up but cannot get to ${what} right now (its database is not answering). Nothing is lost.`]
        : ["Can't reach the server", `Check your internet connection. Nothing is lost: ${what} are kept on the server.`];
  return (
    <section className={compact ? "problem compact" : "problem card"} aria-labelledby="problem-title">
      <div role="alert">
        <h2 id="problem-title">{title}</h2>
        <p>
          {detail}
          {compact && " Changes can't be saved until it is back."}
        </p>
      </div>
      <p className="retry">
        <span className="muted">{trying ? "Trying again…" : secondsLeft ? `Trying again by itself in ${secondsLeft} s.` : ""}</span>
        <button type="button" onClick={() => !trying && onRetry()} aria-disabled={trying || undefined}>
          Try now
        </button>
      </p>
    </section>
  );
}
