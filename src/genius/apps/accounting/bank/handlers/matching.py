"""The match run (the body of worker ``match``): transfers and fees posted, sure matches applied, the rest
proposed.

Lines waiting (new, proposed or unmatched; not one a person reopened) are read with the open items
once; moves between the tenant's own accounts are posted through 581 (``transfers``); bank fees
are posted (627 = 5121); the others go through ``domain.matching.match_lines`` in booking order,
so an invoice settled by one line is not offered to the next. Each line is then written in its own
unit of work: a crash part-way leaves the lines done so far done, and a retried job skips them
(only waiting lines are read; the ledger refuses a second posting of a line).

An automatic match that cannot be applied (the month is closed in the ledger, an invoice changed
meanwhile) falls back to a proposal whose note says why.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from genius.apps.accounting.bank import repository as repo
from genius.apps.accounting.bank.domain.matching import AUTO_RECONCILE_THRESHOLD, match_lines
from genius.apps.accounting.bank.handlers.ledger import is_fee
from genius.apps.accounting.bank.handlers.reconcile import StaleMatch, apply, propose, record_fee
from genius.apps.accounting.bank.handlers.transfers import post_transfer, transfer_kind
from genius.kernel.errors import GeniusError, NotFound, ValidationError
from genius.platform.db.uow import UnitOfWork
from genius.platform.tenancy import TenantContext, TenantDatabases

MIN_THRESHOLD = 0.5  # below this an automatic match is a guess; ask a person instead
Progress = Callable[[int, str], None]


@dataclass
class MatchSummary:
    lines: int = 0
    reconciled: int = 0
    proposed: int = 0
    unmatched: int = 0
    fees: int = 0
    transfers: int = 0
    posted: int = 0
    not_posted: list[str] = field(default_factory=list)


def run_match(
    databases: TenantDatabases,
    tenant: TenantContext,
    *,
    statement_id: str | None = None,
    line_ids: Sequence[str] = (),
    threshold: float | None = None,
    job_id: str | None = None,
    progress: Progress | None = None,
) -> MatchSummary:
    if threshold is not None and not MIN_THRESHOLD <= threshold <= 1.0:
        raise ValidationError.for_field("threshold", f"{threshold}: from {MIN_THRESHOLD} to 1")
    with UnitOfWork(databases, tenant=tenant, write=False) as uow:
        conn = uow.connection
        if statement_id is not None and repo.statement_row(conn, statement_id) is None:
            raise NotFound(f"no bank statement {statement_id!r}", details={"statement_id": statement_id})
        waiting = repo.AUTO_MATCHABLE
        rows = repo.list_lines(conn, statement_id=statement_id, statuses=waiting, line_ids=line_ids)
        items = repo.open_items(conn)
        transfers = {r.id: kind for r in rows if (kind := transfer_kind(uow, r)) is not None}
    summary = MatchSummary(lines=len(rows))
    report = progress or (lambda _p, _m: None)
    report(5, f"{len(rows)} line(s), {len(items)} open invoice(s)")
    _transfers(databases, tenant, transfers, job_id, summary)
    rows = [r for r in rows if r.id not in transfers]
    fees = [r for r in rows if is_fee(r)]
    others = [r for r in rows if not is_fee(r)]
    for row in fees:
        try:
            with UnitOfWork(databases, tenant=tenant) as uow:
                posting = record_fee(uow, row.id, job_id=job_id)
        except StaleMatch:
            continue
        except GeniusError as exc:  # a closed month: the fee waits, saying why
            with contextlib.suppress(StaleMatch), UnitOfWork(databases, tenant=tenant) as uow:
                propose(uow, row.id, (), job_id=job_id, note=f"bank fee not posted: {exc.message}")
            summary.unmatched += 1
            continue
        summary.fees += 1
        summary.posted += posting.posted
        if not posting.posted and posting.note:
            summary.not_posted.append(f"{row.id}: {posting.note}")
    decisions = match_lines(
        [repo.facts(r) for r in others],
        items,
        threshold=threshold if threshold is not None else AUTO_RECONCILE_THRESHOLD,
    )
    for done, decision in enumerate(decisions, start=1):
        with contextlib.suppress(StaleMatch):  # a person settled the line meanwhile
            _write(databases, tenant, decision, job_id, summary)
        if done % 25 == 0 or done == len(decisions):
            report(10 + int(85 * done / len(decisions)), f"{done} of {len(decisions)} line(s) matched")
    return summary


def _transfers(
    databases: TenantDatabases,
    tenant: TenantContext,
    found: dict[str, str],
    job_id: str | None,
    summary: MatchSummary,
) -> None:
    """Post each internal transfer in its own unit of work; one that cannot be (a closed month, no
    BNR rate) waits as unmatched, saying why."""
    for line_id, kind in found.items():
        try:
            with UnitOfWork(databases, tenant=tenant) as uow:
                post_transfer(uow, line_id, kind, job_id=job_id)
        except StaleMatch:
            continue
        except GeniusError as exc:
            with contextlib.suppress(StaleMatch), UnitOfWork(databases, tenant=tenant) as uow:
                propose(uow, line_id, (), job_id=job_id, note=f"internal transfer not posted: {exc.message}")
            summary.unmatched += 1
            continue
        summary.transfers += 1
        summary.posted += 1


def _write(
    databases: TenantDatabases, tenant: TenantContext, decision, job_id, summary: MatchSummary
) -> None:  # type: ignore[no-untyped-def]
    note = None
    if decision.auto is not None:
        try:
            with UnitOfWork(databases, tenant=tenant) as uow:
                applied = apply(
                    uow,
                    decision.line_id,
                    decision.auto.allocations,
                    method="auto",
                    confidence=decision.auto.confidence,
                    job_id=job_id,
                )
            summary.reconciled += 1
            summary.posted += applied.posting.posted
            if not applied.posting.posted and applied.posting.note:
                summary.not_posted.append(f"{decision.line_id}: {applied.posting.note}")
            return
        except StaleMatch:
            raise
        except GeniusError as exc:  # a closed month, an account missing from the ledger, ...
            note = f"not applied automatically: {exc.message}"
    with UnitOfWork(databases, tenant=tenant) as uow:
        status = propose(uow, decision.line_id, decision.candidates, job_id=job_id, note=note)
    if status == repo.PROPOSED:
        summary.proposed += 1
    else:
        summary.unmatched += 1
