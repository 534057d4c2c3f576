"""What the double's SPV keeps and answers with: uploads, messages, ANAF's limit texts, list filters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from genius.integrations.anaf import limits as L
from genius.integrations.anaf.limits import LimitRule
from genius.integrations.anaf.results import MessageType, ProcessingState

STANDARDS = ("UBL", "CN", "CII", "RASP")
FILTERS = {
    "E": (MessageType.INVOICE_ERRORS,),
    "T": (MessageType.SENT_INVOICE,),
    "P": (MessageType.RECEIVED_INVOICE,),
    "R": (MessageType.BUYER_MESSAGE,),
}
RETENTION = timedelta(days=60)


class SpvAnswer(Exception):
    """An ANAF refusal carried to the HTTP layer (``Errors``/``eroare`` text, HTTP 200)."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


@dataclass
class Upload:
    index: str
    cif: str
    standard: str
    b2c: bool
    autofactura: bool
    received_at: datetime
    xml: bytes
    verdict: ProcessingState
    errors: list[str]
    seller_cui: str
    buyer_cui: str
    number: str
    issue_date: str
    download_id: str | None = None


@dataclass
class Message:
    id: str
    upload: Upload
    created_at: datetime
    # Who sees it and as what: {cif: tip}.
    audience: dict[str, MessageType]
    content: bytes

    def details(self) -> str:
        u = self.upload
        if MessageType.INVOICE_ERRORS in self.audience.values():
            return f"Erori de validare identificate la factura primita cu id_incarcare={u.index}"
        if MessageType.BUYER_MESSAGE in self.audience.values():
            return f"Mesaj cumparator cu id_incarcare={u.index} transmis de cif={u.cif}"
        text = (
            f"Factura cu id_incarcare={u.index} emisa de cif_emitent={u.seller_cui} "
            f"pentru cif_beneficiar={u.buyer_cui}"
        )
        return text + (f" ca autofactura transmisa de cif={u.cif}" if u.autofactura else "")


LIMIT_TEXTS: dict[str, tuple[LimitRule, str]] = {
    "stareMesaj": (
        L.STATE_PER_UPLOAD,
        "S-au facut deja {n} interogari de stare pentru id_incarcare= {key} in cursul zilei",
    ),
    "descarcare": (
        L.DOWNLOAD_PER_MESSAGE,
        "S-au facut deja {n} descarcari la mesajul cu id_descarcare={key} in cursul zilei",
    ),
    "listaMesajeFactura": (
        L.LIST_PER_CUI,
        "S-au facut deja {n} de interogari de tip lista mesaje de catre CUI= {key} in cursul zilei",
    ),
    "listaMesajePaginatieFactura": (
        L.PAGED_LIST_PER_CUI,
        "S-au facut deja {n} de interogari de tip lista mesaje paginata de catre CUI= {key} in cursul zilei",
    ),
    "rasp": (
        L.RASP_UPLOAD_PER_CUI,
        "S-au facut deja {n} incarcari de mesaje RASP de catre CUI= {key} in cursul zilei",
    ),
}
