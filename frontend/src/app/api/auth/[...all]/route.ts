// Better Auth's HTTP API: sign-up, sign-in, sign-out, session, and (jwks mode) the jwt plugin's /jwks.
import { toNextJsHandler } from "better-auth/next-js";

import { getAuth } from "@/lib/auth";

/** Its answers are about one user's session: no cache may keep them (unless an endpoint says otherwise). */
async function privately(answer: Promise<Response>): Promise<Response> {
  const response = await answer;
  if (response.headers.has("cache-control")) return response;
  const headers = new Headers(response.headers);
  headers.set("Cache-Control", "no-store");
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

export const GET = (request: Request) => privately(toNextJsHandler(getAuth()).GET(request));
export const POST = (request: Request) => privately(toNextJsHandler(getAuth()).POST(request));
