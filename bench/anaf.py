"""ANAF and BNR integrations: client round trips against the doubles, answer parsing, limit counters.

``python -m bench anaf``. The ANAF double runs in this process (uvicorn thread on 127.0.0.1), so a
round trip measures our client stack (limits, resilience kit, httpx, parsing) plus the double's
work (the e-Factura validator judges every upload): an upper bound of local overhead, not ANAF's
latency (ANAF often takes seconds). Redis counters are measured when ``GENIUS_TEST_REDIS_URL`` is
set. The machine is shared: treat the numbers as an order of magnitude.
"""

from __future__ import annotations

import io
import os
import socket
import statistics
import threading
import time
import urllib.parse
import uuid
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from genius.fiscal.ro.efactura import build_xml, load_json
from genius.integrations.anaf import (
    AnafEndpoints,
    AnafOAuthClient,
    EfacturaClient,
    InMemoryAnafLimiter,
    InMemoryTokenStore,
    OAuthClientConfig,
    RedisAnafLimiter,
    ResilientGuard,
    TokenManager,
    open_download,
    parse_callback,
)
from genius.integrations.anaf import limits as L
from genius.integrations.anaf.double import AnafDouble
from genius.integrations.anaf.double.registry import SEED_FIRMS, record_for
from genius.integrations.anaf.vat import read_record
from genius.integrations.bnr import parse_bnr_xml
from genius.integrations.bnr.double import render_bnr_xml, seed_rates
from genius.platform.resilience import MemoryBreakerStore

ROOT = Path(__file__).resolve().parent.parent
CYCLES = 60
SELLER = "12345674"


def _fmt(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    return f"{seconds * 1e3:.2f} ms" if seconds >= 1e-3 else f"{seconds * 1e6:.1f} µs"


def _per_call(fn: Callable[[], object], calls: int, repeat: int = 5) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        samples.append((time.perf_counter() - start) / calls)
    return statistics.median(samples)


@contextmanager
def _serving(app: Any) -> Iterator[str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def _client(base_url: str) -> EfacturaClient:
    endpoints = AnafEndpoints.local(base_url)
    callback = "http://127.0.0.1:9/cb"
    oauth = AnafOAuthClient(endpoints, OAuthClientConfig("genius-sandbox", "sandbox-secret", callback))
    location = httpx.get(oauth.authorize_url(), follow_redirects=False).headers["location"]
    manager = TokenManager(oauth, InMemoryTokenStore(), SELLER)
    manager.authorize_with_code(
        parse_callback(dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query)))
    )
    return EfacturaClient(
        endpoints, manager, limiter=InMemoryAnafLimiter(), guard=ResilientGuard(store=MemoryBreakerStore())
    )


def _round_trips() -> list[str]:
    template = build_xml(load_json((ROOT / "docs/examples/efactura-domestic-21-11.json").read_text()))
    double = AnafDouble(processing_seconds=0.0)
    upload, state, download = [], [], []
    with _serving(double.app) as base_url, _client(base_url) as client:
        for n in range(CYCLES):
            xml = template.replace(b"GEN-2025-0001", f"GEN-2025-B{n:04d}".encode())
            t0 = time.perf_counter()
            receipt = client.upload(xml, cif=SELLER)
            t1 = time.perf_counter()
            answer = client.message_state(receipt.upload_index)
            t2 = time.perf_counter()
            client.download(answer.download_id or "")
            t3 = time.perf_counter()
            upload.append(t1 - t0)
            state.append(t2 - t1)
            download.append(t3 - t2)
        started = time.perf_counter()
        listed = client.list_messages(SELLER, 1)
        list_time = time.perf_counter() - started
    rows = [
        "| call | median | p95 |",
        "|---|---|---|",
    ]
    for name, samples in (
        ("upload (double validates)", upload),
        ("stareMesaj", state),
        ("descarcare (ZIP + signature)", download),
    ):
        ordered = sorted(samples)
        rows.append(
            f"| {name} | {_fmt(statistics.median(ordered))} | {_fmt(ordered[int(len(ordered) * 0.95) - 1])} |"
        )
    rows.append(f"| listaMesajeFactura ({len(listed.messages)} messages) | {_fmt(list_time)} | |")
    total = sum(upload) + sum(state) + sum(download)
    return [
        f"Round trips over HTTP to the in-process double, {CYCLES} invoices (domestic example, 2 lines):",
        "",
        *rows,
        "",
        f"Full cycle upload -> stareMesaj -> descarcare: {_fmt(total / CYCLES)} per invoice "
        f"({CYCLES / total:.0f} invoices/s in one thread).",
    ]


def _parsing() -> list[str]:
    content = build_xml(load_json((ROOT / "docs/examples/efactura-domestic-21-11.json").read_text()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("1.xml", content)
        archive.writestr("semnatura_1.xml", b"<Signature xmlns='http://www.w3.org/2000/09/xmldsig#'/>")
    data = buffer.getvalue()
    records = [record_for(firm, date(2025, 1, 10)) for firm in SEED_FIRMS]
    year = render_bnr_xml(seed_rates(date(2024, 1, 1), date(2024, 12, 31)))
    return [
        "| work | time |",
        "|---|---|",
        f"| open a download ZIP (checks + inflate, {len(content)} B invoice) | "
        f"{_fmt(_per_call(lambda: open_download(data, '1'), 500))} |",
        f"| read one VAT registry record | "
        f"{_fmt(_per_call(lambda: [read_record(r) for r in records], 200) / len(records))} |",
        f"| parse a BNR yearly file (262 sheets x 10 rates, {len(year) // 1024} KiB) | "
        f"{_fmt(_per_call(lambda: parse_bnr_xml(year), 5))} |",
    ]


def _limits() -> list[str]:
    memory = InMemoryAnafLimiter()
    lines = [
        "| limiter | acquire |",
        "|---|---|",
        f"| in memory | {_fmt(_per_call(lambda: memory.acquire(L.PAGED_LIST_PER_CUI, 'x'), 10_000, 3))} |",
    ]
    url = os.environ.get("GENIUS_TEST_REDIS_URL")
    if url:
        prefix = f"gbench:anaf:{uuid.uuid4().hex[:8]}"
        redis_limiter = RedisAnafLimiter(url, prefix=prefix)
        try:
            per = _per_call(lambda: redis_limiter.acquire(L.PAGED_LIST_PER_CUI, "x"), 2000, 3)
            lines.append(f"| Redis (Lua, local server) | {_fmt(per)} |")
        finally:
            for key in redis_limiter._redis.scan_iter(f"{prefix}:*"):
                redis_limiter._redis.delete(key)
            redis_limiter.close()
    return lines


def run() -> str:
    parts = ["### ANAF and BNR integrations", "", *_round_trips(), "", *_parsing(), "", *_limits(), ""]
    parts.append("Rerun: `GENIUS_TEST_REDIS_URL=redis://127.0.0.1:6379/0 python -m bench anaf`.")
    return "\n".join(parts)


if __name__ == "__main__":
    print(run())
