"""CORS for the web app: Starlette's middleware, with a short way through for requests that carry no Origin.

Only browsers send Origin, and only across origins: API clients, servers and the web app's own server-side calls
do not. For those, Starlette's middleware parses every header and rewrites the answer's headers only to add
`Vary: Origin` (its cost: docs/performance.md). Here that one header is added directly; any request with an Origin
goes through Starlette's middleware unchanged.
"""

from starlette.middleware.cors import CORSMiddleware
from starlette.types import Message, Receive, Scope, Send

# A cache must not hand an answer made without CORS headers to a browser that sent an Origin, nor the reverse.
_VARY = b"vary"


class CORS(CORSMiddleware):
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or any(name == b"origin" for name, _ in scope["headers"]):
            await super().__call__(scope, receive, send)
            return

        async def send_varying_by_origin(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": _vary_by_origin(message.get("headers", []))}
            await send(message)

        await self.app(scope, receive, send_varying_by_origin)


def _vary_by_origin(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """`Vary: Origin` added as Starlette adds it: joined into one Vary header with any already there."""
    varies = [value for name, value in headers if name.lower() == _VARY]
    if not varies:
        return [*headers, (_VARY, b"Origin")]
    return [
        *((name, value) for name, value in headers if name.lower() != _VARY),
        (_VARY, b", ".join([*varies, b"Origin"])),
    ]
