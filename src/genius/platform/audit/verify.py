"""Verification of a tenant's audit chain: names the first record that is not as written.

The walk goes by ``seq`` from 1 and checks, for every record, in this order: the seq is the next
one (a gap means a record was deleted, an unexpected one that one was inserted), the record
belongs to this tenant, its ``prev_hash`` equals the previous record's hash (else something
before it was changed, inserted or removed), and its own hash matches its canonical form (else
the record itself was edited). At the end the chain head must name the last record (else
records were deleted from the end, or appended behind the head's back).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from genius.platform.audit.chain import GENESIS_HASH
from genius.platform.audit.records import record_from_row
from genius.platform.audit.tables import HEAD_ROW_ID, audit_chain_head, audit_records
from genius.platform.db import controlplane as cp
from genius.platform.tenancy import TenantContext, TenantDatabases, TenantNotFound, tenant_scope

# Records read per round trip: bounded memory for chains of millions of records.
VERIFY_BATCH = 1000


@dataclass(frozen=True)
class VerifyResult:
    """``ok`` or the first broken record's seq and why; ``checked`` counts records that passed."""

    ok: bool
    checked: int
    first_broken_seq: int | None = None
    reason: str | None = None
    last_seq: int = 0
    last_hash: str = GENESIS_HASH


def verify_chain(databases: TenantDatabases, slug: str) -> VerifyResult:
    with databases.control.connect() as conn:
        tenant_id = conn.execute(sa.select(cp.tenants.c.id).where(cp.tenants.c.slug == slug)).scalar()
    if tenant_id is None:
        raise TenantNotFound(f"tenant {slug!r} does not exist")
    with tenant_scope(TenantContext(tenant_id, slug, system=True)):
        engine = databases.engine()
        with engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                # One snapshot for the records and the head, while writers keep appending.
                conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                return _walk(conn, tenant_id)


def _broken(checked: int, seq: int, reason: str) -> VerifyResult:
    return VerifyResult(ok=False, checked=checked, first_broken_seq=seq, reason=reason)


def _walk(conn: sa.Connection, tenant_id: str) -> VerifyResult:
    head = conn.execute(
        sa.select(audit_chain_head.c.last_seq, audit_chain_head.c.last_hash).where(
            audit_chain_head.c.id == HEAD_ROW_ID
        )
    ).first()
    expected_seq, expected_prev, checked = 1, GENESIS_HASH, 0
    after: int | None = None
    while True:
        query = sa.select(audit_records).order_by(audit_records.c.seq).limit(VERIFY_BATCH)
        if after is not None:
            query = query.where(audit_records.c.seq > after)
        rows = conn.execute(query).all()
        if not rows:
            break
        for row in rows:
            record = record_from_row(row)
            if record.seq != expected_seq:
                if record.seq > expected_seq:
                    return _broken(
                        checked,
                        expected_seq,
                        f"record {expected_seq} is missing (found {record.seq} next): deleted",
                    )
                return _broken(
                    checked, record.seq, f"record {record.seq} is out of sequence: inserted before seq 1"
                )
            if record.tenant_id != tenant_id:
                return _broken(
                    checked, record.seq, f"record {record.seq} names tenant {record.tenant_id}, not this one"
                )
            if record.prev_hash != expected_prev:
                return _broken(
                    checked,
                    record.seq,
                    f"record {record.seq}: prev_hash does not match the hash of record {record.seq - 1}"
                    " (a record before it was changed, inserted or removed)",
                )
            if record.computed_hash() != record.hash:
                return _broken(
                    checked,
                    record.seq,
                    f"record {record.seq}: content does not match its hash (the record was edited)",
                )
            checked += 1
            expected_seq, expected_prev = record.seq + 1, record.hash
        after = rows[-1].seq
    last_seq = expected_seq - 1
    if head is None:
        return _broken(checked, last_seq + 1, "the chain head row is missing")
    if head.last_seq > last_seq:
        return _broken(
            checked,
            last_seq + 1,
            f"records {last_seq + 1}..{head.last_seq} are missing: deleted from the end of the chain",
        )
    if head.last_seq < last_seq:
        return _broken(
            checked,
            head.last_seq + 1,
            f"records {head.last_seq + 1}..{last_seq} lie beyond the chain head: appended outside the trail",
        )
    if head.last_hash != expected_prev:
        return _broken(checked, last_seq, f"record {last_seq}: hash differs from the chain head's")
    return VerifyResult(ok=True, checked=checked, last_seq=last_seq, last_hash=expected_prev)
