"""The e-Factura SPV client: upload, stareMesaj, message lists and descarcare, typed and guarded.

Every call: validate the arguments (``ValidationError`` naming the field), take one unit from
each published limit that applies (``AnafLimitReached`` before calling ANAF), run the HTTP
exchange through the ``CallGuard`` (breaker per family; retries only for the idempotent reads),
map the answer onto typed results or the error tree (``genius.integrations.anaf.errors``).

For the sales app's workers:
- submission: ``upload`` -> ``UploadReceipt.upload_index``; on ``UploadOutcomeUnknown`` do not
  upload again: reconcile with ``iter_messages`` (``FACTURA TRIMISA``/``ERORI FACTURA`` whose
  ``upload_index`` you do not know yet, then ``download`` and compare seller, number and date);
- status: ``message_state`` until ``is_final``; ``download(download_id)`` keeps ``archive``;
- inbound: ``iter_messages(cif, start, end, MessageFilter.RECEIVED)`` then ``download``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import httpx

from genius.integrations.anaf import limits as L
from genius.integrations.anaf.archive import DownloadedMessage, open_download
from genius.integrations.anaf.config import AnafEndpoints, Timeouts
from genius.integrations.anaf.errors import AnafAuthError
from genius.integrations.anaf.guard import CallGuard
from genius.integrations.anaf.http_client import AnafHttpClient
from genius.integrations.anaf.limits import AnafLimiter, LimitRule
from genius.integrations.anaf.results import (
    MessageFilter,
    MessageList,
    MessagePage,
    MessageState,
    SpvMessage,
    UploadReceipt,
    UploadStandard,
    classify_message,
    read_message,
    read_state_answer,
    read_upload_answer,
)
from genius.integrations.anaf.tokens import AccessTokenSource
from genius.integrations.anaf.transport import json_object, make_timeout, send
from genius.kernel.errors import ValidationError
from genius.platform.tenancy import validate_cui

T = TypeVar("T")

NO_MESSAGES_PREFIX = "nu exista mesaje"
MAX_LIST_DAYS = 60


def numeric_cif(value: str | int, field: str = "cif") -> str:
    """The CUI as ANAF's e-Factura wants it: digits only, no ``RO`` (with it ANAF answers 403)."""
    compact = validate_cui(str(value), field)
    return compact[2:] if compact.startswith("RO") else compact


def _numeric_id(value: str | int, field: str) -> str:
    text = str(value).strip()
    if not text.isdigit():
        raise ValidationError.for_field(field, f"{value!r} is not a number")
    return text


