"""The D406 export worker's contract: ``worker.request.anaf.saft`` and ``worker.response.anaf.saft``.

The tag is ``anaf.saft`` (``genius worker --tags anaf.saft``); the handler is
``genius.workers.anaf_saft``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any, ClassVar

from genius.kernel.messages import Event


@dataclass(frozen=True)
class SaftExportRequested(Event):
    """Produce the SAF-T D406 of a period and store it in the tenant's bucket."""

    event_type: ClassVar[str] = "worker.request.anaf.saft"
    schema_version: ClassVar[int] = 1

    period: Annotated[str, "2026-10 (monthly, HeaderComment L), 2026-Q3 (quarterly, T) or 2026 (annual, A)"]
    target: Annotated[str, "filing (namespace d406) or test (ANAF's d406t test namespace)"] = "filing"
    requested_by: Annotated[str | None, "User who asked for it"] = None


@dataclass(frozen=True)
class SaftExportCompleted(Event):
    """A SAF-T D406 file was produced and stored."""

    event_type: ClassVar[str] = "worker.response.anaf.saft"
    schema_version: ClassVar[int] = 1

    job_id: Annotated[str, "The job that produced it"]
    period: Annotated[str, "Period of the declaration"]
    report_type: Annotated[str, "HeaderComment: L, T or A"]
    key: Annotated[str, "Storage key of the stored file (gzip-compressed XML, .xml.gz)"]
    file_name: Annotated[str, "File name of the XML (what the download is called)"]
    sha256: Annotated[str, "SHA-256 (hex) of the XML as filed"]
    size: Annotated[int, "Size of the XML in bytes"]
    stored_size: Annotated[int, "Size of the stored (compressed) object in bytes"]
    counts: Annotated[dict[str, int], "Records written per section (transactions, lines, invoices ...)"]
    warnings: Annotated[
        list[dict[str, Any]], "Pre-validation warnings: code, message_ro, message_en, entity_kind, entity_id"
    ] = field(default_factory=list)
