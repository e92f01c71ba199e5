// Failed password sign-ins: a throttle per account, and a log line per failure for operators.
// Better Auth's own rate limit counts per client address (src/lib/auth.ts), which a botnet spreads thin; this
// one counts per account, whatever the address: at most `maxAttempts` sign-ins per account per window until one
// succeeds. Its own code because Better Auth has no per-account limit; one atomic SQL statement per attempt,
// in PostgreSQL so every frontend process shares the count.
import { createHmac } from "node:crypto";

import type { BetterAuthPlugin } from "better-auth";
import { APIError, createAuthMiddleware, getIP, isAPIError } from "better-auth/api";
import type { Pool } from "pg";

export type SignInGuardOptions = {
  pool: Pool;
  schema: string; // Better Auth's schema: the table lives beside its tables
  secret: string; // keys the account hash
  maxAttempts: number;
  windowSeconds: number;
};

/** The table, created with Better Auth's (migrateAuthTables). */
export function signInGuardTable(schema: string): string {
  return `CREATE TABLE IF NOT EXISTS "${schema}".sign_in_attempt (
    account text PRIMARY KEY,
    attempts integer NOT NULL,
    window_start timestamptz NOT NULL
  );
  CREATE INDEX IF NOT EXISTS sign_in_attempt_window ON "${schema}".sign_in_attempt (window_start)`;
}

export function signInGuard(options: SignInGuardOptions): BetterAuthPlugin {
  const table = `"${options.schema}".sign_in_attempt`;
  // Count this attempt (a new window once the old one is over) and drop other accounts' finished windows, in one
  // statement; answers the count so far and the seconds until the window ends.
  const consume = `WITH finished AS (
      DELETE FROM ${table} WHERE window_start <= now() - make_interval(secs => $2) AND account <> $1
    )
    INSERT INTO ${table} AS a (account, attempts, window_start) VALUES ($1, 1, now())
    ON CONFLICT (account) DO UPDATE SET
      attempts = CASE WHEN a.window_start <= now() - make_interval(secs => $2) THEN 1 ELSE a.attempts + 1 END,
      window_start = CASE WHEN a.window_start <= now() - make_interval(secs => $2) THEN now() ELSE a.window_start END
    RETURNING attempts, ceil(extract(epoch FROM a.window_start + make_interval(secs => $2) - now()))::int AS retry_after`;
  const isSignIn = (context: { path?: string }) => context.path === "/sign-in/email";

  /** An opaque, stable name for the account in logs: HMAC of the address (operators holding the secret can match it). */
  function accountOf(email: unknown): string {
    const normalized = typeof email === "string" ? email.trim().toLowerCase() : "";
    return createHmac("sha256", options.secret).update(normalized).digest("hex").slice(0, 16);
  }

  function log(event: string, fields: Record<string, unknown>) {
    console.warn(JSON.stringify({ time: new Date().toISOString(), level: "warning", event, ...fields }));
  }

  return {
    id: "sign-in-guard",
    hooks: {
      before: [
        {
          matcher: isSignIn,
          handler: createAuthMiddleware(async (ctx) => {
            const account = accountOf((ctx.body as { email?: unknown } | undefined)?.email);
            const { rows } = await options.pool.query(consume, [account, options.windowSeconds]);
            const { attempts, retry_after: retryAfter } = rows[0] as { attempts: number; retry_after: number };
            if (attempts <= options.maxAttempts) return;
            const client = ctx.request ? getIP(ctx.request, ctx.context.options) : null;
            log("sign_in_throttled", { account, client, attempts, retry_after: retryAfter });
            throw new APIError(
              "TOO_MANY_REQUESTS",
              {
                code: "ACCOUNT_THROTTLED",
                message: `Too many failed sign-ins for this account. Try again in ${retryAfter} seconds.`,
              },
              { "Retry-After": String(retryAfter) },
            );
          }),
        },
      ],
      after: [
        {
          matcher: isSignIn,
          handler: createAuthMiddleware(async (ctx) => {
            const account = accountOf((ctx.body as { email?: unknown } | undefined)?.email);
            const returned = ctx.context.returned;
            if (isAPIError(returned)) {
              if (returned.statusCode !== 401) return; // throttled (logged above) or a malformed request
              const client = ctx.request ? getIP(ctx.request, ctx.context.options) : null;
              log("sign_in_failed", { account, client });
            } else {
              await options.pool.query(`DELETE FROM ${table} WHERE account = $1`, [account]); // signed in: start afresh
            }
          }),
        },
      ],
    },
  };
}
