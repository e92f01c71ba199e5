"""The frontend's published signing keys (JWKS mode): fetched with a total deadline and a size cap, cached for
JWKS_CACHE_SECONDS, and followed: a key withdrawn from the set stops verifying once the cache expires.

Our own small class rather than PyJWKClient (whose key parsing, PyJWK, is still the one used): PyJWKClient keeps
every key it has seen by `kid` in a cache that never expires (a withdrawn key kept verifying), starts its refetch
cooldown only after a successful fetch (a failing endpoint was fetched once per junk token), applies its timeout
to each read rather than the whole fetch (a set trickled a byte at a time held a fetch for a minute), reads any
size, and makes concurrent callers queue behind one fetch (a valid token waited 28 s for a slow endpoint).

Here: at most one fetch at a time, never waited for by anyone else (they use the keys at hand); at most one
attempt per JWKS_REFETCH_COOLDOWN_SECONDS, failed or not, except the refresh of a set that reached its cache
lifetime; a failed fetch keeps the last good set, so known keys keep verifying while the frontend restarts.
"""

import contextlib
import http.client
import json
import logging
import math
import socket
import ssl
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass

import jwt

logger = logging.getLogger("app.core.jwks")


class KeysUnavailableError(Exception):
    """The key set cannot be fetched now and no published set says whether this key exists: a 503."""

    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__("the signing keys cannot be fetched right now")
        self.retry_after_seconds = retry_after_seconds


class UnknownKeyError(Exception):
    """The current published set has no key with this `kid`: a 401."""


class FetchError(Exception):
    """Why one fetch failed (for the log); callers see KeysUnavailableError or the last good set."""


@dataclass(frozen=True)
class _Published:
    keys: dict[str, jwt.PyJWK]
    fetched_at: float


