"""The procurement app's public contract: events it publishes through the outbox (docs/events.md).

``procurement.supplier_invoice.received`` carries what the ledger posts (the fields
``accounting.subscriptions`` reads): signed ``parts`` per VAT group (negative for a credit note),
each with ``net``, ``vat``, ``vat_category``, ``vat_rate``, ``treatment`` (taxable,
intra_eu_goods, eu_services, domestic_reverse, import, exempt), ``item_kind`` and
``product_category``.

v1: one part per VAT group, without kind or category. v2 (``SupplierInvoiceReceivedV2``, what
the app publishes): one part per (item kind, product category, VAT group), the kind and category
taken from the lines' item classification (``HS:<NC code>`` goods, ``STI:<CPV code>``) and left
out when a line has none; per VAT group the parts add up to the document's breakdown. v2 extends
v1, so a consumer of v1 fields reads both; v1 rows (older outboxes, replays) stay readable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, ClassVar

from genius.kernel.messages import Event


@dataclass(frozen=True)
class SupplierInvoiceReceived(Event):
    """A supplier invoice or credit note reached the register (from the SPV), as a draft to check."""

    event_type: ClassVar[str] = "procurement.supplier_invoice.received"
    schema_version: ClassVar[int] = 1

    supplier_invoice_id: Annotated[str, "Id of the register entry"]
    number: Annotated[str, "The supplier's number (BT-1)"]
    invoice_date: Annotated[date, "Issue date (BT-2)"]
    due_date: Annotated[date | None, "Payment due date (BT-9), if any"]
    supplier_id: Annotated[
        str | None, "Partner id of the supplier: cui:<CUI> when its CUI is known, else null"
    ]
    supplier_cui: Annotated[str, "The supplier's CUI (digits)"]
    supplier_name: Annotated[str, "Supplier name (BT-27)"]
    document_kind: Annotated[str, "invoice or credit_note"]
    currency: Annotated[str, "Document currency (BT-5)"]
    exchange_rate: Annotated[
        Decimal | None, "RON per unit (VAT in RON / VAT) for a foreign currency; else null"
    ]
    payable_amount: Annotated[Decimal, "Amount due (BT-115) as the document states it"]
    parts: Annotated[
        list[dict[str, Any]], "Per VAT group, signed: net, vat, vat_category, vat_rate, treatment"
    ]
    anaf_download_id: Annotated[str | None, "ANAF's download id of the SPV message it came in"]


@dataclass(frozen=True)
class SupplierInvoiceReceivedV2(SupplierInvoiceReceived):
    """A supplier invoice or credit note reached the register, its amounts split per class of line."""

    schema_version: ClassVar[int] = 2

    parts: Annotated[
        list[dict[str, Any]],
        "Per (item_kind, product_category, VAT group), signed: net, vat, vat_category, vat_rate, treatment",
    ]
