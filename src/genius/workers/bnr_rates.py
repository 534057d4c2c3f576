"""Worker ``bnr.rates``: BNR's reference rates XML (daily, ten days, a year) into the tenant database.

Stored twice: the sales app's rates (invoice tax points) and accounting's copy (the bank side of
currency receipts and payments, ``acc_fx_rates``).

Scheduled every ``bnr_import_every_hours`` (BNR publishes around 13:00 Bucharest time on banking
days); storing is an upsert per currency and day, so repeats change nothing. Offline: ``genius
bnr import FILE``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from genius.apps.accounting.handlers.fx_rates import store_bnr_document
from genius.apps.sales.rates import store_document
from genius.apps.sales.rates.messages import SOURCES, BnrRatesImported, BnrRatesRequested
from genius.integrations.bnr import BnrClient
from genius.kernel.clock import utcnow
from genius.kernel.errors import ValidationError
from genius.platform.jobs.context import JobContext

if TYPE_CHECKING:
    from genius.bootstrap import Platform

TAG = "bnr.rates"


def handle(request: BnrRatesRequested, job: JobContext, platform: Platform) -> BnrRatesImported:
    if request.source not in SOURCES:
        raise ValidationError.for_field(
            "source", f"must be one of {', '.join(SOURCES)}, got {request.source!r}"
        )
    if request.source == "year" and request.year is None:
        raise ValidationError.for_field("year", "required for source year")
    client = BnrClient.from_settings(platform.settings)
    try:
        job.progress(10, f"fetching BNR {request.source}")
        if request.source == "daily":
            document = client.latest()
        elif request.source == "ten_days":
            document = client.last_ten_days()
        else:
            assert request.year is not None
            document = client.year(request.year)
    finally:
        client.close()
    engine = platform.databases.engine_for_slug(job.tenant.slug)
    sheets, rates = store_document(engine, document, f"bnr:{request.source}", utcnow())
    # Accounting keeps its own copy (currency settlements); it reads no other app's tables.
    store_bnr_document(engine, document, f"bnr:{request.source}", utcnow())
    days = [sheet.day for sheet in document.sheets]
    return BnrRatesImported(
        source=request.source,
        sheets=sheets,
        rates=rates,
        first_day=min(days) if days else None,
        last_day=max(days) if days else None,
    )
