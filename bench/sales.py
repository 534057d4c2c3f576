"""Sales benchmark: invoices issued per second through the API, on SQLite and on PostgreSQL.

A real server (`genius serve`: uvicorn, one process, every middleware, access log at INFO to
/dev/null; bench/api.py's ``Server``) runs in a subprocess with its demo tenant; the company
profile, a series, a partner and a product are set up through the API. The load generator is
another process (this module run as ``python -m bench.sales CONFIG_JSON``): raw HTTP/1.1
keep-alive callers, back to back (closed loop), each issuing invoices as fast as answers come:

* ``one step``: ``POST /api/v1/sales/invoices/issue`` (draft and issue in one transaction);
* ``two steps``: ``POST /api/v1/sales/invoices`` (draft) then ``POST .../{id}/issue``;
* ``batch of 20``: ``POST /api/v1/sales/invoices/issue-batch`` (20 invoices, one transaction).

Servers, all supported ``genius serve`` modes: ``genius serve`` as a laptop runs it (one process
that also embeds the outbox relay, the workers and every app's subscribers, so each issued invoice
is also relayed and posted to the ledger by accounting in the same process); ``--api-only`` (the
API alone: relay and workers would run as ``genius worker`` processes); and on PostgreSQL
``--workers 2`` (two API processes, one of which also runs the relay, subscribers and workers)
and ``--api-only --workers 2`` (a 2-core machine has a second core that one Python process cannot
use).

Every issue takes the gapless number inside its transaction, expands the draft (partner and
product by reference), builds the CIUS-RO UBL, runs the e-Factura validator, stores XML + hash,
appends the audit record and writes the ``sales.invoice.issued`` outbox row. After each run the
database is read back: issued invoices = 2xx answers, numbers 1..n without a gap, one outbox
row per issue.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from bench._proc_cpu import CpuMeter, postgres_backends, process_tree
from bench._sales_load import API, BATCH
from bench.api import GENIUS, PROJECT_ROOT, Server, _percentile

SECONDS = 15
WARMUP_SECONDS = 3
SERVE: tuple[str, ...] = ()  # `genius serve` as a laptop runs it (embedded relay and subscribers)
API_ONLY = ("--api-only",)
TWO = ("--workers", "2")  # two API processes, one also running the relay and subscribers
TWO_API_ONLY = ("--api-only", "--workers", "2")
# (flow, `genius serve` arguments, concurrent callers); several processes on PostgreSQL only
RUNS = (
    ("one step", SERVE, 8),
    ("one step", API_ONLY, 8),
    ("two steps", API_ONLY, 8),
    (f"batch of {BATCH}", API_ONLY, 4),
    ("one step", TWO, 16),
    ("one step", TWO_API_ONLY, 16),
    ("two steps", TWO_API_ONLY, 16),
    (f"batch of {BATCH}", TWO_API_ONLY, 6),
)
# BENCH_SALES_ONLY="one step" runs only the rows of that flow (and BENCH_SALES_BACKENDS=postgresql
# only that backend): a short run.
DEMO_CUI = "RO12345674"  # genius.platform.auth.demo.DEMO_CUI, as a VAT payer


@dataclass(frozen=True)
class Result:
    backend: str
    flow: str
    serve_args: tuple[str, ...]
    connections: int

    @property
    def server(self) -> str:
        return " ".join(("genius serve", *self.serve_args))

    issued: int
    per_second: float
    p50: float
    p99: float
    failures: int
    gapless: bool
    outbox_rows: int
    cpu_ms: tuple[float, float | None, float]  # per invoice: server processes, PostgreSQL backends, client

    def row(self) -> str:
        server, database, client = self.cpu_ms
        return (
            f"| {self.backend} | {self.flow} | {self.server} | {self.connections} | {self.issued} |"
            f" {self.per_second:.0f} | "
            f"{self.p50:.1f} | {self.p99:.1f} | {self.failures} | {'yes' if self.gapless else 'NO'} | "
            f"{self.outbox_rows} | {server:.2f} | {'-' if database is None else f'{database:.2f}'} |"
            f" {client:.2f} |"
        )


def setup(server: Server, token: str) -> dict[str, str]:
    """Company profile, a default yearly series, one partner and one product of the demo tenant."""
    headers = {"Authorization": f"Bearer {token}"}
    address = {
        "street": "Str. Memorandumului 28",
        "city": "Cluj-Napoca",
        "county": "RO-CJ",
        "country_code": "RO",
    }

    def call(method: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = httpx.request(method, f"{server.url}{API}{path}", json=body, headers=headers, timeout=30)
        response.raise_for_status()
        return response.json()  # type: ignore[no-any-return]

    call(
        "PUT",
        "/company",
        {
            "name": "Genius Demo SRL",
            "cui": DEMO_CUI,
            "address": address,
            "iban": "RO49AAAA1B31007593840000",
            "trade_register": "J12/3456/2020",
        },
    )
    series = call("POST", "/series", {"prefix": "BEN-", "is_default": True, "width": 6})
    partner = call(
        "POST",
        "/partners",
        {
            "kind": "company",
            "name": "Client Exemplu SRL",
            "cui": "RO14399840",
            "address": {**address, "city": "SECTOR3", "county": "RO-B"},
        },
    )
    product = call(
        "POST",
        "/products",
        {
            "code": "LIC",
            "name": "Licenta Genius ERP",
            "unit_code": "H87",
            "vat_category": "S",
            "vat_rate_kind": "standard",
            "price": "125.50",
        },
    )
    return {"series": series["id"], "partner": partner["id"], "product": product["id"]}


def draft(ids: dict[str, str]) -> dict[str, Any]:
    return {
        "currency": "RON",
        "buyer": {"partner_id": ids["partner"]},
        "lines": [
            {"id": "1", "product_id": ids["product"], "quantity": "10"},
            {
                "id": "2",
                "quantity": "2.5",
                "unit_code": "HUR",
                "price": {"net_price": "180.00"},
                "item": {"name": "Instruire utilizatori", "vat_category": "S", "vat_rate_kind": "standard"},
            },
        ],
    }


def load(
    url: str, token: str, ids: dict[str, str], flow: str, connections: int, seconds: float
) -> dict[str, Any]:
    config = {
        "url": url,
        "token": token,
        "draft": draft(ids),
        "flow": flow,
        "connections": connections,
        "seconds": seconds,
    }
    output = subprocess.run(
        [sys.executable, "-m", "bench._sales_load", json.dumps(config)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output)  # type: ignore[no-any-return]


# -- servers -----------------------------------------------------------------------------------------
def with_args(server: Server, args: tuple[str, ...]) -> None:
    """Restart the server as ``genius serve ARGS`` (``--workers N``: N API processes, one of them
    also running the relay, subscribers and workers; ``--api-only``: none of them runs those).

    Same data folder, database, port and demo tenant; tokens stay valid (keys live in the control
    plane). ``Server.stop`` then stops this process (uvicorn's manager) instead.
    """
    server.process.send_signal(signal.SIGINT)
    server.process.wait(timeout=30)
    # The server runs in its own process group (as ``Server`` starts it): end what is left of it,
    # or an API process of ``--workers N`` outlives the benchmark with its consumers running.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.process.pid, signal.SIGKILL)
    port = urlsplit(server.url).port
    env = {k: v for k, v in os.environ.items() if not k.startswith("GENIUS_")}
    env.update(
        GENIUS_DATA_DIR=str(Path(server.folder.name) / "var"),
        GENIUS_PORT=str(port),
        GENIUS_DEMO_TENANT=server.demo,
        GENIUS_DEMO_DATA="false",  # as bench/api.py: the tenant is the benchmark's, no demo seed
        GENIUS_LOG_LEVEL="INFO",
        GENIUS_RATE_LIMIT__TENANT_RATE="1000000",
        GENIUS_RATE_LIMIT__TENANT_BURST="1000000",
        GENIUS_RATE_LIMIT__USER_RATE="1000000",
        GENIUS_RATE_LIMIT__USER_BURST="1000000",
    )
    if server.postgres_url is not None:
        env["GENIUS_DATABASE_URL"] = server._url(server.control_db)
    server.process = subprocess.Popen(
        [str(GENIUS), "serve", *args],
        env=env,
        cwd=server.folder.name,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: Server.stop ends uvicorn's children too
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{server.url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"genius serve {' '.join(args)} did not start")


# -- reading the result back ---------------------------------------------------------------------
def tenant_engine(server: Server) -> Any:
    import sqlalchemy as sa

    from genius.platform.db.engine import make_engine

    if server.postgres_url is not None:
        url = sa.make_url(server.postgres_url).set(database=f"{server.demo}_core")
        return make_engine(url, schemas=["sales", "bus"])
    [path] = (Path(server.folder.name) / "var" / "tenants").glob(f"{server.demo}*.db")
    return make_engine(f"sqlite:///{path}", schemas=["sales", "bus"])


def read_back(server: Server) -> tuple[int, bool, int]:
    """(issued invoices, whether their numbers are 1..n without a gap, issued-event outbox rows)."""
    import sqlalchemy as sa

    from genius.apps.sales import tables as t
    from genius.platform.bus.tables import outbox

    engine = tenant_engine(server)
    try:
        with engine.connect() as conn:
            numbers = (
                conn.execute(sa.select(t.invoices.c.number).where(t.invoices.c.number.is_not(None)))
                .scalars()
                .all()
            )
            events = conn.execute(
                sa.select(sa.func.count()).select_from(outbox).where(outbox.c.type == "sales.invoice.issued")
            ).scalar_one()
            next_number = conn.execute(sa.select(t.series.c.next_number)).scalar_one()
    finally:
        engine.dispose()
    sequence = sorted(int(n.rsplit("-", 1)[1]) for n in numbers)
    return (
        len(numbers),
        sequence == list(range(1, len(numbers) + 1)) and next_number == len(numbers) + 1,
        events,
    )


def bench_one(
    backend: str, postgres_url: str | None, flow: str, args: tuple[str, ...], connections: int
) -> Result:
    server = Server(backend, postgres_url)  # a fresh tenant per run: counts and numbers start at 0
    try:
        token = server.token()
        ids = setup(server, token)
        if args != SERVE:
            with_args(server, args)
        load(server.url, token, ids, flow, connections, WARMUP_SECONDS)
        before, _, events_before = read_back(server)
        meters = [CpuMeter(lambda: process_tree(server.process.pid))]
        if postgres_url is not None:
            meters.append(CpuMeter(lambda: postgres_backends({f"{server.demo}_core", server.control_db})))
        for meter in meters:
            meter.start()
        client_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        run = load(server.url, token, ids, flow, connections, SECONDS)
        client_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = [meter.stop() for meter in meters]
        issued, gapless, events = read_back(server)
    finally:
        server.stop()
    if issued - before != run["issued"]:
        raise AssertionError(
            f"{backend} {flow}: {run['issued']} answered but {issued - before} invoices stored"
        )
    latencies = run["latencies_ms"]
    return Result(
        backend,
        flow,
        args,
        connections,
        run["issued"],
        run["issued"] / run["elapsed"],
        statistics.median(latencies),
        _percentile(latencies, 0.99),
        sum(n for status, n in run["statuses"].items() if not 200 <= int(status) < 300),
        gapless,
        events - events_before,
        _per_invoice(cpu, client_before, client_after, run["issued"]),
    )


def _per_invoice(
    cpu: list[float], before: resource.struct_rusage, after: resource.struct_rusage, issued: int
) -> tuple[float, float | None, float]:
    client = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    per = 1000 / max(issued, 1)
    return cpu[0] * per, (cpu[1] * per if len(cpu) > 1 else None), client * per


def run() -> str:
    load_before = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    postgres_url = os.environ.get("GENIUS_TEST_DATABASE_URL")
    backends = [("sqlite", None)] + ([("postgresql", postgres_url)] if postgres_url else [])
    wanted = os.environ.get("BENCH_SALES_BACKENDS")
    if wanted:
        backends = [(b, url) for b, url in backends if b in wanted.split(",")]
    only = os.environ.get("BENCH_SALES_ONLY")
    results = [
        bench_one(b, url, *spec)
        for b, url in backends
        for spec in RUNS
        if ("--workers" not in spec[1] or url is not None) and (not only or spec[0] == only)
    ]
    missing = "" if postgres_url else "\nPostgreSQL skipped: set GENIUS_TEST_DATABASE_URL to include it.\n"
    load_average = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [
        f"{SECONDS} s per row after {WARMUP_SECONDS} s of warm-up; load average (1/5/15 min) before the run:"
        f" {load_before}, after: {load_average}"
        " (2 cores, shared with other work). Latency is per request (a batch request carries"
        f" {BATCH} invoices).",
        "",
        "| backend | flow | server | callers | invoices issued | invoices/s | p50 ms | p99 ms |"
        " failed requests | gapless | outbox rows | CPU ms/invoice: server | PostgreSQL | client |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|",
        *(r.row() for r in results),
    ]
    return "\n".join(lines) + "\n" + missing
