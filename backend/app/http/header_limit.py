"""A bound on a request's head (request line and headers, MAX_HEADER_BYTES): 431 while it is still arriving.

uvicorn's httptools protocol sets no limit on the head (its h11 one does, at a cost on every request), and an ASGI
middleware sees the headers only once all of them were read: one 100 MB header held the event loop for seconds
(httptools joins a header's pieces by copying them) and took hundreds of MB. So the bytes are counted where they
arrive, in a small subclass of uvicorn's protocol, which `todo-api run` and the tests' server use.

Counted: every byte received from the start of a request until its headers are complete, so one oversized read
is cut at the limit and only the part within it is parsed. (A pipelined request's first bytes may share a read
with the end of the previous request; those are not counted: a client gains at most one read buffer.)
"""

import asyncio
import json
import logging
import os
import urllib.parse
from typing import Any

import httptools
from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol
from uvicorn.server import ServerState

from app.core.errors import PROBLEM_MEDIA_TYPE, SECURITY_HEADERS, problem_body

logger = logging.getLogger("app.http.header_limit")

# After the 431, what the client still sends is read and dropped for this long before the connection is closed:
# closing a socket with unread data makes the kernel send a reset, which can destroy the answer before it is read.
LINGER_SECONDS = 2.0
_LONGEST_INSTANCE = 2048  # a longer path is not repeated in the problem (it may be what was too long)


class HeaderLimitedProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, answering 431 problem+json (and closing) once a head passes its limit."""

    max_header_bytes: int | None = None  # None: MAX_HEADER_BYTES from the settings (as in every worker process)

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        if self.max_header_bytes is None:
            from app.core.settings import get_settings

            self.limit = get_settings().max_header_bytes
        else:
            self.limit = self.max_header_bytes
        self._head_bytes = 0
        self._in_head = True  # between the end of a request (or the connection's start) and its headers' end
        self._refused = False
        self._heads_done = 0

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return  # lingering: dropped unread
        while self._in_head and len(data) > self.limit - self._head_bytes:
            room, heads = self.limit - self._head_bytes, self._heads_done
            super().data_received(data[:room])  # the part within the limit may complete the head
            if self.transport.is_closing():  # uvicorn answered 400 to a malformed request
                return
            if self._heads_done == heads:
                self._refuse()
                return
            data = data[room:]
        if self._in_head:
            self._head_bytes += len(data)
        super().data_received(data)

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._heads_done += 1
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_head, self._head_bytes = True, 0

    def _refuse(self) -> None:
        self._refused = True
        request_id = os.urandom(16).hex()  # as app.http.observability makes them: every answer carries one
        client = "%s:%d" % self.client if self.client else "?"  # noqa: UP031  (uvicorn's own form)
        logger.warning(
            "%s sent over %d bytes of request line and headers: answered 431 [%s]", client, self.limit, request_id
        )
        if self.cycle is not None and not self.cycle.response_complete:
            self.transport.close()  # an earlier request's answer is still being sent: nothing else can go out
            return
        detail = f"The request line and headers must be at most {self.limit} bytes in all."
        problem = problem_body(431, "headers_too_large", detail, self._instance())
        body = json.dumps(problem, separators=(",", ":")).encode()  # as every other problem is written
        headers = [
            *self.server_state.default_headers,  # date, server: as uvicorn sends on every answer
            (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
            (b"x-request-id", request_id.encode()),
            *((name.lower().encode(), value.encode()) for name, value in SECURITY_HEADERS.items()),
        ]
        self.transport.write(b"".join([STATUS_LINE[431], *(b"%s: %s\r\n" % header for header in headers), b"\r\n"]))
        self.transport.write(body)
        if self.transport.can_write_eof():
            self.transport.write_eof()  # the answer is complete; the client may stop sending
        self.flow.resume_reading()
        self.loop.call_later(LINGER_SECONDS, self.transport.close)

    def _instance(self) -> str:
        url: bytes = getattr(self, "url", b"")  # set by uvicorn once a request has begun
        if len(url) > _LONGEST_INSTANCE:
            return "/"
        try:
            path = httptools.parse_url(url).path.decode("ascii")
        except (httptools.HttpParserInvalidURLError, UnicodeDecodeError, AttributeError):
            return "/"
        return urllib.parse.unquote(path) or "/"


def with_limit(max_header_bytes: int) -> type[HeaderLimitedProtocol]:
    """The protocol with a given limit (the tests' in-process servers, whose settings are not the environment's)."""
    return type("HeaderLimitedProtocol", (HeaderLimitedProtocol,), {"max_header_bytes": max_header_bytes})
