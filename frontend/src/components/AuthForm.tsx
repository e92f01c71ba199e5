"use client";
// Email + password sign-in, or sign-up with a name; Better Auth sets the session cookie. Its refusals are shown in
// plain words (never "[body.email] ..."), and an error belongs to the form it came from: switching forms clears it.
import { type FormEvent, useEffect, useRef, useState } from "react";

import { authClient } from "@/lib/auth-client";
import { explainAuth } from "@/lib/messages";

type Mode = "sign-in" | "sign-up";
const PASSWORD_MIN = 8; // Better Auth's default minimum

/** What is wrong before asking the server, in words; undefined when the form can be sent. */
function check(mode: Mode, name: string, email: string, password: string): string | undefined {
  if (mode === "sign-up" && !name.trim()) return "Enter your name.";
  if (!email.trim()) return "Enter your email address.";
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) return "That doesn't look like an email address. Check it and try again.";
  if (!password) return "Enter your password.";
  if (mode === "sign-up" && password.length < PASSWORD_MIN) return `Choose a password of at least ${PASSWORD_MIN} characters.`;
  return undefined;
}

export function AuthForm({ notice }: { notice?: string }) {
  const [mode, setMode] = useState<Mode>("sign-in");
  const [error, setError] = useState<string | undefined>(notice);
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  const switched = useRef(false);

  useEffect(() => {
    if (switched.current) first.current?.focus(); // after switching forms (not on first load: no focus theft)
  }, [mode]);

  function switchMode() {
    switched.current = true;
    setError(undefined);
    setMode(mode === "sign-up" ? "sign-in" : "sign-up");
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    const form = new FormData(event.currentTarget);
    const [name, email, password] = ["name", "email", "password"].map((field) => String(form.get(field) ?? ""));
    const invalid = check(mode, name, email, password);
    if (invalid) return setError(invalid);
    setBusy(true);
    setError(undefined);
    try {
      const { error } =
        mode === "sign-up"
          ? await authClient.signUp.email({ email: email.trim(), password, name: name.trim() })
          : await authClient.signIn.email({ email: email.trim(), password });
      if (error) setError(explainAuth(error, mode));
    } catch {
      setError(explainAuth({}, mode)); // no answer at all
    } finally {
      setBusy(false);
    }
  }

  const signUp = mode === "sign-up";
  return (
    <form className="card auth" onSubmit={submit} aria-label={signUp ? "Sign up" : "Sign in"} noValidate>
      <h2>{signUp ? "Create an account" : "Sign in"}</h2>
      {signUp && (
        <label>
          Name <input ref={first} name="name" type="text" autoComplete="name" />
        </label>
      )}
      <label>
        Email <input ref={signUp ? undefined : first} name="email" type="email" autoComplete="email" inputMode="email" />
      </label>
      <label>
        Password
        <input
          name="password"
          type="password"
          autoComplete={signUp ? "new-password" : "current-password"}
          aria-describedby={signUp ? "password-hint" : undefined}
        />
        {signUp && (
          <span id="password-hint" className="muted">
            At least {PASSWORD_MIN} characters and hard to guess: a few uncommon words make a good one.
          </span>
        )}
      </label>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <button type="submit" className="primary" aria-disabled={busy || undefined}>
        {busy ? (signUp ? "Creating your account…" : "Signing in…") : signUp ? "Sign up" : "Sign in"}
      </button>
      <p className="switch">
        {signUp ? "Already have an account?" : "New here?"}{" "}
        <button type="button" className="link" onClick={switchMode}>
          {signUp ? "Sign in" : "Create an account"}
        </button>
      </p>
    </form>
  );
}
