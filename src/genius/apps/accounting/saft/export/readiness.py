"""What stands in the way of a D406 of a period: drafts, unposted documents, missing D406 copies."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import Connection

from genius.apps.accounting import tables as t
from genius.apps.accounting.saft import streams
from genius.apps.accounting.saft import tables as st
from genius.apps.accounting.saft.domain import ReportPeriod
from genius.apps.accounting.saft.export.result import MAX_NAMED, SaftRefused
from genius.fiscal.ro.saft.model import ReportType


def _named(items: list[str]) -> str:
    shown = ", ".join(items[:MAX_NAMED])
    return shown + (f" and {len(items) - MAX_NAMED} more" if len(items) > MAX_NAMED else "")


def readiness(conn: Connection, period: ReportPeriod) -> dict[str, list[str]]:
    """What stands in the way of a D406 of ``period`` (empty lists when nothing does)."""
    e, d, line, a, p = t.entries.c, st.documents.c, t.lines.c, t.accounts.c, st.partners.c
    in_period = (e.entry_date >= period.first) & (e.entry_date <= period.last)
    drafts = [
        f"{r.journal} draft {r.id} of {r.entry_date.isoformat()} ({r.description[:60]})"
        for r in conn.execute(
            sa.select(e.id, e.journal, e.entry_date, e.description)
            .where(in_period, e.status == "draft")
            .order_by(e.entry_date, e.id)
        )
    ]
    if period.report_type is ReportType.ANNUAL_ASSETS:
        # The annual D406 reports GeneralLedgerAccounts and the register, no documents or partners.
        return {"draft_entries": drafts}
    posted = (
        sa.select(sa.literal(1))
        .where(e.source_type == d.source_type, e.source_id == d.id, e.status == "posted")
        .exists()
    )
    unposted = [
        f"{r.number} of {r.issue_date.isoformat()}"
        for r in conn.execute(
            sa.select(d.number, d.issue_date)
            .where(d.status == "issued", d.issue_date >= period.first, d.issue_date <= period.last, ~posted)
            .order_by(d.issue_date, d.number)
        )
    ]
    copied = sa.select(sa.literal(1)).where(d.id == e.source_id).exists()
    uncopied = [
        f"{r.source_number or r.source_id} ({r.number})"
        for r in conn.execute(
            sa.select(e.source_id, e.source_number, e.number)
            .where(
                in_period,
                e.status == "posted",
                e.source_type.in_((*streams.SALES_SOURCES, *streams.PURCHASE_SOURCES)),
                e.reverses.is_(None),
                ~copied,
            )
            .order_by(e.entry_date, e.number)
        )
    ]
    known = sa.select(sa.literal(1)).where(p.partner_id == line.partner_id, p.saft_id.is_not(None)).exists()
    nameless = sorted(
        {
            f"{r.partner_id} ({r.account})"
            for r in conn.execute(
                sa.select(line.partner_id, line.account)
                .select_from(
                    t.lines.join(t.entries, e.id == line.entry_id).join(t.accounts, a.code == line.account)
                )
                .where(
                    in_period,
                    e.status == "posted",
                    line.partner_id.is_not(None),
                    sa.func.substr(a.synthetic, 1, 2).in_(("40", "41")),
                    ~known,
                )
                .distinct()
            )
        }
    )
    return {
        "draft_entries": drafts,
        "unposted_documents": unposted,
        "documents_without_d406_copy": uncopied,
        "partners_without_d406_data": nameless,
    }


def check_ready(conn: Connection, period: ReportPeriod) -> None:
    problems = readiness(conn, period)
    if not any(problems.values()):
        return
    texts = {
        "draft_entries": "draft entries in the period (approve or delete them)",
        "unposted_documents": "issued sales documents or received supplier documents not yet posted "
        "to the ledger",
        "documents_without_d406_copy": "posted documents the D406 read model has not received "
        "(is the accounting.saft consumer running? genius saft sync copies them)",
        "partners_without_d406_data": "partners booked in the period without D406 identification "
        "(genius saft sync, or wait for the accounting.saft consumer)",
    }
    parts = [f"{texts[key]}: {_named(items)}" for key, items in problems.items() if items]
    raise SaftRefused(
        f"D406 {period.label} refused: " + "; ".join(parts),
        details={key: items for key, items in problems.items() if items},
    )


# -- the export ---------------------------------------------------------------------------------------
