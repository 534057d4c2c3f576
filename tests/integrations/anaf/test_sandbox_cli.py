"""`genius anaf-sandbox --port N` in a subprocess: a client and the BNR client work against it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from datetime import date

import httpx
import pytest

from genius.integrations.anaf import (
    AnafEndpoints,
    AnafOAuthClient,
    EfacturaClient,
    InMemoryAnafLimiter,
    InMemoryTokenStore,
    OAuthClientConfig,
    ProcessingState,
    TokenManager,
    VatRegistryClient,
    parse_callback,
)
from genius.integrations.bnr import BnrClient
from genius.platform.resilience import MemoryBreakerStore
from tests.integrations.anaf.conftest import CALLBACK, SELLER, example_xml
from tests.integrations.serving import free_port


@pytest.fixture
def sandbox_process() -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "genius.cli.main",
            "anaf-sandbox",
            "--port",
            str(port),
            "--processing-seconds",
            "0",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{base_url}/_double/calls", timeout=1)
                break
            except httpx.HTTPError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"the sandbox did not start: {process.stdout.read() if process.stdout else ''}"
                    ) from None
                time.sleep(0.1)
        yield base_url
    finally:
        process.send_signal(signal.SIGINT)
        try:
            output, _ = process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
    assert "GENIUS_ANAF_CLIENT_ID=genius-sandbox" in output
    assert f"GENIUS_BNR_URL={base_url}/bnr" in output


def test_sandbox_serves_anaf_and_bnr(sandbox_process: str) -> None:
    base_url = sandbox_process
    endpoints = AnafEndpoints.local(base_url)
    oauth = AnafOAuthClient(endpoints, OAuthClientConfig("genius-sandbox", "sandbox-secret", CALLBACK))
    location = httpx.get(oauth.authorize_url(), follow_redirects=False).headers["location"]
    manager = TokenManager(oauth, InMemoryTokenStore(), SELLER)
    manager.authorize_with_code(
        parse_callback(dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query)))
    )
    with EfacturaClient(endpoints, manager, limiter=InMemoryAnafLimiter()) as client:
        receipt = client.upload(example_xml("domestic-21-11"), cif=SELLER)
        assert client.message_state(receipt.upload_index).state is ProcessingState.OK
    vat = VatRegistryClient(endpoints, limiter=InMemoryAnafLimiter())
    assert vat.lookup([SELLER], date(2025, 1, 10)).get(SELLER) is not None
    bnr = BnrClient(f"{base_url}/bnr", breaker_store=MemoryBreakerStore())
    assert bnr.latest().latest is not None
    bnr.close()
