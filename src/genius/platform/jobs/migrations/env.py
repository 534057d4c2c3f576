"""Alembic environment of the jobs component (tenant databases: the jobs table)."""

from alembic import context

from genius.platform.db.migrate import run_env

run_env(context)
