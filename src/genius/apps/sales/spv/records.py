"""The database steps of an e-Factura submission: start an attempt, move it, settle the invoice, archive.

Every step is one short transaction on the tenant database that locks the invoice row first, so
the API (cancel, a second submit) and a worker never interleave on one document. Moves go through
the domain (``Submission.move`` refuses a move the state diagram lacks) and the invoice's status
follows its latest attempt (``invoice_status_after``); the sales events of the SPV
(``sales.invoice.efactura_submitted|accepted|rejected``) commit with the move (outbox).

Starting an attempt (``start_attempt``, the API's ``POST .../submit``) refuses, naming the rule:
a draft or cancelled document, one accepted already, one with an attempt still in flight, and a
document ANAF rejected for its content (``sales.efactura.rejected-fiscal``: it cannot be edited
once issued, so the correction is a credit note and a new invoice). A document refused or
rejected for reasons outside its content (SPV rights, registration, an ANAF fault) may be sent
again as a new attempt.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from genius.apps.sales import repository as repo
from genius.apps.sales import tables as t
from genius.apps.sales.domain.invoices import DocumentType, InvoiceStatus
from genius.apps.sales.domain.submissions import (
    TERMINAL,
    Submission,
    SubmissionState,
    invoice_status_after,
    start,
)
from genius.apps.sales.events import (
    InvoiceEfacturaAccepted,
    InvoiceEfacturaRejected,
    InvoiceEfacturaSubmitted,
)
from genius.apps.sales.spv import tables as st
from genius.apps.sales.spv.leases import check_lease
from genius.integrations.anaf.results import rule_id_of
from genius.kernel.errors import Conflict, NotFound
from genius.kernel.ids import new_id
from genius.platform.db.uow import UnitOfWork

S = SubmissionState
RULE_REJECTED_FISCAL = "sales.efactura.rejected-fiscal"
RULE_ONE_AT_A_TIME = "sales.efactura.one-attempt-at-a-time"
RULE_ACCEPTED_ONCE = "sales.efactura.accepted-once"
RULE_ISSUED_ONLY = "sales.efactura.issued-only"
ACTIVE = frozenset(s for s in SubmissionState if s not in TERMINAL)


def aware(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; every one written here is UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


@dataclass(frozen=True)
class InvoiceFacts:
    """What the submission engine needs of the issued document."""

    id: str
    number: str
    issue_date: date
    document_type: DocumentType
    status: InvoiceStatus
    xml: bytes
    b2c: bool
    foreign_buyer: bool


def b2c_and_foreign(buyer_kind: str, document_json: str | None) -> tuple[bool, bool]:
    """(upload with ``uploadb2c``: the buyer has no CUI, ``extern=DA``: the buyer is outside Romania).

    An individual is B2C (CNP or thirteen zeros in BT-47, no CUI). A one-off buyer typed into
    the document is B2C when Romanian and without a VAT id or a numeric registration id.
    """
    document = json.loads(document_json) if document_json else {}
    buyer = document.get("buyer") or {}
    country = ((buyer.get("address") or {}).get("country_code") or "RO").upper()
    if country != "RO":
        return False, True
    if buyer_kind == "individual":
        return True, False
    if buyer_kind == "company":
        return False, False
    legal = str((buyer.get("legal_registration_id") or {}).get("value") or "")
    has_cui = bool(buyer.get("vat_id")) or (legal.isdigit() and len(legal) <= 10 and set(legal) != {"0"})
    return not has_cui, False


def invoice_facts(conn: Connection, invoice_id: str, *, lock: bool = False) -> InvoiceFacts:
    row = repo.get_invoice_row(conn, invoice_id, for_update=lock)
    if row is None:
        raise NotFound(f"no sales document {invoice_id} in this tenant", code="invoice_not_found")
    if row.xml is None or row.number is None:
        raise Conflict(
            f"sales document {invoice_id} is a draft: issue it first, then submit it to ANAF",
            code="invoice_not_issued",
            details={"rule": RULE_ISSUED_ONLY, "status": row.status},
        )
    b2c, foreign = b2c_and_foreign(row.buyer_kind, row.document_json)
    return InvoiceFacts(
        id=row.id,
        number=row.number,
        issue_date=row.issue_date,
        document_type=DocumentType(row.document_type),
        status=InvoiceStatus(row.status),
        xml=bytes(row.xml),
        b2c=b2c,
        foreign_buyer=foreign,
    )


def latest(conn: Connection, invoice_id: str, *, lock: bool = False) -> Submission | None:
    attempts = repo.submissions_of(conn, invoice_id, for_update=lock)
    return attempts[-1] if attempts else None


def is_fiscal_rejection(attempt: Submission) -> bool:
    """ANAF named a rule of the document's content (BR-..., UBL-...): the document itself is wrong."""
    return attempt.state in (S.REJECTED, S.REFUSED) and any(rule_id_of(m) for m in attempt.messages)


