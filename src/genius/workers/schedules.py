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
accounting.fx_revaluation  fx.revaluation  once a day on the first days of a month (accounting's
                                           ``revaluation_schedule``): the previous month's FX
                                           revaluation
=========================  ==============  =========================================================

The names are the keys of the tenants' ``spv_schedule`` rows, so they keep the spelling they had
before worker tags became dotted (renaming one would start its period again on every tenant).

The ANAF jobs start only for tenants that authorized ANAF (a stored grant). A runtime serving
``email.send`` also queues, each tick, the invoice e-mails whose PDF has been rendered since.

A runtime serving ``anaf.efactura`` also looks, each tick, at the clear expiry columns of the
tenant's ANAF grants (``genius.integrations.anaf.expiry``): when a grant needs a person (refresh
token ending within ``anaf_token_warn_days``, or an access token past its refresh point), it logs
a warning, writes an audit record and publishes ``integrations.anaf_token.expiry_warned``, all in
one transaction with the claim of the ``anaf_token.expiry_warning`` schedule row, so the warning
goes out once a day per tenant however many processes tick.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from genius.apps.accounting.handlers import revaluation_schedule as fx_revaluation
from genius.apps.accounting.messages import FxRevaluationRequested
from genius.apps.sales.documents.service import SalesDocuments
from genius.apps.sales.rates.messages import BnrRatesRequested
from genius.apps.sales.spv.messages import INBOUND, RESUME, TOKENS, EfacturaWorkRequested
from genius.apps.sales.spv.oauth import AnafAccess
from genius.apps.sales.spv.schedule import claim, remember_job
from genius.integrations.anaf.events import AnafTokenExpiryWarned
from genius.integrations.anaf.expiry import ExpiryWarning, expiry_warnings
from genius.kernel.clock import utcnow
from genius.platform.audit import AuditEntry
from genius.platform.db.uow import UnitOfWork
from genius.platform.jobs import JobService
from genius.platform.settings import Settings
from genius.platform.tenancy import TenantContext, tenant_scope

if TYPE_CHECKING:
    from genius.bootstrap import Platform

log = logging.getLogger("genius.workers.schedules")


def _authorized(platform: Platform, ctx: TenantContext) -> bool:
    return bool(AnafAccess.of(platform).store(ctx).expiries())


def _always(platform: Platform, ctx: TenantContext) -> bool:
    return True


def _any_time(now: datetime) -> bool:
    return True


@dataclass(frozen=True)
class Periodic:
    name: str
    tag: str
    every: Callable[[Settings], timedelta]  # a zero interval turns the job off
    request: Callable[[], Any]
    applies: Callable[[Platform, TenantContext], bool] = _always
    when: Callable[[datetime], bool] = _any_time  # e.g. only on the first days of a month


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
    Periodic(
        fx_revaluation.SCHEDULE_NAME,
        "fx.revaluation",
        lambda s: fx_revaluation.EVERY,
        FxRevaluationRequested,
        when=fx_revaluation.due_on,
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
                if periodic.tag not in tags or every <= timedelta(0) or not periodic.when(now):
                    continue
                if not periodic.applies(platform, ctx):
                    continue
                with UnitOfWork(platform.databases, tenant=ctx) as uow:
                    if claim(uow.connection, periodic.name, every, now):
                        job = jobs.start(uow, periodic.request())
                        remember_job(uow.connection, periodic.name, job.id)
                        started.append((tenant.slug, periodic.name, job.id))
            if "email.send" in tags:
                SalesDocuments(platform.databases, platform.storage).queue_ready_mails(ctx, now)
            if "anaf.efactura" in tags:
                warn_token_expiry(platform, ctx, now)
        except Exception as exc:  # one tenant's trouble (database away, not migrated) spares the others
            log.warning("schedules of tenant %s: %r", tenant.slug, exc)
    return started


# The spv_schedule key of the token warning, and how often it may go out per tenant.
TOKEN_WARNING = "anaf_token.expiry_warning"
TOKEN_WARNING_EVERY = timedelta(days=1)


def warn_token_expiry(platform: Platform, ctx: TenantContext, now: datetime) -> list[ExpiryWarning]:
    """Warn about the tenant's ANAF grants that need a person; at most once per ``TOKEN_WARNING_EVERY``."""
    settings = platform.settings
    warnings = expiry_warnings(
        AnafAccess.of(platform).store(ctx).expiries(),
        now,
        warn=timedelta(days=settings.anaf_token_warn_days),
        refresh_margin=timedelta(days=settings.anaf_token_refresh_days),
    )
    if not warnings:
        return []
    # The audit trail writes in the tenant's scope (it names the tenant and the system actor).
    with tenant_scope(ctx), UnitOfWork(platform.databases, tenant=ctx) as uow:
        if not claim(uow.connection, TOKEN_WARNING, TOKEN_WARNING_EVERY, now):
            return []  # warned within the day (here or by another process)
        for w in warnings:
            facts = {"token": w.token, "expires_at": w.expires_at.isoformat(), "days_left": w.days_left}
            uow.publish(
                AnafTokenExpiryWarned(
                    cui=w.cui, token=w.token, expires_at=w.expires_at, days_left=w.days_left, action=w.action
                ),
                subject=w.cui,
            )
            platform.audit.record_in(
                uow.connection,
                AuditEntry(
                    action="anaf.token.expiry_warning",
                    resource_type="anaf_grant",
                    resource_id=w.cui,
                    after=facts,
                    reason=w.action,
                ),
            )
    for w in warnings:
        log.warning("tenant %s: %s", ctx.slug, w.message)
    return warnings


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


__all__ = ["PERIODIC", "TOKEN_WARNING", "Periodic", "run_due", "run_forever", "warn_token_expiry"]
