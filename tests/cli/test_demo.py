"""`genius demo` (errors, an already seeded tenant) and the background seed `genius serve` embeds."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from genius.bootstrap import build_platform
from genius.cli.demo import embed_demo_seed
from genius.cli.main import app
from genius.cli.serve import _anaf_double, embed_subscribers
from genius.demo import DemoSize, read_marker
from genius.demo.anaf import DoubleServer, double_settings
from genius.demo.seed import MARKER
from genius.web.app import create_app
from genius.workers.runtime import embed_workers
from tests.platforms import base_settings, cli_environment


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    with cli_environment(monkeypatch, tmp_path) as data_dir:
        yield data_dir


def test_demo_names_an_unknown_tenant(cli_env: Path) -> None:
    result = CliRunner().invoke(app, ["demo", "--tenant", "nobody"])
    assert result.exit_code == 1
    assert "nobody" in result.output


def test_demo_leaves_a_seeded_tenant_alone_and_says_so(cli_env: Path) -> None:
    platform = build_platform()
    try:
        platform.storage.put("acme", MARKER, b'{"seed": 5, "stage": "done", "step": "done"}')
    finally:
        platform.close()
    result = CliRunner().invoke(app, ["demo", "--tenant", "acme", "--seed", "5"])
    assert result.exit_code == 0, result.output
    assert "already holds the demo data (seed 5): nothing to do" in result.output
    assert "partners" in result.output and "accepted_by_anaf" in result.output


def test_serve_talks_to_the_double_only_without_an_anaf_profile(tmp_path: Path) -> None:
    assert _anaf_double(base_settings(tmp_path, anaf_client_id="firm-client")) is None
    server = _anaf_double(base_settings(tmp_path, anaf_client_id=""))
    try:
        assert server is not None and server.base_url.startswith("http://127.0.0.1:")
    finally:
        assert server is not None
        server.stop()


def test_serve_seeds_the_demo_tenant_in_the_background_once_running(tmp_path: Path) -> None:
    small = DemoSize(partners=10, invoices=12, suppliers=2, supplier_invoices=3, rejected=1)
    with DoubleServer() as server:
        platform = build_platform(base_settings(tmp_path, **double_settings(server.base_url)))
        platform.tenants.create("demo", name="Demo SRL", cui="12345674")
        web = create_app(platform)
        embed_workers(web, platform)
        embed_subscribers(web, platform)
        embed_demo_seed(web, platform, server.double, "demo", size=small)

        async def serve_until_seeded() -> dict[str, object]:
            async with web.router.lifespan_context(web):
                # The server is up at once: nothing is seeded yet when startup ends.
                assert (read_marker(platform, "demo") or {}).get("stage") != "done"
                deadline = time.monotonic() + 240
                while (marker := read_marker(platform, "demo") or {}).get("stage") != "done":
                    assert time.monotonic() < deadline, marker
                    await asyncio.sleep(0.5)
                return marker

        try:
            marker = asyncio.run(serve_until_seeded())
            assert marker["accounting"]
        finally:
            platform.close()


def test_demo_refuses_while_another_process_serves_the_anaf_worker(cli_env: Path) -> None:
    from genius.platform.jobs.registry import WorkerRegistry
    from genius.workers import anaf_efactura

    platform = build_platform()
    try:
        WorkerRegistry(platform.control).beat(
            "other-process", anaf_efactura.TAG, concurrency=2, processed=0, failed=0, in_flight=0
        )
    finally:
        platform.close()
    result = CliRunner().invoke(app, ["demo", "--tenant", "acme"])
    assert result.exit_code == 1
    assert "1 other process(es) serve the anaf.efactura worker" in result.output
