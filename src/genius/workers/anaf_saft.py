"""Worker ``anaf.saft``: the SAF-T D406 of a period into the tenant's bucket.

The export is accounting's (``genius.apps.accounting.saft.export``): readiness, pre-validation,
the streaming write. The file is gzip-compressed into a temporary file as it is written and stored
once finished and accepted (``accounting/saft/<period>/<job id>/D406_<cui>_<period>.xml.gz``): the
storage port takes whole objects in memory, and a D406 of a million lines is ~1 GB of XML but
~60 MB compressed. A refusal or a totals mismatch stores nothing. On success the export is
registered and ``accounting.saft.exported`` published in one transaction; a redelivered job that
already registered its export returns that result without exporting again.

This module is also the entry point's glue for the D406 read model: ``sales_issued_xml`` reads an
issued document's UBL through the sales app's read side, and ``read_model_consumer`` builds the
``accounting.saft`` consumer with it (accounting itself never imports sales).
"""

from __future__ import annotations

import gzip
import json
import tempfile
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from genius.apps.accounting.saft import read_model
from genius.apps.accounting.saft import tables as st
from genius.apps.accounting.saft.domain import parse_period
from genius.apps.accounting.saft.export import export_d406, finding_dict, record_export
from genius.apps.accounting.saft.masters import TenantProfile
from genius.apps.accounting.saft.messages import SaftExportCompleted, SaftExportRequested
from genius.apps.accounting.saft.subscriptions import (
    IssuedFacts,
    IssuedXml,
    capture_document,
    capture_received,
    consumer,
)
from genius.apps.procurement.domain import from_invoice
from genius.apps.procurement.queries import ProcurementQueries, SupplierInvoiceFilter
from genius.apps.sales.queries import SalesQueries
from genius.fiscal.ro.efactura.parse import parse_xml
from genius.fiscal.ro.saft import Target
from genius.kernel.clock import utcnow
from genius.kernel.errors import ValidationError
from genius.platform.bus.consumer import Consumer
from genius.platform.bus.handlers import TenantResolver
from genius.platform.bus.transport import Transport
from genius.platform.db.uow import UnitOfWork
from genius.platform.jobs.context import JobContext
from genius.platform.tenancy import TenantContext, TenantDatabases, tenant_scope

if TYPE_CHECKING:
    from genius.bootstrap import Platform

TAG = "anaf.saft"
CONTENT_TYPE = "application/gzip"
# Level 1: ~8x smaller than the XML at a fraction of level 6's CPU (D406 is very repetitive).
GZIP_LEVEL = 1


def sales_issued_xml(databases: TenantDatabases) -> IssuedXml:
    """The ``IssuedXml`` port on the sales app's read side (the UBL of an issued document)."""
    queries = SalesQueries(databases)

    def read(tenant: TenantContext, document_id: str) -> bytes:
        with tenant_scope(tenant):
            _, xml, _ = queries.invoice_xml(document_id)
        return xml

    return read


def procurement_received_xml(databases: TenantDatabases) -> IssuedXml:
    """The port for received supplier documents: the UBL kept by the procurement register."""
    queries = ProcurementQueries(databases)

    def read(tenant: TenantContext, entry_id: str) -> bytes:
        with tenant_scope(tenant):
            _, xml = queries.ubl(entry_id)
        return xml

    return read


def saft_consumer(
    transport: Transport, databases: TenantDatabases, tenants: TenantResolver, **options: Any
) -> Consumer:
    """The ``accounting.saft`` consumer with the sales and procurement ports wired
    (``bootstrap.subscriber_factories``)."""
    return consumer(
        transport,
        databases,
        tenants,
        sales_issued_xml(databases),
        procurement_received_xml(databases),
        **options,
    )


def read_model_consumer(platform: Platform, **options: Any) -> Consumer:
    """``saft_consumer`` on this platform's bus; ``await ....start()`` it."""
    return saft_consumer(platform.bus.transport, platform.databases, platform.bus.tenant_resolver, **options)


@dataclass(frozen=True)
class SyncSummary:
    partners: int
    documents: int
    cancelled: int


def sync_read_model(platform: Platform, slug: str, first: date, last: date) -> SyncSummary:
    """Copy into the D406 read model what the sales app has for ``first``..``last`` (``genius saft sync``).

    For a read model that missed events (the consumer was not running, or the tenant predates
    it): every partner, and every document issued in the range, through the same capture as the
    consumer. Idempotent: copies are replaced, not duplicated.
    """
    tenant = platform.tenants.get(slug)
    ctx = TenantContext(tenant.id, tenant.slug, system=True)
    queries = SalesQueries(platform.databases)
    issued_xml = sales_issued_xml(platform.databases)
    partners = documents = cancelled = 0
    with tenant_scope(ctx):
        offset = 0
        while True:
            page = queries.partners(limit=200, offset=offset)
            with UnitOfWork(platform.databases, tenant=ctx) as uow:
                for p in page.items:
                    read_model.record_partner(
                        uow.connection, p.id, kind=p.kind, name=p.name, cui=p.cui, vat_id=p.vat_id,
                        country_code=p.address.country_code, now=utcnow(),
                    )  # fmt: skip
            partners += len(page.items)
            offset += len(page.items)
            if not page.items or offset >= page.total:
                break
        offset = 0
        while True:
            listed = queries.invoices(date_from=first, date_to=last, limit=200, offset=offset)
            for summary in listed.items:
                if summary.status == "draft" or summary.number is None:
                    continue
                view = queries.invoice(summary.id)
                facts = IssuedFacts(
                    document_id=summary.id,
                    number=summary.number,
                    credit_note=summary.document_type == "credit_note",
                    partner_id=summary.partner_id,
                    buyer_kind=view.buyer_kind,
                    exchange_rate=view.exchange_rate,
                    vat_total_ron=view.vat_total_ron,
                    xml_sha256=view.xml_sha256 or "",
                )
                with UnitOfWork(platform.databases, tenant=ctx) as uow:
                    capture_document(uow.connection, ctx, issued_xml, facts, event_id=None)
                    if summary.status == "cancelled":
                        read_model.record_cancellation(uow.connection, summary.id)
                        cancelled += 1
                documents += 1
            offset += len(listed.items)
            if not listed.items or offset >= listed.total:
                break
        documents += _sync_received(platform, ctx, first, last)
    return SyncSummary(partners, documents, cancelled)


