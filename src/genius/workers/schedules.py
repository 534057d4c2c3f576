"""Periodic work of the worker runtime: per tenant, the jobs that come due, started exactly once.

Every ``tick`` seconds the runtime asks ``run_due``: for each active tenant and each periodic job
whose worker tag this runtime serves, a compare-and-set claim on the tenant's ``spv_schedule``
row and the job's start commit together (``genius.apps.sales.spv.schedule``), so several worker
processes never start the same period twice. The periodic jobs:

=========================  ==============  =========================================================
name                       tag             every (setting)
=========================  ==============  =========================================================
anaf_efactura.tokens       anaf.efactura   anaf_token_check_every_hours: refresh grants that are due
anaf_efactura.resume       anaf.efactura   spv_resume_every_minutes: submissions left in flight
anaf_efactura.inbound      anaf.efactura   spv_inbound_every_minutes: received invoices -> register
bnr_rates.daily            bnr.rates       bnr_import_every_hours (0 = off): BNR's daily feed
=========================  ==============  =========================================================

The names are the keys of the tenants' ``spv_schedule`` rows, so they keep the spelling they had
before worker tags became dotted (renaming one would start its period again on every tenant).

The ANAF jobs start only for tenants that authorized ANAF (a stored grant). A runtime serving
``email.send`` also queues, each tick, the invoice e-mails whose PDF has been rendered since.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from genius.apps.sales.documents.service import SalesDocuments
from genius.apps.sales.rates.messages import BnrRatesRequested
from genius.apps.sales.spv.messages import INBOUND, RESUME, TOKENS, EfacturaWorkRequested
from genius.apps.sales.spv.oauth import AnafAccess
from genius.apps.sales.spv.schedule import claim, remember_job
from genius.kernel.clock import utcnow
from genius.platform.db.uow import UnitOfWork
from genius.platform.jobs import JobService
from genius.platform.settings import Settings
from genius.platform.tenancy import TenantContext

if TYPE_CHECKING:
    from genius.bootstrap import Platform

log = logging.getLogger("genius.workers.schedules")


def _authorized(platform: Platform, ctx: TenantContext) -> bool:
    return bool(AnafAccess.of(platform).store(ctx).expiries())


def _always(platform: Platform, ctx: TenantContext) -> bool:
    return True


@dataclass(frozen=True)
class Periodic:
    name: str
    tag: str
    every: Callable[[Settings], timedelta]  # a zero interval turns the job off
    request: Callable[[], Any]
    applies: Callable[[Platform, TenantContext], bool] = _always


def _efactura(action: str, every: Callable[[Settings], timedelta]) -> Periodic:
    """An ``anaf.efactura`` job: one action of the SPV worker, for tenants that authorized ANAF."""
    return Periodic(
        f"anaf_efactura.{action}",
        "anaf.efactura",
        every,
        lambda: EfacturaWorkRequested(action=action),
        _authorized,
    )


PERIODIC: tuple[Periodic, ...] = (
    _efactura(TOKENS, lambda s: timedelta(hours=s.anaf_token_check_every_hours)),
    _efactura(RESUME, lambda s: timedelta(minutes=s.spv_resume_every_minutes)),
    _efactura(INBOUND, lambda s: timedelta(minutes=s.spv_inbound_every_minutes)),
    Periodic(
        "bnr_rates.daily",
        "bnr.rates",
        lambda s: timedelta(hours=s.bnr_import_every_hours),
        lambda: BnrRatesRequested(source="daily"),
    ),
)


def run_due(
    platform: Platform, tags: Collection[str], now: datetime | None = None
) -> list[tuple[str, str, str]]:
    """Start what is due for every active tenant: (tenant slug, schedule name, job id) of each start."""
    now = now or utcnow()
    jobs = JobService(platform.databases)
    started: list[tuple[str, str, str]] = []
    for tenant in platform.tenants.list():
        if tenant.status != "active":
            continue
        ctx = TenantContext(tenant_id=tenant.id, slug=tenant.slug, system=True)
        try:
            for periodic in PERIODIC:
                every = periodic.every(platform.settings)
                if periodic.tag not in tags or every <= timedelta(0) or not periodic.applies(platform, ctx):
                    continue
                with UnitOfWork(platform.databases, tenant=ctx) as uow:
                    if claim(uow.connection, periodic.name, every, now):
                        job = jobs.start(uow, periodic.request())
                        remember_job(uow.connection, periodic.name, job.id)
                        started.append((tenant.slug, periodic.name, job.id))
            if "email.send" in tags:
                SalesDocuments(platform.databases, platform.storage).queue_ready_mails(ctx, now)
        except Exception as exc:  # one tenant's trouble (database away, not migrated) spares the others
            log.warning("schedules of tenant %s: %r", tenant.slug, exc)
    return started


async def run_forever(platform: Platform, tags: Collection[str]) -> None:
    """The runtime's task: ``run_due`` every ``spv_mail_every_seconds`` until cancelled."""
    while True:
        try:
            started = await asyncio.to_thread(run_due, platform, tags)
            for slug, name, job_id in started:
                log.info("scheduled %s for %s: job %s", name, slug, job_id)
        except Exception as exc:  # the control database is busy or away: try next tick
            log.warning("schedules: %r", exc)
        await asyncio.sleep(max(1.0, platform.settings.spv_mail_every_seconds))


__all__ = ["PERIODIC", "Periodic", "run_due", "run_forever"]
