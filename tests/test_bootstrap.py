"""The composition root hands settings to the platform parts it builds."""

from __future__ import annotations

from pathlib import Path

from genius.bootstrap import build_platform
from tests.web.conftest import base_settings


def test_tenant_engine_limit_comes_from_settings(tmp_path: Path) -> None:
    settings = base_settings(tmp_path).model_copy(update={"tenant_engines": 3})
    platform = build_platform(settings)
    try:
        assert platform.tenants.databases.max_engines == 3
    finally:
        platform.tenants.databases.dispose()
        platform.tenants.databases.control.dispose()
