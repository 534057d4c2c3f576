"""Load generator of bench/sales.py, run in its own process: ``python -m bench._sales_load CONFIG_JSON``.

Raw HTTP/1.1 keep-alive callers, back to back (closed loop), each issuing invoices as fast as
answers come, in one of the flows of bench/sales.py. Prints one JSON object: latencies in ms per
request, statuses, invoices issued, elapsed seconds.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any
from urllib.parse import urlsplit

API = "/api/v1/sales"
BATCH = 20


class _Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    async def post(self, host: str, path: str, token: str, body: bytes) -> tuple[int, bytes]:
        self.writer.write(
            (
                f"POST {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n"
                "Accept: application/json\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n"
            ).encode()
            + body
        )
        status = int((await self.reader.readline()).split()[1])
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        return status, (await self.reader.readexactly(length)) if length else b""


async def _load(config: dict[str, Any]) -> dict[str, Any]:
    parts = urlsplit(config["url"])
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    hostport = f"{host}:{port}"
    flow, token = config["flow"], config["token"]
    one = json.dumps(config["draft"]).encode()
    batch = json.dumps({"documents": [config["draft"]] * BATCH}).encode()
    latencies: list[float] = []  # per request (a batch request carries BATCH invoices)
    statuses: dict[str, int] = {}
    issued = 0

    async def caller(stop_at: float) -> None:
        nonlocal issued
        conn = _Connection(*await asyncio.open_connection(host, port))
        try:
            while time.perf_counter() < stop_at:
                began = time.perf_counter()
                if flow == "one step":
                    status, _ = await conn.post(hostport, f"{API}/invoices/issue", token, one)
                    issued += status == 201
                elif flow == "two steps":
                    status, answer = await conn.post(hostport, f"{API}/invoices", token, one)
                    if status == 201:
                        invoice_id = json.loads(answer)["id"]
                        status, _ = await conn.post(
                            hostport, f"{API}/invoices/{invoice_id}/issue", token, b""
                        )
                    issued += status == 200
                else:
                    status, _ = await conn.post(hostport, f"{API}/invoices/issue-batch", token, batch)
                    issued += BATCH if status == 201 else 0
                latencies.append((time.perf_counter() - began) * 1000)
                statuses[str(status)] = statuses.get(str(status), 0) + 1
        finally:
            conn.writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(caller(start + config["seconds"]) for _ in range(config["connections"])))
    elapsed = time.perf_counter() - start
    return {"latencies_ms": latencies, "statuses": statuses, "issued": issued, "elapsed": elapsed}


if __name__ == "__main__":
    json.dump(asyncio.run(_load(json.loads(sys.argv[1]))), sys.stdout)
