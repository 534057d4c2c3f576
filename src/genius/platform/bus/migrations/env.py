"""Alembic environment of the bus component's migrations (outbox, inbox, relay lease; tenant databases)."""

from alembic import context

from genius.platform.db.migrate import run_env

run_env(context)
