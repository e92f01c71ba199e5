"""Graceful drain: on SIGTERM, readiness answers 503 at once while the process goes on serving for DRAIN_SECONDS,
so that load balancers take it out of rotation while it still answers; only then does uvicorn's own graceful
shutdown begin (stop accepting, finish what is in flight within SHUTDOWN_GRACE_SECONDS, close the pool).

Without this a replica stops accepting the moment it is told to stop while its readiness still passes, and the
balancer goes on sending it requests until enough of its checks have failed: errors for clients, on every restart.
"""

import asyncio
import logging
import signal
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from types import FrameType
from typing import Any

from fastapi import FastAPI

logger = logging.getLogger("app.http.drain")

SignalHandler = Callable[[int, FrameType | None], Any]


class Drain:
    """Whether this process is draining, and the SIGTERM handler that starts it."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.began: float | None = None  # time.monotonic() when SIGTERM arrived

    @property
    def draining(self) -> bool:
        return self.began is not None

    def take_over_sigterm(self, loop: asyncio.AbstractEventLoop) -> Callable[[], None]:
        """Put the drain in front of the server's SIGTERM handler, which it calls DRAIN_SECONDS later. Returns a
        function that puts the server's handler back."""
        if threading.current_thread() is not threading.main_thread():
            return lambda: None  # only the main thread receives signals: an app served from a thread (tests)
        shutdown = signal.getsignal(signal.SIGTERM)
        if not callable(shutdown):
            return lambda: None  # no server handler to hand over to (the default would end the process at once)

        def on_sigterm(sig: int, frame: FrameType | None) -> None:
            if self.began is not None:
                return  # a repeat (systemd signals every process of the group, uvicorn's supervisor its workers)
            self.began = time.monotonic()  # readiness fails from now on
            # The rest runs on the event loop: a signal handler may interrupt the loop (or logging) half-way.
            loop.call_soon_threadsafe(self._schedule, shutdown, sig)

        signal.signal(signal.SIGTERM, on_sigterm)

        def restore() -> None:
            if signal.getsignal(signal.SIGTERM) is on_sigterm:
                signal.signal(signal.SIGTERM, shutdown)

        return restore

    def _schedule(self, shutdown: SignalHandler, sig: int) -> None:
        logger.info(
            "SIGTERM: readiness answers 503 from now on; serving for %s s more, then finishing requests in flight",
            self.seconds,
        )
        asyncio.get_running_loop().call_later(self.seconds, shutdown, sig, None)


@asynccontextmanager
async def drain_on_sigterm(app: FastAPI) -> AsyncIterator[None]:
    """The health router's lifespan: every serving process (each of uvicorn's workers too) drains on SIGTERM. It
    runs once the server has installed its own signal handlers, which it then stands in front of."""
    drain = Drain(app.state.settings.drain_seconds)
    app.state.drain = drain
    restore = drain.take_over_sigterm(asyncio.get_running_loop())
    try:
        yield
    finally:
        restore()


def draining(app: Any) -> bool:
    drain: Drain | None = getattr(app.state, "drain", None)
    return drain is not None and drain.draining
