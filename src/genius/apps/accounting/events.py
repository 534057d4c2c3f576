"""The accounting app's public contract: the events it publishes through the outbox (docs/events.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, ClassVar

from genius.kernel.messages import Event


@dataclass(frozen=True)
class JournalEntryPosted(Event):
    """A journal entry was posted to the ledger (automatic from a document, or a manual entry approved)."""

    event_type: ClassVar[str] = "accounting.journal.posted"
    schema_version: ClassVar[int] = 1

    entry_id: Annotated[str, "Id of the entry"]
    journal: Annotated[str, "Journal code (VZ sales, CP purchases, BA bank, CS cash, NC manual)"]
    number: Annotated[str, "Entry number within its journal and year (VZ-2026-000042)"]
    entry_date: Annotated[date, "Accounting date; its month is the fiscal period"]
    storno: Annotated[bool, "A red-storno entry (negative amounts), e.g. a reversal or a credit note"]
    total: Annotated[Decimal, "Sum of the debits in lei"]
    line_count: Annotated[int, "Number of lines"]
    accounts: Annotated[list[str], "Accounts the entry touches, sorted"]
    source_type: Annotated[str | None, "Type of the source document (sales_invoice, supplier_invoice, ...)"]
    source_id: Annotated[str | None, "Id of the source document"]
    source_number: Annotated[str | None, "Number of the source document"]
    reverses: Annotated[str | None, "Id of the entry this one reverses, if any"]
    posted_by: Annotated[str | None, "User who approved it; null for automatic postings"]
