"""The UBL built under a placeholder number and spliced under the real one is the direct build.

``handlers.prebuilt.splice`` lets issuing build and validate before the series lock; these tests
compare its bytes and the validator's verdict with a build under the final number, for many
numbers (widths crossed, yearly and continuous formats, payment references that are and are not
the number) and for every invoice a batch stores (on SQLite and PostgreSQL). ``splice_json`` does
the same for the stored JSON form: compared with the renumbered model's serialization.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
import sqlalchemy as sa

from genius.apps.sales import handlers as h
from genius.apps.sales import repository as repo
from genius.apps.sales import tables as t
from genius.apps.sales.commands import CreateAndIssue, CreateSeries, IssueBatch
from genius.apps.sales.domain.drafts import prepare, renumbered
from genius.apps.sales.domain.series import Series, SeriesInput, validate_series
from genius.apps.sales.handlers.prebuilt import splice, splice_json
from genius.bootstrap import Platform
from genius.fiscal.ro.efactura import build_xml, invoice_to_dict
from genius.fiscal.ro.efactura.jsonform import invoice_from_dict
from genius.fiscal.ro.efactura.validate import validate_xml
from tests.apps.sales.conftest import IBAN, World, setup_world
from tests.apps.sales.test_domain_drafts import context, draft

OTHER_REFERENCE = [
    {"means_code": "30", "remittance_information": "CTR-77", "credit_transfers": [{"account_id": IBAN}]}
]


def _xml(document: dict[str, Any], number: str) -> bytes:
    return build_xml(prepare(document, replace(context(), number=number)).invoice, check=False)


def _numbers(series: Series, count: int) -> list[str]:
    return [series.format(n, 2025) for n in range(series.next_number, series.next_number + count)]


@pytest.mark.parametrize(
    ("prefix", "reset", "width", "start"),
    [
        ("GEN-", "yearly", 4, 1),
        ("F", "never", 1, 7),
        ("A.b/c_9-", "never", 10, 9_999_999_990),
        ("X", "yearly", 2, 95),
    ],
)
@pytest.mark.parametrize("payment", [None, OTHER_REFERENCE])
def test_splice_gives_the_direct_build_and_its_verdict(
    prefix: str, reset: str, width: int, start: int, payment: list[dict[str, Any]] | None
) -> None:
    document = draft() if payment is None else draft(payment_instructions=payment)
    numbers = _numbers(validate_series(SeriesInput(prefix, reset=reset, width=width, next_number=start)), 12)
    placeholder = numbers[0]
    prebuilt = _xml(document, placeholder)
    assert validate_xml(prebuilt).anaf_ok
    for number in numbers:
        direct = _xml(document, number)
        spliced = splice(prebuilt, placeholder, number)
        assert spliced == direct, number
        assert validate_xml(spliced).anaf_ok == validate_xml(direct).anaf_ok
    assert (placeholder.encode() in prebuilt) and (b"CTR-77" in prebuilt) == (payment is not None)


def test_splice_refuses_what_it_cannot_vouch_for() -> None:
    prebuilt = _xml(draft(), "GEN-1")
    assert splice(prebuilt, "GEN-1", "GEN-1") is prebuilt
    assert splice(prebuilt, "GEN-1", "GEN&2") is None  # would be escaped in XML
    assert splice(prebuilt, "GEN-1", "GEN 2") is None  # whitespace: the XSD would normalize it
    assert splice(prebuilt, "GEN-1", "GEN-A") is None  # no digit: BR-RO-010 would refuse it
    assert splice(prebuilt, "GEN-1", "G" * 140 + "1") is None  # too long for BT-83
    assert splice(prebuilt, "GEN-9", "GEN-2") is None  # BT-1 does not hold the placeholder
    two = [
        {"means_code": "30", "remittance_information": "GEN-2", "credit_transfers": [{"account_id": IBAN}]},
        {"means_code": "30", "remittance_information": "GEN-1", "credit_transfers": [{"account_id": IBAN}]},
    ]
    # Two references today, one after the number: UBL-SR-44's verdict would change.
    assert splice(_xml(draft(payment_instructions=two), "GEN-1"), "GEN-1", "GEN-2") is None


@pytest.mark.parametrize("payment", [None, OTHER_REFERENCE])
def test_splice_json_gives_the_renumbered_serialization(payment: list[dict[str, Any]] | None) -> None:
    document = draft() if payment is None else draft(payment_instructions=payment)
    series = validate_series(SeriesInput("A.b/c_9-", reset="yearly", width=3, next_number=98))
    placeholder, *numbers = _numbers(series, 4)
    prepared = prepare(document, replace(context(), number=placeholder))
    text = repo.canonical(invoice_to_dict(prepared.invoice))
    references = sum(p.remittance_information == placeholder for p in prepared.invoice.payment_instructions)
    assert references == (0 if payment else 1)
    for number in numbers:
        direct = repo.canonical(invoice_to_dict(renumbered(prepared, placeholder, number).invoice))
        assert splice_json(text, placeholder, number, references) == direct, number
    assert splice_json(text, placeholder, placeholder, references) is text


def test_splice_json_refuses_a_placeholder_standing_elsewhere() -> None:
    # A note that is exactly the placeholder stays as written: the count tells, the caller serializes.
    prepared = prepare(draft(notes=[{"text": "GEN-7"}]), replace(context(), number="GEN-7"))
    text = repo.canonical(invoice_to_dict(prepared.invoice))
    assert splice_json(text, "GEN-7", "GEN-8", 1) is None
    assert splice_json(text, "GEN-7", "GEN 8", 1) is None  # not a safe number


def test_issue_keeps_a_note_that_is_the_placeholder(world: World) -> None:
    """The fallback under the lock: the note stays, BT-1 and BT-83 get the number."""
    with world.scope():
        first = h.create_and_issue(world.deps, CreateAndIssue(world.draft(issue_date="2025-09-15")))
        # The next number is GEN2025-0002: a note saying exactly that must not be renumbered.
        second = h.create_and_issue(
            world.deps, CreateAndIssue(world.draft(issue_date="2025-09-15", notes=[{"text": "GEN2025-0002"}]))
        )
    assert (first.number, second.number) == ("GEN2025-0001", "GEN2025-0002")
    with world.engine().connect() as conn:
        stored = conn.execute(
            sa.select(t.invoices.c.document_json).where(t.invoices.c.id == second.invoice_id)
        ).scalar_one()
    document = json.loads(stored)
    assert document["number"] == "GEN2025-0002"
    assert document["notes"][0]["text"] == "GEN2025-0002"


def _stored_match_direct_build(world: World) -> None:
    with world.scope():
        series_id = h.create_series(
            world.deps, CreateSeries(SeriesInput(prefix="W", reset="never", width=1, next_number=5))
        )
        documents = [draft_for(world, series_id, i) for i in range(30)]
        issued = h.issue_batch(world.deps, IssueBatch(documents))
    assert [d.number for d in issued] == [f"W{n}" for n in range(5, 35)]
    with world.engine().connect() as conn:
        rows = conn.execute(
            sa.select(t.invoices.c.number, t.invoices.c.xml, t.invoices.c.document_json).where(
                t.invoices.c.id.in_([d.invoice_id for d in issued])
            )
        ).all()
    assert len(rows) == 30
    for row in rows:
        direct = build_xml(invoice_from_dict(json.loads(row.document_json)), check=False)
        assert bytes(row.xml) == direct, row.number
        assert f"<cbc:ID>{row.number}</cbc:ID>".encode() in direct
        assert validate_xml(direct).anaf_ok


def draft_for(world: World, series_id: str, index: int) -> dict[str, Any]:
    document = world.draft(series_id=series_id, issue_date="2025-09-15")
    if index % 3 == 1:
        document["payment_instructions"] = OTHER_REFERENCE
    return document


def test_batch_stores_the_direct_build_on_sqlite(world: World) -> None:
    _stored_match_direct_build(world)


def test_credit_note_batch_stores_the_direct_build(world: World) -> None:
    lines = [{"id": "1", "product_id": world.ids["product"], "quantity": "1"}]
    with world.scope():
        invoice = h.create_and_issue(world.deps, CreateAndIssue(world.draft(issue_date="2025-09-15")))
        notes = [{"corrects_invoice_id": invoice.invoice_id, "issue_date": "2025-09-20", "lines": lines}] * 5
        issued = h.issue_batch(world.deps, IssueBatch(notes, credit_note=True))
    assert [d.number for d in issued] == [f"GCN2025-{n:04d}" for n in range(1, 6)]
    with world.engine().connect() as conn:
        rows = conn.execute(
            sa.select(t.invoices.c.xml, t.invoices.c.document_json).where(
                t.invoices.c.id.in_([d.invoice_id for d in issued])
            )
        ).all()
    for row in rows:
        direct = build_xml(invoice_from_dict(json.loads(row.document_json)), check=False)
        assert bytes(row.xml) == direct and b"<CreditNote" in direct
        assert validate_xml(direct).anaf_ok


def test_batch_stores_the_direct_build_on_postgresql(pg_platform: Platform) -> None:
    _stored_match_direct_build(setup_world(pg_platform))
