"""What an export returns and how it refuses: ``ExportResult``, ``SaftRefused``, findings as dicts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from genius.apps.accounting.saft.domain import ReportPeriod
from genius.fiscal.ro.saft import (
    Finding,
    Severity,
    WriteSummary,
)
from genius.kernel.errors import Conflict

MAX_NAMED = 20  # documents or findings named in a refusal's message (all are in its details)


class SaftRefused(Conflict):
    """The books are not ready for a D406 of this period; ``details`` lists what to fix."""

    code = "saft_refused"


@dataclass(frozen=True)
class ExportResult:
    period: ReportPeriod
    file_name: str
    sha256: str
    size: int
    summary: WriteSummary
    warnings: list[Finding] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        s = self.summary
        return {
            **{f"master_{name}": count for name, count in s.master_files.items()},
            "transactions": s.transactions,
            "transaction_lines": s.transaction_lines,
            "sales_invoices": s.sales_invoices,
            "purchase_invoices": s.purchase_invoices,
            "payments": s.payments,
            "asset_transactions": s.asset_transactions,
        }


def finding_dict(finding: Finding) -> dict[str, Any]:
    return {
        "code": finding.code,
        "severity": finding.severity.value,
        "message_ro": finding.message_ro,
        "message_en": finding.message_en,
        "entity_kind": finding.entity_kind.value,
        "entity_id": finding.entity_id,
        "field": finding.field,
    }


# -- readiness ----------------------------------------------------------------------------------------


def refuse_errors(period: ReportPeriod, findings: list[Finding]) -> None:
    """``SaftRefused`` naming the pre-validation's errors (at most ``MAX_NAMED`` in the message)."""
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if not errors:
        return
    shown = "; ".join(f"{f.code} {f.entity_id}: {f.message_en}" for f in errors[:MAX_NAMED])
    more = f" and {len(errors) - MAX_NAMED} more" if len(errors) > MAX_NAMED else ""
    raise SaftRefused(
        f"D406 {period.label} refused by the pre-validation, {len(errors)} error(s): {shown}{more}",
        details={"findings": [finding_dict(f) for f in errors]},
    )
