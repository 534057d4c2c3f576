"""The double's documents: ANAF's XML answers and the keys it reads from an uploaded invoice."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import datetime

from lxml import etree
from lxml.builder import ElementMaker

from genius.fiscal.ro.efactura.validate import ValidationReport
from genius.fiscal.ro.efactura.validate.xsd import DocumentRejectedError, parse_document
from genius.integrations.anaf.limits import ANAF_ZONE
from genius.integrations.anaf.results import ANAF_TIME_FORMAT, NS_ERRORS, NS_STATE, NS_UPLOAD

UBL_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
UBL_CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
NS = {"cbc": CBC, "cac": CAC}


@dataclass(frozen=True)
class InvoiceKeys:
    """What the double needs from an upload: the document kind and the identity of the invoice."""

    kind: str  # "Invoice", "CreditNote" or another root name
    number: str
    issue_date: str
    seller_cui: str
    buyer_cui: str

    @property
    def is_ubl(self) -> bool:
        return self.kind in ("Invoice", "CreditNote")


def _digits_of(value: str) -> str:
    text = value.strip().upper()
    text = text[2:] if text.startswith("RO") else text
    return text if text.isdigit() else ""


def _party_cui(root: etree._Element, role: str) -> str:
    party = root.find(f"cac:{role}/cac:Party", NS)
    if party is None:
        return ""
    for path in ("cac:PartyTaxScheme/cbc:CompanyID", "cac:PartyLegalEntity/cbc:CompanyID"):
        for node in party.findall(path, NS):
            digits = _digits_of(node.text or "")
            if digits:
                return digits
    return ""


def read_keys(data: bytes) -> InvoiceKeys:
    """Parse safely (no DTD, size-capped) and read kind, BT-1, BT-2, seller and buyer CUI."""
    root = parse_document(data)
    qname = etree.QName(root)
    kind = qname.localname if qname.namespace in (UBL_INVOICE, UBL_CREDIT_NOTE) else qname.localname + "?"
    return InvoiceKeys(
        kind=kind,
        number=(root.findtext("cbc:ID", namespaces=NS) or "").strip(),
        issue_date=(root.findtext("cbc:IssueDate", namespaces=NS) or "").strip(),
        seller_cui=_party_cui(root, "AccountingSupplierParty"),
        buyer_cui=_party_cui(root, "AccountingCustomerParty"),
    )


def _xml(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def upload_answer(now: datetime, *, index: str | None = None, errors: tuple[str, ...] = ()) -> bytes:
    """``header`` of respUploadFisier: ExecutionStatus 0 with the index, or 1 with Errors."""
    E = ElementMaker(namespace=NS_UPLOAD, nsmap={None: NS_UPLOAD})
    attributes = {
        "dateResponse": now.astimezone(ANAF_ZONE).strftime(ANAF_TIME_FORMAT),
        "ExecutionStatus": "1" if errors else "0",
    }
    if index and not errors:
        attributes["index_incarcare"] = index
    root = E.header(*[E.Errors(errorMessage=text) for text in errors], **attributes)
    return _xml(root)


def state_answer(
    *, state: str | None = None, download_id: str | None = None, error: str | None = None
) -> bytes:
    E = ElementMaker(namespace=NS_STATE, nsmap={None: NS_STATE})
    if error is not None:
        return _xml(E.header(E.Errors(errorMessage=error)))
    attributes = {"stare": state or ""}
    if download_id:
        attributes["id_descarcare"] = download_id
    return _xml(E.header(**attributes))


def error_document(index: str, seller_cui: str, messages: list[str]) -> bytes:
    """What ``{id}.xml`` holds for a rejected upload: ``Error/@errorMessage`` per problem."""
    E = ElementMaker(namespace=NS_ERRORS, nsmap={None: NS_ERRORS})
    root = E.header(
        *[E.Error(errorMessage=text) for text in messages], Index_incarcare=index, Cif_emitent=seller_cui
    )
    return _xml(root)


def finding_messages(report: ValidationReport) -> list[str]:
    """ANAF-style error texts from the validator's fatal findings: ``[RULE]-romanian #english``."""
    return [f"[{f.rule_id}]-{f.message_ro} #{f.message_en}" for f in report.fatal]


def zip_pair(download_id: str, content: bytes, signature: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{download_id}.xml", content)
        archive.writestr(f"semnatura_{download_id}.xml", signature)
    return buffer.getvalue()


FIREWALL_PAGE = (
    "<html><head><title>Request Rejected</title></head><body>The requested URL was rejected. "
    "Please consult with your administrator.<br><br>Your support ID is: {support_id}"
    "<br><br><a href='javascript:history.back();'>[Go Back]</a></body></html>"
)


__all__ = [
    "FIREWALL_PAGE",
    "DocumentRejectedError",
    "InvoiceKeys",
    "error_document",
    "finding_messages",
    "read_keys",
    "state_answer",
    "upload_answer",
    "zip_pair",
]
