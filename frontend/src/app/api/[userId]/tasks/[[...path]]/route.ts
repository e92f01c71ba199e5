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
  // Our own id, never the client's: request ids in the API's logs cannot be forged through this door.
  headers.set("x-request-id", crypto.randomUUID());
  let body: Uint8Array | undefined;
  if (request.method !== "GET" && request.method !== "HEAD") {
    // Every refusal here comes before a byte of the body is read; a body is read with a cap, never whole.
    const refused = refuseBeforeReading(request, pathname);
    if (refused) return refused;
    const read = await readAtMost(request, maxBodyBytes());
    if (read === undefined) return tooLarge(pathname);
    body = read;
  }
  let upstream: Response;
  try {
    upstream = await fetch(target, {
      method: request.method,
      headers,
      body: body as BodyInit | undefined,
      redirect: "manual",
      cache: "no-store",
    });
  } catch {
    return problem(502, "Bad Gateway", "The task API cannot be reached.", pathname, { "Retry-After": "5" });
  }
  const answer = pick(upstream.headers, FORWARDED_RESPONSE_HEADERS);
  const location = answer.get("location");
  if (location !== null) {
    // The API builds some Locations from the address it was reached at (its slash redirects): that address is ours
    // to keep. Only a path on this origin goes out; anything naming another host is dropped.
    const place = new URL(location, target);
    if (place.origin === target.origin) answer.set("location", place.pathname + place.search);
    else answer.delete("location");
  }
  if (upstream.status >= 300 && upstream.status < 400 && !answer.has("location")) {
    await upstream.body?.cancel();
    return problem(404, "Not Found", "Nothing is here.", pathname);
  }
  return new Response(upstream.body, { status: upstream.status, headers: answer });
}

/** The API's own cap (its MAX_BODY_BYTES default): a larger body would be refused there anyway. */
function maxBodyBytes(): number {
  const value = Number(process.env.PROXY_MAX_BODY_BYTES || 65536);
  return Number.isInteger(value) && value > 0 ? value : 65536;
}

/** A write without a bearer token, or with a declared length over the cap: answered at once, the body unread. */
function refuseBeforeReading(request: Request, pathname: string): Response | undefined {
  if (!/^bearer \S/i.test(request.headers.get("authorization") ?? "")) {
    // Same answer as the API's (it would refuse the request anyway), without making the client upload first.
    return problem(401, "Unauthorized", "A bearer token is required.", pathname, { "WWW-Authenticate": "Bearer" });
  }
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBodyBytes()) return tooLarge(pathname);
  return undefined;
}

/** The body, read chunk by chunk; undefined (and the rest left unread) as soon as it passes `limit` bytes. */
async function readAtMost(request: Request, limit: number): Promise<Uint8Array | undefined> {
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      // Stop reading, without cancelling: a cancel destroys the socket before the 413 is written. The rest stays
      // unread in the socket (TCP back-pressure: nothing is buffered here) until server.mjs's request timeout
      // closes it; closing at once would reset the connection and could lose the 413 on its way to the client.
      reader.releaseLock();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function tooLarge(pathname: string): Response {
  const detail = `The request body must be at most ${maxBodyBytes()} bytes.`;
  return problem(413, "Content Too Large", detail, pathname);
}

function problem(status: number, title: string, detail: string, instance: string, headers: Record<string, string> = {}) {
  return Response.json(
    { type: "about:blank", title, status, detail, instance },
    { status, headers: { ...headers, "Content-Type": "application/problem+json" } },
  );
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
