"""Alembic environment of the cash component's migrations (tenant databases)."""

from alembic import context

from genius.platform.db.migrate import run_env

run_env(context)
