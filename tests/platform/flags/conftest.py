"""A platform on SQLite with one tenant, for the flag tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from genius.bootstrap import Platform
from genius.platform.tenancy import Tenant
from tests.platform.audit.http import api  # noqa: F401  (the app fixture)
from tests.platforms import sqlite_platform


@pytest.fixture
def platform(tmp_path: Path) -> Iterator[Platform]:
    with sqlite_platform(tmp_path) as built:
        yield built


@pytest.fixture
def tenant(platform: Platform) -> Tenant:
    return platform.tenants.create("acme", name="Acme SRL", cui="RO18547290")
