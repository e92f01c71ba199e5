// Better Auth: email + password accounts, sessions, and (in jwks mode) the jwt plugin, whose public keys the API
// fetches from /api/auth/jwks. Its tables live in a schema of their own ("auth") in the same PostgreSQL as the
// API's tasks, reached as a role that owns that schema and nothing else (see frontend/README.md, "Database").
import { betterAuth } from "better-auth";
import { getMigrations } from "better-auth/db/migration";
import { nextCookies } from "better-auth/next-js";
import { jwt } from "better-auth/plugins";
import { PostgresDialect } from "kysely";
import { Pool } from "pg";

import { serverConfig } from "./config";
import { passwordPolicy } from "./password-policy";
import { signInGuard, signInGuardTable } from "./sign-in-guard";

function createAuth() {
  const config = serverConfig();
  // application_name: lets an operator (and our tests) see which role Better Auth's connections use.
  const pool = new Pool({ connectionString: config.databaseUrl, max: 5, application_name: "better-auth" });
  const jwtPlugin = jwt({
    jwks: {
      keyPairConfig: config.jwtAlgorithm === "EdDSA" ? { alg: "EdDSA", crv: "Ed25519" } : { alg: config.jwtAlgorithm },
      rotationInterval: config.jwksRotationSeconds,
    },
    jwt: {
      issuer: config.authUrl,
      audience: config.authUrl,
      expirationTime: `${config.tokenTtlSeconds}s`,
      // The user id (sub) is all the API needs: no email or name in a bearer token that may end up in logs.
      definePayload: () => ({}),
    },
    // Tokens come from /api/token when the page needs one; signing another on every session check (the
    // set-auth-jwt header) would be wasted work.
    disableSettingJwtHeader: true,
  });
  const auth = betterAuth({
    baseURL: config.authUrl,
    secret: config.secret,
    trustedOrigins: [config.authUrl],
    database: {
      dialect: new PostgresDialect({ pool }),
      type: "postgres",
      // A schema of its own, named in every statement: works through a transaction-mode pooler (no search_path).
      schemaName: config.databaseSchema,
    },
    emailAndPassword: { enabled: true, autoSignIn: true },
    // Per client address, counted in PostgreSQL so every frontend process shares it (Better Auth's default
    // rules: 3 sign-in or sign-up attempts per 10 s; 100 other requests per 10 s).
    rateLimit: { enabled: config.rateLimit, storage: "database" },
    advanced: {
      // The client's address, for the rate limit and the session record. server.mjs sets X-Forwarded-For from the
      // socket (a client's own header is dropped) or, behind TRUSTED_PROXIES, appends to theirs; Better Auth then
      // takes the rightmost address that is not one of those proxies.
      ipAddress: {
        ipAddressHeaders: ["x-forwarded-for"],
        ...(config.trustedProxies.length ? { trustedProxies: config.trustedProxies } : {}),
      },
    },
    // The page gets its API token from /api/token (sent no-store); the jwt plugin's own /token stays closed.
    disabledPaths: ["/token"],
    plugins: [
      passwordPolicy(),
      signInGuard({
        pool,
        schema: config.databaseSchema,
        secret: config.secret,
        maxAttempts: config.signInMaxAttempts,
        windowSeconds: config.signInWindowSeconds,
      }),
      // Only jwks mode needs keys; in shared-secret mode /api/token signs with the secret.
      ...(config.tokenMode === "jwks" ? [jwtPlugin] : []),
      nextCookies(), // must stay last: lets server actions set Better Auth's cookies
    ],
  });
  return Object.assign(auth, { pool });
}

let instance: ReturnType<typeof createAuth> | undefined;

/** The Better Auth instance, created on first use (settings are read then, not at build time). */
export function getAuth() {
  instance ??= createAuth();
  return instance;
}

/** Create or update Better Auth's tables (and its schema), and the sign-in throttle's; once, when the server starts. */
export async function migrateAuthTables() {
  const auth = getAuth();
  const { runMigrations } = await getMigrations(auth.options);
  await runMigrations();
  await auth.pool.query(signInGuardTable(serverConfig().databaseSchema));
}
