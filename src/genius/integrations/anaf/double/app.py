"""``AnafDouble``: ANAF's OAuth, e-Factura SPV and VAT registry over HTTP, for tests and the sandbox.

Same paths and answer shapes as ANAF, on one host: ``/anaf-oauth2/v1/{authorize,token}``,
``/{test|prod}/FCTEL/rest/{upload,uploadb2c,stareMesaj,listaMesajeFactura,
listaMesajePaginatieFactura,descarcare}``, ``/api/PlatitorTvaRest/v9/tva``. Point a client at it
with ``AnafEndpoints.local(base_url)``. Admin endpoints under ``/_double`` (no auth: bind it to
127.0.0.1): ``POST /_double/faults`` (JSON ``Fault``), ``DELETE /_double/faults``,
``POST /_double/inbound?cif=<buyer>`` (a UBL body becomes ``FACTURA PRIMITA`` for the buyer),
``POST /_double/config`` (``processing_seconds``, ``page_size``, ``certificate``: false for
"no certificate"), ``GET /_double/calls``, ``GET /_double/uploads``.
"""

from __future__ import annotations

import asyncio
import base64
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from genius.integrations.anaf import limits as L
from genius.integrations.anaf.double.admin import admin_routes
from genius.integrations.anaf.double.authority import (
    Authority,
    Grant,
    OAuthClientRegistration,
    OAuthRefused,
    TestCertificate,
)
from genius.integrations.anaf.double.documents import FIREWALL_PAGE, state_answer, upload_answer
from genius.integrations.anaf.double.faults import Fault, FaultKind, Faults
from genius.integrations.anaf.double.registry import SEED_FIRMS, TestFirm, registry_answer
from genius.integrations.anaf.double.spv import Spv, SpvAnswer
from genius.integrations.anaf.errors import AnafLimitReached
from genius.integrations.anaf.limits import InMemoryAnafLimiter, LimitRule, with_maximums

DEFAULT_CLIENT = OAuthClientRegistration(
    "genius-sandbox", "sandbox-secret", ("http://127.0.0.1*", "http://localhost*", "https://localhost*")
)
XML = "application/xml"
# The error of an injected ``nok`` without a message of its own.
NOK_TEXT = "Factura nu a trecut verificarile ANAF (eroare injectata de dublura)"
JSON_TITLES = {
    "listaMesajeFactura": "Lista Mesaje",
    "listaMesajePaginatieFactura": "Lista Mesaje",
    "descarcare": "Descarcare mesaj",
}


