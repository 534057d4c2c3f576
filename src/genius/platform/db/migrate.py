"""Alembic migrations per component (control plane, each platform area, each app), run in code.

A component owns one schema and one migration chain. On PostgreSQL its tables and its
``alembic_version`` table live in its schema; on SQLite (no schemas) every component shares the
file and keeps its own ``alembic_version_<component>`` table. Migration scripts name their
schema (``schema="sales"``); the engine's schema translation removes it on SQLite.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

from genius.kernel.errors import GeniusError


class MigrationFailed(GeniusError):
    code = "migration_failed"


@dataclass(frozen=True)
class MigrationComponent:
    """One schema and its migration chain (a folder with env.py, script.py.mako, versions/)."""

    name: str
    schema: str
    script_location: Path

    def version_table(self, sqlite: bool) -> tuple[str, str | None]:
        return (f"alembic_version_{self.name}", None) if sqlite else ("alembic_version", self.schema)


def _config(component: MigrationComponent, connection: Connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(component.script_location))
    cfg.attributes["connection"] = connection
    cfg.attributes["component"] = component
    return cfg


def head_revision(component: MigrationComponent) -> str | None:
    cfg = Config()
    cfg.set_main_option("script_location", str(component.script_location))
    return ScriptDirectory.from_config(cfg).get_current_head()


def current_revision(engine: Engine, component: MigrationComponent) -> str | None:
    sqlite = engine.dialect.name == "sqlite"
    table, schema = component.version_table(sqlite)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"version_table": table, "version_table_schema": schema})
        return ctx.get_current_revision()


def upgrade(engine: Engine, components: Iterable[MigrationComponent], revision: str = "head") -> list[str]:
    """Bring every component to ``revision``; returns the names of components that changed."""
    changed: list[str] = []
    for component in components:
        before = current_revision(engine, component)
        try:
            with engine.begin() as conn:
                if engine.dialect.name == "postgresql":
                    conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{component.schema}"'))
                command.upgrade(_config(component, conn), revision)
        except Exception as exc:  # any driver or script error: name the component and database
            raise MigrationFailed(
                f"migrations of {component.name!r} failed on {engine.url.render_as_string()}: {exc}",
                details={"component": component.name},
            ) from exc
        if current_revision(engine, component) != before:
            changed.append(component.name)
    return changed


def run_env(context: Any) -> None:
    """The body of every component's env.py: migrate on the connection handed in by upgrade()."""
    connection: Connection = context.config.attributes["connection"]
    component: MigrationComponent = context.config.attributes["component"]
    sqlite = connection.dialect.name == "sqlite"
    table, schema = component.version_table(sqlite)
    context.configure(
        connection=connection,
        version_table=table,
        version_table_schema=schema,
        # SQLite cannot ALTER most things: Alembic's batch mode copies the table instead.
        render_as_batch=sqlite,
        transactional_ddl=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def migrations_folder(anchor_file: str, name: str = "migrations") -> Path:
    """The migrations folder beside a module (``migrations_folder(__file__)``)."""
    return Path(anchor_file).resolve().parent / name


Progress = Callable[[str], None]