@dataclass(frozen=True)
class _Received:
    """What ``capture_received`` reads of ``procurement.supplier_invoice.received``, from the register."""

    supplier_invoice_id: str
    number: str
    supplier_id: str | None
    supplier_cui: str
    document_kind: str
    exchange_rate: Decimal | None
    parts: list[dict[str, Any]]


def _sync_received(platform: Platform, ctx: TenantContext, first: date, last: date) -> int:
    queries = ProcurementQueries(platform.databases)
    received_xml = procurement_received_xml(platform.databases)
    count = offset = 0
    while True:
        page = queries.supplier_invoices(
            SupplierInvoiceFilter(date_from=first, date_to=last), limit=200, offset=offset
        )
        for view in page.items:
            _, xml = queries.ubl(view.id)
            entry = from_invoice(parse_xml(xml))
            rate = None
            if entry.currency != "RON" and entry.vat_total:
                rate = (entry.vat_total_ron / entry.vat_total).quantize(Decimal("0.0001"))
            event = _Received(
                view.id, entry.number, None, entry.supplier_cui, entry.document_kind, rate, entry.parts()
            )
            with UnitOfWork(platform.databases, tenant=ctx) as uow:
                capture_received(uow.connection, ctx, received_xml, event, event_id=None)
            count += 1
        offset += len(page.items)
        if not page.items or offset >= page.total:
            return count


def tenant_profile(platform: Platform, slug: str) -> TenantProfile:
    tenant = platform.tenants.get(slug)
    return TenantProfile(name=tenant.name, cui=tenant.cui or "")


def storage_key(period: str, job_id: str, file_name: str) -> str:
    return f"accounting/saft/{period}/{job_id}/{file_name}.gz"


def _target(value: str) -> Target:
    try:
        return Target(value)
    except ValueError:
        raise ValidationError.for_field("target", f"{value!r}: use filing or test") from None


def _completed(job_id: str, row: Any) -> SaftExportCompleted:
    summary = json.loads(row.summary)
    return SaftExportCompleted(
        job_id=job_id,
        period=row.period,
        report_type=row.report_type,
        key=row.storage_key,
        file_name=row.file_name,
        sha256=row.sha256,
        size=int(row.size),
        stored_size=int(row.stored_size or 0),
        counts=summary["counts"],
        warnings=summary["warnings"],
    )


def handle(request: SaftExportRequested, job: JobContext, platform: Platform) -> SaftExportCompleted:
    period = parse_period(request.period)
    target = _target(request.target)
    slug = job.tenant.slug
    engine = platform.databases.engine_for_slug(slug)
    with engine.connect() as conn:
        done = conn.execute(sa.select(st.exports).where(st.exports.c.id == job.job_id)).first()
    if done is not None:
        return _completed(job.job_id, done)  # a redelivery after the export was registered
    profile = tenant_profile(platform, slug)
    # Compressed into a temporary file, read back once for the store: only the finished file is
    # ever in memory (a growing BytesIO held up to twice its size).
    with tempfile.TemporaryFile(prefix="d406-") as spool:
        with gzip.GzipFile(fileobj=spool, mode="wb", compresslevel=GZIP_LEVEL, mtime=0) as packed:
            result = export_d406(
                engine, profile, period, packed, created=utcnow().date(), target=target, progress=job.progress
            )
        job.progress(96, f"{result.file_name}: {result.size} bytes written; storing")
        spool.seek(0)
        packed_bytes = spool.read()
    key = storage_key(period.label, job.job_id, result.file_name)
    stored = platform.storage.put(slug, key, packed_bytes, CONTENT_TYPE)  # put() does not copy bytes
    del packed_bytes
    with UnitOfWork(platform.databases, tenant=job.tenant) as uow:
        record_export(
            uow, job.job_id, result, storage_key=key, stored_size=stored.size, by=request.requested_by
        )
    job.progress(100, f"stored {key}")
    return SaftExportCompleted(
        job_id=job.job_id,
        period=period.label,
        report_type=period.report_type.value,
        key=key,
        file_name=result.file_name,
        sha256=result.sha256,
        size=result.size,
        stored_size=stored.size,
        counts=result.counts,
        warnings=[finding_dict(f) for f in result.warnings],
    )
