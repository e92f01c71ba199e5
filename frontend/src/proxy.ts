// The dev server (and `next start`) proxies the task API: the browser calls /api/{user_id}/tasks... on its own
// origin (no CORS), and this forwards the request as it is, Authorization header included, to API_URL.
// A proxy rather than next.config rewrites: rewrites fix API_URL at build time, this reads it when the server runs.
import { type NextRequest, NextResponse } from "next/server";

export function proxy(request: NextRequest) {
  const apiUrl = process.env.API_URL || "http://127.0.0.1:8000";
  return NextResponse.rewrite(new URL(request.nextUrl.pathname + request.nextUrl.search, apiUrl));
}

export const config = { matcher: ["/api/:userId/tasks", "/api/:userId/tasks/:path*"] };
