"""The catalogue: naming rules, typed data schemas, and docs/events.md in step with the code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated, ClassVar

import pytest

from genius.kernel.messages import Event
from genius.platform.bus.catalogue import (
    BEGIN_MARK,
    END_MARK,
    Catalogue,
    CatalogueError,
    MessageKind,
    describe,
    discover,
    kind_of,
    parse_catalogue_headings,
    product_types,
    render_markdown,
    tag_of,
)

DOCS = Path(__file__).resolve().parents[3] / "docs" / "events.md"


def test_every_publishable_type_is_in_docs_events_md_and_every_documented_type_exists() -> None:
    catalogue = discover()
    types = product_types(catalogue)
    document = DOCS.read_text()
    in_code = {(t.name, t.version) for t in types}
    in_docs = parse_catalogue_headings(document)
    assert in_code - in_docs == set(), (
        "types missing from docs/events.md (run python -m genius.platform.bus.catalogue)"
    )
    assert in_docs - in_code == set(), "docs/events.md lists types the code does not declare"
    generated = document.split(BEGIN_MARK, 1)[1].split(END_MARK, 1)[0].strip()
    assert generated == render_markdown(types).strip(), "field tables are stale: regenerate docs/events.md"
    bad = {
        cls.__module__ + "." + cls.__qualname__: str(err)
        for cls, err in catalogue.rejected.items()
        if cls.__module__.startswith("genius.")
    }
    assert bad == {}, "product event classes break the naming or schema rules"


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("sales.invoice.issued", MessageKind.DOMAIN),
        ("payroll.payslip.sent", MessageKind.DOMAIN),
        ("inventory.stock_level.fell_below_minimum_reached", MessageKind.DOMAIN),
        ("worker.request.pdf", MessageKind.COMMAND),
        ("worker.response.pdf", MessageKind.REPLY),
        ("worker.request.pdf.render", MessageKind.COMMAND),
        ("worker.response.pdf.render", MessageKind.REPLY),
        ("worker.request.anaf.efactura", MessageKind.COMMAND),
        ("worker.request.gdpr.erase_subject.v2x", MessageKind.COMMAND),
        ("audit.sales.invoice_cancel", MessageKind.AUDIT),
    ],
)
def test_names_declare_their_kind(name: str, kind: MessageKind) -> None:
    assert kind_of(name) == kind


def test_the_tag_of_a_worker_message_is_everything_after_request_or_response() -> None:
    assert tag_of("worker.request.pdf.render") == "pdf.render"
    assert tag_of("worker.response.anaf.efactura") == "anaf.efactura"
    assert tag_of("worker.request.ocr") == "ocr"
    assert tag_of("worker.request.pdf.") is None and tag_of("sales.invoice.issued") is None


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("sales.invoice.issue", "past participle"),
        ("sales.invoice", "<app>.<aggregate>.<past_tense>"),
        ("Sales.Invoice.Issued", "<app>.<aggregate>.<past_tense>"),
        ("worker.pdf", "worker.request|response.<tag>"),
        ("worker.request", "worker.request|response.<tag>"),
        ("worker.request.", "worker.request|response.<tag>"),
        ("worker.request.pdf.", "worker.request|response.<tag>"),
        ("worker.request..render", "worker.request|response.<tag>"),
        ("worker.request.pdf..render", "worker.request|response.<tag>"),
        ("worker.request.Pdf.render", "worker.request|response.<tag>"),
        ("worker.response.pdf.Render", "worker.request|response.<tag>"),
        ("worker.request.pdf.2render", "worker.request|response.<tag>"),
        ("worker.request.pdf-render", "worker.request|response.<tag>"),
        ("worker.request.pdf.render ", "worker.request|response.<tag>"),
        ("worker.command.pdf.render", "worker.request|response.<tag>"),
        ("audit.sales", "audit.<app>.<action>"),
    ],
)
def test_bad_names_are_refused_with_the_rule(name: str, rule: str) -> None:
    with pytest.raises(CatalogueError) as caught:
        kind_of(name)
    assert rule in caught.value.message and caught.value.problems[0].field == "type"


@dataclass(frozen=True)
class InvoiceIssuedForTest:
    """An invoice was issued (test type)."""

    event_type: ClassVar[str] = "testsales.invoice.issued"
    schema_version: ClassVar[int] = 2

    invoice_id: Annotated[str, "Invoice id"]
    total: Annotated[Decimal, "Total with VAT, RON"]
    issued_on: Annotated[date, "Issue date"]
    at: Annotated[datetime, "When"]
    lines: Annotated[list[str], "Line ids"]
    note: Annotated[str | None, "Optional note"] = None


def test_data_round_trips_through_its_typed_schema() -> None:
    catalogue = Catalogue()
    catalogue.register(InvoiceIssuedForTest)
    spec = catalogue.get("testsales.invoice.issued")
    assert (spec.version, spec.dataschema) == (2, "urn:genius:schema:testsales.invoice.issued:v2")
    message = InvoiceIssuedForTest(
        "F-1", Decimal("119.00"), date(2026, 1, 31), datetime(2026, 1, 31, 9, tzinfo=UTC), ["l1", "l2"]
    )
    data = spec.encode(message)
    assert data == {
        "invoice_id": "F-1",
        "total": "119.00",
        "issued_on": "2026-01-31",
        "at": "2026-01-31T09:00:00.000000Z",
        "lines": ["l1", "l2"],
        "note": None,
    }
    assert spec.decode(data) == message
    fields = {f.name: (f.type, f.required) for f in spec.fields}
    assert fields["total"] == ("decimal (string)", True) and fields["note"] == ("string or null", False)


def test_data_that_does_not_fit_names_the_field() -> None:
    catalogue = Catalogue()
    catalogue.register(InvoiceIssuedForTest)
    spec = catalogue.get("testsales.invoice.issued", 2)
    good = {
        "invoice_id": "F-1",
        "total": "1",
        "issued_on": "2026-01-31",
        "at": "2026-01-31T09:00:00Z",
        "lines": [],
    }
    with pytest.raises(CatalogueError, match=r"data\.total"):
        spec.decode({**good, "total": "lots"})
    with pytest.raises(CatalogueError, match=r"data\.invoice_id: required"):
        spec.decode({k: v for k, v in good.items() if k != "invoice_id"})
    with pytest.raises(CatalogueError, match=r"data\.lines\[0\]"):
        spec.decode({**good, "lines": [3]})
    with pytest.raises(CatalogueError, match="not a registered message type"):
        catalogue.get("testsales.invoice.issued", 1)


def test_undocumented_fields_and_duplicate_registrations_are_refused() -> None:
    @dataclass(frozen=True)
    class Undocumented(Event):
        """Something happened."""

        event_type: ClassVar[str] = "testapp.thing.happened"
        amount: int = 0

    with pytest.raises(CatalogueError, match="document the field"):
        describe(Undocumented)

    @dataclass(frozen=True)
    class First:
        """A thing was made."""

        event_type: ClassVar[str] = "testapp.thing.made"
        schema_version: ClassVar[int] = 1

    @dataclass(frozen=True)
    class Second:
        """A thing was made, again."""

        event_type: ClassVar[str] = "testapp.thing.made"
        schema_version: ClassVar[int] = 1

    catalogue = Catalogue()
    catalogue.register(First)
    with pytest.raises(CatalogueError, match="already registered"):
        catalogue.register(Second)
