"""Gapless numbering under concurrency: 50 threads issue at once, each in its own unit of work.

The number is taken inside the issuing transaction (``SELECT ... FOR UPDATE`` on the series row
in PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite), so concurrent issues queue on the series and a
refused issue in the middle rolls its number back: the 50 that succeed get exactly 1..50.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import sqlalchemy as sa

from genius.apps.sales import handlers as h
from genius.apps.sales import tables as t
from genius.apps.sales.commands import CreateDraft, IssueInvoice
from genius.apps.sales.domain.errors import InvoiceRejected
from genius.bootstrap import Platform
from genius.platform.bus.tables import outbox
from genius.platform.tenancy import tenant_scope
from tests.apps.sales.conftest import World, setup_world

ISSUES = 50
FAILING_AT = 25  # this draft breaks BR-61: its issue is refused after it took (and lost) its number
ISSUE_DATE = "2025-09-15"


def issue_concurrently(world: World) -> tuple[list[str], list[BaseException]]:
    drafts: list[str] = []
    with world.scope():
        for index in range(ISSUES + 1):
            overrides: dict[str, Any] = {"issue_date": ISSUE_DATE}
            if index == FAILING_AT:
                overrides["payment_instructions"] = [{"means_code": "30"}]
            drafts.append(h.create_draft(world.deps, CreateDraft(world.draft(**overrides))))
    start = threading.Barrier(len(drafts))

    def issue(invoice_id: str) -> str:
        start.wait()  # every thread reaches the series at the same moment
        with tenant_scope(world.ctx):
            return h.issue_invoice(world.deps, IssueInvoice(invoice_id)).number

    numbers: list[str] = []
    errors: list[BaseException] = []
    with ThreadPoolExecutor(max_workers=len(drafts)) as pool:
        for future in [pool.submit(issue, d) for d in drafts]:
            try:
                numbers.append(future.result(timeout=120))
            except Exception as exc:
                errors.append(exc)
    return numbers, errors


def check(world: World) -> None:
    with world.engine().connect() as conn:
        outbox_before = conn.execute(sa.select(sa.func.count()).select_from(outbox)).scalar_one()
    numbers, errors = issue_concurrently(world)
    assert len(errors) == 1 and isinstance(errors[0], InvoiceRejected), errors
    assert sorted(numbers) == [f"GEN2025-{n:04d}" for n in range(1, ISSUES + 1)]
    assert world.next_number() == ISSUES + 1
    with world.engine().connect() as conn:
        stored = (
            conn.execute(sa.select(t.invoices.c.number).where(t.invoices.c.number.is_not(None)))
            .scalars()
            .all()
        )
        events = conn.execute(
            sa.select(sa.func.count()).select_from(outbox).where(outbox.c.type == "sales.invoice.issued")
        ).scalar_one()
        drafts = conn.execute(
            sa.select(sa.func.count()).select_from(t.invoices).where(t.invoices.c.status == "draft")
        )
        assert drafts.scalar_one() == 1  # the refused one, unchanged
        outbox_after = conn.execute(sa.select(sa.func.count()).select_from(outbox)).scalar_one()
    assert sorted(stored) == sorted(numbers) and events == ISSUES
    assert outbox_after == outbox_before + ISSUES


def test_fifty_concurrent_issues_on_sqlite(world: World) -> None:
    check(world)


@pytest.mark.postgres
def test_fifty_concurrent_issues_on_postgresql(pg_platform: Platform) -> None:
    check(setup_world(pg_platform))
