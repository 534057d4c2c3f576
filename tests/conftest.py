"""Suite-wide fixtures: paths to the shared validation artifacts and backend URLs.

Backend tests use the URL fixtures below. Without the variable they skip locally; in CI
(``CI=true`` or ``GENIUS_REQUIRE_BACKENDS=1``) a missing variable or ``../shared`` fails the run.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED_DIR = PROJECT_ROOT.parent / "shared"
VALIDATION_DIR = SHARED_DIR / "validation"


def _strict() -> bool:
    return os.environ.get("CI", "").lower() == "true" or os.environ.get("GENIUS_REQUIRE_BACKENDS") == "1"


def _require(what: str, ok: bool, hint: str) -> None:
    if ok:
        return
    if _strict():
        pytest.fail(f"{what} is required in CI but missing: {hint}")
    pytest.skip(f"{what} not available: {hint}")


@pytest.fixture(scope="session")
def validation_dir() -> Path:
    """``../shared/validation``: the official artifacts used as the oracle."""
    _require("../shared/validation", VALIDATION_DIR.is_dir(), str(VALIDATION_DIR))
    return VALIDATION_DIR


def _env_url(name: str) -> str:
    url = os.environ.get(name, "")
    _require(name, bool(url), f"set {name}")
    return url


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """A PostgreSQL URL with rights to create databases (``GENIUS_TEST_DATABASE_URL``)."""
    return _env_url("GENIUS_TEST_DATABASE_URL")


@pytest.fixture(scope="session")
def redis_url() -> str:
    return _env_url("GENIUS_TEST_REDIS_URL")


@pytest.fixture(scope="session")
def amqp_url() -> str:
    return _env_url("GENIUS_TEST_AMQP_URL")
