"""The D406 part's public contract: the event published when a SAF-T D406 file was produced."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, ClassVar

from genius.kernel.messages import Event


@dataclass(frozen=True)
class SaftExported(Event):
    """A SAF-T D406 file was produced for a period (and stored, when exported as a job)."""

    event_type: ClassVar[str] = "accounting.saft.exported"
    schema_version: ClassVar[int] = 1

    export_id: Annotated[str, "Id of the export (the job id when run as a job)"]
    period: Annotated[str, "Period: 2026-10 (monthly), 2026-Q3 (quarterly) or 2026 (annual, fixed assets)"]
    report_type: Annotated[str, "HeaderComment: L monthly, T quarterly, A annual"]
    first_day: Annotated[date, "First day of the period"]
    last_day: Annotated[date, "Last day of the period"]
    file_name: Annotated[str, "File name of the D406 XML"]
    storage_key: Annotated[
        str | None, "Key of the stored object in the tenant's bucket; null for a CLI export"
    ]
    sha256: Annotated[str, "SHA-256 (hex) of the D406 XML as filed"]
    size: Annotated[int, "Size of the D406 XML in bytes"]
    transactions: Annotated[int, "Journal transactions (GeneralLedgerEntries NumberOfEntries)"]
    transaction_lines: Annotated[int, "Journal lines written"]
    sales_invoices: Annotated[int, "Sales invoices written (SalesInvoices)"]
    payments: Annotated[int, "Payments written (Payments)"]
    warnings: Annotated[int, "Pre-validation warnings reported with the file"]
    exported_by: Annotated[str | None, "User who asked for it; null for a system run"]
