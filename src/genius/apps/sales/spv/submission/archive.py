"""The legal archive of a submission: ANAF's ZIP downloaded once, kept in the tenant's storage.

The ZIP (the invoice or its error document, with ANAF's signature) is the legal original: it is
stored under ``records.archive_key`` before the settling move commits, and a run that finds it
stored already (a previous run died after storing) reads it from storage instead of asking
ANAF again (ANAF allows 10 downloads a day per message: ANAF-API.md, limits).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from genius.apps.sales.domain.submissions import Submission
from genius.apps.sales.spv import records
from genius.apps.sales.spv.crashpoints import crash_point
from genius.apps.sales.spv.records import InvoiceFacts
from genius.integrations.anaf import DownloadedMessage, EfacturaClient, open_download
from genius.platform.storage import ObjectStore

ZIP = "application/zip"


@dataclass(frozen=True)
class StoredDownload:
    """Where a download landed in the tenant's storage."""

    key: str
    sha256: str
    size: int


@dataclass(frozen=True)
class SubmissionArchive:
    """One tenant's downloads of ANAF's answers and their archive records."""

    storage: ObjectStore
    efactura: EfacturaClient
    tenant_slug: str
    clock: Callable[[], datetime]

    def download(self, facts: InvoiceFacts, download_id: str) -> DownloadedMessage:
        """The ZIP from storage when a previous run stored it already, else from ANAF (once)."""
        key = records.archive_key(facts.id, facts.number, download_id)
        if self.storage.exists(self.tenant_slug, key):
            return open_download(self.storage.get(self.tenant_slug, key), download_id)
        download = self.efactura.download(download_id)
        crash_point("during_download")
        return download

    def store(self, facts: InvoiceFacts, download_id: str, download: DownloadedMessage) -> StoredDownload:
        key = records.archive_key(facts.id, facts.number, download_id)
        stored = self.storage.put(self.tenant_slug, key, download.archive, ZIP)
        return StoredDownload(stored.key, stored.sha256, stored.size)

    def record(
        self,
        facts: InvoiceFacts,
        attempt: Submission,
        download_id: str,
        verdict: str,
        stored: StoredDownload,
    ) -> records.ArchiveRecord:
        """The archive row of a stored download (``records.record_archive`` writes it with the move)."""
        return records.ArchiveRecord(
            invoice_id=facts.id,
            attempt=attempt.attempt,
            download_id=download_id,
            upload_index=attempt.upload_index,
            verdict=verdict,
            storage_key=stored.key,
            sha256=stored.sha256,
            size=stored.size,
            stored_at=self.clock(),
        )


__all__ = ["StoredDownload", "SubmissionArchive"]
