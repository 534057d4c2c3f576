"""Every server process settles (GC freeze, short GIL switch interval) once its startup is done,
``--api-only`` ones included, and after what the lifespan wrapped inside it has started."""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from genius.cli import serve
from genius.platform.bus import process


def test_settle_runs_once_after_the_wrapped_startup(monkeypatch: pytest.MonkeyPatch) -> None:
    events: list[str] = []
    monkeypatch.setattr(process, "settle_process", lambda: events.append("settled"))

    @asynccontextmanager
    async def inner(_app: Any):  # type: ignore[no-untyped-def]
        events.append("started")
        yield
        events.append("stopped")

    app = FastAPI(lifespan=inner)
    serve.settle_after_startup(app)
    assert events == []  # wrapping does nothing until the server starts
    with TestClient(app):
        assert events == ["started", "settled"]
    assert events == ["started", "settled", "stopped"]
