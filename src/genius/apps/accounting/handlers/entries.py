"""Entries: posting, manual drafts and their approval, reversals; each in the caller's unit of work.

``post`` is the one way into the ledger: it validates (domain), checks the period, refuses a
second posting of the same source document, inserts the entry as a draft with its lines, numbers
it and posts it by a status change that the database guards (migration 0001), and publishes
``accounting.journal.posted`` in the same transaction.

``reverse`` is the user's correction of a posted entry (the ``/entries/{id}/reverse`` route). It
refuses an entry whose source document is owned by a part of accounting that must change its own
state with the reversal (``OWNED_SOURCES``: the cash register's operations, whose cancellation
also marks the operation cancelled and reopens the invoice; the bank lines, whose cancellation
reopens the line and gives back to the invoices what it settled); that part calls
``reverse_owned`` instead, the same reversal without the refusal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from genius.apps.accounting import repository as repo
from genius.apps.accounting import tables as t
from genius.apps.accounting.commands import ApproveEntry, CreateDraftEntry, DeleteDraft, ReverseEntry
from genius.apps.accounting.domain.entries import Entry, EntryDraft, EntryStatus, reversal_of, validate
from genius.apps.accounting.domain.errors import AlreadyPosted, EntryImmutable, SegregationOfDuties
from genius.apps.accounting.domain.periods import Period, check_open
from genius.apps.accounting.events import JournalEntryPosted
from genius.kernel.clock import utcnow
from genius.kernel.errors import Conflict, ValidationError
from genius.kernel.ids import new_id
from genius.platform.audit import AuditTrail
from genius.platform.db.uow import UnitOfWork

from .audit import audit


@dataclass(frozen=True)
class Owner:
    """The part of accounting that reverses entries of a source type: its route and what it does."""

    route: str  # the user's route instead of /entries/{id}/reverse ("{id}": the source document)
    code: str  # the 409's error code
    does: str  # what the route does besides the storno
    after: str  # what the user does once the source is cancelled


CASH_CANCEL_ROUTE = "POST /api/v1/accounting/cash/operations/{id}/cancel"
BANK_LINE_CANCEL_ROUTE = "POST /api/v1/accounting/bank/lines/{id}/cancel"
_CASH = Owner(
    CASH_CANCEL_ROUTE,
    "use_cash_cancel",
    "which marks the operation cancelled and gives back what it settled",
    "a cancellation is final; record the operation again instead",
)
_BANK_LINE = Owner(
    BANK_LINE_CANCEL_ROUTE,
    "use_bank_line_cancel",
    "which reopens the line and gives back to the invoices what it settled",
    "the line was reopened; reconcile or post it again instead",
)
# Source types whose entries only their owner may reverse. The cash types are those of
# ``cash.handlers.record`` (receipt, payment, plain operation); ``bank_line`` is
# ``bank.handlers.ledger``'s (settlements, fees, direct postings, transfers).
OWNED_SOURCES: dict[str, Owner] = {
    "cash_receipt": _CASH,
    "cash_payment": _CASH,
    "cash_operation": _CASH,
    "bank_line": _BANK_LINE,
}


def _label(draft: EntryDraft) -> str:
    if draft.source is not None:
        return f"the entry of {draft.source.type} {draft.source.number or draft.source.id}"
    return "the entry"


def _check(uow: UnitOfWork, draft: EntryDraft, label: str) -> None:
    conn = uow.connection
    journal = conn.execute(sa.select(t.journals.c.code).where(t.journals.c.code == draft.journal)).first()
    if journal is None:
        raise ValidationError.for_field("journal", f"{draft.journal!r} is not a journal of this ledger")
    validate(draft, repo.account_checker(conn, (line.account for line in draft.lines)), label=label)
    period = Period.of(draft.entry_date)
    check_open(period, repo.period_status(conn, period), label)


def post(
    uow: UnitOfWork,
    draft: EntryDraft,
    *,
    created_by: str | None = None,
    source_event_id: str | None = None,
    label: str | None = None,
) -> Entry:
    """Validate and post ``draft`` now (automatic postings, reversals); returns the posted entry."""
    label = label or _label(draft)
    _check(uow, draft, label)
    conn = uow.connection
    if draft.source is not None:
        existing = repo.find_by_source(conn, draft.source)
        if existing is not None:
            raise AlreadyPosted(
                f"{label} is already in the ledger (entry {existing})",
                details={"entry_id": existing, "source_id": draft.source.id},
            )
    entry_id = new_id()
    now = utcnow()
    repo.insert_draft(
        conn, entry_id, draft, created_by=created_by, created_at=now, source_event_id=source_event_id
    )
    return _post_draft(uow, entry_id, draft, approved_by=None, label=label)


def _post_draft(
    uow: UnitOfWork, entry_id: str, draft: EntryDraft, *, approved_by: str | None, label: str
) -> Entry:
    conn = uow.connection
    number = repo.next_number(conn, draft.journal, draft.entry_date.year)
    repo.mark_posted(conn, entry_id, number=number, approved_by=approved_by, posted_at=utcnow(), label=label)
    entry = repo.get_entry(conn, entry_id)
    uow.publish(
        JournalEntryPosted(
            entry_id=entry.id,
            journal=entry.journal,
            number=number,
            entry_date=entry.entry_date,
            storno=entry.storno,
            total=entry.total,
            line_count=len(entry.lines),
            accounts=sorted({line.account for line in entry.lines}),
            source_type=entry.source.type if entry.source else None,
            source_id=entry.source.id if entry.source else None,
            source_number=entry.source.number if entry.source else None,
            reverses=entry.reverses,
            posted_by=approved_by,
        ),
        subject=entry.id,
    )
    return entry


def create_draft(uow: UnitOfWork, command: CreateDraftEntry, trail: AuditTrail | None = None) -> Entry:
    """A manual entry as a draft, checked like a posting; another user approves it."""
    draft = EntryDraft(
        command.journal, command.entry_date, command.description.strip(), command.lines, command.storno
    )
    _check(uow, draft, "the draft entry")
    user = uow.tenant.user_id if uow.tenant else None
    entry_id = new_id()
    repo.insert_draft(uow.connection, entry_id, draft, created_by=user, created_at=utcnow())
    entry = repo.get_entry(uow.connection, entry_id)
    audit(uow, trail, "accounting.entry.draft", entry_id, after=_summary(entry))
    return entry


def resource_of(uow: UnitOfWork, entry_id: str) -> dict[str, Any]:
    """The attributes ABAC rules look at (``created_by`` for segregation of duties, ``amount``)."""
    entry = repo.get_entry(uow.connection, entry_id)
    return {"created_by": entry.created_by, "amount": str(entry.total), "journal": entry.journal}


def approve(uow: UnitOfWork, command: ApproveEntry, trail: AuditTrail | None = None) -> Entry:
    """Post a draft. The route authorizes ``accounting.journal.approve`` with the entry's creator
    (the platform's four-eyes rule); the domain refuses the creator again here, so no other
    caller can skip it."""
    conn = uow.connection
    entry = repo.get_entry(conn, command.entry_id, for_update=True)
    if entry.status is not EntryStatus.DRAFT:
        raise EntryImmutable(f"{entry.label} is already posted", details={"entry_id": entry.id})
    approver = uow.tenant.user_id if uow.tenant else None
    if approver is None or entry.created_by is None or approver == entry.created_by:
        raise SegregationOfDuties(
            f"{entry.label} was created by user {entry.created_by}; another user must approve it",
            details={"entry_id": entry.id, "created_by": entry.created_by},
        )
    draft = EntryDraft(entry.journal, entry.entry_date, entry.description, entry.lines, entry.storno)
    label = f"draft entry {entry.id}"
    _check(uow, draft, label)
    posted = _post_draft(uow, entry.id, draft, approved_by=approver, label=label)
    audit(
        uow, trail, "accounting.entry.approve", entry.id, before={"status": "draft"}, after=_summary(posted)
    )
    return posted


def reverse(uow: UnitOfWork, command: ReverseEntry, trail: AuditTrail | None = None) -> Entry:
    """A red-storno reversal of a posted entry (the only correction of a posted entry).

    An entry of a cash operation or a bank line is refused (409 ``use_cash_cancel`` /
    ``use_bank_line_cancel``, naming the source and its cancel route): reversed here, the operation
    or line would stay settled, its invoice too, and its later cancellation refused.
    """
    entry = repo.get_entry(uow.connection, command.entry_id, for_update=True)
    _refuse_owned(entry)
    return _reverse(uow, entry, command, trail)


def reverse_owned(uow: UnitOfWork, command: ReverseEntry, trail: AuditTrail | None = None) -> Entry:
    """``reverse`` for the owner of the entry's source document (``OWNED_SOURCES``), which changes
    its own state in the same unit of work (the cash register's cancellation)."""
    entry = repo.get_entry(uow.connection, command.entry_id, for_update=True)
    return _reverse(uow, entry, command, trail)


def _refuse_owned(entry: Entry) -> None:
    source = entry.source
    if source is None or source.type not in OWNED_SOURCES:
        return
    kind = source.type.replace("_", " ")
    owner = OWNED_SOURCES[source.type]
    route = owner.route.replace("{id}", source.id)
    details = {
        "entry_id": entry.id,
        "source_type": source.type,
        "source_id": source.id,
        "source_number": source.number,
        "route": route,
    }
    if entry.storno or source.role.startswith("reverse:"):
        raise Conflict(
            f"{entry.label} is the storno of the cancelled {kind} {source.number} (id {source.id}):"
            f" {owner.after}",
            code=owner.code,
            details=details,
        )
    raise Conflict(
        f"{entry.label} records {kind} {source.number} (id {source.id}): cancel it with {route},"
        f" {owner.does}",
        code=owner.code,
        details=details,
    )


def _reverse(uow: UnitOfWork, entry: Entry, command: ReverseEntry, trail: AuditTrail | None) -> Entry:
    if entry.status is not EntryStatus.POSTED:
        raise EntryImmutable(f"{entry.label} is a draft: change or delete it instead of reversing")
    if entry.reversed_by is not None:
        raise AlreadyPosted(
            f"{entry.label} is already reversed by entry {entry.reversed_by}",
            details={"entry_id": entry.id, "reversed_by": entry.reversed_by},
        )
    user = uow.tenant.user_id if uow.tenant else None
    reversal = post(
        uow,
        reversal_of(entry, command.on, command.description),
        created_by=user,
        label=f"the reversal of {entry.label}",
    )
    audit(
        uow,
        trail,
        "accounting.entry.reverse",
        entry.id,
        after={"reversal": reversal.id, "number": reversal.number},
    )
    return reversal


def delete_draft(uow: UnitOfWork, command: DeleteDraft, trail: AuditTrail | None = None) -> None:
    entry = repo.get_entry(uow.connection, command.entry_id, for_update=True)
    if entry.status is not EntryStatus.DRAFT:
        raise EntryImmutable(f"{entry.label} is posted and cannot be deleted: reverse it")
    repo.delete_draft(uow.connection, entry.id)
    audit(uow, trail, "accounting.entry.delete_draft", entry.id, before=_summary(entry))


def _summary(entry: Entry) -> dict[str, Any]:
    return {
        "journal": entry.journal,
        "number": entry.number,
        "date": entry.entry_date.isoformat(),
        "status": entry.status.value,
        "total": str(entry.total),
        "lines": [[line.account, str(line.debit), str(line.credit)] for line in entry.lines],
    }
