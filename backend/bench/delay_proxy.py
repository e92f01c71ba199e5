"""A TCP proxy that delays every chunk by a fixed time in each direction: an artificial network to the database.

With the API talking to PostgreSQL through it, a route's latency is about (round trips x RTT): the benchmark
divides each route's median by the RTT to count its round trips. Order is kept per direction.
"""

import asyncio
import contextlib
import threading
from pathlib import Path
from typing import Self


class DelayProxy:
    def __init__(self, target_host: str, target_port: int, one_way_ms: float) -> None:
        # A host that is a directory is PostgreSQL's unix socket folder (the embedded server listens only there).
        self.unix_socket = str(Path(target_host) / f".s.PGSQL.{target_port}") if target_host.startswith("/") else None
        self.target = (target_host, target_port)
        self.delay = one_way_ms / 1000
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *_: object) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        # Connections still open: end their tasks here, so the loop closes without "Task was destroyed" noise.
        pending = asyncio.all_tasks(self._loop)
        for task in pending:
            task.cancel()
        if pending:
            self._loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        self._loop.close()

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
        await asyncio.gather(
            self._pipe(client_reader, server_writer), self._pipe(server_reader, client_writer), return_exceptions=True
        )

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

        async def deliver() -> None:
            while True:
                due, chunk = await queue.get()
                if not chunk:
                    break
                await asyncio.sleep(max(0.0, due - self._loop.time()))
                writer.write(chunk)
                await writer.drain()
            writer.close()

        sender = asyncio.ensure_future(deliver())
        try:
            while chunk := await reader.read(65536):
                queue.put_nowait((self._loop.time() + self.delay, chunk))
        finally:
            queue.put_nowait((0.0, b""))
            with contextlib.suppress(Exception):
                await sender
