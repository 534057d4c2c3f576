"""Test platforms: one on SQLite in a folder, or on throwaway PostgreSQL databases dropped afterwards.

``throwaway_control_database`` creates a fresh control database on the test server and drops it,
with the tenant databases (``<slug>_core``) placed from it, when the block ends;
``postgres_platform`` builds a platform on one and collects its tenants' databases itself.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from genius.bootstrap import Platform, build_platform
from genius.platform.db.engine import make_engine
from genius.platform.settings import Settings

MASTER_KEY = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="  # 32 zero bytes, tests only


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
