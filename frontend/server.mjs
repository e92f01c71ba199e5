// The frontend's HTTP server: Next.js's own request handler (the documented custom-server API) behind a plain Node
// server, for what `next start` cannot do:
// - The client's address. `next start` passes on whatever X-Forwarded-For a client sends, so a client could choose
//   the address Better Auth rate-limits and records. Here X-Forwarded-For is always the socket's peer, unless that
//   peer is a proxy listed in TRUSTED_PROXIES (then the peer is appended to the chain the proxy sent, and Better
//   Auth walks it from the right, skipping those proxies: src/lib/auth.ts).
// - Methods: anything but the methods the app serves (TRACE, PROPFIND, ...) is a 405 here; Next.js answers them
//   with a 500 and a stack trace in its log.
// - Slow clients: the whole request, headers and body, must arrive within REQUEST_TIMEOUT_SECONDS (30 s; headers
//   alone within 10 s), else Node answers 408 and closes the connection.
//
//   node server.mjs [--dev] [--hostname 127.0.0.1] [--port 3000]
import { createServer } from "node:http";
import { BlockList, isIP } from "node:net";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({
  options: {
    dev: { type: "boolean", default: false },
    hostname: { type: "string", default: "127.0.0.1" },
    port: { type: "string", default: "3000" },
  },
});
const port = Number(args.port);
process.env.NODE_ENV ??= args.dev ? "development" : "production"; // as `next start` / `next dev` set it
const { default: next } = await import("next"); // after NODE_ENV: Next.js reads it when it loads
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/** TRUSTED_PROXIES: comma-separated addresses or CIDR ranges of the proxies in front of this server (none: direct). */
function trustedProxies(value = process.env.TRUSTED_PROXIES || "") {
  const list = new BlockList();
  for (const entry of value.split(",").map((part) => part.trim()).filter(Boolean)) {
    const [address, prefix] = entry.split("/");
    const type = isIP(address) === 6 ? "ipv6" : isIP(address) === 4 ? "ipv4" : undefined;
    if (!type) throw new Error(`TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR range`);
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return list;
}

const trusted = trustedProxies();
const isTrusted = (address) => {
  const type = isIP(address) === 6 ? "ipv6" : "ipv4";
  return Boolean(address) && trusted.check(address, type);
};

const app = next({ dev: args.dev, hostname: args.hostname, port });
await app.prepare();
const handle = app.getRequestHandler();

const server = createServer({ connectionsCheckingInterval: 2_000 }, (request, response) => {
  if (!METHODS.includes(request.method ?? "")) {
    const body = JSON.stringify({
      type: "about:blank",
      title: "Method Not Allowed",
      status: 405,
      detail: `${request.method} is not allowed here.`,
      instance: (request.url ?? "/").split("?")[0],
    });
    response.writeHead(405, {
      "Content-Type": "application/problem+json",
      Allow: METHODS.join(", "),
      Connection: "close",
      "X-Content-Type-Options": "nosniff",
    });
    response.end(body);
    return;
  }
  const peer = request.socket.remoteAddress ?? "";
  const forwarded = request.headers["x-forwarded-for"];
  request.headers["x-forwarded-for"] = forwarded && isTrusted(peer) ? `${forwarded}, ${peer}` : peer;
  handle(request, response);
});
server.headersTimeout = 10_000;
server.requestTimeout = Number(process.env.REQUEST_TIMEOUT_SECONDS || 30) * 1000;
if (args.dev) server.on("upgrade", app.getUpgradeHandler()); // the dev server's hot reload socket
server.listen(port, args.hostname, () => {
  console.log(`frontend: listening on http://${args.hostname}:${port}${args.dev ? " (development)" : ""}`);
});
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    server.close();
    app.close?.().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 5_000).unref();
  });
}
