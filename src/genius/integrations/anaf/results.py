"""Typed results of the e-Factura SPV calls, and the readers of ANAF's XML and JSON answers.

Answer shapes (ANAF-API.md): upload -> ``header`` in ``mfp:anaf:dgti:spv:respUploadFisier:v1``
(``ExecutionStatus``, ``index_incarcare``, ``dateResponse``, ``Errors/@errorMessage``);
stareMesaj -> ``header`` in ``mfp:anaf:dgti:efactura:stareMesajFactura:v1`` (``stare``,
``id_descarcare`` or ``Errors``); the lists -> JSON ``mesaje[]`` or ``eroare`` on HTTP 200;
the error document of a rejected invoice -> ``header`` in
``mfp:anaf:dgti:efactura:mesajEroriFactuta:v1`` with ``Error/@errorMessage`` items.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from lxml import etree

from genius.integrations.anaf.errors import (
    AnafAuthError,
    AnafError,
    AnafLimitReached,
    AnafProtocolError,
    AnafRejected,
    AnafUnavailable,
)
from genius.integrations.anaf.limits import ANAF_ZONE

NS_UPLOAD = "mfp:anaf:dgti:spv:respUploadFisier:v1"
NS_STATE = "mfp:anaf:dgti:efactura:stareMesajFactura:v1"
NS_ERRORS = "mfp:anaf:dgti:efactura:mesajEroriFactuta:v1"
NS_XMLDSIG = "http://www.w3.org/2000/09/xmldsig#"
ANAF_TIME_FORMAT = "%Y%m%d%H%M"  # data_creare, dateResponse: local time in Bucharest


class UploadStandard(StrEnum):
    UBL = "UBL"  # Invoice
    CN = "CN"  # CreditNote
    CII = "CII"
    RASP = "RASP"  # a buyer's message about a received invoice


class MessageFilter(StrEnum):
    ERRORS = "E"
    SENT = "T"
    RECEIVED = "P"
    BUYER_MESSAGES = "R"


class MessageType(StrEnum):
    SENT_INVOICE = "FACTURA TRIMISA"
    RECEIVED_INVOICE = "FACTURA PRIMITA"
    INVOICE_ERRORS = "ERORI FACTURA"
    BUYER_MESSAGE = "MESAJ CUMPARATOR PRIMIT / MESAJ CUMPARATOR TRANSMIS"


class ProcessingState(StrEnum):
    OK = "ok"  # accepted; the download holds the invoice and ANAF's signature
    NOK = "nok"  # rejected; the download holds the errors and the signature
    PROCESSING = "in prelucrare"  # ask again later
    XML_ERRORS = "XML cu erori nepreluat de sistem"  # not taken in at all; nothing to download


@dataclass(frozen=True)
class UploadReceipt:
    """ANAF took the file for processing: poll ``stareMesaj`` with ``upload_index``."""

    upload_index: str
    cif: str
    answered_at: datetime | None
    b2c: bool = False


@dataclass(frozen=True)
class MessageState:
    upload_index: str
    state: ProcessingState
    download_id: str | None

    @property
    def is_final(self) -> bool:
        return self.state is not ProcessingState.PROCESSING


@dataclass(frozen=True)
class SpvMessage:
    """One item of the SPV message lists; ``id`` is the download id."""

    id: str
    tip: str
    upload_index: str
    cif: str
    details: str
    created_at: datetime | None

    @property
    def kind(self) -> MessageType | None:
        try:
            return MessageType(self.tip)
        except ValueError:
            return None

    @property
    def seller_cif(self) -> str | None:
        match = _SELLER_CIF.search(self.details)
        return match.group(1) if match else None

    @property
    def buyer_cif(self) -> str | None:
        match = _BUYER_CIF.search(self.details)
        return match.group(1) if match else None


_SELLER_CIF = re.compile(r"\bcif_emitent=\s*(\d+)")
_BUYER_CIF = re.compile(r"\bcif_beneficiar=\s*(\d+)")


@dataclass(frozen=True)
class MessageList:
    """``listaMesajeFactura``: every message of the last ``days`` days (at most 500)."""

    cif: str
    days: int
    messages: tuple[SpvMessage, ...]
    title: str = ""
    serial: str = ""


@dataclass(frozen=True)
class MessagePage:
    """One page of ``listaMesajePaginatieFactura`` (500 per page at ANAF)."""

    cif: str
    page: int
    total_pages: int
    total_records: int
    per_page: int
    messages: tuple[SpvMessage, ...]

    @property
    def has_next(self) -> bool:
        return self.page < self.total_pages


@dataclass(frozen=True)
class SpvError:
    """One ``Error`` of a rejection document: ANAF's text and the rule id it names, if any."""

    message: str
    rule_id: str | None

    @property
    def previous_upload_index(self) -> str | None:
        """For "Factura a mai fost transmisa anterior cu index=...": the first upload's index."""
        match = _DUPLICATE.search(self.message)
        return match.group(1) if match else None


_DUPLICATE = re.compile(r"transmisa anterior cu index\s*=\s*(\d+)", re.IGNORECASE)
# [BR-RO-065], [BR-CO-15], [UBL-SR-12], [BR-S-08], [BR-DEC-RO-09]... as ANAF writes them.
_RULE_BRACKETED = re.compile(r"\[((?:BR|UBL|CII|PEPPOL)(?:-[A-Z0-9]+)+)\]")
_RULE_BARE = re.compile(r"\b((?:BR|UBL)(?:-[A-Z]{1,4})*-\d{1,3}[a-z]?)\b")


def rule_id_of(message: str) -> str | None:
    match = _RULE_BRACKETED.search(message) or _RULE_BARE.search(message)
    return match.group(1) if match else None


