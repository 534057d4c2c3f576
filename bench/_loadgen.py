"""Load generator for bench/api.py, run in its own process: ``python -m bench._loadgen CONFIG_JSON``.

Open loop at a fixed rate (request i is due at start + i / rate whatever happened before, and
its latency counts from that due time, so a slow server cannot hide its queue: no coordinated
omission), or closed loop (``rate`` 0: ``connections`` callers back to back) for throughput.
HTTP/1.1 keep-alive over raw asyncio streams: the client costs little CPU next to the server
on a 2-core machine. Prints one JSON object: latencies in ms, statuses, elapsed seconds.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Config:
    url: str
    method: str
    path: str
    token: str
    body: str | None
    rate: float  # requests per second; 0 = closed loop
    duration: float  # seconds
    connections: int


class Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    async def request(self, raw: bytes) -> int:
        self.writer.write(raw)
        status_line = await self.reader.readline()
        status = int(status_line.split()[1])
        length = 0
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        if length:
            await self.reader.readexactly(length)
        return status


def raw_request(config: Config, host: str) -> bytes:
    body = (config.body or "").encode()
    head = (
        f"{config.method} {config.path} HTTP/1.1\r\nHost: {host}\r\n"
        f"Authorization: Bearer {config.token}\r\nAccept: application/json\r\n"
    )
    if config.body is not None:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    return head.encode() + b"\r\n" + body


async def main(config: Config) -> dict[str, object]:
    parts = urlsplit(config.url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    raw = raw_request(config, f"{host}:{port}")
    pool: asyncio.Queue[Connection] = asyncio.Queue()
    for _ in range(config.connections):
        pool.put_nowait(Connection(*await asyncio.open_connection(host, port)))
    latencies: list[float] = []
    statuses: dict[int, int] = {}

    async def one(due: float) -> None:
        connection = await pool.get()
        try:
            status = await connection.request(raw)
        finally:
            pool.put_nowait(connection)
        latencies.append((time.perf_counter() - due) * 1000)
        statuses[status] = statuses.get(status, 0) + 1

    start = time.perf_counter()
    if config.rate > 0:
        total = int(config.rate * config.duration)
        tasks = []
        for i in range(total):
            due = start + i / config.rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(due)))
        await asyncio.gather(*tasks)
    else:
        stop_at = start + config.duration

        async def caller() -> None:
            while time.perf_counter() < stop_at:
                await one(time.perf_counter())

        await asyncio.gather(*(caller() for _ in range(config.connections)))
    elapsed = time.perf_counter() - start
    while not pool.empty():
        pool.get_nowait().writer.close()
    return {"latencies_ms": latencies, "statuses": statuses, "elapsed": elapsed}


if __name__ == "__main__":
    result = asyncio.run(main(Config(**json.loads(sys.argv[1]))))
    json.dump(result, sys.stdout)
