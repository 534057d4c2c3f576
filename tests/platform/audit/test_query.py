"""The records query on both databases: every filter, time window in any zone, cursor pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from genius.bootstrap import Platform
from genius.kernel.errors import ValidationError
from genius.platform.audit import AuditEntry, AuditQuery
from genius.platform.tenancy import Tenant, TenantContext, tenant_scope

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
ACTIONS = ("sales.invoice.issue", "sales.invoice.cancel", "crm.lead.create")


def _seed(platform: Platform, tenant: Tenant, count: int = 12) -> None:
    for n in range(count):
        user = f"u{n % 2 + 1}"
        ctx = TenantContext(tenant.id, tenant.slug, user_id=user, attributes={"email": f"{user}@x.ro"})
        action = ACTIONS[n % 3]
        platform.audit.record_for(
            ctx,
            AuditEntry(
                action=action,
                resource_type="invoice" if action.startswith("sales") else "lead",
                resource_id=f"R-{n}",
                result="failure" if n % 4 == 0 else "success",
                occurred_at=T0 + timedelta(hours=n),
            ),
        )


def _ids(platform: Platform, tenant: Tenant, **filters: object) -> list[str]:
    with tenant_scope(TenantContext(tenant.id, tenant.slug, system=True)):
        page = platform.audit.query(AuditQuery(limit=500, **filters))  # type: ignore[arg-type]
    assert page.total == len(page.items)
    return sorted(r.resource_id or "" for r in page.items)


def test_filters(backend: tuple[Platform, Tenant]) -> None:
    platform, tenant = backend
    _seed(platform, tenant)
    assert _ids(platform, tenant, user="u1") == sorted(f"R-{n}" for n in range(0, 12, 2))
    assert _ids(platform, tenant, user="u2@x.ro") == sorted(f"R-{n}" for n in range(1, 12, 2))
    assert _ids(platform, tenant, action="sales.invoice.cancel") == ["R-1", "R-10", "R-4", "R-7"]
    assert len(_ids(platform, tenant, action="sales.*")) == 8
    assert _ids(platform, tenant, action="sales_*") == []  # "_" is literal, not a LIKE wildcard
    assert _ids(platform, tenant, resource_type="lead") == ["R-11", "R-2", "R-5", "R-8"]
    assert _ids(platform, tenant, resource_id="R-3") == ["R-3"]
    assert _ids(platform, tenant, result="failure") == ["R-0", "R-4", "R-8"]
    bucharest = timezone(timedelta(hours=2))
    window = {
        "occurred_from": (T0 + timedelta(hours=3)).astimezone(bucharest),
        "occurred_to": T0 + timedelta(hours=6),
    }
    assert _ids(platform, tenant, **window) == ["R-3", "R-4", "R-5"]


def test_cursor_pages_cover_everything_once(backend: tuple[Platform, Tenant]) -> None:
    platform, tenant = backend
    _seed(platform, tenant, 23)
    seqs: list[int] = []
    cursor, appended = None, 0
    with tenant_scope(TenantContext(tenant.id, tenant.slug, system=True)):
        while True:
            page = platform.audit.query(AuditQuery(limit=5, cursor=cursor))
            assert page.total == 23 + appended  # the total counts what matches now
            seqs += [r.seq for r in page.items]
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
            # A record appended while paging does not shift the pages already handed out.
            platform.audit.record(AuditEntry(action="test.during.paging"))
            appended += 1
    assert seqs == list(range(23, 0, -1))


@pytest.mark.parametrize(
    ("query", "field"),
    [
        (AuditQuery(limit=0), "limit"),
        (AuditQuery(limit=501), "limit"),
        (AuditQuery(result="ok"), "result"),
        (AuditQuery(cursor="-1"), "cursor"),
        (AuditQuery(occurred_from=datetime(2026, 1, 1)), "occurred_from"),
        (AuditQuery(occurred_from=T0, occurred_to=T0), "occurred_to"),
    ],
)
def test_bad_queries_name_the_field(query: AuditQuery, field: str) -> None:
    with pytest.raises(ValidationError) as err:
        query.validated()
    assert err.value.problems[0].field == field
