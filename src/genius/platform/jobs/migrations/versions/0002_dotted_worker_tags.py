"""Jobs: worker tags are dotted (issue 3): ``pdf_render`` -> ``pdf.render`` on every stored job.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from genius.platform.bus.renames import renamed_tags

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

S = "jobs"
# A Table (not sa.table): the SQLite engine's schema translation applies to Table objects only.
jobs = sa.Table("jobs", sa.MetaData(), sa.Column("tag", sa.String(100)), schema=S)


def _rename(mapping: dict[str, str]) -> None:
    for old, new in mapping.items():
        op.execute(jobs.update().where(jobs.c.tag == old).values(tag=new))


def upgrade() -> None:
    _rename(renamed_tags())


def downgrade() -> None:
    _rename(renamed_tags(reverse=True))
