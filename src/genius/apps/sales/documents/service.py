"""Invoice PDFs and e-mails: one rendering per content variant, e-mails queued once the PDF exists.

A PDF variant is the issued XML's hash plus the e-Factura upload index once ANAF accepted it
(the accepted PDF prints the index), so an invoice is rendered at most twice in its life.
``pdf(...)`` answers ``ready`` with the stored key, or ``rendering`` with the ``pdf.render`` job
that will store it (started once per variant; a failed job is replaced by a new one).

An e-mail request stores the XML beside the PDF (``sales/invoices/<id>/<number>.xml``) and, when
the PDF is stored, starts the ``email.send`` job at once; otherwise it waits (``waiting_pdf``) and
``queue_ready_mails`` (a sweep of the worker runtime) starts the job when the PDF appears, in the
same transaction that marks the request ``queued``: one e-mail per request.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from genius.apps.sales import repository as repo
from genius.apps.sales import tables as t
from genius.apps.sales.domain.submissions import SubmissionState
from genius.apps.sales.spv import tables as st
from genius.apps.sales.spv.records import aware
from genius.fiscal.ro.efactura.parse import parse_xml
from genius.fiscal.ro.efactura.readable import STYLESHEET, TEMPLATE, EfacturaStamp, invoice_view
from genius.integrations.smtp.senders import normalise_address
from genius.kernel.errors import Conflict, NotFound, ValidationError
from genius.kernel.ids import new_id
from genius.platform.db.uow import UnitOfWork
from genius.platform.jobs import JobService, JobState
from genius.platform.jobs.messages import EmailSendRequested, PdfRenderRequested
from genius.platform.storage import ObjectStore
from genius.platform.tenancy import TenantContext, TenantDatabases

READY = "ready"
RENDERING = "rendering"
WAITING_PDF = "waiting_pdf"
QUEUED = "queued"
FAILED = "failed"
MAX_RECIPIENTS = 20


@dataclass(frozen=True)
class PdfState:
    state: str  # ready | rendering
    key: str
    job_id: str | None


@dataclass(frozen=True)
class MailRequest:
    id: str
    invoice_id: str
    state: str
    to: list[str]
    cc: list[str]
    subject: str
    pdf_job_id: str | None
    email_job_id: str | None
    created_at: datetime


def _safe(number: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in number)[:60] or "document"


@dataclass(frozen=True)
class InvoiceDocument:
    """What the PDF shows of an issued invoice, and where its files go."""

    invoice_id: str
    number: str
    xml: bytes
    variant: str
    view: dict[str, Any]
    buyer_email: str | None

    @property
    def pdf_key(self) -> str:
        return f"sales/invoices/{self.invoice_id}/{_safe(self.number)}-{self.variant}.pdf"

    @property
    def xml_key(self) -> str:
        return f"sales/invoices/{self.invoice_id}/{_safe(self.number)}.xml"


def load_document(conn: Connection, invoice_id: str) -> InvoiceDocument:
    row = repo.get_invoice_row(conn, invoice_id)
    if row is None:
        raise NotFound(f"no sales document {invoice_id} in this tenant", code="invoice_not_found")
    if row.xml is None or row.number is None:
        raise Conflict(
            f"sales document {invoice_id} is a draft: a PDF shows an issued document",
            code="invoice_not_issued",
        )
    accepted = next(
        (a for a in reversed(repo.submissions_of(conn, invoice_id)) if a.state is SubmissionState.ACCEPTED),
        None,
    )
    partner = repo.get_partner_row(conn, row.partner_id) if row.partner_id else None
    stamp = EfacturaStamp(accepted.upload_index or "", accepted.download_id) if accepted else None
    xml = bytes(row.xml)
    view = invoice_view(
        parse_xml(xml), buyer_trade_register=partner.trade_register if partner else None, efactura=stamp
    )
    variant = hashlib.sha256(f"{row.xml_sha256}|{stamp.upload_index if stamp else ''}".encode()).hexdigest()[
        :16
    ]
    return InvoiceDocument(invoice_id, row.number, xml, variant, view, partner.email if partner else None)


@dataclass
class SalesDocuments:
    databases: TenantDatabases
    storage: ObjectStore

    def _jobs(self) -> JobService:
        return JobService(self.databases)

    def pdf(self, ctx: TenantContext, invoice_id: str) -> PdfState:
        with self.databases.engine_for_slug(ctx.slug).connect() as conn:
            doc = load_document(conn, invoice_id)
        if self.storage.exists(ctx.slug, doc.pdf_key):
            return PdfState(READY, doc.pdf_key, None)
        with UnitOfWork(self.databases, tenant=ctx) as uow:
            job_id = self._ensure_render(uow, ctx, doc)
        return PdfState(RENDERING, doc.pdf_key, job_id)

    def _ensure_render(self, uow: UnitOfWork, ctx: TenantContext, doc: InvoiceDocument) -> str:
        conn = uow.connection
        table = st.documents
        row = conn.execute(
            sa.select(table).where(table.c.invoice_id == doc.invoice_id, table.c.variant == doc.variant)
        ).first()
        if row is not None:
            job = self._jobs().get(ctx.slug, row.job_id)
            if job.state not in (JobState.FAILED, JobState.DEAD):
                return str(row.job_id)
            conn.execute(
                table.delete().where(table.c.invoice_id == doc.invoice_id, table.c.variant == doc.variant)
            )
        job = self._jobs().start(
            uow, PdfRenderRequested(template=TEMPLATE, key=doc.pdf_key, data=doc.view, stylesheet=STYLESHEET)
        )
        conn.execute(
            table.insert().values(
                invoice_id=doc.invoice_id,
                variant=doc.variant,
                storage_key=doc.pdf_key,
                job_id=job.id,
                created_at=job.created_at,
            )
        )
        return job.id

    # -- e-mail ----------------------------------------------------------------------------------
    def email(
        self,
        ctx: TenantContext,
        invoice_id: str,
        *,
        to: list[str] | None,
        cc: list[str],
        subject: str | None,
        message: str | None,
    ) -> MailRequest:
        with self.databases.engine_for_slug(ctx.slug).connect() as conn:
            doc = load_document(conn, invoice_id)
        recipients = [normalise_address(a, f"to[{i}]") for i, a in enumerate(to or [])] or (
            [doc.buyer_email] if doc.buyer_email else []
        )
        cc = [normalise_address(a, f"cc[{i}]") for i, a in enumerate(cc)]
        if not recipients:
            raise ValidationError.for_field(
                "to", "the customer has no e-mail address: give the recipients", "required"
            )
        if len(recipients) + len(cc) > MAX_RECIPIENTS:
            raise ValidationError.for_field("to", f"at most {MAX_RECIPIENTS} recipients", "too_many")
        seller = doc.view["seller"]["name"]
        title = doc.view["title"].capitalize()
        subject = subject or f"{title} {doc.number} de la {seller}"
        text = (
            message
            or f"Bună ziua,\n\nVă transmitem {title.lower()} {doc.number}"
            f" din {doc.view['issue_date']}, în valoare de {doc.view['totals']['payable']}"
            f" {doc.view['currency']} (PDF și XML e-Factura atașate).\n\nCu stimă,\n{seller}\n"
        )
        self.storage.put(ctx.slug, doc.xml_key, doc.xml, "application/xml")
        request = {"to": recipients, "cc": cc, "subject": subject, "text": text}
        pdf_ready = self.storage.exists(ctx.slug, doc.pdf_key)
        with UnitOfWork(self.databases, tenant=ctx) as uow:
            now = aware(datetime.now().astimezone())
            request_id = new_id()
            pdf_job = None if pdf_ready else self._ensure_render(uow, ctx, doc)
            email_job = self._start_email(uow, request, doc.pdf_key, doc.xml_key) if pdf_ready else None
            uow.connection.execute(
                st.mail_requests.insert().values(
                    id=request_id,
                    invoice_id=invoice_id,
                    state=QUEUED if pdf_ready else WAITING_PDF,
                    pdf_key=doc.pdf_key,
                    xml_key=doc.xml_key,
                    request_json=json.dumps(request, ensure_ascii=False),
                    pdf_job_id=pdf_job,
                    email_job_id=email_job,
                    created_at=now,
                    created_by=ctx.user_id,
                    updated_at=now,
                )
            )
        return self.mail(ctx, request_id)

    def _start_email(self, uow: UnitOfWork, request: dict[str, Any], pdf_key: str, xml_key: str) -> str:
        job = self._jobs().start(
            uow,
            EmailSendRequested(
                to=list(request["to"]),
                cc=list(request["cc"]),
                subject=request["subject"],
                text=request["text"],
                attachments=[pdf_key, xml_key],
            ),
        )
        return job.id

    def mail(self, ctx: TenantContext, request_id: str) -> MailRequest:
        with self.databases.engine_for_slug(ctx.slug).connect() as conn:
            row = conn.execute(sa.select(st.mail_requests).where(st.mail_requests.c.id == request_id)).first()
        if row is None:
            raise NotFound(f"no e-mail request {request_id}", code="mail_request_not_found")
        return _mail(row)

    def mails(self, ctx: TenantContext, invoice_id: str) -> list[MailRequest]:
        with self.databases.engine_for_slug(ctx.slug).connect() as conn:
            if repo.get_invoice_row(conn, invoice_id) is None:
                raise NotFound(f"no sales document {invoice_id} in this tenant", code="invoice_not_found")
            rows = conn.execute(
                sa.select(st.mail_requests)
                .where(st.mail_requests.c.invoice_id == invoice_id)
                .order_by(st.mail_requests.c.created_at)
            ).all()
        return [_mail(r) for r in rows]

    def queue_ready_mails(self, ctx: TenantContext, now: datetime) -> int:
        """Start the e-mail of every request whose PDF is now stored; fail those whose render failed."""
        with self.databases.engine_for_slug(ctx.slug).connect() as conn:
            waiting = conn.execute(
                sa.select(st.mail_requests).where(st.mail_requests.c.state == WAITING_PDF)
            ).all()
        started = 0
        for row in waiting:
            ready = self.storage.exists(ctx.slug, row.pdf_key)
            failed = False
            if not ready and row.pdf_job_id:
                failed = self._jobs().get(ctx.slug, row.pdf_job_id).state in (JobState.FAILED, JobState.DEAD)
            if not ready and not failed:
                continue
            with UnitOfWork(self.databases, tenant=ctx) as uow:
                claimed = uow.connection.execute(
                    st.mail_requests.update()
                    .where(st.mail_requests.c.id == row.id, st.mail_requests.c.state == WAITING_PDF)
                    .values(state=QUEUED if ready else FAILED, updated_at=now)
                )
                if claimed.rowcount != 1:
                    continue  # another sweep took it
                if ready:
                    job_id = self._start_email(uow, json.loads(row.request_json), row.pdf_key, row.xml_key)
                    uow.connection.execute(
                        st.mail_requests.update()
                        .where(st.mail_requests.c.id == row.id)
                        .values(email_job_id=job_id)
                    )
                    started += 1
        return started


def _mail(row: Any) -> MailRequest:
    request = json.loads(row.request_json)
    return MailRequest(
        id=row.id,
        invoice_id=row.invoice_id,
        state=row.state,
        to=list(request["to"]),
        cc=list(request["cc"]),
        subject=request["subject"],
        pdf_job_id=row.pdf_job_id,
        email_job_id=row.email_job_id,
        created_at=aware(row.created_at),
    )


_ = t  # the sales tables are read through the repository

__all__ = ["InvoiceDocument", "MailRequest", "PdfState", "SalesDocuments", "load_document"]
