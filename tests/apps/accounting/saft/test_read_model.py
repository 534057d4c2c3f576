"""The D406 read model: partner IDs, tax codes and periods (pure), and the copies the
``accounting.saft`` consumer keeps: exactly once, checked against the event's digest, one-off buyers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from genius.apps.accounting.saft import subscriptions
from genius.apps.accounting.saft import tables as st
from genius.apps.accounting.saft.domain import parse_period, partner_saft_id, tax_code_for
from genius.apps.sales import handlers as h
from genius.apps.sales.commands import CancelInvoice
from genius.fiscal.ro.saft.model import ReportType
from genius.fiscal.ro.saft.partners import PartnerRole, check_partner_id
from genius.kernel.errors import ValidationError
from genius.platform.bus.consumer import Unprocessable
from genius.platform.bus.tables import outbox
from genius.platform.db.uow import UnitOfWork
from genius.platform.tenancy import TenantContext
from genius.workers.anaf_saft import sales_issued_xml
from tests.apps.accounting.saft.conftest import Books

D = Decimal


@pytest.mark.parametrize(
    ("kind", "cui", "vat_id", "country", "expected"),
    [
        ("company", "14399840", "RO14399840", "RO", "0014399840"),
        ("company", "23456783", None, "RO", "0023456783"),
        ("foreign", None, "DE136695976", "DE", "01DE136695976"),
        ("foreign", None, "GR094014298", "GR", "01EL094014298"),
        ("foreign", None, "CHE-116.281.710", "CH", "02CHE116281710"),
        ("individual", None, None, "RO", "04p42abc"),
    ],
)
def test_partner_ids_follow_anaf_prefix_rules(
    kind: str, cui: str | None, vat_id: str | None, country: str, expected: str
) -> None:
    found = partner_saft_id(partner_id="p-42-abc", kind=kind, cui=cui, vat_id=vat_id, country_code=country)
    assert found == expected
    assert check_partner_id(found, PartnerRole.CUSTOMER) is None


@pytest.mark.parametrize(
    ("treatment", "rate", "on", "code"),
    [
        ("sale_taxable", "21", date(2026, 3, 1), "310344"),
        ("sale_taxable", "19", date(2025, 7, 31), "310309"),
        ("sale_taxable", "11", date(2025, 8, 1), "310351"),
        ("sale_taxable", "9", date(2025, 6, 1), "310310"),
        ("sale_taxable", "9", date(2026, 6, 1), "310357"),
        ("sale_intra_eu_goods", None, date(2026, 1, 5), "310301"),
        ("sale_eu_services", None, date(2026, 1, 5), "310307"),
        ("sale_export", None, date(2026, 1, 5), "310313"),
        ("purchase_taxable", "21", date(2026, 1, 5), "301104"),
        ("purchase_eu_services", "21", date(2026, 1, 5), "300704"),
        ("purchase_domestic_reverse", "21", date(2026, 1, 5), "300906"),
        ("purchase_import", "11", date(2026, 1, 5), "301205"),
        ("purchase_exempt", None, date(2026, 1, 5), "308302"),
        # The supplier's AE/K invoice shows no rate: self-assessed at the standard rate of the day.
        ("purchase_domestic_reverse", "0", date(2026, 1, 5), "300906"),
        ("purchase_intra_eu_goods", None, date(2025, 3, 5), "300201"),
        ("purchase_intra_eu_goods", "21", date(2026, 1, 5), "300204"),
        ("purchase_intra_eu_goods", "11", date(2026, 1, 5), "300205"),
        ("purchase_import", None, date(2026, 1, 5), "000000"),
    ],
)
def test_tax_codes_of_ledger_treatments(treatment: str, rate: str | None, on: date, code: str) -> None:
    assert tax_code_for(treatment, D(rate) if rate else None, on) == code


def test_a_rate_without_a_code_is_named() -> None:
    with pytest.raises(ValidationError) as caught:
        tax_code_for("sale_taxable", D("7"), date(2026, 1, 5))
    assert caught.value.problems[0].field == "vat_rate" and "7" in caught.value.message


def test_months_and_quarters() -> None:
    october = parse_period("2026-10")
    assert (october.report_type, october.first, october.last) == (
        ReportType.MONTHLY,
        date(2026, 10, 1),
        date(2026, 10, 31),
    )
    q1 = parse_period("2024-q1")
    assert (q1.label, q1.report_type, q1.first, q1.last) == (
        "2024-Q1",
        ReportType.QUARTERLY,
        date(2024, 1, 1),
        date(2024, 3, 31),
    )
    assert parse_period("2024-02").last == date(2024, 2, 29)
    assert parse_period("2026-Q4").months == [(2026, 10), (2026, 11), (2026, 12)]


def _copies(books: Books) -> list[sa.Row]:
    with books.engine().connect() as conn:
        return list(conn.execute(sa.select(st.documents).order_by(st.documents.c.number)))


async def test_a_redelivered_event_keeps_one_copy_and_a_cancellation_marks_it(books: Books) -> None:
    issued = books.issue(issue_date="2026-10-05")
    await books.deliver()
    with books.engine().begin() as conn:
        conn.execute(outbox.update().where(outbox.c.type.like("sales.%")).values(published_at=None))
    await books.deliver()
    (copy,) = _copies(books)
    assert (copy.number, copy.status, copy.buyer_saft_id, copy.line_count) == (
        issued.number,
        "issued",
        "0014399840",
        2,
    )
    with books.engine().connect() as conn:
        lines = conn.execute(sa.select(st.document_lines)).all()
    assert len(lines) == 2
    # Lines add up to the document's totals in lei, VAT spread exactly.
    assert sum(r.net_bani for r in lines) == copy.net_bani == 170500
    assert sum(r.vat_bani for r in lines) == copy.vat_bani == 35805
    with books.world.scope():
        h.cancel_invoice(books.world.deps, CancelInvoice(issued.invoice_id, "greșit"))
    await books.deliver()
    assert [c.status for c in _copies(books)] == ["cancelled"]


async def test_a_one_off_buyer_gets_its_id_from_the_document(books: Books) -> None:
    buyer = {
        "name": "Cumpărător Ocazional SRL",
        "legal_registration_id": {"value": "23456783"},
        "address": {
            "street": "Str. Lungă 5",
            "city": "Brașov",
            "country_subdivision": "RO-BV",
            "country_code": "RO",
        },
    }
    issued = books.issue(issue_date="2026-10-08", buyer=buyer)
    await books.deliver()
    (copy,) = _copies(books)
    assert (copy.partner_id, copy.buyer_saft_id, copy.city, copy.region) == (
        None,
        "0023456783",
        "Brașov",
        "RO-BV",
    )
    books.configure()
    result, document = books.export("2026-10")
    assert issued.number.encode() in document and b"<CustomerID>0023456783</CustomerID>" in document
    assert not [w for w in result.warnings if w.code == "PARTNER_UNKNOWN"]


async def test_a_ubl_that_is_not_the_announced_one_is_unprocessable(books: Books) -> None:
    issued = books.issue(issue_date="2026-10-05")
    await books.deliver()
    facts = subscriptions.IssuedFacts(
        document_id=issued.invoice_id,
        number=issued.number,
        credit_note=False,
        partner_id=None,
        buyer_kind="company",
        exchange_rate=None,
        vat_total_ron=D("358.05"),
        xml_sha256="0" * 64,
    )
    ctx = TenantContext(books.world.tenant.id, books.slug, system=True)
    real = sales_issued_xml(books.platform.databases)
    with pytest.raises(Unprocessable) as caught, UnitOfWork(books.platform.databases, tenant=ctx) as uow:
        subscriptions.capture_document(uow.connection, ctx, real, facts, event_id=None)
    assert "announced " + "0" * 64 in str(caught.value)
