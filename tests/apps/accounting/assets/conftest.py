"""Fixtures of the register's tests: the accounting ledger fixture with the assets tables migrated too."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from genius.apps.accounting.assets import ASSETS_COMPONENT
from tests.apps.accounting import conftest as ledger_fixtures
from tests.apps.accounting.conftest import Ledger


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def books(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Ledger]:
    monkeypatch.setattr(ledger_fixtures, "COMPONENTS", [*ledger_fixtures.COMPONENTS, ASSETS_COMPONENT])
    if request.param == "sqlite":
        yield from ledger_fixtures._make(tmp_path, None, {})
    else:
        url = request.getfixturevalue("postgres_url")
        yield from ledger_fixtures._make(tmp_path, "default", {"default": url})
