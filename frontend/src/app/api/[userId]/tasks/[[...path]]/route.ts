// The same-origin door to the task API: /api/{user_id}/tasks... here is forwarded to API_URL (read when the server
// runs, so one build serves any environment). A route handler rather than a rewrite: it forwards only the headers
// the API needs (never the browser's session cookie), names no internal URL in its answers, and turns an API that
// cannot be reached into a problem+json 502 instead of an HTML error page.
// Idempotency-Key and the preconditions make retries and concurrent edits safe; ETag and Idempotent-Replayed answer them.
const FORWARDED_REQUEST_HEADERS = [
  "authorization", "content-type", "accept", "x-request-id", "idempotency-key", "if-match", "if-none-match",
];
const FORWARDED_RESPONSE_HEADERS = [
  "content-type", "location", "retry-after", "www-authenticate", "allow", "x-request-id", "etag", "idempotent-replayed",
];

async function forward(request: Request): Promise<Response> {
  const { pathname, search } = new URL(request.url);
  const target = new URL(pathname + search, process.env.API_URL || "http://127.0.0.1:8000");
  const headers = pick(request.headers, FORWARDED_REQUEST_HEADERS);
  const hasBody = request.method !== "GET" && request.method !== "HEAD";
  let upstream: Response;
  try {
    upstream = await fetch(target, {
      method: request.method,
      headers,
      body: hasBody ? await request.arrayBuffer() : undefined,
      redirect: "manual",
      cache: "no-store",
    });
  } catch {
    return Response.json(
      { type: "about:blank", title: "Bad Gateway", status: 502, detail: "The task API cannot be reached.", instance: pathname },
      { status: 502, headers: { "Content-Type": "application/problem+json", "Retry-After": "5" } },
    );
  }
  return new Response(upstream.body, { status: upstream.status, headers: pick(upstream.headers, FORWARDED_RESPONSE_HEADERS) });
}

function pick(source: Headers, names: string[]): Headers {
  const picked = new Headers();
  for (const name of names) {
    const value = source.get(name);
    if (value !== null) picked.set(name, value);
  }
  return picked;
}

export { forward as DELETE, forward as GET, forward as PATCH, forward as POST, forward as PUT };