def start_attempt(uow: UnitOfWork, invoice_id: str, now: datetime) -> Submission:
    """A new ``pending`` attempt (the API's submit), or a Conflict naming the rule that forbids it."""
    conn = uow.connection
    facts = invoice_facts(conn, invoice_id, lock=True)
    label = "credit note" if facts.document_type is DocumentType.CREDIT_NOTE else "invoice"
    if facts.status is InvoiceStatus.CANCELLED:
        raise Conflict(
            f"{label} {facts.number} is cancelled: it is not sent to ANAF",
            code="invoice_cancelled",
            details={"rule": RULE_ISSUED_ONLY, "status": facts.status.value},
        )
    attempts = repo.submissions_of(conn, invoice_id, for_update=True)
    previous = attempts[-1] if attempts else None
    if previous is not None:
        if previous.state in ACTIVE:
            raise Conflict(
                f"{label} {facts.number} is being submitted (attempt {previous.attempt} is"
                f" {previous.state.value}): follow it at GET /api/v1/sales/invoices/{invoice_id}/submissions",
                code="submission_in_progress",
                details={
                    "rule": RULE_ONE_AT_A_TIME,
                    "attempt": previous.attempt,
                    "state": previous.state.value,
                },
            )
        if previous.state is S.ACCEPTED:
            raise Conflict(
                f"{label} {facts.number} was accepted by ANAF (upload index {previous.upload_index}):"
                " an invoice is filed once; correct it with a credit note (POST /api/v1/sales/credit-notes)",
                code="efactura_already_accepted",
                details={"rule": RULE_ACCEPTED_ONCE, "upload_index": previous.upload_index},
            )
        if is_fiscal_rejection(previous):
            raise Conflict(
                f"{label} {facts.number} was rejected by ANAF for its content ("
                + "; ".join(previous.messages[:5])
                + "): an issued document cannot be changed, so sending it again would be rejected again."
                " Correct it with a credit note (POST /api/v1/sales/credit-notes/issue,"
                " corrects_invoice_id)"
                " and issue a new invoice with the right data. Only a rejection for reasons outside the"
                " document (SPV rights, registration, an ANAF fault) allows sending it again as it is.",
                code="efactura_rejected_fiscal",
                details={"rule": RULE_REJECTED_FISCAL, "messages": list(previous.messages)},
            )
    attempt = start(invoice_id, (previous.attempt if previous else 0) + 1, now, b2c=facts.b2c)
    repo.insert_submission(conn, new_id(), attempt)
    return attempt


def move(
    uow: UnitOfWork,
    facts: InvoiceFacts,
    attempt: Submission,
    state: SubmissionState,
    now: datetime,
    *,
    upload_index: str | None = None,
    download_id: str | None = None,
    messages: tuple[str, ...] = (),
    error: str | None = None,
    invoice_status: InvoiceStatus | None = None,
    lease: str | None = None,
) -> Submission:
    """Move ``attempt`` (locked first, re-read: the stored state wins) and the invoice with it.

    With ``lease`` (the worker's holder), the move happens only while that holder still has the
    invoice's lease (``submission_lease_lost`` otherwise): a run that lost it stops writing.
    """
    conn = uow.connection
    repo.get_invoice_row(conn, facts.id, for_update=True)
    if lease is not None:
        check_lease(conn, facts.id, facts.number, lease)
    current = latest(conn, facts.id, lock=True)
    if current is None or current.attempt != attempt.attempt or current.state != attempt.state:
        raise Conflict(
            f"submission {attempt.attempt} of {facts.number} changed meanwhile"
            f" ({current.state.value if current else 'gone'})",
            code="submission_changed",
        )
    after = current.move(
        state, now, upload_index=upload_index, download_id=download_id, messages=messages, error=error
    )
    repo.save_submission(conn, after)
    status = invoice_status or invoice_status_after(state)
    if status is not None and status is not facts.status:
        conn.execute(
            t.invoices.update()
            .where(t.invoices.c.id == facts.id)
            .values(status=status.value, updated_at=now, version=t.invoices.c.version + 1)
        )
    _publish(uow, facts, after)
    return after


