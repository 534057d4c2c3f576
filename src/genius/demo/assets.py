"""The demo tenant's fixed assets: a laptop (214), a car (2133) and design software (208), bought in
the demo's first two months, their acquisition posted (2xx = 404) and each month's depreciation
(6811 = 281x/280x) run for the demo months that are over, so the registers, the ledger and the
annual D406 (``genius saft export --period <year>``) show real content.

Runs before ``genius.demo.accounting`` closes and locks the first month (its acquisitions are
dated in it). Idempotent and resumable: an asset is registered once (by inventory number), a
month's run posts only what it has not posted, and a month no longer open is left as it is.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from genius.apps.accounting import repository as acc_repo
from genius.apps.accounting.assets import repository as assets_repo
from genius.apps.accounting.assets.domain.model import AssetSpec
from genius.apps.accounting.assets.handlers.depreciation import run_depreciation
from genius.apps.accounting.assets.handlers.register import register_asset
from genius.apps.accounting.domain.periods import Period, PeriodStatus
from genius.demo.accounting import demo_months
from genius.platform.db.uow import UnitOfWork
from genius.platform.tenancy import TenantContext

ACQUIRED_FROM = "404"  # Furnizori de imobilizări: the supplier invoices are not part of the demo


# (inventory no, name, account, HG 2139/2004 class, months, value, (month index, acquired, commissioned),
#  supplier, CUI, city, document, location, cost centre)
ASSETS: tuple[tuple[Any, ...], ...] = (
    ("MF-0001", "Laptop Lenovo ThinkPad T14", "214", "2.2.9", 36, "6240.00", (0, 6, 7),
     "Nordic IT Distribution SRL", "30114007", "Cluj-Napoca", "NID-0412", "Birou Cluj", "ADM"),
    ("MF-0002", "Autoturism Dacia Jogger", "2133", "2.3.2.1.1", 60, "98500.00", (0, 20, 22),
     "Auto Someș SRL", "41257304", "Cluj-Napoca", "AS-1187", "Parcare sediu", "VANZARI"),
    ("MF-0003", "Licență software de proiectare", "208", None, 36, "14400.00", (1, 3, 3),
     "Softline Solutions SRL", "30114015", "București", "SS-2026-077", "Birou Cluj", "ADM"),
)  # fmt: skip


def demo_assets(today: datetime.date) -> list[AssetSpec]:
    months = [month.first for month in demo_months(today)]
    out = []
    for (number, name, account, code, life, value, (index, bought, started), supplier, cui, city, document,
         location, centre) in ASSETS:  # fmt: skip
        out.append(
            AssetSpec(
                inventory_no=number,
                name=name,
                asset_account=account,
                acquisition_date=months[index].replace(day=bought),
                acquisition_value=Decimal(value),
                commissioning_date=months[index].replace(day=started),
                life_months=life,
                catalogue_code=code,
                supplier_name=supplier,
                supplier_cui=cui,
                supplier_city=city,
                document_ref=document,
                location=location,
                cost_centre=centre,
            )
        )
    return out


def seed_assets(platform: Any, slug: str, *, today: datetime.date) -> dict[str, int]:
    """Register the demo's assets (once) and run the depreciation of the demo months that are over."""
    tenant = platform.tenants.get(slug)
    ctx = TenantContext(tenant.id, slug, system=True)
    registered = posted = 0
    for spec in demo_assets(today):
        with UnitOfWork(platform.databases, tenant=ctx) as uow:
            if assets_repo.inventory_taken(uow.connection, spec.inventory_no):
                continue
            register_asset(uow, spec, acquisition_account=ACQUIRED_FROM)
            registered += 1
    for month in demo_months(today):
        period = Period.of(month.first)
        with UnitOfWork(platform.databases, tenant=ctx) as uow:
            if acc_repo.period_status(uow.connection, period) is not PeriodStatus.OPEN:
                continue  # closed by an earlier run after its depreciation was posted
            posted += len(run_depreciation(uow, period).posted)
    with UnitOfWork(platform.databases, tenant=ctx, write=False) as uow:
        held = assets_repo.list_assets(uow.connection)
        depreciation_months = sum(len(asset.posted) for asset in held)
    return {
        "fixed_assets": len(held),
        "fixed_assets_registered_now": registered,
        "depreciation_entries": depreciation_months,
        "depreciation_posted_now": posted,
    }
