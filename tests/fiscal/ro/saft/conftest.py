"""Fixtures of the D406 tests: the XSD in ../shared/validation (read there, never copied)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def xsd_path(validation_dir: Path) -> Path:
    path = validation_dir / "saft-d406" / "Ro_SAFT_Schema_v248_20231121.xsd"
    assert path.is_file(), f"missing {path}"
    return path
