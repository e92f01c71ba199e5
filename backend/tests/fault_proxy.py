"""A TCP proxy between the API and PostgreSQL that can lose a reply: the database did the work and committed, and
the connection breaks before the API hears of it (a dropped network path, a pooler restart, Neon's suspend).

`lose_replies(n, marker)`: the next n replies that contain `marker` are held until PostgreSQL's ReadyForQuery
(so the implicit transaction has committed), then dropped, and that connection is closed both ways.
"""

import asyncio
import contextlib
import threading
from pathlib import Path

_READY_FOR_QUERY = b"Z\x00\x00\x00\x05"  # message type 'Z', length 5, then the transaction status byte


class ReplyLosingProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        # A host that is a directory is PostgreSQL's unix socket folder (the embedded server listens only there).
        self.unix_socket = str(Path(target_host) / f".s.PGSQL.{target_port}") if target_host.startswith("/") else None
        self.target = (target_host, target_port)
        self.port = 0
        self.lost = 0
        self._to_lose = 0
        self._marker = b""
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> "ReplyLosingProxy":
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *_: object) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

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

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(asyncio.start_server(self._connect, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    async def _connect(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        if self.unix_socket:
            server_reader, server_writer = await asyncio.open_unix_connection(self.unix_socket)
        else:
            server_reader, server_writer = await asyncio.open_connection(*self.target)
        upstream = asyncio.ensure_future(self._pipe(client_reader, server_writer))
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
    async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while chunk := await reader.read(65536):
            writer.write(chunk)
            await writer.drain()