def _publish(uow: UnitOfWork, facts: InvoiceFacts, attempt: Submission) -> None:
    common = {"invoice_id": facts.id, "number": facts.number, "attempt": attempt.attempt}
    if attempt.state is S.UPLOADED and attempt.upload_index:
        uow.publish(
            InvoiceEfacturaSubmitted(**common, upload_index=attempt.upload_index, b2c=attempt.b2c),
            subject=facts.id,
        )
    elif attempt.state is S.ACCEPTED:
        uow.publish(
            InvoiceEfacturaAccepted(
                **common, upload_index=attempt.upload_index or "", download_id=attempt.download_id or ""
            ),
            subject=facts.id,
        )
    elif attempt.state in (S.REJECTED, S.REFUSED):
        uow.publish(
            InvoiceEfacturaRejected(
                **common,
                upload_index=attempt.upload_index,
                download_id=attempt.download_id,
                messages=list(attempt.messages),
            ),
            subject=facts.id,
        )


def restart_after_failure(
    uow: UnitOfWork, facts: InvoiceFacts, failed: Submission, now: datetime, *, lease: str | None = None
) -> Submission:
    """After a ``failed`` attempt (certainly not filed): the next attempt, pending."""
    conn = uow.connection
    repo.get_invoice_row(conn, facts.id, for_update=True)
    if lease is not None:
        check_lease(conn, facts.id, facts.number, lease)
    current = latest(conn, facts.id, lock=True)
    if current is None or current.attempt != failed.attempt or current.state is not S.FAILED:
        raise Conflict(f"submission of {facts.number} changed meanwhile", code="submission_changed")
    attempt = start(facts.id, failed.attempt + 1, now, b2c=facts.b2c)
    repo.insert_submission(conn, new_id(), attempt)
    if facts.status is InvoiceStatus.SUBMITTED:  # nothing is in SPV: back to plain issued
        conn.execute(
            t.invoices.update()
            .where(t.invoices.c.id == facts.id)
            .values(status=InvoiceStatus.ISSUED.value, updated_at=now, version=t.invoices.c.version + 1)
        )
    return attempt


# -- the legal archive -------------------------------------------------------------------------
@dataclass(frozen=True)
class ArchiveRecord:
    invoice_id: str
    attempt: int
    download_id: str
    upload_index: str | None
    verdict: str
    storage_key: str
    sha256: str
    size: int
    stored_at: datetime


def archive_key(invoice_id: str, number: str, download_id: str) -> str:
    """``sales/efactura/<invoice>/<number>-<download id>.zip`` (the number made key-safe)."""
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in number)[:60] or "document"
    return f"sales/efactura/{invoice_id}/{safe}-{download_id}.zip"


def record_archive(conn: Connection, record: ArchiveRecord) -> None:
    exists = conn.execute(
        sa.select(st.archives.c.id).where(st.archives.c.download_id == record.download_id)
    ).first()
    if exists is None:
        conn.execute(st.archives.insert().values(id=new_id(), **record.__dict__))


def archives_of(conn: Connection, invoice_id: str) -> list[ArchiveRecord]:
    rows = conn.execute(
        sa.select(st.archives).where(st.archives.c.invoice_id == invoice_id).order_by(st.archives.c.stored_at)
    ).all()
    return [
        ArchiveRecord(
            r.invoice_id,
            r.attempt,
            r.download_id,
            r.upload_index,
            r.verdict,
            r.storage_key,
            r.sha256,
            r.size,
            aware(r.stored_at),
        )
        for r in rows
    ]


def unsettled(conn: Connection, older_than: datetime) -> list[str]:
    """Invoices whose latest attempt is still in flight and was last moved before ``older_than``."""
    s = t.submissions
    newest = (
        sa.select(s.c.invoice_id, sa.func.max(s.c.attempt).label("attempt"))
        .group_by(s.c.invoice_id)
        .subquery()
    )
    rows = conn.execute(
        sa.select(s.c.invoice_id)
        .join(newest, sa.and_(newest.c.invoice_id == s.c.invoice_id, newest.c.attempt == s.c.attempt))
        .where(s.c.state.in_([state.value for state in ACTIVE]), s.c.updated_at < older_than)
        .order_by(s.c.updated_at)
    ).all()
    return [r.invoice_id for r in rows]


def submissions_view(conn: Connection, invoice_id: str) -> list[dict[str, Any]]:
    """Every attempt with its archive (the API's ``GET .../submissions``)."""
    if repo.get_invoice_row(conn, invoice_id) is None:
        raise NotFound(f"no sales document {invoice_id} in this tenant", code="invoice_not_found")
    archived = {a.download_id: a for a in archives_of(conn, invoice_id)}
    out = []
    for attempt in repo.submissions_of(conn, invoice_id):
        archive = archived.get(attempt.download_id or "")
        out.append(
            {
                "attempt": attempt,
                "archive": archive,
            }
        )
    return out
