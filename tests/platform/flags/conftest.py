"""A platform on SQLite with one tenant, for the flag tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from genius.bootstrap import Platform, build_platform
from genius.platform.settings import Settings
from genius.platform.tenancy import Tenant
from tests.platform.audit.http import api  # noqa: F401  (the app fixture)

MASTER_KEY = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="  # 32 zero bytes, tests only


@pytest.fixture
def platform(tmp_path: Path) -> Iterator[Platform]:
    built = build_platform(Settings(data_dir=tmp_path, master_key=MASTER_KEY))
    yield built
    built.close()


@pytest.fixture
def tenant(platform: Platform) -> Tenant:
    return platform.tenants.create("acme", name="Acme SRL", cui="RO18547290")
