"""Routes of invoice PDFs and e-mails under ``/api/v1/sales`` (mounted by the gateway).

``GET /invoices/{id}/pdf`` (``sales.invoice.read``): the stored PDF (200, application/pdf), or
202 with the ``pdf.render`` job rendering it. ``POST /invoices/{id}/email``
(``sales.invoice.issue``): PDF + XML to the customer through ``email.send`` (202). ``GET
/invoices/{id}/emails`` (``sales.invoice.read``): the e-mail requests and their jobs.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from genius.apps.sales.documents.service import READY, MailRequest, SalesDocuments
from genius.platform.auth.deps import require
from genius.platform.tenancy import TenantContext

router = APIRouter(prefix="/api/v1/sales", tags=["sales: documents"])

Reader = Annotated[TenantContext, Depends(require("sales.invoice.read"))]
Sender = Annotated[TenantContext, Depends(require("sales.invoice.issue"))]
Address = Annotated[str, Field(max_length=254)]


def documents(request: Request) -> SalesDocuments:
    platform: Any = request.app.state.platform
    return SalesDocuments(platform.databases, platform.storage)


Documents = Annotated[SalesDocuments, Depends(documents)]


class RenderingOut(BaseModel):
    state: str = Field(description="rendering: follow job_id (GET /api/v1/jobs/{id}), then ask again")
    job_id: str | None
    key: str


class EmailIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to: list[Address] | None = Field(default=None, max_length=20, description="Default: customer e-mail")
    cc: list[Address] = Field(default_factory=list, max_length=20)
    subject: str | None = Field(default=None, max_length=300)
    message: str | None = Field(default=None, max_length=10_000, description="Plain-text body")


class EmailOut(BaseModel):
    id: str
    invoice_id: str
    state: str = Field(description="waiting_pdf, queued (email.send job started) or failed (no PDF)")
    to: list[str]
    cc: list[str]
    subject: str
    pdf_job_id: str | None
    email_job_id: str | None
    created_at: datetime

    @classmethod
    def of(cls, value: MailRequest) -> EmailOut:
        return cls(**value.__dict__)


@router.get(
    "/invoices/{invoice_id}/pdf",
    summary="The invoice PDF (Romanian layout): 200 when stored, else 202 with the rendering job",
    response_class=Response,
    responses={
        200: {"content": {"application/pdf": {}}, "description": "The PDF"},
        202: {"model": RenderingOut, "description": "Being rendered by a pdf.render job"},
    },
)
def get_pdf(invoice_id: str, ctx: Reader, docs: Documents) -> Response:
    state = docs.pdf(ctx, invoice_id)
    if state.state == READY:
        name = state.key.rsplit("/", 1)[-1]
        return Response(
            content=docs.storage.get(ctx.slug, state.key),
            media_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="{name}"'},
        )
    body = RenderingOut(state=state.state, job_id=state.job_id, key=state.key)
    return JSONResponse(body.model_dump(), status_code=status.HTTP_202_ACCEPTED)


@router.post(
    "/invoices/{invoice_id}/email",
    response_model=EmailOut,
    status_code=status.HTTP_202_ACCEPTED,
    summary="E-mail the invoice (PDF + e-Factura XML) to the customer",
    description="Sent by an email.send job from the tenant's sender; when the PDF is not rendered yet"
    " the request waits for it (state waiting_pdf) and the worker runtime queues the e-mail once it is.",
)
def send_email(invoice_id: str, body: EmailIn, ctx: Sender, docs: Documents) -> EmailOut:
    return EmailOut.of(
        docs.email(ctx, invoice_id, to=body.to, cc=body.cc, subject=body.subject, message=body.message)
    )


@router.get("/invoices/{invoice_id}/emails", response_model=list[EmailOut], summary="E-mails of an invoice")
def list_emails(invoice_id: str, ctx: Reader, docs: Documents) -> list[EmailOut]:
    return [EmailOut.of(m) for m in docs.mails(ctx, invoice_id)]
