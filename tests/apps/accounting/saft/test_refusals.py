"""A D406 is refused, naming what to fix, when the books of the period are not ready: draft entries,
issued documents the ledger has not posted, posted documents the read model never received, missing
header data, blocking pre-validation findings; and nothing reaches ``out``."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from genius.apps.accounting import subscriptions as postings
from genius.apps.accounting.commands import CreateDraftEntry
from genius.apps.accounting.domain.entries import EntryDraft, Line
from genius.apps.accounting.handlers.entries import create_draft, post
from genius.apps.accounting.handlers.postings import CUSTOMER, partner_account
from genius.apps.accounting.saft import tables as st
from genius.apps.accounting.saft.domain import parse_period
from genius.apps.accounting.saft.export import SaftRefused, export_d406
from genius.apps.accounting.saft.masters import SaftSetupMissing
from genius.apps.sales import handlers as h
from genius.apps.sales.commands import CreatePartner
from genius.bootstrap import build_platform
from genius.kernel.errors import ValidationError
from genius.platform.db.uow import UnitOfWork
from genius.platform.tenancy import TenantContext
from genius.workers.anaf_saft import sync_read_model, tenant_profile
from tests.apps.accounting.saft.conftest import Books, allow_procurement_events, running_books
from tests.apps.sales.conftest import OTHER_CUI, company_partner
from tests.web.conftest import base_settings

D = Decimal


def system(books: Books, user: str | None = None) -> TenantContext:
    return TenantContext(books.world.tenant.id, books.slug, user_id=user, system=user is None)


def refused(books: Books, period: str = "2026-10", *, before_writing: bool = True) -> SaftRefused:
    """The refusal; readiness refusals come before any byte, pre-validation ones after the single
    pass (its output is discarded by the callers: see test_cli and test_api)."""
    out = io.BytesIO()
    with pytest.raises(SaftRefused) as caught:
        export_d406(
            books.engine(), tenant_profile(books.platform, books.slug), parse_period(period), out,
            created=date(2026, 11, 25),
        )  # fmt: skip
    if before_writing:
        assert out.getvalue() == b"", "a refused export writes nothing"
    return caught.value


async def test_draft_entries_of_the_period_are_named(books: Books) -> None:
    books.issue(issue_date="2026-10-05")
    await books.deliver()
    books.configure()
    with UnitOfWork(books.platform.databases, tenant=system(books, "u1")) as uow:
        draft = create_draft(
            uow,
            CreateDraftEntry(
                "NC", date(2026, 10, 31), "Amortizare octombrie",
                (Line("6811", debit=D("50.00")), Line("2813", credit=D("50.00"))),
            ),
        )  # fmt: skip
    error = refused(books)
    assert error.code == "saft_refused" and draft.id in error.message
    assert error.details == {"draft_entries": [f"NC draft {draft.id} of 2026-10-31 (Amortizare octombrie)"]}
    # A draft in another month does not stand in the way of September.
    books.export("2026-09")


async def test_issued_documents_the_ledger_has_not_posted_are_named(tmp_path: Path) -> None:
    platform = build_platform(base_settings(tmp_path))
    try:
        # The ledger's consumer is down: the read model has the invoice, the ledger does not.
        async with running_books(platform, postings_consumer=False) as books:
            issued = books.issue(issue_date="2026-10-05")
            await books.deliver()
            books.configure()
            error = refused(books)
            assert error.details == {"unposted_documents": [f"{issued.number} of 2026-10-05"]}
            assert issued.number in error.message and "not yet posted" in error.message
    finally:
        platform.close()


async def test_posted_documents_missing_from_the_read_model_are_named_until_synced(books: Books) -> None:
    books.issue(issue_date="2026-10-05")
    await books.deliver()
    books.configure()
    # As if the accounting.saft consumer had never seen the invoice.
    with books.engine().begin() as conn:
        conn.execute(st.document_lines.delete())
        conn.execute(st.documents.delete())
    error = refused(books)
    assert list(error.details) == ["documents_without_d406_copy"]
    assert "genius saft sync" in error.message
    summary = sync_read_model(books.platform, books.slug, date(2026, 10, 1), date(2026, 10, 31))
    assert (summary.documents, summary.cancelled) == (1, 0) and summary.partners >= 1
    result, _ = books.export("2026-10")
    assert result.summary.sales_invoices == 1


async def test_the_header_needs_a_contact_person_and_says_where_to_set_it(books: Books) -> None:
    books.issue(issue_date="2026-10-05")
    await books.deliver()
    with pytest.raises(SaftSetupMissing) as caught:
        books.export("2026-10")
    assert {p.field for p in caught.value.problems} == {"contact", "contact_telephone"}
    assert "genius saft settings" in caught.value.message
    with pytest.raises(ValidationError) as bad:
        books.configure(iban_override="RO00BANK0000", tax_accounting_basis="XYZ", contact_email="x")
    assert {p.field for p in bad.value.problems} == {"iban_override", "tax_accounting_basis", "contact_email"}


async def test_blocking_prevalidation_findings_refuse_with_their_messages(books: Books) -> None:
    books.issue(issue_date="2026-10-05")
    with books.world.scope():
        other = h.create_partner(
            books.world.deps, CreatePartner(company_partner(name="Fără Factură SRL", cui=OTHER_CUI))
        )
    await books.deliver()
    books.configure()
    with UnitOfWork(books.platform.databases, tenant=system(books)) as uow:
        account = partner_account(uow, other, CUSTOMER)
        lines = (Line(account, debit=D("100.00"), partner_id=other), Line("1171", credit=D("100.00")))
        post(uow, EntryDraft("NC", date(2026, 10, 1), "Sold preluat", lines))
    error = refused(books, before_writing=False)
    findings = error.details["findings"]
    assert [(f["code"], f["entity_id"]) for f in findings] == [("PARTNER_NO_ADDRESS", "0023456783")]
    assert findings[0]["message_ro"] and "PARTNER_NO_ADDRESS 0023456783" in error.message


@pytest.mark.parametrize("text", ["2026-13", "2026-Q5", "26-10", "2019-05", "", "2019", "20261"])
def test_periods_that_are_not_a_month_a_quarter_or_a_year_are_refused(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_period(text)
    assert caught.value.problems[0].field == "period"


def test_a_year_is_the_annual_assets_declaration_of_that_calendar_year() -> None:
    period = parse_period("2026")
    assert (period.label, period.report_type.value, period.first, period.last) == (
        "2026",
        "A",
        date(2026, 1, 1),
        date(2026, 12, 31),
    )


async def test_the_ledger_consumer_catching_up_clears_the_refusal(tmp_path: Path) -> None:
    platform = build_platform(base_settings(tmp_path))
    try:
        async with running_books(platform, postings_consumer=False) as books:
            books.issue(issue_date="2026-10-05")
            await books.deliver()
            books.configure()
            refused(books)
            ledger = postings.consumer(
                platform.bus.transport, platform.databases, platform.bus.tenant_resolver
            )
            await ledger.start()
            try:
                books.consumers.append(ledger)
                with books.engine().begin() as conn:  # the relay sends the sales events again
                    conn.execute(
                        sa.text("UPDATE bus_outbox SET published_at = NULL WHERE type LIKE 'sales.%'")
                    )
                await books.deliver()
            finally:
                books.consumers.remove(ledger)
                await ledger.stop(grace=2)
            result, _ = books.export("2026-10")
            assert result.summary.transactions == 1
    finally:
        platform.close()


async def test_sync_restores_sales_and_supplier_copies(books: Books, monkeypatch: pytest.MonkeyPatch) -> None:
    allow_procurement_events(monkeypatch)
    sale = books.issue(issue_date="2026-10-05")
    books.receive(sale, "FZ-0078", "2026-10-09")
    await books.deliver()
    books.configure()
    before, _ = books.export("2026-10")
    with books.engine().begin() as conn:
        conn.execute(st.document_lines.delete())
        conn.execute(st.documents.delete())
    assert set(refused(books).details) == {"documents_without_d406_copy"}
    summary = sync_read_model(books.platform, books.slug, date(2026, 10, 1), date(2026, 10, 31))
    assert summary.documents == 2
    after, _ = books.export("2026-10")
    assert (after.summary.sales_invoices, after.summary.purchase_invoices) == (1, 1)
    assert after.counts == before.counts
