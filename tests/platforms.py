"""Test platforms: one on SQLite in a folder, or on throwaway PostgreSQL databases dropped afterwards.

``base_settings`` are settings isolated from the developer's environment (GENIUS_* variables);
``throwaway_control_database`` creates a fresh control database on the test server and drops it,
with the tenant databases (``<slug>_core``) placed from it, when the block ends;
``postgres_platform`` builds a platform on one and collects its tenants' databases itself;
``cli_environment`` is the environment of an in-process `genius` command on the embedded defaults.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from genius.bootstrap import Platform, build_platform
from genius.platform.db.engine import make_engine
from genius.platform.settings import Settings, get_settings

MASTER_KEY = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="  # 32 zero bytes, tests only


def base_settings(data_dir: Path, **overrides: Any) -> Settings:
    """Settings isolated from the developer's environment (None beats GENIUS_* variables)."""
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "master_key": MASTER_KEY,
        "database_url": None,
        "redis_url": None,
        "amqp_url": None,
        "otlp_endpoint": None,
        "public_url": "http://testserver",
        "log_level": "INFO",
    }
    values.update(overrides)
    return Settings(**values)


@contextmanager
def sqlite_platform(data_dir: Path, **settings: Any) -> Iterator[Platform]:
    """A platform on the embedded defaults with its data in ``data_dir`` (other ``settings`` as
    given), closed afterwards."""
    built = build_platform(Settings(data_dir=data_dir, master_key=MASTER_KEY, **settings))
    try:
        yield built
    finally:
        built.close()


@dataclass
class ControlDatabase:
    """A fresh PostgreSQL control database and what goes with it when the block ends."""

    name: str
    url: str  # with the password, for Settings.database_url
    server: sa.Engine  # maintenance connections to the test server
    tenant_databases: list[str] = field(default_factory=list)  # ``<slug>_core`` to drop as well


@contextmanager
def throwaway_control_database(postgres_url: str, prefix: str) -> Iterator[ControlDatabase]:
    """``<prefix>_<hex>`` created on the server of ``postgres_url``; dropped afterwards (FORCE: the
    test's own pooled connections may still be open) with every name in ``tenant_databases``."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    server = make_engine(postgres_url)
    with server.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    control = ControlDatabase(name, url, server)
    try:
        yield control
    finally:
        with server.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for database in [*control.tenant_databases, name]:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        server.dispose()


@contextmanager
def postgres_platform(
    postgres_url: str, prefix: str, settings: Callable[[str], Settings]
) -> Iterator[Platform]:
    """A platform built from ``settings(control_url)`` on a throwaway control database; closed
    afterwards, and its tenants' databases dropped with the control database."""
    with throwaway_control_database(postgres_url, prefix) as control:
        built = build_platform(settings(control.url))
        try:
            yield built
        finally:
            control.tenant_databases.extend(f"{t.slug}_core" for t in built.tenants.list())
            built.close()


@contextmanager
def cli_environment(monkeypatch: pytest.MonkeyPatch, data_dir: Path, **variables: str) -> Iterator[Path]:
    """The process environment of a `genius` command run in this process: data in ``data_dir``, no
    backend URLs (SQLite, the local transport), ``GENIUS_<NAME>`` for each of ``variables``, and a
    tenant ``acme``. The cached settings are dropped before and after."""
    monkeypatch.setenv("GENIUS_DATA_DIR", str(data_dir))
    monkeypatch.setenv("GENIUS_MASTER_KEY", MASTER_KEY)
    for name, value in variables.items():
        monkeypatch.setenv(f"GENIUS_{name.upper()}", value)
    for name in ("GENIUS_DATABASE_URL", "GENIUS_REDIS_URL", "GENIUS_AMQP_URL", "GENIUS_OTLP_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    platform = build_platform()
    try:
        platform.tenants.create("acme", name="Acme SRL", cui="12345674")
    finally:
        platform.close()
    try:
        yield data_dir
    finally:
        get_settings.cache_clear()
