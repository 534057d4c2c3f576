"""The double's SPV: uploads judged by the e-Factura validator, messages, lists, downloads, limits.

Behaviour (ANAF-API.md; texts as ANAF writes them where known, else in its style):
- upload: ExecutionStatus 1 for a bad ``standard``, a non-numeric ``cif``, a CIF the
  certificate has no rights for, or a body that is not XML; else 0 with a new index. The
  verdict is decided at once but ``stareMesaj`` says ``in prelucrare`` for
  ``processing_seconds``; then ``ok`` (the download holds the invoice), ``nok`` (the download
  holds the error document: validator findings as ``[RULE]-ro #en``; a seller CUI other than
  ``cif``; a re-upload of an accepted invoice, same seller CUI + number + date: "Factura a mai
  fost transmisa anterior cu index=...") or ``XML cu erori nepreluat de sistem`` (XML that is not
  an invoice).
- messages appear when processing ends: ``FACTURA TRIMISA`` for the seller and ``FACTURA
  PRIMITA`` for a Romanian buyer (same id), ``ERORI FACTURA`` for the uploader of a ``nok``.
- limits as published (overridable): stareMesaj 100/day per index, descarcare 10/day per
  message, lists 1,500 and 100,000/day per CUI; answered with ANAF's "S-au facut deja ..." texts.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from genius.fiscal.ro.efactura.validate import validate_xml
from genius.integrations.anaf import limits as L
from genius.integrations.anaf.double.authority import TestCertificate
from genius.integrations.anaf.double.documents import (
    DocumentRejectedError,
    InvoiceKeys,
    error_document,
    finding_messages,
    read_keys,
    zip_pair,
)
from genius.integrations.anaf.double.signature import TestSigner
from genius.integrations.anaf.double.spv_records import (
    FILTERS,
    LIMIT_TEXTS,
    RETENTION,
    STANDARDS,
    Message,
    SpvAnswer,
    Upload,
)
from genius.integrations.anaf.errors import AnafLimitReached
from genius.integrations.anaf.limits import ANAF_ZONE, InMemoryAnafLimiter, LimitRule
from genius.integrations.anaf.results import ANAF_TIME_FORMAT, MessageType, ProcessingState


@dataclass
class Spv:
    clock: Callable[[], datetime]
    processing_seconds: float = 1.0
    page_size: int = 500
    limits: dict[str, LimitRule] = field(default_factory=lambda: {r.name: r for r in L.PUBLISHED_LIMITS})
    signer: TestSigner = field(default_factory=TestSigner.generate)
    uploads: dict[str, Upload] = field(default_factory=dict)
    messages: dict[str, Message] = field(default_factory=dict)
    _next_index: int = 5_000_000_000
    _next_download: int = 3_000_000_000
    _lock: threading.RLock = field(default_factory=threading.RLock)

    def __post_init__(self) -> None:
        self.counters = InMemoryAnafLimiter(self.clock)

    # -- limits --------------------------------------------------------------------------------
    def _count(self, rule: LimitRule, key: str, refusal: str) -> None:
        try:
            self.counters.acquire(self.limits.get(rule.name, rule), key, self.clock())
        except AnafLimitReached as exc:
            raise SpvAnswer(refusal.format(n=self.limits.get(rule.name, rule).maximum, key=key)) from exc

    def limit_text(self, endpoint: str, key: str) -> str:
        """ANAF's limit message for an endpoint (also used by the ``limit`` fault)."""
        rule, text = LIMIT_TEXTS[endpoint]
        return text.format(n=self.limits.get(rule.name, rule).maximum, key=key)

    # -- upload --------------------------------------------------------------------------------
    def upload(
        self,
        body: bytes,
        *,
        standard: str,
        cif: str,
        certificate: TestCertificate,
        b2c: bool = False,
        autofactura: bool = False,
        rejection: str | None = None,
    ) -> str:
        """The new upload index, or ``SpvAnswer`` (ExecutionStatus 1) with ANAF's text.

        ``rejection`` (an injected ``nok`` fault) adds an error of ANAF's own processing, so the
        upload ends ``nok`` whatever the validator says.
        """
        if standard not in STANDARDS:
            raise SpvAnswer("Valorile acceptate pentru parametrul standard sunt UBL, CN, CII sau RASP")
        if not cif.isdigit():
            raise SpvAnswer(f"CIF introdus= {cif} nu este un numar")
        if not certificate.may_act_for(cif):
            raise SpvAnswer(f"Nu aveti drept in SPV pentru CIF={cif}")
        try:
            keys = read_keys(body)
        except DocumentRejectedError as exc:
            raise SpvAnswer(f"Fisierul transmis nu este valid. {exc}") from exc
        if standard == "RASP":
            self._count(L.RASP_UPLOAD_PER_CUI, cif, LIMIT_TEXTS["rasp"][1])
        verdict, errors = self._judge(body, keys, standard=standard, cif=cif, autofactura=autofactura)
        if rejection:
            verdict, errors = ProcessingState.NOK, [*errors, rejection]
        with self._lock:
            self._next_index += 1
            index = str(self._next_index)
            upload = Upload(
                index,
                cif,
                standard,
                b2c,
                autofactura,
                self.clock(),
                body,
                verdict,
                errors,
                keys.seller_cui,
                keys.buyer_cui,
                keys.number,
                keys.issue_date,
            )
            self.uploads[index] = upload
            self._publish(upload)
        return index

    def _judge(
        self, body: bytes, keys: InvoiceKeys, *, standard: str, cif: str, autofactura: bool
    ) -> tuple[ProcessingState, list[str]]:
        if standard == "RASP":
            return ProcessingState.OK, []
        if not keys.is_ubl:
            return ProcessingState.XML_ERRORS, []
        errors: list[str] = []
        expected = "CreditNote" if standard == "CN" else "Invoice"
        if standard in ("UBL", "CN") and keys.kind != expected:
            errors.append(
                f"Documentul transmis este {keys.kind}; cu standard={standard} se accepta doar {expected}"
            )
        errors.extend(finding_messages(validate_xml(body)))
        uploader = keys.buyer_cui if autofactura else keys.seller_cui
        if uploader != cif:
            role = "cumparatorului (autofactura)" if autofactura else "emitentului"
            errors.append(
                f"CIF-ul {role} din factura ({uploader or 'lipsa'}) difera de CIF-ul din cerere ({cif})"
            )
        if not errors:
            previous = self._accepted_twin(keys)
            if previous is not None:
                errors.append(
                    f"Factura a mai fost transmisa anterior cu index={previous.index} si data incarcare="
                    f"{previous.received_at.astimezone(ANAF_ZONE):%Y-%m-%d}"
                )
        return (ProcessingState.NOK if errors else ProcessingState.OK), errors

    def _accepted_twin(self, keys: InvoiceKeys) -> Upload | None:
        with self._lock:
            return next(
                (
                    u
                    for u in self.uploads.values()
                    if u.verdict is ProcessingState.OK
                    and u.standard != "RASP"
                    and (u.seller_cui, u.number, u.issue_date)
                    == (keys.seller_cui, keys.number, keys.issue_date)
                ),
                None,
            )

    def _publish(self, upload: Upload) -> None:
        if upload.verdict is ProcessingState.XML_ERRORS:
            return
        self._next_download += 1
        upload.download_id = str(self._next_download)
        created = upload.received_at + timedelta(seconds=self.processing_seconds)
        if upload.verdict is ProcessingState.NOK:
            audience = {upload.cif: MessageType.INVOICE_ERRORS}
            content = error_document(upload.index, upload.seller_cui, upload.errors)
        elif upload.standard == "RASP":
            audience = {upload.cif: MessageType.BUYER_MESSAGE}
            content = upload.xml
        else:
            audience = {upload.seller_cui: MessageType.SENT_INVOICE}
            if upload.buyer_cui and not upload.b2c and upload.buyer_cui != upload.seller_cui:
                audience[upload.buyer_cui] = MessageType.RECEIVED_INVOICE
            content = upload.xml
        self.messages[upload.download_id] = Message(upload.download_id, upload, created, audience, content)

    def deliver_inbound(self, body: bytes, buyer_cui: str) -> Upload:
        """Admin: a supplier's invoice, already judged valid, lands as ``FACTURA PRIMITA`` for the buyer."""
        keys = read_keys(body)
        report = validate_xml(body)
        if not keys.is_ubl or not report.anaf_ok:
            raise SpvAnswer("; ".join(finding_messages(report)) or "not a UBL Invoice or CreditNote")
        with self._lock:
            self._next_index += 1
            upload = Upload(
                str(self._next_index),
                keys.seller_cui,
                "CN" if keys.kind == "CreditNote" else "UBL",
                False,
                False,
                self.clock() - timedelta(seconds=self.processing_seconds),
                body,
                ProcessingState.OK,
                [],
                keys.seller_cui,
                buyer_cui,
                keys.number,
                keys.issue_date,
            )
            self.uploads[upload.index] = upload
            self._publish(upload)
            assert upload.download_id is not None
            self.messages[upload.download_id].audience[buyer_cui] = MessageType.RECEIVED_INVOICE
        return upload

    # -- stareMesaj ----------------------------------------------------------------------------
    def state(self, index: str, certificate: TestCertificate) -> tuple[ProcessingState, str | None]:
        if not index.isdigit():
            raise SpvAnswer(f"Id_incarcare introdus= {index} nu este un numar intreg")
        self._count(L.STATE_PER_UPLOAD, index, LIMIT_TEXTS["stareMesaj"][1])
        with self._lock:
            upload = self.uploads.get(index)
        if upload is None:
            raise SpvAnswer(f"Nu exista factura cu id_incarcare= {index}")
        if not certificate.may_act_for(upload.cif):
            raise SpvAnswer(f"Nu aveti dreptul de inteorgare pentru id_incarcare= {index}")
        if self.clock() < upload.received_at + timedelta(seconds=self.processing_seconds):
            return ProcessingState.PROCESSING, None
        return upload.verdict, upload.download_id

    # -- lists ---------------------------------------------------------------------------------
    def _visible(
        self, cif: str, start: datetime, end: datetime, filter_code: str | None
    ) -> list[tuple[Message, MessageType]]:
        kinds = FILTERS.get(filter_code or "", tuple(MessageType))
        now = self.clock()
        with self._lock:
            found = [
                (m, m.audience[cif])
                for m in self.messages.values()
                if cif in m.audience and start <= m.created_at <= min(end, now) and m.audience[cif] in kinds
            ]
        return sorted(found, key=lambda pair: (pair[0].created_at, pair[0].id))

    def _check_list(self, cif: str, filter_code: str | None, certificate: TestCertificate) -> None:
        if not cif.isdigit():
            raise SpvAnswer(f"CIF introdus= {cif} nu este un numar")
        if filter_code and filter_code not in FILTERS:
            raise SpvAnswer("Valorile acceptate pentru parametrul filtru sunt E, T, P sau R")
        if not certificate.may_act_for(cif):
            raise SpvAnswer(f"Nu aveti drept in SPV pentru CIF={cif}")

    def list_days(
        self, cif: str, days: str, filter_code: str | None, certificate: TestCertificate
    ) -> dict[str, object]:
        self._check_list(cif, filter_code, certificate)
        if not days.isdigit() or not 1 <= int(days) <= 60:
            raise SpvAnswer("Numarul de zile trebuie sa fie intre 1 si 60")
        self._count(L.LIST_PER_CUI, cif, LIMIT_TEXTS["listaMesajeFactura"][1])
        now = self.clock()
        found = self._visible(cif, now - timedelta(days=int(days)), now, filter_code)
        if not found:
            raise SpvAnswer(f"Nu exista mesaje in ultimele {days} zile")
        if len(found) > self.page_size:
            raise SpvAnswer(
                f"Lista de mesaje este mai mare decat numarul de {self.page_size} elemente permise "
                "in pagina. "
                "Folositi endpoint-ul cu paginatie."
            )
        return {
            "mesaje": [self._item(m, tip, cif) for m, tip in found],
            "serial": f"double{len(found):05d}",
            "cui": cif,
            "titlu": f"Lista Mesaje disponibile din ultimele {days} zile",
        }

    def list_paged(
        self,
        cif: str,
        start_ms: str,
        end_ms: str,
        page: str,
        filter_code: str | None,
        certificate: TestCertificate,
    ) -> dict[str, object]:
        self._check_list(cif, filter_code, certificate)
        for name, value in (("startTime", start_ms), ("endTime", end_ms), ("pagina", page)):
            if not value.isdigit():
                raise SpvAnswer(f"Parametrul {name}= {value} nu este un numar intreg")
        now = self.clock()
        start = datetime.fromtimestamp(int(start_ms) / 1000, now.tzinfo)
        end = datetime.fromtimestamp(int(end_ms) / 1000, now.tzinfo)
        if start < now - RETENTION:
            raise SpvAnswer("startTime nu poate fi mai vechi de 60 de zile fata de momentul requestului")
        if end <= start:
            raise SpvAnswer("endTime nu poate fi inainte de startTime")
        self._count(L.PAGED_LIST_PER_CUI, cif, LIMIT_TEXTS["listaMesajePaginatieFactura"][1])
        found = self._visible(cif, start, end, filter_code)
        if not found:
            raise SpvAnswer("Nu exista mesaje in intervalul selectat")
        total_pages = math.ceil(len(found) / self.page_size)
        number = int(page)
        if number < 1 or number > total_pages:
            raise SpvAnswer(
                f"Pagina solicitata {number} este mai mare decat numarul total de pagini {total_pages}"
            )
        chunk = found[(number - 1) * self.page_size : number * self.page_size]
        return {
            "mesaje": [self._item(m, tip, cif) for m, tip in chunk],
            "numar_inregistrari_in_pagina": len(chunk),
            "numar_total_inregistrari_per_pagina": self.page_size,
            "numar_total_inregistrari": len(found),
            "numar_total_pagini": total_pages,
            "index_pagina_curenta": number,
            "serial": f"double{len(found):05d}",
            "cui": cif,
            "titlu": "Lista Mesaje disponibile din intervalul selectat",
        }

    @staticmethod
    def _item(message: Message, tip: MessageType, cif: str) -> dict[str, str]:
        return {
            "data_creare": message.created_at.astimezone(ANAF_ZONE).strftime(ANAF_TIME_FORMAT),
            "cif": cif,
            "id_solicitare": message.upload.index,
            "detalii": message.details(),
            "tip": tip.value,
            "id": message.id,
        }

    # -- descarcare ----------------------------------------------------------------------------
    def download(self, ident: str, certificate: TestCertificate) -> bytes:
        if not ident.isdigit():
            raise SpvAnswer(f"Id descarcare introdus= {ident} nu este un numar intreg")
        with self._lock:
            message = self.messages.get(ident)
        if message is None or message.created_at > self.clock():
            raise SpvAnswer(f"Pentru id={ident} nu exista inregistrata nici o factura")
        if not any(certificate.may_act_for(cif) for cif in message.audience):
            raise SpvAnswer(f"Nu aveti dreptul sa descarcati mesajul cu id_descarcare={ident}")
        self._count(L.DOWNLOAD_PER_MESSAGE, ident, LIMIT_TEXTS["descarcare"][1])
        signature = self.signer.sign(message.content, f"{ident}.xml")
        return zip_pair(ident, message.content, signature)


__all__ = ["LIMIT_TEXTS", "Message", "Spv", "SpvAnswer", "Upload"]
