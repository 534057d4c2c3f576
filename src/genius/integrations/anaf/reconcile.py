"""After ``UploadOutcomeUnknown``: find out from the SPV whether the lost upload was filed.

An upload whose answer was lost may have been filed. Only ``FACTURA TRIMISA`` messages can be
matched to an invoice (the download holds the invoice; an ``ERORI FACTURA`` document holds
only the upload index), so ``find_filed_invoice`` downloads the sent-invoice messages created
since the attempt whose upload index the caller does not already know, and compares the seller
CUI, number (BT-1) and issue date (BT-2).

Decision rule for the submission worker: a match means filed (store its upload index and the
download as the legal original). No match while the attempt is younger than ``LIST_LAG`` means
"ask again later" (the list can trail an ``ok`` by about 15 minutes). No match after that means
the upload was rejected or never arrived: uploading again is safe (a rejected invoice is not a
duplicate; an accepted one would have been found).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from lxml import etree

from genius.integrations.anaf.archive import DownloadedMessage
from genius.integrations.anaf.efactura import EfacturaClient, numeric_cif
from genius.integrations.anaf.results import MessageFilter, SpvMessage

CBC = {"cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"}
LIST_LAG = timedelta(minutes=20)  # ANAF-API.md: the list can lag ~15 minutes behind an "ok"


@dataclass(frozen=True)
class FiledInvoice:
    message: SpvMessage
    download: DownloadedMessage

    @property
    def upload_index(self) -> str:
        return self.message.upload_index


def find_filed_invoice(
    client: EfacturaClient,
    cif: str | int,
    *,
    number: str,
    issue_date: date,
    since: datetime,
    known_upload_indexes: Collection[str] = (),
) -> FiledInvoice | None:
    """The sent invoice with this seller, number and date filed since ``since``, or None."""
    seller = numeric_cif(cif)
    for message in client.iter_messages(seller, since - timedelta(minutes=1), filter=MessageFilter.SENT):
        if message.upload_index in known_upload_indexes or message.seller_cif not in (None, seller):
            continue
        download = client.download(message.id)
        if not download.is_invoice:
            continue
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        root = etree.fromstring(download.content, parser)
        if (root.findtext("cbc:ID", namespaces=CBC) or "").strip() == number and (
            root.findtext("cbc:IssueDate", namespaces=CBC) or ""
        ).strip() == issue_date.isoformat():
            return FiledInvoice(message, download)
    return None


def safe_to_upload_again(attempted_at: datetime, now: datetime) -> bool:
    """True once the list has had time to show an accepted invoice (see the module docstring)."""
    return now - attempted_at >= LIST_LAG


__all__ = ["LIST_LAG", "FiledInvoice", "find_filed_invoice", "safe_to_upload_again"]
