"""Auth benchmark: argon2 cost, token issue and verification (built-in and external), authorize.

``python -m bench auth``. Runs on SQLite in a temporary folder; median CPU time (process time)
per operation, since the benchmark machine is shared with other jobs.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from genius.bootstrap import build_platform
from genius.platform.auth import Passwords
from genius.platform.auth.external import ExternalIssuers
from genius.platform.settings import Settings

MASTER_KEY = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
PASSWORD = "Correct-horse-42"


def _median_cpu(fn: Callable[[], object], repeat: int, batch: int = 1) -> float:
    """Median CPU seconds per call over ``repeat`` batches of ``batch`` calls."""
    samples = []
    for _ in range(repeat):
        start = time.process_time()
        for _ in range(batch):
            fn()
        samples.append((time.process_time() - start) / batch)
    return statistics.median(samples)


def _fmt(seconds: float) -> str:
    return f"{seconds * 1e3:.2f} ms" if seconds >= 1e-3 else f"{seconds * 1e6:.0f} µs"


def run() -> str:
    with tempfile.TemporaryDirectory() as tmp:
        base = Settings(
            data_dir=Path(tmp) / "a",
            master_key=MASTER_KEY,
            public_url="http://issuer.bench",
            database_url=None,
            redis_url=None,
            environment="bench",
        )
        platform = build_platform(base)
        erp = build_platform(
            Settings(
                data_dir=Path(tmp) / "b",
                master_key=MASTER_KEY,
                public_url="http://erp.bench",
                database_url=None,
                redis_url=None,
            )
        )
        try:
            return _measure(platform, erp)
        finally:
            platform.close()
            erp.close()


def _measure(platform, erp) -> str:  # type: ignore[no-untyped-def]
    tenant = platform.tenants.create("bench", name="Bench SRL", cui="12345674")
    user = platform.auth.users.create(
        tenant.slug, "ana@bench.ro", PASSWORD, ["sales_clerk"], {"branch": "CJ", "max_invoice_amount": 5000}
    )
    passwords = Passwords()
    stored = passwords.hash(PASSWORD)
    pair = platform.auth.password_grant(tenant.slug, user.email, PASSWORD)
    ctx = platform.auth.verify_access_token(pair.access_token)

    # The same realm trusted by another installation as an external issuer, served in-process.
    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.endswith("/.well-known/openid-configuration"):
            return httpx.Response(200, json=platform.auth.discovery(tenant.slug))
        return httpx.Response(200, json=platform.auth.jwks(tenant.slug))

    erp.auth.external = ExternalIssuers(httpx.Client(transport=httpx.MockTransport(handler)))
    ext = erp.tenants.create("ext", name="Ext SRL", cui="12345674")
    erp.tenants.set_external_issuer(ext.slug, platform.auth.issuer_for(tenant.slug), None)
    erp.auth.verify_access_token(pair.access_token)  # primes the JWKS cache

    rows = [
        ("argon2id hash (default: m=64 MiB, t=3, p=4)", _median_cpu(lambda: passwords.hash(PASSWORD), 7)),
        ("argon2id verify", _median_cpu(lambda: passwords.check(stored, PASSWORD), 7)),
        (
            "password grant (argon2 + refresh row + sign)",
            _median_cpu(lambda: platform.auth.password_grant(tenant.slug, user.email, PASSWORD), 7),
        ),
        ("refresh grant (rotate row + sign)", _median_cpu(_refresher(platform, tenant.slug), 15, 10)),
        (
            "access token signing (ES256)",
            _median_cpu(lambda: platform.auth.issue_access_token(tenant, user), 15, 50),
        ),
        (
            "verify_access_token, built-in (tenant + user rows, ES256)",
            _median_cpu(lambda: platform.auth.verify_access_token(pair.access_token), 15, 100),
        ),
        (
            "verify_access_token, external issuer (cached JWKS)",
            _median_cpu(lambda: erp.auth.verify_access_token(pair.access_token), 15, 100),
        ),
        (
            "authorize, built-in role + ABAC rules",
            _median_cpu(
                lambda: platform.auth.authorizer.authorize(
                    ctx, "sales.invoice.issue", {"branch": "CJ", "amount": "1200.50"}
                ),
                15,
                1000,
            ),
        ),
    ]
    lines = ["| operation | median CPU per call |", "|---|---:|"]
    lines += [f"| {name} | {_fmt(seconds)} |" for name, seconds in rows]
    return "\n".join(lines)


def _refresher(platform, slug: str) -> Callable[[], object]:  # type: ignore[no-untyped-def]
    state = {"token": platform.auth.password_grant(slug, "ana@bench.ro", PASSWORD).refresh_token}

    def step() -> object:
        state["token"] = platform.auth.refresh_grant(slug, state["token"]).refresh_token
        return state

    return step
