"""Worker registry: worker tags are dotted (issue 3): ``pdf_render`` -> ``pdf.render``.

Rows of processes that ran before the upgrade keep their counts under the new name, so
``GET /api/v1/workers`` lists each tag once.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from genius.platform.bus.renames import renamed_tags

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

S = "control"
# A Table (not sa.table): the SQLite engine's schema translation applies to Table objects only.
workers = sa.Table("workers", sa.MetaData(), sa.Column("tag", sa.String(100)), schema=S)


def _rename(mapping: dict[str, str]) -> None:
    # (instance_id, tag) stays unique: one process served either the old or the new spelling.
    for old, new in mapping.items():
        op.execute(workers.update().where(workers.c.tag == old).values(tag=new))


def upgrade() -> None:
    _rename(renamed_tags())


def downgrade() -> None:
    _rename(renamed_tags(reverse=True))
