// Better Auth's HTTP API: sign-up, sign-in, sign-out, session, and the jwt plugin's /token and /jwks.
import { toNextJsHandler } from "better-auth/next-js";

import { getAuth } from "@/lib/auth";

export const GET = (request: Request) => toNextJsHandler(getAuth()).GET(request);
export const POST = (request: Request) => toNextJsHandler(getAuth()).POST(request);
