"""Sales fixtures: a real platform (SQLite by default; PostgreSQL for the numbering tests), a
tenant with its company profile, numbering series, a partner and products, and draft builders.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from genius.apps.sales import handlers as h
from genius.apps.sales import tables as t
from genius.apps.sales.commands import CreatePartner, CreateProduct, CreateSeries, SetCompanyProfile
from genius.apps.sales.domain.addresses import AddressInput
from genius.apps.sales.domain.company import CompanyInput
from genius.apps.sales.domain.partners import PartnerInput
from genius.apps.sales.domain.products import ProductInput
from genius.apps.sales.domain.series import SeriesInput
from genius.bootstrap import Platform, build_platform
from genius.platform.audit.tables import audit_records
from genius.platform.bus.tables import outbox
from genius.platform.db.engine import make_engine
from genius.platform.tenancy import Tenant, TenantContext, tenant_scope
from tests.web.conftest import (  # noqa: F401  (gateway fixtures, on SQLite and PostgreSQL)
    backend,
    base_settings,
    make_gateway,
    make_platform,
)

# Valid identifiers (check digits verified by python-stdnum).
TENANT_CUI = "RO18547290"
BUYER_CUI = "RO14399840"
OTHER_CUI = "23456783"
CNP = "1800101221144"
IBAN = "RO49AAAA1B31007593840000"
DE_VAT = "DE136695976"
TRADE_REGISTER = "J40/1234/2020"
TABLES = (t.partners, t.products, t.series, t.invoices, t.submissions, outbox, audit_records)


def address(**overrides: Any) -> AddressInput:
    values: dict[str, Any] = {
        "street": "Str. Memorandumului nr. 28",
        "city": "Cluj-Napoca",
        "postal_code": "400114",
        "county": "RO-CJ",
        "country_code": "RO",
    }
    values.update(overrides)
    return AddressInput(**values)


def company_partner(**overrides: Any) -> PartnerInput:
    values: dict[str, Any] = {
        "kind": "company",
        "name": "Client Exemplu SRL",
        "cui": BUYER_CUI,
        "trade_register": TRADE_REGISTER,
        "address": address(street="Bd. Unirii nr. 1", city="Sector 3", county="RO-B", postal_code="030823"),
        "iban": IBAN,
        "email": "facturi@client.ro",
    }
    values.update(overrides)
    return PartnerInput(**values)


def product(**overrides: Any) -> ProductInput:
    values: dict[str, Any] = {
        "code": "LIC-VZ",
        "name": "Licenta Genius ERP - vanzari",
        "unit_code": "H87",
        "vat_category": "S",
        "vat_rate_kind": "standard",
        "price": "125.50",
        "kind": "service",
    }
    values.update(overrides)
    return ProductInput(**values)


@dataclass
class World:
    """One tenant ready to invoice: profile, default series, a partner, two products."""

    platform: Platform
    tenant: Tenant
    ctx: TenantContext
    deps: h.SalesDeps
    ids: dict[str, str] = field(default_factory=dict)

    @contextmanager
    def scope(self) -> Iterator[TenantContext]:
        with tenant_scope(self.ctx) as ctx:
            yield ctx

    def engine(self) -> sa.Engine:
        return self.platform.databases.engine_for_slug(self.tenant.slug)

    def counts(self) -> dict[str, int]:
        """Rows per sales table and in the outbox: compared before and after a refusal."""
        with self.engine().connect() as conn:
            return {
                tb.name: conn.execute(sa.select(sa.func.count()).select_from(tb)).scalar_one()
                for tb in TABLES
            }

    def next_number(self, series: str = "invoice_series") -> int:
        with self.engine().connect() as conn:
            return int(
                conn.execute(
                    sa.select(t.series.c.next_number).where(t.series.c.id == self.ids[series])
                ).scalar_one()
            )

    def draft(self, **overrides: Any) -> dict[str, Any]:
        """A domestic draft: the partner and the 21 % product by reference, plus a typed line."""
        document: dict[str, Any] = {
            "currency": "RON",
            "buyer": {"partner_id": self.ids["partner"]},
            "lines": [
                {"id": "1", "product_id": self.ids["product"], "quantity": "10"},
                {
                    "id": "2",
                    "quantity": "2.5",
                    "unit_code": "HUR",
                    "price": {"net_price": "180.00"},
                    "item": {
                        "name": "Instruire utilizatori",
                        "vat_category": "S",
                        "vat_rate_kind": "standard",
                    },
                },
            ],
        }
        document.update(overrides)
        return document


def setup_world(platform: Platform, slug: str | None = None) -> World:
    slug = slug or f"sales{uuid.uuid4().hex[:8]}"
    tenant = platform.tenants.create(slug, name="Genius Demo SRL", cui=TENANT_CUI)
    ctx = TenantContext(tenant_id=tenant.id, slug=slug, user_id=str(uuid.uuid4()), roles=("admin",))
    deps = h.SalesDeps(
        databases=platform.databases,
        audit=platform.audit,
        master_key=platform.master_key,
        tenants=platform.tenants,
        authorizer=platform.auth.authorizer,
    )
    world = World(platform, tenant, ctx, deps)
    with world.scope():
        h.set_company_profile(
            deps,
            SetCompanyProfile(
                CompanyInput(
                    name="Genius Demo SRL",
                    cui=TENANT_CUI,
                    trade_register="J12/3456/2020",
                    address=address(),
                    iban=IBAN,
                    bic="AAAARO22",
                    email="facturi@genius-demo.ro",
                    share_capital="200",
                )
            ),
        )
        world.ids["invoice_series"] = h.create_series(
            deps, CreateSeries(SeriesInput(prefix="GEN", is_default=True))
        )
        world.ids["credit_series"] = h.create_series(
            deps, CreateSeries(SeriesInput(prefix="GCN", document_kind="credit_note", is_default=True))
        )
        world.ids["partner"] = h.create_partner(deps, CreatePartner(company_partner()))
        world.ids["product"] = h.create_product(deps, CreateProduct(product()))
        world.ids["book"] = h.create_product(
            deps,
            CreateProduct(
                product(
                    code="BK-01", name="Manual tiparit", vat_rate_kind="reduced", price="49.99", kind="goods"
                )
            ),
        )
    return world


@pytest.fixture
def platform(tmp_path: Path) -> Iterator[Platform]:
    built = build_platform(base_settings(tmp_path))
    yield built
    built.close()


@pytest.fixture
def world(platform: Platform) -> World:
    return setup_world(platform)


@pytest.fixture
def pg_platform(postgres_url: str, tmp_path: Path) -> Iterator[Platform]:
    """A platform on a throwaway PostgreSQL control database; its tenants' databases go too."""
    server = make_engine(postgres_url)
    control_db = f"gtest_sales_{uuid.uuid4().hex[:10]}"
    with server.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{control_db}"'))
    url = sa.make_url(postgres_url).set(database=control_db).render_as_string(hide_password=False)
    built = build_platform(base_settings(tmp_path, database_url=url))
    try:
        yield built
    finally:
        slugs = [tenant.slug for tenant in built.tenants.list()]
        built.close()
        with server.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for name in [*(f"{s}_core" for s in slugs), control_db]:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()
