"""The read side of sales: typed views and filtered, paged lists for the API (no writes here).

Lists never load the UBL bytes or the sealed CNPs; a partner's CNP appears only as its last four
digits (``cnp_masked``). Pages are ``limit``/``offset`` with the ``total`` that matches the
filters, in a stable order (name or code, then id; documents newest first).
"""

from __future__ import annotations

from genius.apps.sales.queries.service import SalesQueries
from genius.apps.sales.queries.views import (
    MAX_LIMIT,
    CompanyView,
    InvoiceSummary,
    InvoiceView,
    Page,
    PartnerView,
    ProductView,
    SeriesView,
)

__all__ = [
    "MAX_LIMIT",
    "CompanyView",
    "InvoiceSummary",
    "InvoiceView",
    "Page",
    "PartnerView",
    "ProductView",
    "SalesQueries",
    "SeriesView",
]
