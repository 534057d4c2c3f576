"""Worker ``bnr.rates``: BNR's reference rates XML (daily, ten days, a year) into the tenant database.

Stored twice: the sales app's rates (invoice tax points) and accounting's copy (the bank side of
currency receipts and payments, ``acc_fx_rates``).

Scheduled every ``bnr_import_every_hours`` (BNR publishes around 13:00 Bucharest time on banking
days); storing is an upsert per currency and day, so repeats change nothing.

Offline, without BNR: source ``file`` imports BNR's XML (any ``nbrfxrates*.xml``: daily, ten
days, a year) that was put in the tenant's object storage under the request's ``key`` (by an
operator, an upload, or a copy from another installation; ``FILE_KEY`` when the request names
none); ``genius bnr import FILE`` does the same from a local path without a worker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from genius.apps.accounting.handlers.fx_rates import store_bnr_document
from genius.apps.sales.rates import store_document
from genius.apps.sales.rates.messages import (
    DEFAULT_FILE_KEY,
    SOURCES,
    BnrRatesImported,
    BnrRatesRequested,
)
from genius.integrations.bnr import BnrClient, BnrDocument, load_stored
from genius.kernel.clock import utcnow
from genius.kernel.errors import ValidationError
from genius.platform.jobs.context import JobContext

if TYPE_CHECKING:
    from genius.bootstrap import Platform

TAG = "bnr.rates"
# Source ``file``: BNR's XML read from the tenant's object storage (FILE_KEY unless the request names a key).
FILE_SOURCE = "file"
FILE_KEY = DEFAULT_FILE_KEY


def handle(request: BnrRatesRequested, job: JobContext, platform: Platform) -> BnrRatesImported:
    if request.source not in SOURCES:
        raise ValidationError.for_field(
            "source", f"must be one of {', '.join(SOURCES)}, got {request.source!r}"
        )
    if request.source == "year" and request.year is None:
        raise ValidationError.for_field("year", "required for source year")
    if request.source == FILE_SOURCE:
        key = request.key or FILE_KEY
        job.progress(10, f"reading {key} from storage")
        document, origin = stored_document(platform, job.tenant.slug, key), f"file:{key}"
    else:
        job.progress(10, f"fetching BNR {request.source}")
        document, origin = fetched_document(platform, request), f"bnr:{request.source}"
    engine = platform.databases.engine_for_slug(job.tenant.slug)
    sheets, rates = store_document(engine, document, origin, utcnow())
    # Accounting keeps its own copy (currency settlements); it reads no other app's tables.
    store_bnr_document(engine, document, origin, utcnow())
    days = [sheet.day for sheet in document.sheets]
    return BnrRatesImported(
        source=request.source,
        sheets=sheets,
        rates=rates,
        first_day=min(days) if days else None,
        last_day=max(days) if days else None,
    )


def fetched_document(platform: Platform, request: BnrRatesRequested) -> BnrDocument:
    """BNR's feed: today's sheet, the last ten days, or a year."""
    client = BnrClient.from_settings(platform.settings)
    try:
        if request.source == "daily":
            return client.latest()
        if request.source == "ten_days":
            return client.last_ten_days()
        assert request.year is not None
        return client.year(request.year)
    finally:
        client.close()


def stored_document(platform: Platform, tenant: str, key: str) -> BnrDocument:
    """BNR's XML from the tenant's object storage; ``ObjectNotFound`` names the key when absent."""
    return load_stored(platform.storage.get(tenant, key), key)
