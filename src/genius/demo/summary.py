"""What a demo tenant holds, counted from its database: the summary ``genius demo`` prints."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from genius.apps.procurement import tables as pt
from genius.apps.sales import tables as st
from genius.apps.sales.spv import tables as spv


@dataclass(frozen=True)
class DemoSummary:
    counts: dict[str, int]
    accounting: dict[str, int] = field(default_factory=dict)
    seed: int | None = None
    already: bool = False  # the tenant was seeded before: this run did nothing
    seconds: float = 0.0

    @classmethod
    def of(
        cls, counts: dict[str, int], marker: dict[str, Any], *, already: bool = False, seconds: float = 0.0
    ) -> DemoSummary:
        return cls(counts, dict(marker.get("accounting") or {}), marker.get("seed"), already, seconds)

    def lines(self) -> list[str]:
        out = [f"{name:<28} {value:>6}" for name, value in self.counts.items()]
        out += [f"accounting: {name:<16} {value:>6}" for name, value in self.accounting.items()]
        return out


def count_tenant(platform: Any, slug: str) -> dict[str, int]:
    """Partners, products, documents by kind, submissions by outcome, register entries, rates."""
    count = sa.func.count()
    with platform.databases.engine_for_slug(slug).connect() as conn:

        def scalar(table: sa.Table, *where: Any) -> int:
            return int(conn.execute(sa.select(count).select_from(table).where(*where)).scalar_one())

        invoices = st.invoices.c
        submissions = st.submissions.c
        return {
            "partners": scalar(st.partners),
            "products": scalar(st.products),
            "invoices": scalar(
                st.invoices, invoices.document_type == "invoice", invoices.number.is_not(None)
            ),
            "credit_notes": scalar(
                st.invoices, invoices.document_type == "credit_note", invoices.number.is_not(None)
            ),
            "accepted_by_anaf": scalar(st.submissions, submissions.state == "accepted"),
            "rejected_by_anaf": scalar(st.submissions, submissions.state.in_(("rejected", "refused"))),
            "supplier_invoices_received": scalar(pt.supplier_invoices),
            "bnr_rates": scalar(spv.bnr_rates),
        }


__all__ = ["DemoSummary", "count_tenant"]
