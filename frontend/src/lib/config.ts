// The frontend server's settings, read from the environment (see .env.example). Server-side only.

export type TokenMode = "shared-secret" | "jwks";
export type JwtAlgorithm = "EdDSA" | "ES256" | "RS256" | "PS256";

const ALGORITHMS: readonly JwtAlgorithm[] = ["EdDSA", "ES256", "RS256", "PS256"];

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (see frontend/.env.example)`);
  return value;
}

function oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
  const value = (process.env[name] || fallback) as T;
  if (!allowed.includes(value)) throw new Error(`${name} must be one of ${allowed.join(", ")}; got "${value}"`);
  return value;
}

function positiveInteger(name: string, fallback?: number): number | undefined {
  const raw = process.env[name];
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive whole number`);
  return value;
}

/** Read on first use, not at import: `next build` imports the routes without the runtime settings. */
export function serverConfig() {
  const secret = required("BETTER_AUTH_SECRET");
  if (secret.length < 32) throw new Error("BETTER_AUTH_SECRET must be at least 32 characters (the API requires it)");
  return {
    secret,
    // Better Auth's own URL: the issuer and audience of the tokens in both modes.
    authUrl: process.env.BETTER_AUTH_URL || "http://127.0.0.1:3000",
    databaseUrl: required("DATABASE_URL"),
    databaseSchema: identifier("AUTH_DB_SCHEMA", "auth"), // Better Auth's tables, beside the API's in "public"
    // Which token the task page sends to the API: an HS256 token signed with the shared secret (the API's
    // default mode), or the jwt plugin's token, which the API verifies against BETTER_AUTH_JWKS_URL.
    tokenMode: oneOf<TokenMode>("API_TOKEN_MODE", ["shared-secret", "jwks"], "shared-secret"),
    tokenTtlSeconds: positiveInteger("API_TOKEN_TTL_SECONDS", 900) as number,
    jwtAlgorithm: oneOf<JwtAlgorithm>("AUTH_JWT_ALG", ALGORITHMS, "EdDSA"),
    jwksRotationSeconds: positiveInteger("AUTH_JWKS_ROTATION_SECONDS"),
    // Better Auth limits sign-up and sign-in attempts per client; only a test bed that signs up many users from
    // one address turns it off.
    rateLimit: oneOf("AUTH_RATE_LIMIT", ["on", "off"], "on") === "on",
    // The proxies in front of this server (addresses or CIDR ranges; server.mjs trusts their X-Forwarded-For).
    // Empty: clients connect directly, and the socket's address is the client's.
    trustedProxies: (process.env.TRUSTED_PROXIES || "").split(",").map((entry) => entry.trim()).filter(Boolean),
    // Per account, whatever the client's address: this many sign-ins per window until one succeeds.
    signInMaxAttempts: positiveInteger("AUTH_SIGN_IN_MAX_ATTEMPTS", 10) as number,
    signInWindowSeconds: positiveInteger("AUTH_SIGN_IN_WINDOW_SECONDS", 900) as number,
  };
}

/** A PostgreSQL name we put into SQL text (schemas cannot be bind parameters): letters, digits, underscores. */
function identifier(name: string, fallback: string): string {
  const value = process.env[name] || fallback;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(value)) throw new Error(`${name} must be a lower-case SQL name; got "${value}"`);
  return value;
}