@dataclass(frozen=True)
class SpvErrorReport:
    """The error document of a rejected upload (``nok``)."""

    upload_index: str
    seller_cif: str
    errors: tuple[SpvError, ...]

    @property
    def rule_ids(self) -> tuple[str, ...]:
        return tuple(e.rule_id for e in self.errors if e.rule_id)

    @property
    def duplicate_of(self) -> str | None:
        """The first upload's index when ANAF refused this one as a re-upload of the same invoice."""
        return next((e.previous_upload_index for e in self.errors if e.previous_upload_index), None)


def safe_xml(data: bytes, what: str, family: str) -> etree._Element:
    """Parse an ANAF answer without DTDs, entities or network (answers are small)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise AnafProtocolError(
            f"ANAF {what}: answer is not XML ({exc}): {data[:200]!r}", family=family
        ) from exc
    if root is None:
        raise AnafProtocolError(f"ANAF {what}: empty answer", family=family)
    return root


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def _children(root: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in root if isinstance(child.tag, str) and _local(child) == name]


def anaf_time(value: str | None) -> datetime | None:
    """``202501151030`` (Bucharest local time) -> aware datetime; None when absent or odd."""
    if not value:
        return None
    try:
        return datetime.strptime(value.strip()[:12], ANAF_TIME_FORMAT).replace(tzinfo=ANAF_ZONE)
    except ValueError:
        return None


def classify_message(text: str, *, family: str, limit: str, key: str) -> AnafError:
    """Map one of ANAF's error texts (``Errors/@errorMessage`` or ``eroare``) onto the error tree."""
    lowered = text.lower()
    if re.search(r"s-au facut deja \d+", lowered) and "in cursul zilei" in lowered:
        return AnafLimitReached(f"ANAF {family}: {text}", limit=limit, key=key, local=False, family=family)
    if "nu aveti drept" in lowered or "nu exista niciun cif" in lowered:
        return AnafAuthError(f"ANAF {family}: {text}", family=family)
    if "eroare tehnica" in lowered:
        return AnafUnavailable(f"ANAF {family}: {text}", family=family)
    return AnafRejected(f"ANAF {family}: {text}", family=family, messages=(text,))


def read_upload_answer(data: bytes, *, cif: str, b2c: bool, family: str) -> UploadReceipt:
    root = safe_xml(data, "upload", family)
    if _local(root) != "header":
        raise AnafProtocolError(f"ANAF upload: unexpected answer element {_local(root)!r}", family=family)
    errors = tuple(e.get("errorMessage", "") for e in _children(root, "Errors"))
    status = root.get("ExecutionStatus")
    if status == "0" and root.get("index_incarcare"):
        return UploadReceipt(root.get("index_incarcare", ""), cif, anaf_time(root.get("dateResponse")), b2c)
    if status == "1" or errors:
        text = "; ".join(errors) or "ExecutionStatus=1 without a message"
        error = classify_message(text, family=family, limit="upload_rasp_per_cui", key=cif)
        if isinstance(error, AnafRejected):
            raise AnafRejected(
                f"ANAF refused the upload for CIF {cif}: {text}", family=family, messages=errors
            )
        raise error
    raise AnafProtocolError(
        f"ANAF upload: answer without ExecutionStatus/index: {data[:300]!r}", family=family
    )


def read_state_answer(data: bytes, *, upload_index: str, family: str, limit: str) -> MessageState:
    root = safe_xml(data, "stareMesaj", family)
    errors = [e.get("errorMessage", "") for e in _children(root, "Errors")]
    state = (root.get("stare") or "").strip()
    if errors and not state:
        raise classify_message("; ".join(errors), family=family, limit=limit, key=upload_index)
    for known in ProcessingState:
        if state.lower() == known.value.lower():
            download_id = root.get("id_descarcare") or None
            if known in (ProcessingState.OK, ProcessingState.NOK) and not download_id:
                raise AnafProtocolError(f"ANAF stareMesaj: {state} without id_descarcare", family=family)
            return MessageState(upload_index, known, download_id)
    raise AnafProtocolError(f"ANAF stareMesaj: unknown state {state!r}: {data[:300]!r}", family=family)


def read_message(item: object, family: str) -> SpvMessage:
    if not isinstance(item, dict) or "id" not in item:
        raise AnafProtocolError(f"ANAF message list: item without id: {item!r:.200}", family=family)
    return SpvMessage(
        id=str(item["id"]),
        tip=str(item.get("tip", "")),
        upload_index=str(item.get("id_solicitare", "") or ""),
        cif=str(item.get("cif", "") or ""),
        details=str(item.get("detalii", "") or ""),
        created_at=anaf_time(str(item.get("data_creare", "") or "")),
    )


def read_error_document(data: bytes, family: str = "efactura.download") -> SpvErrorReport | None:
    """The rejection report when ``data`` is ANAF's error document, else None (it is an invoice)."""
    root = safe_xml(data, "download", family)
    if _local(root) != "header" or etree.QName(root).namespace not in (NS_ERRORS, None):
        return None
    errors = tuple(
        SpvError(" ".join((e.get("errorMessage") or "").split()), rule_id_of(e.get("errorMessage") or ""))
        for e in _children(root, "Error")
    )
    return SpvErrorReport(root.get("Index_incarcare", ""), root.get("Cif_emitent", ""), errors)


__all__ = [
    "NS_ERRORS",
    "NS_STATE",
    "NS_UPLOAD",
    "NS_XMLDSIG",
    "MessageFilter",
    "MessageList",
    "MessagePage",
    "MessageState",
    "MessageType",
    "ProcessingState",
    "SpvError",
    "SpvErrorReport",
    "SpvMessage",
    "UploadReceipt",
    "UploadStandard",
    "anaf_time",
    "classify_message",
    "read_error_document",
    "rule_id_of",
]