class EfacturaClient(AnafHttpClient):
    """One tenant's e-Factura SPV access (the token decides which CIFs it may act for)."""

    def __init__(
        self,
        endpoints: AnafEndpoints,
        tokens: AccessTokenSource,
        *,
        limiter: AnafLimiter,
        guard: CallGuard | None = None,
        http: httpx.Client | None = None,
        timeouts: Timeouts | None = None,
        limit_rules: dict[str, LimitRule] | None = None,
    ) -> None:
        super().__init__(endpoints, guard=guard, http=http, timeouts=timeouts)
        self._tokens = tokens
        self._limiter = limiter
        self._upload_timeout = make_timeout(self._timeouts.upload, self._timeouts.connect)
        self._rules = limit_rules or {rule.name: rule for rule in L.PUBLISHED_LIMITS}

    # -- plumbing ------------------------------------------------------------------------------
    def _rule(self, published: LimitRule) -> LimitRule:
        return self._rules.get(published.name, published)

    def _call(
        self,
        family: str,
        exchange: Callable[[dict[str, str]], T],
        *,
        idempotent: bool,
        counted: list[tuple[LimitRule, str]],
    ) -> T:
        def attempt() -> T:
            # Each attempt that may reach ANAF counts against the limits ANAF counts.
            self._limiter.acquire(self._rule(L.OVERALL_PER_MINUTE))
            for rule, key in counted:
                self._limiter.acquire(self._rule(rule), key)
            headers = {"Authorization": f"Bearer {self._tokens.access_token()}"}
            return exchange(headers)

        try:
            return self._guard.call(family, attempt, idempotent=idempotent)
        except AnafAuthError as exc:
            if exc.status != 401:
                raise
            # The token was revoked or expired early: refresh once and try again. Safe for an
            # upload too: a 401 means ANAF did not take the file.
            self._tokens.invalidate()
            return self._guard.call(family, attempt, idempotent=idempotent)

    def _get(self, family: str, path: str, params: dict[str, str], headers: dict[str, str]) -> httpx.Response:
        return send(
            self._http,
            "GET",
            f"{self.endpoints.efactura}/{path}",
            family=family,
            timeout=self._timeout,
            params=params,
            headers=headers,
        )

    # -- upload --------------------------------------------------------------------------------
    def upload(
        self,
        xml: bytes,
        *,
        cif: str | int,
        standard: UploadStandard | str = UploadStandard.UBL,
        b2c: bool = False,
        extern: bool = False,
        autofactura: bool = False,
        executare: bool = False,
    ) -> UploadReceipt:
        """Send one invoice (``UBL``), credit note (``CN``) or buyer message (``RASP``).

        ``cif``: the uploader's CUI (the seller; the buyer for ``autofactura``). ``extern``: the
        buyer has no Romanian CUI. ``b2c`` uses ``uploadb2c`` (invoices to individuals). Never
        retried: a lost answer raises ``UploadOutcomeUnknown`` (reconcile, do not resend).
        """
        cif = numeric_cif(cif)
        try:
            standard = UploadStandard(standard)
        except ValueError as exc:
            raise ValidationError.for_field(
                "standard", f"must be one of {[s.value for s in UploadStandard]}"
            ) from exc
        if not xml or not xml.lstrip().startswith(b"<"):
            raise ValidationError.for_field("xml", "the body must be the invoice's XML")
        params = {"standard": standard.value, "cif": cif}
        for flag, name in ((extern, "extern"), (autofactura, "autofactura"), (executare, "executare")):
            if flag:
                params[name] = "DA"
        family = "efactura.upload"
        path = "uploadb2c" if b2c else "upload"
        counted = [(L.RASP_UPLOAD_PER_CUI, cif)] if standard is UploadStandard.RASP else []

        def exchange(headers: dict[str, str]) -> UploadReceipt:
            response = send(
                self._http,
                "POST",
                f"{self.endpoints.efactura}/{path}",
                family=family,
                timeout=self._upload_timeout,
                upload=True,
                cif=cif,
                params=params,
                content=xml,
                headers={**headers, "Content-Type": "application/xml"},
            )
            return read_upload_answer(response.content, cif=cif, b2c=b2c, family=family)

        return self._call(family, exchange, idempotent=False, counted=counted)

    def upload_b2c(
        self, xml: bytes, *, cif: str | int, standard: UploadStandard | str = UploadStandard.UBL
    ) -> UploadReceipt:
        return self.upload(xml, cif=cif, standard=standard, b2c=True)

    # -- stareMesaj ----------------------------------------------------------------------------
    def message_state(self, upload_index: str | int) -> MessageState:
        index = _numeric_id(upload_index, "upload_index")
        family = "efactura.state"

        def exchange(headers: dict[str, str]) -> MessageState:
            response = self._get(family, "stareMesaj", {"id_incarcare": index}, headers)
            return read_state_answer(
                response.content, upload_index=index, family=family, limit=L.STATE_PER_UPLOAD.name
            )

        return self._call(family, exchange, idempotent=True, counted=[(L.STATE_PER_UPLOAD, index)])

    # -- lists ---------------------------------------------------------------------------------
    def list_messages(self, cif: str | int, days: int, filter: MessageFilter | None = None) -> MessageList:
        """``listaMesajeFactura``: the last ``days`` (1..60) days; no messages -> an empty list."""
        cif = numeric_cif(cif)
        if not isinstance(days, int) or not 1 <= days <= MAX_LIST_DAYS:
            raise ValidationError.for_field("days", f"must be 1..{MAX_LIST_DAYS}, got {days!r}")
        params = {"zile": str(days), "cif": cif}
        if filter is not None:
            params["filtru"] = MessageFilter(filter).value
        family = "efactura.list"

        def exchange(headers: dict[str, str]) -> MessageList:
            data = self._json(self._get(family, "listaMesajeFactura", params, headers), family)
            if self._no_messages(data, family, L.LIST_PER_CUI.name, cif):
                return MessageList(cif, days, (), str(data.get("titlu", "")), str(data.get("serial", "")))
            items = tuple(read_message(item, family) for item in data.get("mesaje") or [])
            return MessageList(cif, days, items, str(data.get("titlu", "")), str(data.get("serial", "")))

        return self._call(family, exchange, idempotent=True, counted=[(L.LIST_PER_CUI, cif)])

    def list_messages_page(
        self,
        cif: str | int,
        start: datetime,
        end: datetime,
        page: int = 1,
        filter: MessageFilter | None = None,
    ) -> MessagePage:
        """``listaMesajePaginatieFactura`` between two instants (ANAF keeps 60 days)."""
        cif = numeric_cif(cif)
        if start.tzinfo is None or end.tzinfo is None:
            raise ValidationError.for_field("start", "start and end must be timezone-aware")
        if end <= start:
            raise ValidationError.for_field("end", "must be after start")
        if not isinstance(page, int) or page < 1:
            raise ValidationError.for_field("page", f"must be 1 or more, got {page!r}")
        params = {
            "startTime": str(int(start.timestamp() * 1000)),
            "endTime": str(int(end.timestamp() * 1000)),
            "cif": cif,
            "pagina": str(page),
        }
        if filter is not None:
            params["filtru"] = MessageFilter(filter).value
        family = "efactura.list"

        def exchange(headers: dict[str, str]) -> MessagePage:
            data = self._json(self._get(family, "listaMesajePaginatieFactura", params, headers), family)
            if self._no_messages(data, family, L.PAGED_LIST_PER_CUI.name, cif):
                return MessagePage(cif, page, 0, 0, 0, ())
            items = tuple(read_message(item, family) for item in data.get("mesaje") or [])
            return MessagePage(
                cif=cif,
                page=_int(data, "index_pagina_curenta", page),
                total_pages=_int(data, "numar_total_pagini", 1),
                total_records=_int(data, "numar_total_inregistrari", len(items)),
                per_page=_int(data, "numar_total_inregistrari_per_pagina", len(items)),
                messages=items,
            )

        return self._call(family, exchange, idempotent=True, counted=[(L.PAGED_LIST_PER_CUI, cif)])

    def iter_messages(
        self,
        cif: str | int,
        start: datetime,
        end: datetime | None = None,
        filter: MessageFilter | None = None,
    ) -> Iterator[SpvMessage]:
        """Every message between ``start`` and ``end`` (default now), page after page."""
        end = end or datetime.now(UTC)
        page = 1
        while True:
            result = self.list_messages_page(cif, start, end, page, filter)
            yield from result.messages
            if not result.has_next:
                return
            page += 1

    def _json(self, response: httpx.Response, family: str) -> dict[str, object]:
        return json_object(response, what=f"ANAF {family}: answer", family=family)

    @staticmethod
    def _no_messages(data: dict[str, object], family: str, limit: str, cif: str) -> bool:
        """ "No messages" and real errors both come as HTTP 200 with ``eroare``: tell them apart."""
        error = data.get("eroare")
        if not error:
            return False
        text = str(error)
        if text.lower().startswith(NO_MESSAGES_PREFIX):
            return True
        raise classify_message(text, family=family, limit=limit, key=cif)

    # -- descarcare ----------------------------------------------------------------------------
    def download(self, download_id: str | int) -> DownloadedMessage:
        """The ZIP of one message (invoice or error document, plus ANAF's signature), opened safely."""
        ident = _numeric_id(download_id, "download_id")
        family = "efactura.download"

        def exchange(headers: dict[str, str]) -> DownloadedMessage:
            response = self._get(family, "descarcare", {"id": ident}, headers)
            body = response.content
            if body[:2] != b"PK":
                # Errors come as JSON {"eroare": ..., "titlu": "Descarcare mesaj"} (or plain text).
                try:
                    data = json.loads(body)
                    text = str(data.get("eroare") or data) if isinstance(data, dict) else body.decode()
                except ValueError:
                    text = body[:300].decode("utf-8", "replace")
                raise classify_message(text, family=family, limit=L.DOWNLOAD_PER_MESSAGE.name, key=ident)
            return open_download(body, ident)

        return self._call(family, exchange, idempotent=True, counted=[(L.DOWNLOAD_PER_MESSAGE, ident)])


def _int(data: dict[str, object], key: str, default: int) -> int:
    value = data.get(key)
    try:
        return int(value) if value is not None else default  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return default


def default_window(days: int = MAX_LIST_DAYS, now: datetime | None = None) -> tuple[datetime, datetime]:
    """The widest window ANAF lists (its 60-day retention), ending now."""
    end = now or datetime.now(UTC)
    return end - timedelta(days=days) + timedelta(minutes=1), end


__all__ = ["EfacturaClient", "default_window", "numeric_cif"]
