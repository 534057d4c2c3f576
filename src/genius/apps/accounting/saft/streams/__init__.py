"""Rows of a period streamed from the database into the D406 writer's records, with the totals up front.

Every stream is one query read through a server-side cursor (``yield_per``: a PostgreSQL named
cursor, SQLite's lazy cursor), grouped in Python as it goes, so memory does not grow with the
period. Each has an aggregate twin over the same WHERE (``*_totals``); the caller runs both in one
transaction, so the totals the XSD puts before the rows are those of the rows (docs/saft-d406.md).

* GeneralLedgerEntries: posted entries of the period by journal, date and number, with their
  lines; the tax code of a VAT line comes from its treatment and rate (``domain.tax_code_for``),
  the VAT closing note is 380200, lines without tax relevance 000/000000 (rule S.TI.1).
* SalesInvoices / PurchaseInvoices: issued and received documents of the read model (cancelled
  ones left out), their lines, and the accounts their ledger entry used (411x/401x, 70x/6xx per
  VAT treatment).
* Payments: posted bank and cash entries that touch a customer or supplier account.

The streams live in ``rows`` (shared helpers), ``ledger``, ``invoices`` and ``payments``; their
public names are importable from here.
"""

from genius.apps.accounting.saft.streams.invoices import (
    PURCHASE_SOURCES,
    SALES_SOURCES,
    invoice_totals,
    purchase_invoices,
    sales_invoices,
)
from genius.apps.accounting.saft.streams.ledger import journals, ledger_totals
from genius.apps.accounting.saft.streams.payments import payment_totals, payments
from genius.apps.accounting.saft.streams.rows import (
    CENT,
    DOCUMENT_SOURCES,
    PAYMENT_MEANS,
    RATE_PLACES,
    STREAM_BATCH,
    TREASURY_KINDS,
    VAT_CLOSING_SOURCE,
    ZERO,
    Tick,
    bani,
    partner_role,
)

__all__ = [
    "CENT",
    "DOCUMENT_SOURCES",
    "PAYMENT_MEANS",
    "PURCHASE_SOURCES",
    "RATE_PLACES",
    "SALES_SOURCES",
    "STREAM_BATCH",
    "TREASURY_KINDS",
    "VAT_CLOSING_SOURCE",
    "ZERO",
    "Tick",
    "bani",
    "invoice_totals",
    "journals",
    "ledger_totals",
    "partner_role",
    "payment_totals",
    "payments",
    "purchase_invoices",
    "sales_invoices",
]