class AnafDouble:
    """The ANAF stand-in. Construct, then serve ``.app`` (uvicorn) or call its admin methods."""

    def __init__(
        self,
        *,
        clients: tuple[OAuthClientRegistration, ...] = (DEFAULT_CLIENT,),
        certificate: TestCertificate | None = TestCertificate(),
        processing_seconds: float = 1.0,
        page_size: int = 500,
        limit_overrides: dict[str, int] | None = None,
        firms: tuple[TestFirm, ...] = SEED_FIRMS,
        vat_min_interval: float = L.VAT_INTERVAL_SECONDS,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.clock = clock or (lambda: datetime.now(UTC))
        self.authority = Authority({c.client_id: c for c in clients}, certificate, self.clock)
        self.limits: dict[str, LimitRule] = with_maximums(limit_overrides or {})
        self.spv = Spv(self.clock, processing_seconds, page_size, self.limits)
        self.firms = {firm.cui: firm for firm in firms}
        self.vat_min_interval = vat_min_interval
        self.faults = Faults()
        self.calls: Counter[str] = Counter()
        self._overall = InMemoryAnafLimiter(self.clock)
        self._vat_last: float | None = None
        self._lock = threading.Lock()
        self.app = self._build_app()

    # -- Python admin API ----------------------------------------------------------------------
    def add_fault(self, kind: FaultKind | str, target: str = "*", **options: Any) -> Fault:
        fault = Fault(FaultKind(kind), target, **options)
        self.faults.add(fault)
        return fault

    def set_certificate(self, certificate: TestCertificate | None) -> None:
        self.authority.certificate = certificate

    def deliver_inbound(self, xml: bytes, buyer_cui: str) -> tuple[str, str]:
        """A supplier invoice for ``buyer_cui``: returns (upload index, download id)."""
        upload = self.spv.deliver_inbound(xml, buyer_cui)
        return upload.index, upload.download_id or ""

    # -- plumbing ------------------------------------------------------------------------------
    def _build_app(self) -> Starlette:
        rest = "/{env:str}/FCTEL/rest"
        routes = [
            Route("/anaf-oauth2/v1/authorize", self._authorize, methods=["GET"]),
            Route("/anaf-oauth2/v1/token", self._token, methods=["POST"]),
            Route(f"{rest}/upload", self._upload, methods=["POST"]),
            Route(f"{rest}/uploadb2c", self._upload_b2c, methods=["POST"]),
            Route(f"{rest}/stareMesaj", self._state, methods=["GET"]),
            Route(f"{rest}/listaMesajeFactura", self._list, methods=["GET"]),
            Route(f"{rest}/listaMesajePaginatieFactura", self._list_paged, methods=["GET"]),
            Route(f"{rest}/descarcare", self._download, methods=["GET"]),
            Route(f"{rest}/{{rest:path}}", self._forbidden, methods=["GET", "POST"]),
            Route("/api/PlatitorTvaRest/v9/tva", self._vat, methods=["POST"]),
            *admin_routes(self),
        ]
        return Starlette(routes=routes)

    def _fault_answer(self, fault: Fault, endpoint: str, key: str = "") -> Response | None:
        """The response a fault replaces the real answer with (None for ``slow``)."""
        kind = fault.kind
        if kind is FaultKind.SLOW or (kind is FaultKind.NOK and endpoint in ("upload", "uploadb2c")):
            return None  # the real answer, delayed (slow) or with a rejecting verdict (nok)
        if kind is FaultKind.STATUS:
            if fault.status in (204, 304):
                return Response(b"", fault.status)  # these statuses carry no body
            return PlainTextResponse(fault.message or f"double: injected HTTP {fault.status}", fault.status)
        if kind is FaultKind.FIREWALL:
            return Response(
                FIREWALL_PAGE.format(support_id=secrets.randbelow(10**19)), 200, media_type="text/html"
            )
        text = fault.message
        if kind is FaultKind.LIMIT:
            if endpoint not in (
                "stareMesaj",
                "descarcare",
                "listaMesajeFactura",
                "listaMesajePaginatieFactura",
            ):
                return PlainTextResponse("Too Many Requests", 429)
            text = self.spv.limit_text(endpoint, key or "0")
        return self._refusal(endpoint, text or "A aparut o eroare tehnica. Cod: 4003")

    def _refusal(self, endpoint: str, text: str) -> Response:
        """An ANAF refusal on HTTP 200, in the endpoint's own format."""
        if endpoint in ("upload", "uploadb2c"):
            return Response(upload_answer(self.clock(), errors=(text,)), media_type=XML)
        if endpoint == "stareMesaj":
            return Response(state_answer(error=text), media_type=XML)
        if endpoint == "tva":
            return JSONResponse({"cod": 200, "message": text})
        return JSONResponse({"eroare": text, "titlu": JSON_TITLES.get(endpoint, "")})

    async def _guarded(
        self,
        request: Request,
        endpoint: str,
        handler: Callable[[Grant | None], Response],
        *,
        auth: bool = True,
    ) -> Response:
        self.calls[endpoint] += 1
        fault = self.faults.take(endpoint)
        request.state.fault = fault
        if fault is not None:
            injected = self._fault_answer(
                fault,
                endpoint,
                request.query_params.get("id_incarcare")
                or request.query_params.get("id")
                or request.query_params.get("cif", ""),
            )
            if injected is not None:
                return injected
        grant = None
        if auth:
            header = request.headers.get("authorization", "")
            grant = self.authority.grant_for(header[7:]) if header.lower().startswith("bearer ") else None
            if grant is None:
                return JSONResponse(
                    {"status": 401, "error": "Unauthorized", "message": "token invalid, expired or missing"},
                    401,
                )
            try:
                self._overall.acquire(self.limits[L.OVERALL_PER_MINUTE.name], grant.client_id)
            except AnafLimitReached:
                return PlainTextResponse("Too Many Requests", 429, headers={"Retry-After": "60"})
        response = handler(grant)
        if fault is not None and fault.kind is FaultKind.SLOW:
            await asyncio.sleep(fault.delay)
        return response

    # -- OAuth ---------------------------------------------------------------------------------
    async def _authorize(self, request: Request) -> Response:
        def handle(_: Grant | None) -> Response:
            try:
                location = self.authority.authorize(dict(request.query_params))
            except OAuthRefused as exc:
                return JSONResponse({"error": exc.error, "error_description": exc.description}, exc.status)
            return RedirectResponse(location, 302)

        return await self._guarded(request, "authorize", handle, auth=False)

    async def _token(self, request: Request) -> Response:
        form = {key: str(value) for key, value in (await request.form()).items()}
        basic = _basic_auth(request.headers.get("authorization", ""))

        def handle(_: Grant | None) -> Response:
            try:
                return JSONResponse(self.authority.token(form, basic))
            except OAuthRefused as exc:
                return JSONResponse({"error": exc.error, "error_description": exc.description}, exc.status)

        return await self._guarded(request, "token", handle, auth=False)

    # -- e-Factura -----------------------------------------------------------------------------
    async def _upload(self, request: Request, b2c: bool = False) -> Response:
        endpoint = "uploadb2c" if b2c else "upload"
        body = await request.body()
        params = request.query_params
        cif = params.get("cif", "")
        if cif.upper().startswith("RO"):
            self.calls[endpoint] += 1
            return Response(b"", 403)  # ANAF's bare 403 for a CIF with the RO prefix

        def handle(grant: Grant | None) -> Response:
            assert grant is not None
            fault = request.state.fault
            try:
                index = self.spv.upload(
                    body,
                    standard=params.get("standard", ""),
                    cif=cif,
                    certificate=grant.certificate,
                    b2c=b2c,
                    autofactura=params.get("autofactura", "").upper() == "DA",
                    rejection=(fault.message or NOK_TEXT) if fault and fault.kind is FaultKind.NOK else None,
                )
            except SpvAnswer as refusal:
                return Response(upload_answer(self.clock(), errors=(refusal.text,)), media_type=XML)
            return Response(upload_answer(self.clock(), index=index), media_type=XML)

        return await self._guarded(request, endpoint, handle)

    async def _upload_b2c(self, request: Request) -> Response:
        return await self._upload(request, b2c=True)

    async def _state(self, request: Request) -> Response:
        def handle(grant: Grant | None) -> Response:
            assert grant is not None
            try:
                state, download_id = self.spv.state(
                    request.query_params.get("id_incarcare", ""), grant.certificate
                )
            except SpvAnswer as refusal:
                return Response(state_answer(error=refusal.text), media_type=XML)
            return Response(state_answer(state=state.value, download_id=download_id), media_type=XML)

        return await self._guarded(request, "stareMesaj", handle)

    def _json_endpoint(self, endpoint: str, produce: Callable[[], dict[str, object]]) -> Response:
        try:
            return JSONResponse(produce())
        except SpvAnswer as refusal:
            return self._refusal(endpoint, refusal.text)

    async def _list(self, request: Request) -> Response:
        q = request.query_params

        def handle(grant: Grant | None) -> Response:
            assert grant is not None
            return self._json_endpoint(
                "listaMesajeFactura",
                lambda: self.spv.list_days(
                    q.get("cif", ""), q.get("zile", ""), q.get("filtru"), grant.certificate
                ),
            )

        return await self._guarded(request, "listaMesajeFactura", handle)

    async def _list_paged(self, request: Request) -> Response:
        q = request.query_params

        def handle(grant: Grant | None) -> Response:
            assert grant is not None
            return self._json_endpoint(
                "listaMesajePaginatieFactura",
                lambda: self.spv.list_paged(
                    q.get("cif", ""),
                    q.get("startTime", ""),
                    q.get("endTime", ""),
                    q.get("pagina", ""),
                    q.get("filtru"),
                    grant.certificate,
                ),
            )

        return await self._guarded(request, "listaMesajePaginatieFactura", handle)

    async def _download(self, request: Request) -> Response:
        def handle(grant: Grant | None) -> Response:
            assert grant is not None
            try:
                archive = self.spv.download(request.query_params.get("id", ""), grant.certificate)
            except SpvAnswer as refusal:
                return self._refusal("descarcare", refusal.text)
            return Response(archive, media_type="application/zip")

        return await self._guarded(request, "descarcare", handle)

    async def _forbidden(self, request: Request) -> Response:
        return Response(b"", 403)  # ANAF answers a wrong path with a bare 403

    # -- VAT registry --------------------------------------------------------------------------
    async def _vat(self, request: Request) -> Response:
        body = await request.body()

        def handle(_: Grant | None) -> Response:
            with self._lock:
                now = time.monotonic()
                if self._vat_last is not None and now - self._vat_last < self.vat_min_interval:
                    return PlainTextResponse("Too Many Requests: at most 1 request per second", 429)
                self._vat_last = now
            status, answer = registry_answer(body, self.firms)
            return JSONResponse(answer, status)

        return await self._guarded(request, "tva", handle, auth=False)


def _basic_auth(header: str) -> tuple[str, str] | None:
    if not header.lower().startswith("basic "):
        return None
    try:
        user, _, password = base64.b64decode(header[6:]).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return None
    return user, password


__all__ = ["DEFAULT_CLIENT", "AnafDouble"]
