"""Procurement commands: register a received supplier document once (one unit of work each).

``register_received(uow, ...)`` inserts the entry and publishes
``procurement.supplier_invoice.received`` in the caller's transaction, or returns the existing
entry's id when the same document is already registered (same ANAF download id, or same supplier
CUI + number + issue date: an invoice that reached us twice is one entry).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa

from genius.apps.procurement import tables as t
from genius.apps.procurement.domain import SupplierInvoice
from genius.apps.procurement.events import SupplierInvoiceReceivedV2
from genius.kernel.ids import new_id
from genius.kernel.money import round_money
from genius.platform.db.uow import UnitOfWork

RATE_PLACES = Decimal("0.0001")
# The register knows a supplier by its CUI; that is its partner id on the event, so the ledger keeps
# one payable analytic per supplier (401.xxxxx) and its payments clear the same one, and the D406
# lists the supplier with its balance (a null id left 401's balance on no partner in the D406:
# PARTNER_BALANCES_MISMATCH).
SUPPLIER_PARTNER_PREFIX = "cui:"


def supplier_partner_id(cui: str | None) -> str | None:
    """The partner id of a supplier known by its CUI (``cui:18547290``); None without one."""
    return f"{SUPPLIER_PARTNER_PREFIX}{cui}" if cui else None


@dataclass(frozen=True)
class Registered:
    supplier_invoice_id: str
    created: bool


def existing_id(conn: sa.Connection, entry: SupplierInvoice, download_id: str | None) -> str | None:
    table = t.supplier_invoices
    conditions = [
        sa.and_(
            table.c.supplier_cui == entry.supplier_cui,
            table.c.number == entry.number,
            table.c.issue_date == entry.issue_date,
        )
    ]
    if download_id:
        conditions.append(table.c.anaf_download_id == download_id)
    return conn.execute(sa.select(table.c.id).where(sa.or_(*conditions))).scalar()


def _exchange_rate(entry: SupplierInvoice) -> Decimal | None:
    if entry.currency == "RON" or not entry.vat_total:
        return None
    return (entry.vat_total_ron / entry.vat_total).quantize(RATE_PLACES)


def register_received(
    uow: UnitOfWork,
    entry: SupplierInvoice,
    ubl: bytes,
    *,
    now: datetime,
    download_id: str | None,
    upload_index: str | None,
    archive_key: str | None,
    source: str = "spv",
) -> Registered:
    conn = uow.connection
    found = existing_id(conn, entry, download_id)
    if found is not None:
        return Registered(found, False)
    entry_id = new_id()
    conn.execute(
        t.supplier_invoices.insert().values(
            id=entry_id,
            status="draft",
            document_kind=entry.document_kind,
            type_code=entry.type_code,
            supplier_cui=entry.supplier_cui,
            supplier_name=entry.supplier_name,
            supplier_vat_id=entry.supplier_vat_id,
            buyer_cui=entry.buyer_cui,
            number=entry.number,
            issue_date=entry.issue_date,
            due_date=entry.due_date,
            currency=entry.currency,
            tax_exclusive_amount=f"{entry.tax_exclusive_amount:f}",
            vat_total=f"{entry.vat_total:f}",
            vat_total_ron=f"{round_money(entry.vat_total_ron):f}",
            payable_amount=f"{entry.payable_amount:f}",
            vat_breakdown_json=json.dumps(list(entry.vat_breakdown)),
            ubl=ubl,
            xml_sha256=hashlib.sha256(ubl).hexdigest(),
            source=source,
            anaf_download_id=download_id,
            anaf_upload_index=upload_index,
            archive_key=archive_key,
            received_at=now,
            created_at=now,
        )
    )
    uow.publish(
        SupplierInvoiceReceivedV2(
            supplier_invoice_id=entry_id,
            number=entry.number,
            invoice_date=entry.issue_date,
            due_date=entry.due_date,
            supplier_id=supplier_partner_id(entry.supplier_cui),
            supplier_cui=entry.supplier_cui,
            supplier_name=entry.supplier_name,
            document_kind=entry.document_kind,
            currency=entry.currency,
            exchange_rate=_exchange_rate(entry),
            payable_amount=entry.payable_amount,
            parts=entry.parts(),
            anaf_download_id=download_id,
        ),
        subject=entry_id,
    )
    return Registered(entry_id, True)


__all__ = ["Registered", "existing_id", "register_received"]
