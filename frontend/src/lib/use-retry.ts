"use client";
// Trying again by itself while the server cannot be reached: after 1, 2, 4, 8, 15, then every 30 seconds, at once when
// the browser comes back online or the tab is shown again, and whenever the person presses "Try now".
import { useCallback, useEffect, useRef, useState } from "react";

const DELAYS = [1, 2, 4, 8, 15, 30];

/** While `active`, calls `attempt` with backoff; returns the seconds until the next try and a way to try at once. */
export function useRetry(active: boolean, attempt: () => Promise<unknown>) {
  const [nextAt, setNextAt] = useState<number>();
  const [now, setNow] = useState(() => Date.now());
  const [trying, setTrying] = useState(false);
  const step = useRef(0);
  const latest = useRef(attempt);
  useEffect(() => {
    latest.current = attempt;
  });

  const tryNow = useCallback(async () => {
    setNextAt(undefined);
    setTrying(true);
    try {
      await latest.current();
    } catch {
      // the attempt reports its own failure (it keeps `active` true); the next try is scheduled below
    } finally {
      setTrying(false);
    }
    step.current = Math.min(step.current + 1, DELAYS.length - 1);
    setNow(Date.now());
    setNextAt(Date.now() + DELAYS[step.current] * 1000);
  }, []);

  useEffect(() => {
    step.current = 0;
    setNow(Date.now());
    setNextAt(active ? Date.now() + DELAYS[0] * 1000 : undefined);
  }, [active]);

  useEffect(() => {
    if (!active || nextAt === undefined) return;
    const timer = setTimeout(tryNow, Math.max(0, nextAt - Date.now()));
    const tick = setInterval(() => setNow(Date.now()), 1000);
    const wake = () => {
      if (document.visibilityState === "visible") void tryNow();
    };
    window.addEventListener("online", wake);
    document.addEventListener("visibilitychange", wake);
    return () => {
      clearTimeout(timer);
      clearInterval(tick);
      window.removeEventListener("online", wake);
      document.removeEventListener("visibilitychange", wake);
    };
  }, [active, nextAt, tryNow]);

  const secondsLeft = active && nextAt !== undefined ? Math.max(1, Math.ceil((nextAt - now) / 1000)) : undefined;
  return { secondsLeft, trying, tryNow };
}
