"""A TCP proxy between the API and PostgreSQL that can lose a reply: the database did the work and committed, and
the connection breaks before the API hears of it (a dropped network path, a pooler restart, Neon's suspend).

`lose_replies(n, marker)`: the next n replies that contain `marker` are held until PostgreSQL's ReadyForQuery
(so the implicit transaction has committed), then dropped, and that connection is closed both ways.
"""

import asyncio
import contextlib
import threading

from bench.delay_proxy import DelayProxy

_READY_FOR_QUERY = b"Z\x00\x00\x00\x05"  # message type 'Z', length 5, then the transaction status byte


class ReplyLosingProxy(DelayProxy):
    """The benchmark's proxy without a delay, and with replies it can lose."""

    def __init__(self, target_host: str, target_port: int) -> None:
        super().__init__(target_host, target_port, one_way_ms=0)
        self.lost = 0
        self._to_lose = 0
        self._marker = b""
        self._lock = threading.Lock()

    def lose_replies(self, count: int, marker: bytes) -> None:
        with self._lock:
            self._to_lose, self._marker = count, marker

    def _take(self, reply: bytes) -> bool:
        with self._lock:
            if self._to_lose and self._marker in reply:
                self._to_lose -= 1
                self.lost += 1
                return True
            return False

    async def _connect(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        if self.unix_socket:
            server_reader, server_writer = await asyncio.open_unix_connection(self.unix_socket)
        else:
            server_reader, server_writer = await asyncio.open_connection(*self.target)
        upstream = asyncio.ensure_future(self._forward(client_reader, server_writer))
        try:
            reply, started = b"", False
            while chunk := await server_reader.read(65536):
                reply += chunk
                if started and reply[-6:-1] != _READY_FOR_QUERY:
                    continue  # a reply is whole at ReadyForQuery: decide then
                if started and self._take(reply):
                    break  # lost: close both ways without passing it on
                started = started or reply[-6:-1] == _READY_FOR_QUERY  # past TLS negotiation and start-up
                client_writer.write(reply)
                await client_writer.drain()
                reply = b""
        finally:
            upstream.cancel()
            for writer in (client_writer, server_writer):
                with contextlib.suppress(Exception):
                    writer.close()

    @staticmethod
    async def _forward(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while chunk := await reader.read(65536):
            writer.write(chunk)
            await writer.drain()
