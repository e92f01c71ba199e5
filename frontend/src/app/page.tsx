"use client";
// The one page: the sign-in / sign-up form, or the signed-in user's tasks.
import { AuthForm } from "@/components/AuthForm";
import { TaskBoard } from "@/components/TaskBoard";
import { authClient } from "@/lib/auth-client";

export default function Home() {
  const { data: session, isPending } = authClient.useSession();
  return (
    <main>
      <h1>Todo</h1>
      {isPending ? <p className="muted">Loading…</p> : session ? <TaskBoard user={session.user} /> : <AuthForm />}
    </main>
  );
}
