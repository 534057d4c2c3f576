"""Jobs: the live run's claim (``run_id``, ``run_until``), so one job never runs twice at once.

``run_id`` names the run that holds the job (one delivery in one worker), ``run_until`` is how
long the claim lasts without a heartbeat (see ``service.JobService.begin``).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

S = "jobs"


def _schema() -> str | None:
    # SQLite has no schemas; the engine's translation does not reach ALTER TABLE.
    return None if op.get_bind().dialect.name == "sqlite" else S


def upgrade() -> None:
    op.add_column("jobs", sa.Column("run_id", sa.String(64)), schema=_schema())
    op.add_column("jobs", sa.Column("run_until", sa.DateTime(timezone=True)), schema=_schema())


def downgrade() -> None:
    with op.batch_alter_table("jobs", schema=_schema()) as batch:
        batch.drop_column("run_until")
        batch.drop_column("run_id")
