"use client";
import { type FormEvent, useState } from "react";

import { authClient } from "@/lib/auth-client";

/** Email + password sign-in, or sign-up with a name; Better Auth sets the session cookie. */
export function AuthForm() {
  const [mode, setMode] = useState<"sign-in" | "sign-up">("sign-in");
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email"));
    const password = String(form.get("password"));
    setBusy(true);
    setError(undefined);
    const { error } =
      mode === "sign-up"
        ? await authClient.signUp.email({ email, password, name: String(form.get("name")) })
        : await authClient.signIn.email({ email, password });
    setBusy(false);
    if (error) setError(error.message ?? "That did not work; try again.");
  }

  return (
    <form className="card" onSubmit={submit} aria-label={mode === "sign-up" ? "Sign up" : "Sign in"}>
      <h2>{mode === "sign-up" ? "Create an account" : "Sign in"}</h2>
      {mode === "sign-up" && (
        <label>
          Name <input name="name" required autoComplete="name" />
        </label>
      )}
      <label>
        Email <input name="email" type="email" required autoComplete="email" />
      </label>
      <label>
        Password <input name="password" type="password" required minLength={8} autoComplete="current-password" />
      </label>
      {error && <p role="alert" className="error">{error}</p>}
      <button type="submit" disabled={busy}>
        {mode === "sign-up" ? "Sign up" : "Sign in"}
      </button>
      <button type="button" className="link" onClick={() => setMode(mode === "sign-up" ? "sign-in" : "sign-up")}>
        {mode === "sign-up" ? "I have an account: sign in" : "No account yet? Sign up"}
      </button>
    </form>
  );
}
