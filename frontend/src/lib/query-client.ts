// One TanStack QueryClient per signed-in user, and where its unsent writes are kept across a reload: localStorage,
// under a key of that user's own, so the next person on the same browser never sees or sends them.
import { createSyncStoragePersister } from "@tanstack/query-sync-storage-persister";
import { MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";
import type { PersistedClient, PersistQueryClientOptions } from "@tanstack/react-query-persist-client";

import { ApiError } from "./api-client";
import { reportAnswer, reportFailure } from "./connection";
import { LIST, registerTaskMutations } from "./task-mutations";
import { type Task, tasksApi } from "./tasks-api";

const storageKey = (userId: string) => `todo:unsent:${userId}`;

export function makeQueryClient(): QueryClient {
  const answered = (error: unknown) => (error instanceof ApiError && !reportFailure(error) ? reportAnswer() : undefined);
  const client = new QueryClient({
    queryCache: new QueryCache({ onSuccess: reportAnswer, onError: answered }),
    mutationCache: new MutationCache({ onSuccess: reportAnswer, onError: answered }),
    defaultOptions: {
      // The page's own backoff (use-retry.ts) tries the list again during an outage; the list is asked for even
      // while "offline", since that request is how the page learns the server is back.
      queries: { retry: false, networkMode: "always", refetchOnWindowFocus: true, refetchOnReconnect: true },
    },
  });
  let etag: string | undefined; // the list's version: refetches ask If-None-Match and usually get a 304
  client.setQueryDefaults(LIST, {
    queryFn: async ({ signal }) => {
      const shown = client.getQueryData<Task[]>(LIST);
      const result = await tasksApi.list(shown && etag, signal);
      if ("notModified" in result) return shown!;
      etag = result.etag;
      return result.tasks;
    },
  });
  registerTaskMutations(client);
  return client;
}

/**
 * Writes still pending are kept: paused ones (an outage) and ones on their way (the reload may cut off their
 * answer). All are stored as paused, so they are sent again when the page opens; each is safe to repeat (adds carry
 * their Idempotency-Key, edits their If-Match, a toggle sets a value, a delete of a deleted task is a 404).
 */
export function persistOptions(userId: string): Omit<PersistQueryClientOptions, "queryClient"> {
  const persister = createSyncStoragePersister({
    storage: typeof window === "undefined" ? undefined : window.localStorage,
    key: storageKey(userId),
    throttleTime: 0, // written as soon as a write pauses: a reload a moment later must find it
    serialize: (client: PersistedClient) => {
      for (const mutation of client.clientState.mutations) mutation.state = { ...mutation.state, isPaused: true };
      return JSON.stringify(client);
    },
  });
  return {
    persister,
    buster: userId,
    maxAge: 7 * 24 * 3600 * 1000,
    dehydrateOptions: { shouldDehydrateQuery: () => false, shouldDehydrateMutation: (m) => m.state.status === "pending" },
  };
}

/** Sign-out: this user's unsent writes leave the browser with them (never sent under the next user's session). */
export function forgetUnsent(userId: string, client: QueryClient) {
  client.getMutationCache().clear();
  client.clear();
  window.localStorage.removeItem(storageKey(userId));
}
