"""Bus: worker tags are dotted (issue 3): outbox rows of ``worker.request.pdf_render`` and the like.

Rows (unpublished ones matter; published ones are kept alike so the table tells one story) get the
new ``type``, the new ``type``/``dataschema`` inside the stored CloudEvent, and the new
``target_queue`` of a replay to one queue (``worker.pdf_render`` -> ``worker.pdf.render``), so the
relay routes them to the renamed worker queue and the worker decodes them. Event ids are kept:
inboxes still recognise them.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from genius.platform.bus.renames import rename_envelope, renamed_queues, renamed_types

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

S = "bus"
# A Table (not sa.table): the SQLite engine's schema translation applies to Table objects only.
outbox = sa.Table(
    "bus_outbox",
    sa.MetaData(),
    sa.Column("seq", sa.BigInteger, primary_key=True),
    sa.Column("type", sa.String(200)),
    sa.Column("target_queue", sa.String(200)),
    sa.Column("body", sa.Text),
    schema=S,
)
BATCH = 1_000


def _rename(reverse: bool) -> None:
    conn = op.get_bind()
    for old, new in renamed_types(reverse=reverse).items():
        while True:  # batches: a large outbox is not read into memory at once
            query = sa.select(outbox.c.seq, outbox.c.body).where(outbox.c.type == old)
            rows = conn.execute(query.order_by(outbox.c.seq).limit(BATCH)).all()
            if not rows:
                break
            for seq, body in rows:  # renamed rows leave the selection
                conn.execute(
                    outbox.update()
                    .where(outbox.c.seq == seq)
                    .values(type=new, body=rename_envelope(body, reverse=reverse))
                )
    for old, new in renamed_queues(reverse=reverse).items():
        conn.execute(outbox.update().where(outbox.c.target_queue == old).values(target_queue=new))


def upgrade() -> None:
    _rename(reverse=False)


def downgrade() -> None:
    _rename(reverse=True)
