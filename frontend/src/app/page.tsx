"use client";
// The one page: the landing text and the sign-in / sign-up form, or the signed-in user's tasks. When the session
// cannot be checked (the server or its database is away) it says so and tries again: never "signed out" by mistake.
import { Suspense, useEffect, useState } from "react";

import { AuthForm } from "@/components/AuthForm";
import { ServerProblem } from "@/components/ServerProblem";
import { TaskBoard } from "@/components/TaskBoard";
import { TaskData } from "@/components/TaskData";
import { authClient } from "@/lib/auth-client";
import { useRetry } from "@/lib/use-retry";

export default function Home() {
  const { data: session, isPending, error, refetch } = authClient.useSession();
  const [down, setDown] = useState<number>(); // why the session could not be checked; kept while trying again
  const [ended, setEnded] = useState(false);
  const retry = useRetry(down !== undefined && !session, () => refetch());

  useEffect(() => {
    const refused = error?.status === 401 || error?.status === 403; // an answer: not signed in
    if (error && !refused) setDown(error.status ?? 0);
    else if (!isPending) setDown(undefined);
  }, [error, isPending]);

  let body;
  if (session) {
    body = (
      <Suspense>
        <TaskData key={session.user.id} userId={session.user.id}>
          <TaskBoard
            user={session.user}
            onSessionEnded={() => {
              setEnded(true);
              void refetch();
            }}
          />
        </TaskData>
      </Suspense>
    );
  } else if (down !== undefined) {
    body = (
      <ServerProblem status={down} secondsLeft={retry.secondsLeft} trying={retry.trying} onRetry={retry.tryNow} what="your account and tasks" />
    );
  } else if (isPending) {
    body = <p className="muted loading">Loading…</p>;
  } else {
    body = <AuthForm notice={ended ? "Your session has ended: sign in again to see your tasks." : undefined} />;
  }
  return (
    <main>
      <header className="masthead">
        <h1>Todo</h1>
        {!session && down === undefined && <p className="tagline">Your to-do list, kept safe on the server: add what needs doing, tick it off, pick it up on any device.</p>}
      </header>
      {body}
    </main>
  );
}
