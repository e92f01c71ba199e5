// Whether the API can be reached, as the page last found it. An answer that says "not now" (no answer, 502-504,
// 429) marks an outage, and tells TanStack Query's onlineManager we are offline: writes then pause (kept, and saved
// with the page across a reload) instead of failing, and resume by themselves once any request gets an answer.
import { onlineManager } from "@tanstack/react-query";
import { useSyncExternalStore } from "react";

import { ApiError } from "./api-client";

let outage: number | undefined; // the status of the last request that got no usable answer
const listeners = new Set<() => void>();

function set(next: number | undefined) {
  if (next === outage) return;
  outage = next;
  for (const listener of listeners) listener();
}

/** A request failed: an outage when it is worth trying again later. Returns whether it was one. */
export function reportFailure(error: unknown): boolean {
  if (!(error instanceof ApiError && error.transient)) return false;
  set(error.status);
  onlineManager.setOnline(false);
  return true;
}

/** A request got an answer: the server is there (paused writes resume, the list refetches). */
export function reportAnswer() {
  set(undefined);
  onlineManager.setOnline(true);
}

/** The outage's status (0 or 502/504: no answer; 429: slow down; 503: up but in trouble), or undefined. */
export function useOutage(): number | undefined {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => outage,
    () => undefined,
  );
}
