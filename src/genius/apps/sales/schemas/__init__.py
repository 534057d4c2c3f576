"""Pydantic models of the sales API: request bodies (``...In``) and answers (``...Out``).

Request models only bound sizes and types; the domain checks meanings (CUI check digits, county
codes, unit codes...) and names the field. Drafts are the e-Factura JSON form
(docs/efactura-json.md) plus the server-side references listed in ``DRAFT_DESCRIPTION``; they
pass through as JSON objects, so the engine reports every problem with its exact path.

Master data (company, partners, products, series) in ``.master``; documents in ``.documents``.
"""

from genius.apps.sales.schemas.documents import (
    DRAFT_DESCRIPTION,
    DRAFT_EXAMPLE,
    CancelIn,
    InvoiceOut,
    InvoicePage,
    InvoiceSummaryOut,
    IssueBatchIn,
    IssuedBatchOut,
    IssuedOut,
    SubmissionOut,
)
from genius.apps.sales.schemas.master import (
    AddressIn,
    AddressOut,
    CompanyIn,
    CompanyOut,
    PartnerIn,
    PartnerOut,
    PartnerPage,
    ProductIn,
    ProductOut,
    ProductPage,
    SeriesIn,
    SeriesOut,
)

__all__ = [
    "DRAFT_DESCRIPTION",
    "DRAFT_EXAMPLE",
    "AddressIn",
    "AddressOut",
    "CancelIn",
    "CompanyIn",
    "CompanyOut",
    "InvoiceOut",
    "InvoicePage",
    "InvoiceSummaryOut",
    "IssueBatchIn",
    "IssuedBatchOut",
    "IssuedOut",
    "PartnerIn",
    "PartnerOut",
    "PartnerPage",
    "ProductIn",
    "ProductOut",
    "ProductPage",
    "SeriesIn",
    "SeriesOut",
    "SubmissionOut",
]
