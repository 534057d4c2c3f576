"""The sales app's error tree (each a kernel root, so the gateway maps it to one status).

::

    ValidationError (422)
    └── InvoiceRejected        the built UBL fails the e-Factura validator (anaf_ok is false);
                               details: one entry per fatal finding with rule_id, message_ro,
                               message_en and location (XPath), plus field/code/message
    Conflict (409)
    └── LifecycleConflict      the document's state forbids the action (edit an issued invoice,
                               issue twice, cancel after ANAF); details name the rule
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from genius.kernel.errors import Conflict, FieldProblem, ValidationError


class InvoiceRejected(ValidationError):
    """The invoice's UBL breaks rules ANAF checks: nothing was written, no number was consumed."""

    code = "efactura_validation_failed"

    def __init__(self, findings: Sequence[Any]) -> None:
        fatal = list(findings)
        problems = [FieldProblem(f.location, f.rule_id, f.message_en) for f in fatal]
        first = fatal[0]
        more = f" (and {len(fatal) - 1} more)" if len(fatal) > 1 else ""
        super().__init__(
            f"the invoice would be rejected by ANAF: {first.rule_id}: {first.message_en}{more}",
            problems=problems,
        )
        self.findings = fatal
        self.details = [
            {
                "field": f.location,
                "code": f.rule_id,
                "message": f.message_en,
                "rule_id": f.rule_id,
                "message_ro": f.message_ro,
                "message_en": f.message_en,
                "location": f.location,
            }
            for f in fatal
        ]


class LifecycleConflict(Conflict):
    """An action the document's current state does not allow; ``rule`` names the rule."""

    code = "invoice_state_conflict"

    def __init__(self, message: str, *, rule: str, code: str, status: str) -> None:
        super().__init__(f"{message} ({rule})", code=code, details={"rule": rule, "status": status})
        self.rule = rule
