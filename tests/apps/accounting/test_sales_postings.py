"""Postings from real sales events: issue through the sales handlers, relay, consume, check the ledger."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from genius.apps.accounting import repository as repo
from genius.apps.accounting import subscriptions
from genius.apps.accounting import tables as t
from genius.apps.accounting.domain.entries import Entry
from genius.apps.accounting.domain.rules import parse_rule
from genius.apps.sales import handlers as h
from genius.apps.sales.commands import CancelInvoice, CreateAndIssue
from genius.apps.sales.events import InvoiceIssued
from genius.bootstrap import Platform, build_platform
from genius.platform.bus.consumer import Consumer
from genius.platform.bus.relay import Relay
from genius.platform.bus.tables import inbox, outbox
from genius.platform.db.uow import UnitOfWork
from tests.apps.sales.conftest import World, setup_world
from tests.apps.sales.test_issue import outbox_events
from tests.web.conftest import base_settings


@dataclass
class Running:
    platform: Platform
    world: World
    relay: Relay
    consumer: Consumer

    @property
    def slug(self) -> str:
        return self.world.tenant.slug

    async def deliver(self) -> None:
        """Relay everything pending, then wait until the consumer has nothing in flight."""
        before = self.consumer.handled
        with self.world.engine().connect() as conn:
            expected = conn.execute(
                sa.select(sa.func.count())
                .select_from(outbox)
                .where(outbox.c.published_at.is_(None), outbox.c.type.in_(list(subscriptions.effects())))
            ).scalar_one()
        await self.relay.drain(self.slug)
        await eventually(
            lambda: self.consumer.handled >= before + expected, what=f"{expected} deliveries handled"
        )

    def entries(self) -> list[Entry]:
        with self.world.engine().connect() as conn:
            ids = conn.execute(sa.select(t.entries.c.id).order_by(t.entries.c.number)).scalars().all()
            return [repo.get_entry(conn, i) for i in ids]


async def eventually(check: Callable[[], bool], timeout: float = 20.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.02)


@pytest.fixture
async def running(tmp_path: Path) -> AsyncIterator[Running]:
    platform = build_platform(base_settings(tmp_path))
    world = setup_world(platform)
    await platform.bus.transport.start()
    relay = platform.bus.relay()
    consumer = subscriptions.consumer(
        platform.bus.transport, platform.databases, platform.bus.tenant_resolver
    )
    await consumer.start()
    try:
        yield Running(platform, world, relay, consumer)
    finally:
        await consumer.stop(grace=2)
        await platform.bus.transport.close()
        platform.close()


def issue(world: World, credit_note: bool = False, **overrides: object) -> h.IssuedDocument:
    with world.scope():
        return h.create_and_issue(
            world.deps, CreateAndIssue(world.draft(**overrides), credit_note=credit_note)
        )


def amounts(entry: Entry) -> list[tuple[str, Decimal, Decimal]]:
    return [(line.account, line.debit, line.credit) for line in entry.lines]


async def test_an_issued_invoice_is_posted_4111_to_70x_and_4427(running: Running) -> None:
    issued = issue(running.world)
    await running.deliver()
    entries = running.entries()
    assert len(entries) == 1
    entry = entries[0]
    assert entry.journal == "VZ" and entry.number == f"VZ-{issued.issue_date.year}-000001"
    assert (
        entry.source is not None
        and entry.source.id == issued.invoice_id
        and entry.source.number == issued.number
    )
    receivable = entry.lines[0]
    # The partner got its own analytic account below 4111 on first use.
    assert receivable.account == "4111.00001" and receivable.debit == issued.payable_amount
    assert receivable.partner_id == running.world.ids["partner"]
    # The licence product is a service (704); the typed-in line names no product nor class (707).
    services = [line for line in entry.lines if line.account == "704"]
    goods = [line for line in entry.lines if line.account == "707"]
    vat = [line for line in entry.lines if line.account == "4427"]
    assert services and goods and vat
    revenue = services + goods
    assert sum(line.credit for line in revenue) + sum(line.credit for line in vat) == issued.payable_amount
    # 10 x 125.50 (service) + 2.5 x 180.00 (typed) at 21 %
    assert sum(line.credit for line in services) == Decimal("1255.00")
    assert sum(line.credit for line in goods) == Decimal("450.00")
    assert sum(line.credit for line in vat) == Decimal("358.05")
    with running.world.engine().connect() as conn:
        posted = conn.execute(
            sa.select(outbox.c.type).where(outbox.c.type == "accounting.journal.posted")
        ).all()
    assert len(posted) == 1


async def test_a_redelivered_event_posts_nothing_more(running: Running) -> None:
    issue(running.world)
    await running.deliver()
    assert len(running.entries()) == 1
    # The relay crashed before marking its rows sent: every event goes out again.
    with running.world.engine().begin() as conn:
        conn.execute(outbox.update().where(outbox.c.type.like("sales.%")).values(published_at=None))
    await running.deliver()
    assert len(running.entries()) == 1
    with running.world.engine().connect() as conn:
        claimed = conn.execute(
            sa.select(sa.func.count()).select_from(inbox).where(inbox.c.consumer == subscriptions.CONSUMER)
        ).scalar_one()
        lines = conn.execute(sa.select(sa.func.count()).select_from(t.lines)).scalar_one()
    assert claimed >= 2  # partner created + invoice issued, each once
    assert lines == len(running.entries()[0].lines)


async def test_a_credit_note_is_posted_in_red_and_a_cancellation_reverses(running: Running) -> None:
    invoice = issue(running.world)
    credit = issue(
        running.world,
        credit_note=True,
        corrects_invoice_id=invoice.invoice_id,
        lines=[{"id": "1", "product_id": running.world.ids["product"], "quantity": "2"}],
    )
    await running.deliver()
    entries = {e.source.type: e for e in running.entries() if e.source}
    red = entries["sales_credit_note"]
    assert red.storno and red.source is not None and red.source.id == credit.invoice_id
    assert red.lines[0].account == "4111.00001" and red.lines[0].debit == -credit.payable_amount
    assert all(line.debit <= 0 and line.credit <= 0 for line in red.lines)
    # Cancelling the invoice reverses its entry in red; the ledger nets to the credit note alone.
    with running.world.scope():
        h.cancel_invoice(running.world.deps, CancelInvoice(invoice.invoice_id, "client greșit"))
    await running.deliver()
    entries_now = running.entries()
    assert len(entries_now) == 3
    reversal = next(e for e in entries_now if e.reverses is not None)
    original = next(
        e for e in entries_now if e.source and e.source.type == "sales_invoice" and not e.reverses
    )
    assert reversal.reverses == original.id and reversal.storno
    assert [(a, -d, -c) for a, d, c in amounts(reversal)] == amounts(original)
    with running.world.engine().connect() as conn:
        balance = repo.from_bani(
            conn.execute(
                sa.select(sa.func.sum(t.balances.c.debit - t.balances.c.credit)).where(
                    t.balances.c.account == "4111.00001"
                )
            ).scalar_one()
        )
    assert balance == -credit.payable_amount


async def test_black_credit_notes_when_the_tenant_chooses(running: Running) -> None:
    with running.world.engine().begin() as conn:
        repo.save_settings(conn, {"credit_note_mode": "black"})
    invoice = issue(running.world)
    credit = issue(
        running.world,
        credit_note=True,
        corrects_invoice_id=invoice.invoice_id,
        lines=[{"id": "1", "product_id": running.world.ids["product"], "quantity": "1"}],
    )
    await running.deliver()
    black = next(e for e in running.entries() if e.source and e.source.type == "sales_credit_note")
    assert not black.storno
    receivable = next(line for line in black.lines if line.account == "4111.00001")
    assert receivable.credit == credit.payable_amount and receivable.debit == 0
    assert all(line.debit >= 0 and line.credit >= 0 for line in black.lines)


def _typed(line_id: str, name: str, cpv: str, price: str = "1000.00") -> dict[str, object]:
    return {
        "id": line_id,
        "quantity": "1",
        "unit_code": "MON",
        "price": {"net_price": price},
        "item": {
            "name": name,
            "vat_category": "S",
            "vat_rate_kind": "standard",
            "classifications": [{"code": cpv, "list_id": "STI"}],
        },
    }


def _credits(entry: Entry) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for line in entry.lines:
        if line.credit:
            out[line.account] = out.get(line.account, Decimal(0)) + line.credit
    return out


async def test_each_revenue_class_posts_to_its_account_from_the_v2_event(running: Running) -> None:
    """Service product 704, goods product 707, rent of own property (CPV 702...) 706, from v2 data."""
    world = running.world
    issued = issue(
        world,
        lines=[
            {"id": "1", "product_id": world.ids["product"], "quantity": "10"},  # service, 21 %
            {"id": "2", "product_id": world.ids["book"], "quantity": "3"},  # goods, 11 %
            _typed("3", "Chirie birou octombrie", "70220000-9"),  # non-residential own property
        ],
    )
    [event] = outbox_events(world, "sales.invoice.issued")
    assert event["dataschema"] == "urn:genius:schema:sales.invoice.issued:v2"
    assert {(c.get("item_kind"), c.get("product_category")) for c in event["data"]["revenue"]} == {
        ("service", None),
        ("goods", None),
        ("service", "STI:70220000-9"),
    }
    await running.deliver()
    [entry] = running.entries()
    credits = _credits(entry)
    assert credits["704"] == Decimal("1255.00")
    assert credits["707"] == Decimal("149.97")
    assert credits["706"] == Decimal("1000.00")
    # VAT: 21 % of 2255.00 = 473.55 and 11 % of 149.97 = 16.50 (one 4427 line per class).
    assert credits["4427"] == Decimal("490.05") == issued.payable_amount - Decimal("2404.97")
    base_704 = next(line for line in entry.lines if line.account == "704")
    assert base_704.vat is not None and base_704.vat.rate == Decimal("21")


async def test_a_tenant_rule_per_product_category_wins_over_the_kind(running: Running) -> None:
    with running.world.engine().begin() as conn:
        repo.save_rule(conn, parse_rule("sales", "product_category", "STI:7226", "708", "Mentenanță"))
    issue(
        running.world,
        lines=[
            _typed("1", "Mentenanta software", "72267000-4", "300.00"),  # CPV 7226...: rule 708
            _typed("2", "Dezvoltare software", "72212000-4", "700.00"),  # CPV 72 is services: 704
        ],
    )
    await running.deliver()
    [entry] = running.entries()
    credits = _credits(entry)
    assert credits["708"] == Decimal("300.00") and credits["704"] == Decimal("700.00")
    assert "707" not in credits


async def test_a_v2_credit_note_reverses_the_service_revenue_in_red(running: Running) -> None:
    invoice = issue(running.world)
    issue(
        running.world,
        credit_note=True,
        corrects_invoice_id=invoice.invoice_id,
        lines=[{"id": "1", "product_id": running.world.ids["product"], "quantity": "2"}],
    )
    await running.deliver()
    red = next(e for e in running.entries() if e.source and e.source.type == "sales_credit_note")
    assert [(a, d, c) for a, d, c in amounts(red) if a.startswith("70")] == [
        ("704", Decimal("0"), Decimal("-251.00"))
    ]


async def test_a_v1_event_from_an_older_outbox_still_posts_per_vat_group(running: Running) -> None:
    """A v1 row (no revenue classes) is decoded as v1 and posts by VAT group to the default 707."""
    world = running.world
    day = date(2026, 10, 5)
    event = InvoiceIssued(
        invoice_id="old-1",
        number="GEN-OLD-1",
        series_id="s-old",
        type_code="380",
        issue_date=day,
        tax_point_date=day,
        due_date=None,
        currency="RON",
        exchange_rate=None,
        partner_id=None,
        buyer_name="Client vechi SRL",
        buyer_kind="other",
        buyer_vat_id=None,
        tax_exclusive_amount=Decimal("100.00"),
        vat_total=Decimal("21.00"),
        vat_total_ron=Decimal("21.00"),
        payable_amount=Decimal("121.00"),
        vat_breakdown=[{"category": "S", "rate": "21", "taxable_amount": "100.00", "tax_amount": "21.00"}],
        xml_sha256="0" * 64,
        issued_by=None,
    )
    with UnitOfWork(running.platform.databases, tenant=world.ctx) as uow:
        uow.publish(event, subject="old-1")
    [published] = outbox_events(world, "sales.invoice.issued")
    assert published["dataschema"] == "urn:genius:schema:sales.invoice.issued:v1"
    assert "revenue" not in published["data"]
    await running.deliver()
    [entry] = running.entries()
    assert amounts(entry) == [
        ("4111", Decimal("121.00"), Decimal("0")),
        ("707", Decimal("0"), Decimal("100.00")),
        ("4427", Decimal("0"), Decimal("21.00")),
    ]
