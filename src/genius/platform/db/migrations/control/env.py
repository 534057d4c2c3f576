"""Alembic environment of the control-plane migrations."""

from alembic import context

from genius.platform.db.migrate import run_env

run_env(context)
