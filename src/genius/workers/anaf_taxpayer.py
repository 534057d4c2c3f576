"""Worker ``anaf.taxpayer``: VAT payer registry lookups with a cache.

Asks PlatitorTvaRest v9 through ``VatRegistryClient`` (batches of at most 100 CUIs, one call a
second, the ``anaf.vat`` breaker) for CUIs whose cached answer is older than
``anaf_taxpayer_cache_hours`` (or all, with ``refresh``); when ANAF is unreachable or the breaker
is open, the cached answers come back marked ``stale``. Idempotent: a repeat asks again or
answers from the cache.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from genius.apps.sales.spv.messages import TaxpayerLookupRequested, TaxpayersLookedUp
from genius.apps.sales.spv.oauth import AnafAccess
from genius.apps.sales.spv.taxpayers import TaxpayerLookup
from genius.platform.jobs.context import JobContext

if TYPE_CHECKING:
    from genius.bootstrap import Platform

TAG = "anaf.taxpayer"


def lookup_for(platform: Platform, clients_vat: object, slug: str) -> TaxpayerLookup:
    return TaxpayerLookup(
        platform.databases.engine_for_slug(slug),
        clients_vat,  # type: ignore[arg-type]
        timedelta(hours=platform.settings.anaf_taxpayer_cache_hours),
    )


def handle(request: TaxpayerLookupRequested, job: JobContext, platform: Platform) -> TaxpayersLookedUp:
    clients = AnafAccess.of(platform).clients(job.tenant)
    try:
        job.progress(10, f"asking ANAF about {len(request.cuis)} CUI(s)")
        answers = lookup_for(platform, clients.vat, job.tenant.slug).lookup(
            request.cuis, request.on, refresh=request.refresh
        )
    finally:
        clients.close()
    return TaxpayersLookedUp(results=[a.as_dict() for a in answers], stale=any(a.stale for a in answers))
