"""Tamper detection: every edit, deletion, insertion or reordering is found and named."""

from __future__ import annotations

from dataclasses import replace

import pytest
import sqlalchemy as sa

from genius.bootstrap import Platform
from genius.platform.audit import AuditEntry
from genius.platform.audit.records import record_from_row, row_values
from genius.platform.audit.tables import audit_chain_head, audit_records
from genius.platform.tenancy import Tenant, TenantContext, TenantNotFound, tenant_scope
from tests.platform.audit.conftest import drop_append_only_triggers

RECORDS = 6


def _fill(platform: Platform, tenant: Tenant, count: int = RECORDS) -> None:
    with tenant_scope(TenantContext(tenant.id, tenant.slug, user_id="u-1")):
        for n in range(1, count + 1):
            platform.audit.record(
                AuditEntry(action="sales.invoice.issue", resource_type="invoice", resource_id=f"F-{n}")
            )


def _tamper(platform: Platform, tenant: Tenant) -> sa.Connection:
    """A connection on the tenant database, in a transaction, with the triggers dropped."""
    conn = platform.databases.engine_for_slug(tenant.slug).connect()
    conn.begin()
    drop_append_only_triggers(conn)
    return conn


def _row(conn: sa.Connection, seq: int) -> sa.Row:
    return conn.execute(sa.select(audit_records).where(audit_records.c.seq == seq)).one()


def test_untouched_chain_verifies(backend: tuple[Platform, Tenant]) -> None:
    platform, tenant = backend
    assert platform.audit.verify(tenant.slug).ok  # empty chain
    _fill(platform, tenant)
    result = platform.audit.verify(tenant.slug)
    assert (result.ok, result.checked, result.first_broken_seq) == (True, RECORDS, None)
    assert result.last_seq == RECORDS


def test_edited_field_is_found(backend: tuple[Platform, Tenant]) -> None:
    platform, tenant = backend
    _fill(platform, tenant)
    with _tamper(platform, tenant) as conn:
        conn.execute(audit_records.update().where(audit_records.c.seq == 3).values(user_email="x@evil.ro"))
        conn.commit()
    result = platform.audit.verify(tenant.slug)
    assert (result.ok, result.first_broken_seq, result.checked) == (False, 3, 2)
    assert "edited" in result.reason


def test_edit_with_recomputed_hash_breaks_the_next_link(backend: tuple[Platform, Tenant]) -> None:
    platform, tenant = backend
    _fill(platform, tenant)
    with _tamper(platform, tenant) as conn:
        forged = replace(record_from_row(_row(conn, 3)), result="failure")
        forged = replace(forged, hash=forged.computed_hash())
        conn.execute(
            audit_records.update().where(audit_records.c.seq == 3).values(result="failure", hash=forged.hash)
        )
        conn.commit()
    result = platform.audit.verify(tenant.slug)
    assert (result.ok, result.first_broken_seq) == (False, 4)
    assert "prev_hash" in result.reason


def test_deleted_record_is_found(backend: tuple[Platform, Tenant]) -> None:
    platform, tenant = backend
    _fill(platform, tenant)
    with _tamper(platform, tenant) as conn:
        conn.execute(audit_records.delete().where(audit_records.c.seq == 3))
        conn.commit()
    result = platform.audit.verify(tenant.slug)
    assert (result.ok, result.first_broken_seq) == (False, 3)
    assert "missing" in result.reason


def test_deleted_tail_is_found_through_the_head(backend: tuple[Platform, Tenant]) -> None:
    platform, tenant = backend
    _fill(platform, tenant)
    with _tamper(platform, tenant) as conn:
        conn.execute(audit_records.delete().where(audit_records.c.seq >= RECORDS - 1))
        conn.commit()
    result = platform.audit.verify(tenant.slug)
    assert (result.ok, result.first_broken_seq) == (False, RECORDS - 1)
    assert "deleted from the end" in result.reason


def test_swapped_records_are_found(backend: tuple[Platform, Tenant]) -> None:
    platform, tenant = backend
    _fill(platform, tenant)
    with _tamper(platform, tenant) as conn:
        third, fourth = record_from_row(_row(conn, 3)), record_from_row(_row(conn, 4))
        conn.execute(audit_records.delete().where(audit_records.c.seq.in_([3, 4])))
        conn.execute(audit_records.insert().values(**row_values(replace(fourth, seq=3))))
        conn.execute(audit_records.insert().values(**row_values(replace(third, seq=4))))
        conn.commit()
    result = platform.audit.verify(tenant.slug)
    assert (result.ok, result.first_broken_seq) == (False, 3)


def test_forged_record_inserted_in_the_middle_is_found(backend: tuple[Platform, Tenant]) -> None:
    """The forger shifts later records, inserts a record with a correct prev_hash and hash, and
    moves the head: the record after the forgery still points at the original predecessor."""
    platform, tenant = backend
    _fill(platform, tenant)
    with _tamper(platform, tenant) as conn:
        for seq in range(RECORDS, 3, -1):  # one by one, from the end, so seq stays unique
            conn.execute(audit_records.update().where(audit_records.c.seq == seq).values(seq=seq + 1))
        third = record_from_row(_row(conn, 3))
        forged = replace(third, seq=4, id="forged", resource_id="F-999", prev_hash=third.hash)
        forged = replace(forged, hash=forged.computed_hash())
        conn.execute(audit_records.insert().values(**row_values(forged)))
        conn.execute(audit_chain_head.update().values(last_seq=RECORDS + 1))
        conn.commit()
    result = platform.audit.verify(tenant.slug)
    assert (result.ok, result.first_broken_seq) == (False, 5)
    assert "prev_hash does not match the hash of record 4" in result.reason


def test_verify_names_an_unknown_tenant(platform: Platform) -> None:
    with pytest.raises(TenantNotFound):
        platform.audit.verify("nosuch")


@pytest.mark.postgres
def test_postgres_refuses_update_delete_truncate_and_verify_survives_a_dropped_trigger(
    pg_platform: Platform, pg_tenant: Tenant
) -> None:
    _fill(pg_platform, pg_tenant)
    engine = pg_platform.databases.engine_for_slug(pg_tenant.slug)
    for statement in (
        "UPDATE audit.audit_records SET action = 'x' WHERE seq = 2",
        "DELETE FROM audit.audit_records WHERE seq = 2",
        "TRUNCATE audit.audit_records",
    ):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(sa.text(statement))
    assert pg_platform.audit.verify(pg_tenant.slug).ok
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TRIGGER audit_records_append_only ON audit.audit_records"))
        conn.execute(sa.text("UPDATE audit.audit_records SET action = 'x' WHERE seq = 2"))
    result = pg_platform.audit.verify(pg_tenant.slug)
    assert (result.ok, result.first_broken_seq) == (False, 2)


def test_sqlite_triggers_refuse_update_and_delete(platform: Platform, tenant: Tenant) -> None:
    _fill(platform, tenant, 2)
    engine = platform.databases.engine_for_slug(tenant.slug)
    for statement in ("UPDATE audit_records SET action = 'x'", "DELETE FROM audit_records"):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(sa.text(statement))
    assert platform.audit.verify(tenant.slug).checked == 2
