// The token the task page sends to the API, for the signed-in Better Auth session.
// shared-secret mode: an HS256 JWT signed here with BETTER_AUTH_SECRET (the API's default mode);
// jwks mode: the jwt plugin's token (EdDSA by default), which the API checks against /api/auth/jwks.
import { SignJWT } from "jose";

import { getAuth } from "@/lib/auth";
import { serverConfig } from "@/lib/config";

const noStore = { "Cache-Control": "no-store" };

export async function GET(request: Request) {
  const auth = getAuth();
  const session = await auth.api.getSession({ headers: request.headers });
  if (!session) {
    return Response.json(
      { type: "about:blank", title: "Unauthorized", status: 401, detail: "Sign in first.", instance: "/api/token" },
      { status: 401, headers: { ...noStore, "Content-Type": "application/problem+json" } },
    );
  }
  const config = serverConfig();
  const userId = session.user.id;
  let token: string;
  if (config.tokenMode === "jwks") {
    ({ token } = await auth.api.getToken({ headers: request.headers }));
  } else {
    token = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setSubject(userId)
      .setIssuer(config.authUrl)
      .setAudience(config.authUrl)
      .setIssuedAt()
      .setExpirationTime(`${config.tokenTtlSeconds}s`)
      .sign(new TextEncoder().encode(config.secret));
  }
  const expiresAt = Math.floor(Date.now() / 1000) + config.tokenTtlSeconds;
  return Response.json({ token, userId, expiresAt, mode: config.tokenMode }, { headers: noStore });
}
