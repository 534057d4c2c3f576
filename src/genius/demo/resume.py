"""What an earlier, interrupted run of the same demo plan left in the tenant: so a rerun continues.

The plan is a pure function of the seed and the day (both kept in the marker), and a run makes
everything in plan order, each record in its own unit of work: partners in the generated order,
products by code, documents in plan order (so the invoices issued are the first invoices of the
plan, by number, and likewise the credit notes). A rerun therefore finds the records of its
plan's prefix and makes only the rest; what it finds must match the plan (names, dates), or it
refuses naming the difference.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from genius.apps.sales import tables as st
from genius.demo.identities import DemoPartner
from genius.demo.plan import PlannedDocument
from genius.kernel.errors import Conflict


class DemoPlanMismatch(Conflict):
    code = "demo_plan_mismatch"


@dataclass
class Found:
    """Ids of records an earlier run made, by the plan's keys."""

    series: dict[str, str] = field(default_factory=dict)  # prefix -> id
    partners: list[tuple[str, str]] = field(default_factory=list)  # (id, name), in creation order
    products: dict[str, str] = field(default_factory=dict)  # code -> id
    documents: dict[str, list[tuple[str, Any]]] = field(default_factory=dict)  # kind -> (id, date)
    submitted: set[str] = field(default_factory=set)  # documents with an e-Factura attempt

    @classmethod
    def read(cls, engine: Any) -> Found:
        with engine.connect() as conn:
            s, p, pr, i = st.series.c, st.partners.c, st.products.c, st.invoices.c
            found = cls(
                series={r.prefix: r.id for r in conn.execute(sa.select(s.prefix, s.id))},
                partners=[
                    (r.id, r.name) for r in conn.execute(sa.select(p.id, p.name).order_by(p.created_at, p.id))
                ],
                products={r.code: r.id for r in conn.execute(sa.select(pr.code, pr.id))},
                submitted=set(conn.execute(sa.select(st.submissions.c.invoice_id).distinct()).scalars()),
            )
            rows = conn.execute(
                sa.select(i.id, i.document_type, i.issue_date)
                .where(i.number.is_not(None))
                .order_by(i.document_type, i.number)
            )
            for row in rows:
                found.documents.setdefault(row.document_type, []).append((row.id, row.issue_date))
        return found

    def partner_ids(self, planned: list[DemoPartner]) -> dict[str, str]:
        """Keys of the partners made already -> their ids (a prefix of ``planned``)."""
        if len(self.partners) > len(planned):
            raise DemoPlanMismatch(
                f"the tenant has {len(self.partners)} partners, the demo plan {len(planned)}"
            )
        out = {}
        for (partner_id, name), wanted in zip(self.partners, planned, strict=False):
            if name != wanted.partner.name:
                raise DemoPlanMismatch(
                    f"partner {name!r} is not the demo plan's {wanted.partner.name!r}: the tenant's data"
                    " is not an earlier run of this seed; seed a fresh tenant"
                )
            out[wanted.key] = partner_id
        return out

    def document_ids(self, plan: list[PlannedDocument]) -> dict[int, str]:
        """Plan indexes of the documents issued already -> their ids, checked against the plan."""
        out: dict[int, str] = {}
        for kind in ("invoice", "credit_note"):
            planned = [d for d in plan if d.kind == kind]
            issued = self.documents.get(kind, [])
            if len(issued) > len(planned):
                raise DemoPlanMismatch(f"the tenant has {len(issued)} {kind}s, the demo plan {len(planned)}")
            for (document_id, issue_date), wanted in zip(issued, planned, strict=False):
                if issue_date != wanted.issue_date:
                    raise DemoPlanMismatch(
                        f"{kind} {document_id} is dated {issue_date}, the demo plan's {wanted.issue_date}:"
                        " the tenant's data is not an earlier run of this seed; seed a fresh tenant"
                    )
                out[wanted.index] = document_id
        return out


__all__ = ["DemoPlanMismatch", "Found"]
