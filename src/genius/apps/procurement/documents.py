"""A readable PDF of any received UBL (the shared Romanian layout), rendered once by ``pdf.render``."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from genius.apps.procurement import tables as t
from genius.apps.procurement.queries import ProcurementQueries
from genius.fiscal.ro.efactura.parse import parse_xml
from genius.fiscal.ro.efactura.readable import STYLESHEET, TEMPLATE, invoice_view
from genius.platform.db.uow import UnitOfWork
from genius.platform.jobs import JobService, JobState
from genius.platform.jobs.messages import PdfRenderRequested
from genius.platform.storage import ObjectStore
from genius.platform.tenancy import TenantContext, TenantDatabases


@dataclass(frozen=True)
class ProcurementPdf:
    ready: bool
    key: str
    job_id: str | None


def pdf_key(entry_id: str) -> str:
    return f"procurement/supplier-invoices/{entry_id}.pdf"


def supplier_invoice_pdf(
    databases: TenantDatabases, storage: ObjectStore, ctx: TenantContext, entry_id: str
) -> ProcurementPdf:
    _, ubl = ProcurementQueries(databases).ubl(entry_id)
    key = pdf_key(entry_id)
    if storage.exists(ctx.slug, key):
        return ProcurementPdf(True, key, None)
    jobs = JobService(databases)
    with UnitOfWork(databases, tenant=ctx) as uow:
        conn = uow.connection
        row = conn.execute(
            sa.select(t.documents).where(t.documents.c.supplier_invoice_id == entry_id)
        ).first()
        if row is not None and jobs.get(ctx.slug, row.job_id).state not in (JobState.FAILED, JobState.DEAD):
            return ProcurementPdf(False, key, row.job_id)
        if row is not None:
            conn.execute(t.documents.delete().where(t.documents.c.supplier_invoice_id == entry_id))
        view = invoice_view(parse_xml(ubl))
        job = jobs.start(
            uow, PdfRenderRequested(template=TEMPLATE, key=key, data=view, stylesheet=STYLESHEET)
        )
        conn.execute(
            t.documents.insert().values(
                supplier_invoice_id=entry_id, storage_key=key, job_id=job.id, created_at=job.created_at
            )
        )
    return ProcurementPdf(False, key, job.id)
