"""Before the demo's accounting is seeded: every issued document must already be in the ledger
and in the bank part's open items (the subscribers have drained the bus), else nothing is done.

Reads the sales and procurement tables (issued invoices, credit notes, received supplier
documents) and compares them with the ledger's entries by source (``accounting.subscriptions``
posts them as ``sales_invoice``, ``sales_credit_note``, ``supplier_invoice``,
``supplier_credit_note``) and with ``bank_open_items`` (fed by ``accounting.bank-open-items``).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from genius.apps.accounting import tables as acc
from genius.apps.accounting.bank import tables as bank
from genius.apps.procurement import tables as proc
from genius.apps.sales import tables as sales
from genius.kernel.errors import Conflict

MAX_NAMED = 20  # documents named in the message; all are in the details


class DemoNotReady(Conflict):
    """Documents of the tenant are not posted yet: the bus was not drained before seeding."""

    code = "demo_not_ready"


@dataclass(frozen=True)
class Document:
    kind: str  # the ledger's source type
    id: str
    number: str


def issued_documents(conn: sa.Connection) -> list[Document]:
    """Issued (or later cancelled) sales documents and every received supplier document."""
    s = sales.invoices.c
    rows = conn.execute(
        sa.select(s.id, s.number, s.document_type)
        .where(s.number.is_not(None), s.status != "draft")
        .order_by(s.issue_date, s.number)
    ).all()
    out = [
        Document("sales_credit_note" if r.document_type == "credit_note" else "sales_invoice", r.id, r.number)
        for r in rows
    ]
    p = proc.supplier_invoices.c
    for r in conn.execute(sa.select(p.id, p.number, p.document_kind).order_by(p.issue_date, p.number)):
        kind = "supplier_credit_note" if r.document_kind == "credit_note" else "supplier_invoice"
        out.append(Document(kind, r.id, r.number))
    return out


def check_posted(conn: sa.Connection) -> int:
    """Raise ``DemoNotReady`` naming what the ledger or the open items lack; else the count checked."""
    documents = issued_documents(conn)
    e = acc.entries.c
    posted = {
        (r.source_type, r.source_id)
        for r in conn.execute(
            sa.select(e.source_type, e.source_id).where(
                e.status == "posted",
                e.source_type.in_({d.kind for d in documents} or {""}),
            )
        )
    }
    unposted = [d for d in documents if (d.kind, d.id) not in posted]
    known = set(conn.execute(sa.select(bank.open_items.c.id)).scalars())
    # Supplier credit notes enter the open items as settled payables; sales credit notes as notes.
    untracked = [d for d in documents if d.id not in known]
    problems = []
    if unposted:
        problems.append(f"{len(unposted)} not posted in the ledger ({_names(unposted)})")
    if untracked:
        problems.append(f"{len(untracked)} missing from the bank open items ({_names(untracked)})")
    if problems:
        raise DemoNotReady(
            "cannot seed the demo accounting: of the tenant's documents, "
            + "; ".join(problems)
            + ". Deliver the outbox to the accounting subscribers first (relay drained, consumers idle)"
            " and look at the dead letters (genius dlq) if they stay missing",
            details={
                "unposted": [d.number for d in unposted],
                "not_in_open_items": [d.number for d in untracked],
            },
        )
    return len(documents)


def _names(documents: list[Document]) -> str:
    shown = ", ".join(f"{d.kind} {d.number}" for d in documents[:MAX_NAMED])
    return shown + (f" and {len(documents) - MAX_NAMED} more" if len(documents) > MAX_NAMED else "")


__all__ = ["DemoNotReady", "Document", "check_posted", "issued_documents"]
