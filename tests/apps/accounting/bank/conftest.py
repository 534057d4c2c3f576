"""Fixtures of the bank tests: a platform on SQLite with a tenant, sales events delivered to the
bank part's read model through its real consumer handlers (inbox included), and the HTTP API."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from genius.apps.accounting.bank import subscriptions
from genius.apps.accounting.bank.api import router as bank_router
from genius.apps.sales.events import CreditNoteIssued, InvoiceIssued, PartnerCreated
from genius.bootstrap import Platform, build_platform
from genius.kernel.ids import new_id
from genius.platform.bus.handlers import RegistryTenants
from genius.platform.bus.outbox import build_envelope
from genius.platform.bus.transport import Delivery
from genius.platform.db.uow import UnitOfWork
from genius.platform.tenancy import Tenant, TenantContext
from genius.web.app import create_app
from tests.platforms import base_settings, postgres_platform

PASSWORD = "Correct-horse-battery-42"
SAMPLES = Path(__file__).resolve().parents[3] / "fiscal" / "ro" / "bankstatements" / "samples"


@dataclass
class Books:
    """A tenant whose open invoices are fed through the bank part's consumer handlers."""

    platform: Platform
    tenant: Tenant

    @property
    def ctx(self) -> TenantContext:
        return TenantContext(self.tenant.id, self.tenant.slug, system=True)

    def uow(self, write: bool = True) -> UnitOfWork:
        return UnitOfWork(self.platform.databases, tenant=self.ctx, write=write)

    def deliver(self, event: Any) -> Delivery:
        handler = subscriptions.handlers(self.platform.databases, RegistryTenants(self.platform.tenants))[
            event.event_type
        ]
        delivery = Delivery(build_envelope(event, tenant=self.tenant.slug), subscriptions.CONSUMER, 1, False)
        handler(delivery)
        return delivery

    def partner(self, name: str, cui: str | None) -> str:
        partner_id = new_id()
        self.deliver(
            PartnerCreated(
                partner_id=partner_id,
                kind="company",
                name=name,
                country_code="RO",
                cui=cui,
                vat_id=f"RO{cui}" if cui else None,
                vat_payer=True,
            )
        )
        return partner_id

    def invoice(
        self, number: str, amount: str, partner_id: str | None, buyer: str, issued: date = date(2026, 1, 5)
    ) -> str:
        invoice_id = new_id()
        self.deliver(invoice_event(invoice_id, number, amount, partner_id, buyer, issued))
        return invoice_id

    def credit_note(
        self, number: str, amount: str, invoice_id: str, invoice_number: str, partner_id: str | None
    ) -> str:
        note_id = new_id()
        self.deliver(
            CreditNoteIssued(
                invoice_id=note_id,
                number=number,
                series_id="s-cn",
                corrected_invoice_id=invoice_id,
                corrected_invoice_number=invoice_number,
                issue_date=date(2026, 1, 10),
                tax_point_date=date(2026, 1, 5),
                currency="RON",
                exchange_rate=None,
                partner_id=partner_id,
                buyer_name="",
                buyer_kind="company",
                buyer_vat_id=None,
                tax_exclusive_amount=Decimal(amount),
                vat_total=Decimal(0),
                vat_total_ron=Decimal(0),
                payable_amount=Decimal(amount),
                vat_breakdown=[],
                xml_sha256="0" * 64,
                issued_by=None,
            )
        )
        return note_id

    def rows(self, table: str, **where: Any) -> list[Any]:
        engine = self.platform.databases.engine_for_slug(self.tenant.slug)
        schema = table.split("_", 1)[0] if engine.dialect.name == "postgresql" else None
        schema = {"acc": "accounting"}.get(schema or "", schema)
        found = sa.Table(table, sa.MetaData(), autoload_with=engine, schema=schema)
        query = sa.select(found)
        for key, value in where.items():
            query = query.where(found.c[key] == value)
        with self.platform.databases.engine_for_slug(self.tenant.slug).connect() as conn:
            return list(conn.execute(query))


def invoice_event(
    invoice_id: str, number: str, amount: str, partner_id: str | None, buyer: str, issued: date
) -> InvoiceIssued:
    total = Decimal(amount)
    return InvoiceIssued(
        invoice_id=invoice_id,
        number=number,
        series_id="s-gen",
        type_code="380",
        issue_date=issued,
        tax_point_date=issued,
        due_date=issued + timedelta(days=30),
        currency="RON",
        exchange_rate=None,
        partner_id=partner_id,
        buyer_name=buyer,
        buyer_kind="company",
        buyer_vat_id=None,
        tax_exclusive_amount=total,
        vat_total=Decimal(0),
        vat_total_ron=Decimal(0),
        payable_amount=total,
        vat_breakdown=[{"category": "O", "taxable_amount": str(total), "tax_amount": "0"}],
        xml_sha256="0" * 64,
        issued_by=None,
    )


def new_slug(prefix: str = "acme") -> str:
    """Tenant databases are server-wide names on PostgreSQL: never reuse one across runs."""
    return f"{prefix}{uuid.uuid4().hex[:8]}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def platform(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Platform]:
    """A platform on SQLite, or on PostgreSQL with a fresh control database (dropped afterwards,
    with every tenant database made)."""
    if request.param == "sqlite":
        built = build_platform(base_settings(tmp_path))
        yield built
        built.close()
        return
    postgres_url = request.getfixturevalue("postgres_url")
    with postgres_platform(
        postgres_url, "gtest_bank", lambda url: base_settings(tmp_path, database_url=url)
    ) as built:
        yield built


@pytest.fixture
def books(platform: Platform) -> Books:
    return Books(platform, platform.tenants.create(new_slug(), name="Exemplu Soft SRL", cui="RO18547290"))


@dataclass
class Caller:
    user_id: str
    headers: dict[str, str]


@dataclass
class Api:
    platform: Platform
    client: TestClient

    def login(self, tenant: Tenant, role: str) -> Caller:
        email = f"{role}@{tenant.slug}.example"
        user = self.platform.auth.users.create(tenant.slug, email, PASSWORD, [role])
        response = self.client.post(
            "/api/v1/auth/token",
            json={"grant_type": "password", "tenant": tenant.slug, "username": email, "password": PASSWORD},
        )
        assert response.status_code == 200, response.text
        return Caller(user.id, {"Authorization": f"Bearer {response.json()['access_token']}"})


@contextmanager
def running_api(platform: Platform) -> Iterator[Api]:
    app = create_app(platform)
    if not any(getattr(r, "path", "").startswith(bank_router.prefix) for r in app.routes):
        app.include_router(bank_router)  # until the gateway mounts it (web/app.py)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Api(platform, client)


@pytest.fixture
def api(platform: Platform) -> Iterator[Api]:
    with running_api(platform) as running:
        yield running


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()
