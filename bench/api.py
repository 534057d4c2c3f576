"""API gateway benchmark: an authenticated read and an authenticated write through the whole stack.

A real server (`genius serve`, uvicorn, one process) runs in a subprocess on SQLite, and on
PostgreSQL when ``GENIUS_TEST_DATABASE_URL`` is set; the load generator (bench/_loadgen.py) is
another process. Each request passes every middleware (trace, body limit, token verification
against the control plane, rate limiter, audit) with the access log on at INFO (to /dev/null).

* read: ``GET /api/v1/auth/me`` (the caller's profile from the verified token);
* write: ``PUT /api/v1/admin/flags/bench.flag`` (a feature-flag change: RBAC check, control-plane
  write, audit record of the change, audit record of the request).

Fixed-rate runs (open loop; latency from each request's due time) give p50/p99 at the target
rate; closed-loop runs give the throughput ceiling. Rate limits are raised so nothing is refused.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx

PROJECT_ROOT = Path(__file__).resolve().parent.parent
GENIUS = Path(sys.executable).parent / "genius"

READ_RATE = 200  # requests per second: the target is p99 < 50 ms here
WRITE_RATE = 50
FIXED_SECONDS = 15
CLOSED_SECONDS = 8
CLOSED_CONNECTIONS = 8
OPEN_CONNECTIONS = 32
WARMUP_REQUESTS = 200


@dataclass(frozen=True)
class Result:
    backend: str
    scenario: str
    offered: str
    achieved_rps: float
    p50: float
    p99: float
    max_ms: float
    non_2xx: int

    def row(self) -> str:
        return (
            f"| {self.backend} | {self.scenario} | {self.offered} | {self.achieved_rps:.0f} | "
            f"{self.p50:.1f} | {self.p99:.1f} | {self.max_ms:.1f} | {self.non_2xx} |"
        )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class Server:
    """`genius serve` in a subprocess with its own data folder (and PostgreSQL database)."""

    def __init__(self, backend: str, postgres_url: str | None) -> None:
        self.folder = tempfile.TemporaryDirectory(prefix="genius-bench-")
        self.demo = f"bench_{uuid.uuid4().hex[:8]}"
        self.postgres_url = postgres_url
        self.control_db = f"gbench_{uuid.uuid4().hex[:10]}"
        port = _free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("GENIUS_")}
        env.update(
            GENIUS_DATA_DIR=str(Path(self.folder.name) / "var"),
            GENIUS_PORT=str(port),
            GENIUS_DEMO_TENANT=self.demo,
            GENIUS_DEMO_DATA="false",  # the demo tenant is the benchmark's: no demo seed in the background
            GENIUS_LOG_LEVEL="INFO",
            GENIUS_RATE_LIMIT__TENANT_RATE="1000000",
            GENIUS_RATE_LIMIT__TENANT_BURST="1000000",
            GENIUS_RATE_LIMIT__USER_RATE="1000000",
            GENIUS_RATE_LIMIT__USER_BURST="1000000",
        )
        if backend == "postgresql":
            assert postgres_url is not None
            self._admin(f'CREATE DATABASE "{self.control_db}"')
            env["GENIUS_DATABASE_URL"] = self._url(self.control_db)
        self.url = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(
            [str(GENIUS), "serve"],
            env=env,
            cwd=self.folder.name,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # JSON access log: written, then dropped
            text=True,
            start_new_session=True,  # its own process group: stop() ends uvicorn's children too
        )
        self.email, self.password = self._read_credentials()

    def _url(self, database: str) -> str:
        import sqlalchemy as sa

        assert self.postgres_url is not None
        return sa.make_url(self.postgres_url).set(database=database).render_as_string(hide_password=False)

    def _admin(self, statement: str) -> None:
        import sqlalchemy as sa

        from genius.platform.db.engine import make_engine

        assert self.postgres_url is not None
        engine = make_engine(self.postgres_url)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text(statement))
        engine.dispose()

    def _read_credentials(self) -> tuple[str, str]:
        assert self.process.stdout is not None
        email = password = None
        deadline = time.monotonic() + 90
        for line in self.process.stdout:
            if match := re.search(r"admin login:\s+(\S+)", line):
                email = match.group(1)
            if match := re.search(r"^\s+password:\s+(\S+)", line):
                password = match.group(1)
            if "serving on" in line or time.monotonic() > deadline:
                break
        if not (email and password):
            raise RuntimeError("genius serve did not start and print the demo credentials")
        return email, password

    def token(self) -> str:
        grant = {
            "grant_type": "password",
            "tenant": self.demo,
            "username": self.email,
            "password": self.password,
        }
        response = httpx.post(f"{self.url}/api/v1/auth/token", json=grant, timeout=10)
        response.raise_for_status()
        return str(response.json()["access_token"])

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        # A server killed before its API processes ended (--workers N) leaves them running with
        # their database dropped below: end whatever of the group is left.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        if self.postgres_url is not None:
            for database in (f"{self.demo}_core", self.control_db):
                self._admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        self.folder.cleanup()


def load(url: str, token: str, method: str, path: str, body: str | None, rate: float, seconds: float) -> dict:  # type: ignore[type-arg]
    config = {
        "url": url,
        "method": method,
        "path": path,
        "token": token,
        "body": body,
        "rate": rate,
        "duration": seconds,
        "connections": OPEN_CONNECTIONS if rate else CLOSED_CONNECTIONS,
    }
    output = subprocess.run(
        [sys.executable, "-m", "bench._loadgen", json.dumps(config)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output)  # type: ignore[no-any-return]


def measure(backend: str, scenario: str, offered: str, run: dict) -> Result:  # type: ignore[type-arg]
    latencies = run["latencies_ms"]
    non_2xx = sum(n for status, n in run["statuses"].items() if not 200 <= int(status) < 300)
    return Result(
        backend,
        scenario,
        offered,
        len(latencies) / run["elapsed"],
        statistics.median(latencies),
        _percentile(latencies, 0.99),
        max(latencies),
        non_2xx,
    )


def bench_backend(backend: str, postgres_url: str | None) -> list[Result]:
    server = Server(backend, postgres_url)
    try:
        token = server.token()
        read = ("GET", "/api/v1/auth/me", None)
        write = ("PUT", "/api/v1/admin/flags/bench.flag", json.dumps({"enabled": True, "reason": "bench"}))
        load(server.url, token, *read, rate=0, seconds=1)  # warm up both paths (caches, pools)
        load(server.url, token, *write, rate=WRITE_RATE, seconds=WARMUP_REQUESTS / WRITE_RATE / 4)
        return [
            measure(
                backend, "read", f"{READ_RATE}/s", load(server.url, token, *read, READ_RATE, FIXED_SECONDS)
            ),
            measure(backend, "read", "max (8 conns)", load(server.url, token, *read, 0, CLOSED_SECONDS)),
            measure(
                backend,
                "write",
                f"{WRITE_RATE}/s",
                load(server.url, token, *write, WRITE_RATE, FIXED_SECONDS),
            ),
            measure(backend, "write", "max (8 conns)", load(server.url, token, *write, 0, CLOSED_SECONDS)),
        ]
    finally:
        server.stop()


def run() -> str:
    postgres_url = os.environ.get("GENIUS_TEST_DATABASE_URL")
    results = bench_backend("sqlite", None)
    missing = ""
    if postgres_url:
        results += bench_backend("postgresql", postgres_url)
    else:
        missing = "\nPostgreSQL skipped: set GENIUS_TEST_DATABASE_URL to include it.\n"
    load_average = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [
        f"Load average after the run: {load_average} (2 cores, shared with other work).",
        "",
        "| backend | endpoint | offered load | achieved req/s | p50 ms | p99 ms | max ms | non-2xx |",
        "|---|---|---|---:|---:|---:|---:|---:|",
        *(r.row() for r in results),
    ]
    return "\n".join(lines) + "\n" + missing
