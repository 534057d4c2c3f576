"""HTTP routes of the sales SPV side under ``/api/v1/sales`` (mounted by the gateway as its own router).

=====================================================  ==========================  ====================
route                                                  permission                  what
=====================================================  ==========================  ====================
GET  /anaf/authorize                                   sales.settings.write        URL + signed state
GET  /anaf/callback?code=&state=                       none (the state is signed)  store the grant
GET  /anaf/status                                      sales.settings.read         expiry and warning
POST /invoices/{id}/submit                             sales.invoice.issue         202 + job id
GET  /invoices/{id}/submissions                        sales.invoice.read          every attempt
GET  /invoices/{id}/submissions/{attempt}/archive      sales.invoice.read          ANAF's ZIP
POST /partners/lookup                                  sales.partner.read          200 cached / 202 job
=====================================================  ==========================  ====================

Submitting is part of issuing (``sales.invoice.issue``): whoever may issue may send to ANAF.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field

from genius.apps.sales.domain.submissions import Submission
from genius.apps.sales.spv import records
from genius.apps.sales.spv.messages import SUBMIT, EfacturaWorkRequested, TaxpayerLookupRequested
from genius.apps.sales.spv.oauth import AccessStatus, AnafAccess
from genius.apps.sales.spv.taxpayers import TaxpayerLookup, normalise_cuis
from genius.integrations.anaf.results import rule_id_of
from genius.kernel.clock import utcnow
from genius.kernel.errors import NotFound
from genius.platform.audit import AuditEntry
from genius.platform.auth.deps import require
from genius.platform.db.uow import UnitOfWork
from genius.platform.jobs import JobService
from genius.platform.tenancy import TenantContext, tenant_scope

router = APIRouter(prefix="/api/v1/sales", tags=["sales: ANAF SPV"])

SettingsReader = Annotated[TenantContext, Depends(require("sales.settings.read"))]
SettingsWriter = Annotated[TenantContext, Depends(require("sales.settings.write"))]
Submitter = Annotated[TenantContext, Depends(require("sales.invoice.issue"))]
Reader = Annotated[TenantContext, Depends(require("sales.invoice.read"))]
PartnerReader = Annotated[TenantContext, Depends(require("sales.partner.read"))]
STATE_SECONDS = 15 * 60


def platform_of(request: Request) -> Any:
    return request.app.state.platform


Platform = Annotated[Any, Depends(platform_of)]


# -- schemas -------------------------------------------------------------------------------------
class AuthorizeOut(BaseModel):
    authorize_url: str = Field(description="Open it in a browser; ANAF asks for the qualified certificate")
    state: str = Field(description="Signed, bound to this tenant and CUI; valid 15 minutes")
    expires_in_seconds: int


class AccessStatusOut(BaseModel):
    cui: str
    status: str = Field(description="valid, refresh_due, reauthorize_soon, expired or not_authorized")
    access_expires_at: datetime | None
    refresh_expires_at: datetime | None
    obtained_at: datetime | None
    warn_days: int = Field(description="anaf_token_warn_days: how early the warning appears")
    warning: str | None

    @classmethod
    def of(cls, value: AccessStatus) -> AccessStatusOut:
        return cls(**value.__dict__)


class SubmitOut(BaseModel):
    job_id: str
    invoice_id: str
    attempt: int
    state: str
    b2c: bool


class MessageOut(BaseModel):
    rule_id: str | None
    message: str


class ArchiveOut(BaseModel):
    download_id: str
    verdict: str
    sha256: str
    size: int
    stored_at: datetime


class SubmissionOut(BaseModel):
    attempt: int
    state: str
    b2c: bool
    upload_index: str | None
    download_id: str | None
    messages: list[MessageOut]
    last_error: str | None
    created_at: datetime
    updated_at: datetime
    uploaded_at: datetime | None
    finished_at: datetime | None
    archive: ArchiveOut | None

    @classmethod
    def of(cls, attempt: Submission, archive: records.ArchiveRecord | None) -> SubmissionOut:
        def at(value: datetime | None) -> datetime | None:
            return records.aware(value) if value is not None else None

        return cls(
            attempt=attempt.attempt,
            state=attempt.state.value,
            b2c=attempt.b2c,
            upload_index=attempt.upload_index,
            download_id=attempt.download_id,
            messages=[_message(m) for m in attempt.messages],
            last_error=attempt.last_error,
            created_at=records.aware(attempt.created_at),
            updated_at=records.aware(attempt.updated_at),
            uploaded_at=at(attempt.uploaded_at),
            finished_at=at(attempt.finished_at),
            archive=ArchiveOut(
                download_id=archive.download_id,
                verdict=archive.verdict,
                sha256=archive.sha256,
                size=archive.size,
                stored_at=archive.stored_at,
            )
            if archive
            else None,
        )


def _message(text: str) -> MessageOut:
    rule = rule_id_of(text)
    if rule and text.startswith(f"{rule}: "):
        return MessageOut(rule_id=rule, message=text[len(rule) + 2 :])
    return MessageOut(rule_id=rule, message=text)


class LookupIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cuis: list[Annotated[str, Field(max_length=20)]] = Field(
        min_length=1, max_length=500, description="CUIs, RO prefix allowed"
    )
    on: date | None = Field(default=None, description="The day the registry answers for (default today)")
    refresh: bool = Field(default=False, description="Ask ANAF even when the cached answer is fresh")


class LookupOut(BaseModel):
    source: str = Field(description="cache: every answer was fresh; job: follow job_id")
    job_id: str | None = None
    stale: bool = False
    results: list[dict[str, Any]] = Field(default_factory=list)


# -- OAuth ---------------------------------------------------------------------------------------
@router.get("/anaf/authorize", response_model=AuthorizeOut, summary="Start ANAF's OAuth authorization")
def authorize(ctx: SettingsWriter, platform: Platform) -> AuthorizeOut:
    url, state = AnafAccess.of(platform).authorize_url(ctx)
    return AuthorizeOut(authorize_url=url, state=state, expires_in_seconds=STATE_SECONDS)


@router.get(
    "/anaf/callback",
    response_model=AccessStatusOut,
    summary="ANAF's OAuth callback (no bearer token: the signed state names the tenant)",
)
def callback(request: Request, platform: Platform) -> AccessStatusOut:
    query = {
        k: v for k, v in request.query_params.items() if k in ("code", "state", "error", "error_description")
    }
    access = AnafAccess.of(platform)
    ctx, result = access.callback(query)
    platform.audit.record_for(
        ctx,
        AuditEntry(
            action="sales.anaf.authorize",
            resource_type="anaf.grant",
            resource_id=result.cui,
            after={
                "access_expires_at": result.access_expires_at.isoformat()
                if result.access_expires_at
                else None,
                "refresh_expires_at": result.refresh_expires_at.isoformat()
                if result.refresh_expires_at
                else None,
            },
        ),
    )
    return AccessStatusOut.of(result)


@router.get("/anaf/status", response_model=AccessStatusOut, summary="The tenant's ANAF authorization")
def anaf_status(ctx: SettingsReader, platform: Platform) -> AccessStatusOut:
    return AccessStatusOut.of(AnafAccess.of(platform).status(ctx))


# -- submissions ---------------------------------------------------------------------------------
@router.post(
    "/invoices/{invoice_id}/submit",
    response_model=SubmitOut,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Send an issued invoice or credit note to ANAF's e-Factura SPV",
    description="Starts an attempt and an anaf.efactura job (202 + job id; follow /api/v1/jobs/{id} or"
    " GET .../submissions). Refused (409) for drafts, cancelled or accepted documents, while an attempt"
    " is in flight, and after ANAF rejected the document for its content: then correct it with a credit"
    " note and a new invoice (an issued document cannot be changed). Buyers without a CUI go through"
    " uploadb2c, credit notes with standard=CN.",
)
def submit(invoice_id: str, ctx: Submitter, platform: Platform) -> SubmitOut:
    with tenant_scope(ctx), UnitOfWork(platform.databases) as uow:
        attempt = records.start_attempt(uow, invoice_id, utcnow())
        job = JobService(platform.databases).start(
            uow, EfacturaWorkRequested(action=SUBMIT, invoice_id=invoice_id)
        )
    return SubmitOut(
        job_id=job.id,
        invoice_id=invoice_id,
        attempt=attempt.attempt,
        state=attempt.state.value,
        b2c=attempt.b2c,
    )


@router.get(
    "/invoices/{invoice_id}/submissions",
    response_model=list[SubmissionOut],
    summary="Every e-Factura attempt of a document: state, upload index, ANAF's messages, archive",
)
def submissions(invoice_id: str, ctx: Reader, platform: Platform) -> list[SubmissionOut]:
    with tenant_scope(ctx), platform.databases.engine().connect() as conn:
        rows = records.submissions_view(conn, invoice_id)
    return [SubmissionOut.of(r["attempt"], r["archive"]) for r in rows]


@router.get(
    "/invoices/{invoice_id}/submissions/{attempt}/archive",
    summary="ANAF's ZIP of an attempt (signed invoice or error document + ANAF's signature)",
    response_class=Response,
    responses={200: {"content": {"application/zip": {}}}},
)
def archive(invoice_id: str, attempt: int, ctx: Reader, platform: Platform) -> Response:
    with tenant_scope(ctx), platform.databases.engine().connect() as conn:
        rows = records.submissions_view(conn, invoice_id)
    found = next((r["archive"] for r in rows if r["attempt"].attempt == attempt and r["archive"]), None)
    if found is None:
        raise NotFound(
            f"attempt {attempt} of {invoice_id} has no ANAF archive (not settled, or no such attempt)",
            code="archive_not_found",
        )
    data = platform.storage.get(ctx.slug, found.storage_key)
    return Response(
        content=data,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{found.storage_key.rsplit("/", 1)[-1]}"'},
    )


# -- partner lookup ------------------------------------------------------------------------------
@router.post(
    "/partners/lookup",
    response_model=LookupOut,
    summary="Look CUIs up in ANAF's VAT payer registry (cached; 202 + job when ANAF must be asked)",
    description="Answers at once (200) when every CUI has a fresh cached answer; otherwise starts an"
    " anaf.taxpayer job (202) whose result lists each CUI: the partner fields (name, CUI, trade register,"
    " address), VAT payer, VAT on collection, inactive, split VAT, e-Factura registration. When ANAF is"
    " down the job serves the cached answers marked stale.",
    responses={202: {"model": LookupOut}},
)
def lookup(body: LookupIn, ctx: PartnerReader, platform: Platform, response: Response) -> LookupOut:
    cuis = normalise_cuis(body.cuis)
    if not body.refresh and body.on is None:
        cache = TaxpayerLookup(
            platform.databases.engine_for_slug(ctx.slug),
            vat=None,  # type: ignore[arg-type]  # the cache alone: no call is made here
            ttl=timedelta(hours=platform.settings.anaf_taxpayer_cache_hours),
        )
        fresh = cache.fresh_only(cuis)
        if fresh is not None:
            return LookupOut(source="cache", results=[a.as_dict() for a in fresh])
    with tenant_scope(ctx), UnitOfWork(platform.databases) as uow:
        job = JobService(platform.databases).start(
            uow, TaxpayerLookupRequested(cuis=cuis, on=body.on, refresh=body.refresh)
        )
    response.status_code = status.HTTP_202_ACCEPTED
    return LookupOut(source="job", job_id=job.id)


__all__ = ["router"]
