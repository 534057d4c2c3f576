"""Alembic environment of the mail component (tenant databases: sender settings, sent-message ledger)."""

from alembic import context

from genius.platform.db.migrate import run_env

run_env(context)
