"""BNR reference rates for the demo period: the BNR double's TEST rates, stored by the rates module.

The rates are the BNR double's deterministic random walk (``seed_rates``: plausible levels, not
BNR's real figures), rendered as BNR's own XML and read back by the BNR parser, so they enter
the tenant exactly as ``genius bnr import FILE`` would store a downloaded sheet. The sheets start
two weeks before the period: an invoice on the 1st takes the rate published the banking day
before (Codul fiscal art. 290).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from genius.apps.accounting.handlers.fx_rates import store_bnr_document
from genius.apps.sales.rates import store_document
from genius.demo.plan import Period
from genius.integrations.bnr import parse_bnr_xml
from genius.integrations.bnr.double import render_bnr_xml, seed_rates
from genius.kernel.clock import utcnow

SOURCE = "demo:bnr-double"
LEAD = timedelta(days=14)


def import_bnr_rates(platform: Any, slug: str, period: Period, seed: int) -> int:
    """Store the period's rates in ``slug``; returns how many rates (re-importing changes nothing)."""
    sheets = seed_rates(period.start - LEAD, period.end, seed=seed)
    document = parse_bnr_xml(render_bnr_xml(sheets))
    engine = platform.databases.engine_for_slug(slug)
    _, rates = store_document(engine, document, SOURCE, utcnow())
    store_bnr_document(engine, document, SOURCE, utcnow())  # accounting's copy (currency settlements)
    return rates


__all__ = ["import_bnr_rates"]