class KeySet:
    def __init__(
        self,
        url: str,
        *,
        cache_seconds: float,
        cooldown_seconds: float,
        deadline_seconds: float,
        max_bytes: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = url
        self.cache_seconds = cache_seconds
        self.cooldown_seconds = cooldown_seconds
        self.deadline_seconds = deadline_seconds
        self.max_bytes = max_bytes
        self.clock = clock  # a seam: tests move time forward without waiting for it
        self._published: _Published | None = None
        self._last_attempt = -math.inf
        self._last_attempt_failed = False
        self._fetching = threading.Lock()

    def key(self, kid: str) -> jwt.PyJWK:
        """The published key `kid`, fetching the set first when it is stale or lacks the key (and a fetch is allowed).
        Blocks only the caller that fetches, for at most the deadline."""
        published = self._published
        now = self.clock()
        fresh = published is not None and now - published.fetched_at < self.cache_seconds
        if not (fresh and published is not None and kid in published.keys) and self._may_fetch(now, fresh):
            published = self._refresh() or published
            fresh = published is not None and self.clock() - published.fetched_at < self.cache_seconds
        if published is not None and kid in published.keys:
            return published.keys[kid]  # stale only while fetches fail: the last set the frontend published
        if fresh:
            raise UnknownKeyError(kid)
        # No set, or a stale one that cannot be refreshed: whether this key exists is unknown.
        raise KeysUnavailableError(self._retry_after())

    def fresh_for(self) -> float:
        """Seconds the current set stays fresh: how long a token verified with it may be remembered (0 once it is
        stale, e.g. while fetches fail: each request then checks its key again)."""
        published = self._published
        return 0.0 if published is None else max(0.0, published.fetched_at + self.cache_seconds - self.clock())

    def _may_fetch(self, now: float, fresh: bool) -> bool:
        if now - self._last_attempt >= self.cooldown_seconds:
            return True
        # A set that reached its cache lifetime is refreshed at once, unless refreshing it has just failed.
        return not fresh and self._published is not None and not self._last_attempt_failed

    def _refresh(self) -> _Published | None:
        if not self._fetching.acquire(blocking=False):
            return None  # another request is fetching: use what is at hand rather than queue behind it
        try:
            self._last_attempt = self.clock()
            try:
                keys = parse(download(self.url, self.deadline_seconds, self.max_bytes))
            except FetchError as error:
                self._last_attempt_failed = True
                logger.warning("JWKS fetch from %s failed: %s", self.url, error)
                return None
            self._last_attempt_failed = False
            self._published = _Published(keys, self.clock())
            return self._published
        finally:
            self._fetching.release()

    def _retry_after(self) -> int:
        return max(1, math.ceil(self._last_attempt + self.cooldown_seconds - self.clock()))


def parse(document: bytes) -> dict[str, jwt.PyJWK]:
    """The signing keys of a JWKS document by `kid`, parsed by PyJWT. Keys it cannot use (another type, `use: enc`,
    no `kid`) are left out; a document that is not a key set at all is a failed fetch."""
    try:
        data = json.loads(document)
    except (UnicodeDecodeError, ValueError) as error:
        raise FetchError("the answer is not JSON") from error
    if not isinstance(data, dict) or not isinstance(data.get("keys"), list):
        raise FetchError('the answer is not a JWKS document ({"keys": [...]})')
    keys = {}
    for entry in data["keys"]:
        if not isinstance(entry, dict) or entry.get("use", "sig") != "sig" or not isinstance(entry.get("kid"), str):
            continue
        try:
            keys[entry["kid"]] = jwt.PyJWK(entry)
        except (jwt.PyJWKError, jwt.InvalidKeyError):
            continue
    return keys


def download(url: str, deadline_seconds: float, max_bytes: int) -> bytes:
    """GET `url` within `deadline_seconds` in all (connect, headers, body) and at most `max_bytes` of body.

    http.client rather than urllib: the deadline is kept by a timer that shuts the socket down, which needs the
    socket, and no redirect is followed (the key set comes from the configured address only)."""
    parts = urllib.parse.urlsplit(url)
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        connection = http.client.HTTPSConnection(
            parts.hostname or "", parts.port, timeout=deadline_seconds, context=ssl.create_default_context()
        )
    else:
        connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=deadline_seconds)
    started = time.monotonic()
    expired = threading.Event()
    watchdog: threading.Timer | None = None
    response: http.client.HTTPResponse | None = None
    try:
        connection.connect()  # within the deadline too (the connection's timeout)
        # The socket itself, not the connection's attribute: http.client drops that when the answer says "close".
        remaining = max(deadline_seconds - (time.monotonic() - started), 0.0)
        watchdog = threading.Timer(remaining, _cut, (connection.sock, expired))
        watchdog.daemon = True
        watchdog.start()
        connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers={"Accept": "*/*"})
        response = connection.getresponse()
        if response.status != 200:
            raise FetchError(f"HTTP {response.status}")
        declared = response.getheader("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise FetchError(f"{declared} bytes (JWKS_MAX_BYTES is {max_bytes})")
        body = bytearray()
        while chunk := response.read1(65536):
            body += chunk
            if len(body) > max_bytes:
                raise FetchError(f"over {max_bytes} bytes (JWKS_MAX_BYTES)")
        if expired.is_set():
            raise FetchError(f"not complete within {deadline_seconds:g} s")  # cut off: what arrived is partial
        return bytes(body)
    except (OSError, http.client.HTTPException) as error:
        late = expired.is_set()
        raise FetchError(f"not complete within {deadline_seconds:g} s" if late else type(error).__name__) from error
    finally:
        if watchdog is not None:
            watchdog.cancel()
        if response is not None:
            response.close()  # it holds the socket once http.client has handed it over
        connection.close()


def _cut(sock: socket.socket, expired: threading.Event) -> None:
    # Wakes a read blocked in another thread: it returns at once with an error or the end of the data.
    expired.set()
    with contextlib.suppress(OSError):  # already closed: nothing to wake
        sock.shutdown(socket.SHUT_RDWR)
