"""HTTP hardening for every response and request: security headers, and a deadline for slow request bodies.

Pure ASGI (no task hop, nothing buffered). The headers follow OWASP's REST security cheat sheet: API answers are
private to one user, so no cache may keep them (`no-store`), and no browser may sniff them into another type or
frame them. The body deadline stops a client that trickles its body (a byte every few seconds holds a connection
and a worker's attention for minutes otherwise): uvicorn has no body or header read timeout of its own.
"""

import time

import anyio
from fastapi import FastAPI, HTTPException
from starlette.responses import Response
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.errors import SECURITY_HEADERS

_RAW_HEADERS = [(name.lower().encode(), value.encode()) for name, value in SECURITY_HEADERS.items()]


class HardeningMiddleware:
    def __init__(self, app: ASGIApp, body_timeout_seconds: float) -> None:
        self.app = app
        self.body_timeout_seconds = body_timeout_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        length = headers.get(b"content-length", b"0")
        body_pending = b"transfer-encoding" in headers or (length.isdigit() and int(length) > 0)
        deadline = time.monotonic() + self.body_timeout_seconds

        async def receive_within_deadline() -> Message:
            nonlocal body_pending
            if not body_pending:  # the body is in (or there is none): e.g. a wait for the client to disconnect
                return await receive()
            try:
                with anyio.fail_after(max(deadline - time.monotonic(), 0)):
                    message = await receive()
            except TimeoutError:
                # An HTTPException, as in limits.py: FastAPI's body parser passes it on, and the app's own handler
                # answers with a 408 problem (the response below then closes the connection).
                raise HTTPException(
                    408, f"The request body did not arrive within {self.body_timeout_seconds:g} seconds."
                ) from None
            if message["type"] != "http.request" or not message.get("more_body", False):
                body_pending = False
            return message

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message["headers"]}
                extra = [(name, value) for name, value in _RAW_HEADERS if name not in names]
                if body_pending:
                    # Answered before the whole body came (408, 413, 401 ...): close the connection instead of
                    # letting the client go on sending into it.
                    extra.append((b"connection", b"close"))
                message = {**message, "headers": [*message["headers"], *extra]}
            await send(message)

        await self.app(scope, receive_within_deadline, send_with_headers)


def install_relative_slash_redirects(app: FastAPI) -> None:
    """`/api/alice/tasks/` → `307 Location: /api/alice/tasks` (and `/x` → `/x/` where only that exists), as
    Starlette does, but relative: Starlette writes an absolute URL from the client's own `Host` header, so a request
    with `Host: evil.example` was sent to evil.example. Runs only for a path no route matched (the router's
    `default`): nothing on the way of a matched request."""
    router = app.router
    not_found = router.default
    router.redirect_slashes = False

    async def redirect_or_not_found(scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope["path"]
        if scope["type"] == "http" and path != "/":
            other = path.rstrip("/") if path.endswith("/") else path + "/"
            raw: bytes = scope.get("raw_path") or path.encode()
            raw_other = raw.rstrip(b"/") if raw.endswith(b"/") else raw + b"/"
            # Never `//host...`: a browser reads that as another site.
            if not raw_other.startswith(b"//") and any(
                route.matches({**scope, "path": other})[0] is not Match.NONE for route in router.routes
            ):
                location = scope.get("root_path", "") + raw_other.decode("latin-1")
                if scope.get("query_string"):
                    location += "?" + scope["query_string"].decode("latin-1")
                await Response(status_code=307, headers={"Location": location})(scope, receive, send)
                return
        await not_found(scope, receive, send)

    router.default = redirect_or_not_found
