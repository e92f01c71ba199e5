// Better Auth: email + password accounts, sessions, and the jwt plugin (JWKS at /api/auth/jwks, tokens at
// /api/auth/token). Its tables live in a schema of their own ("auth") in the same PostgreSQL as the API's tasks.
import { betterAuth } from "better-auth";
import { getMigrations } from "better-auth/db/migration";
import { nextCookies } from "better-auth/next-js";
import { jwt } from "better-auth/plugins";
import { PostgresDialect } from "kysely";
import { Pool } from "pg";

import { serverConfig } from "./config";

function createAuth() {
  const config = serverConfig();
  return betterAuth({
    baseURL: config.authUrl,
    secret: config.secret,
    trustedOrigins: [config.authUrl],
    database: {
      dialect: new PostgresDialect({ pool: new Pool({ connectionString: config.databaseUrl, max: 5 }) }),
      type: "postgres",
      // A schema of its own, named in every statement: works through a transaction-mode pooler (no search_path).
      schemaName: config.databaseSchema,
    },
    emailAndPassword: { enabled: true, autoSignIn: true },
    rateLimit: { enabled: config.rateLimit },
    plugins: [
      jwt({
        jwks: {
          keyPairConfig: config.jwtAlgorithm === "EdDSA" ? { alg: "EdDSA", crv: "Ed25519" } : { alg: config.jwtAlgorithm },
          rotationInterval: config.jwksRotationSeconds,
        },
        jwt: { issuer: config.authUrl, audience: config.authUrl, expirationTime: `${config.tokenTtlSeconds}s` },
        // Tokens come from /api/token (or /api/auth/token) when the page needs one; signing another on every
        // session check (the set-auth-jwt header) would be wasted work.
        disableSettingJwtHeader: true,
      }),
      nextCookies(), // must stay last: lets server actions set Better Auth's cookies
    ],
  });
}

let instance: ReturnType<typeof createAuth> | undefined;

/** The Better Auth instance, created on first use (settings are read then, not at build time). */
export function getAuth() {
  instance ??= createAuth();
  return instance;
}

/** Create or update Better Auth's tables (and its schema); called once when the server starts. */
export async function migrateAuthTables() {
  const { runMigrations } = await getMigrations(getAuth().options);
  await runMigrations();
}
