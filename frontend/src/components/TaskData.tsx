"use client";
// The signed-in user's data layer: one QueryClient, with the writes not yet saved kept in this browser for that user
// only, restored when the page opens and sent once the server answers.
import { PersistQueryClientProvider } from "@tanstack/react-query-persist-client";
import { type ReactNode, useState } from "react";

import { makeQueryClient, persistOptions } from "@/lib/query-client";

export function TaskData({ userId, children }: { userId: string; children: ReactNode }) {
  const [client] = useState(makeQueryClient);
  const [options] = useState(() => persistOptions(userId));
  return (
    <PersistQueryClientProvider client={client} persistOptions={options} onSuccess={() => client.resumePausedMutations()}>
      {children}
    </PersistQueryClientProvider>
  );
}
