"""Pre-validation findings: a stable code, Romanian and English messages, the entity to fix."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    """ERROR: DUK rejects the file, or ANAF's cross-checks will flag it. WARNING: worth a look."""

    ERROR = "error"
    WARNING = "warning"


class EntityKind(StrEnum):
    HEADER = "header"
    ACCOUNT = "account"
    CUSTOMER = "customer"
    SUPPLIER = "supplier"
    TAX_CODE = "tax_code"
    TRANSACTION = "transaction"
    INVOICE = "invoice"
    PAYMENT = "payment"
    LEDGER = "ledger"
    ASSET = "asset"


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a user can fix before filing."""

    code: str
    severity: Severity
    message_ro: str
    message_en: str
    entity_kind: EntityKind
    entity_id: str
    field: str | None = None


@dataclass
class Findings:
    """Collects findings, at most ``max_per_code`` of each code (then one summary finding), so a
    systematic mistake over a million lines does not produce a million findings."""

    max_per_code: int = 100
    items: list[Finding] = field(default_factory=list)
    _per_code: Counter[str] = field(default_factory=Counter)

    def add(
        self,
        code: str,
        severity: Severity,
        entity_kind: EntityKind,
        entity_id: str,
        message_ro: str,
        message_en: str,
        field: str | None = None,
    ) -> None:
        self._per_code[code] += 1
        if self._per_code[code] <= self.max_per_code:
            self.items.append(Finding(code, severity, message_ro, message_en, entity_kind, entity_id, field))

    def result(self) -> list[Finding]:
        """The findings, plus one ``<CODE>_MORE`` finding per code that went over the cap."""
        out = list(self.items)
        for code, count in self._per_code.items():
            if count > self.max_per_code:
                severity = next(f.severity for f in self.items if f.code == code)
                hidden = count - self.max_per_code
                out.append(
                    Finding(
                        f"{code}_MORE",
                        severity,
                        f"Încă {hidden} constatări {code} nu sunt afișate.",
                        f"{hidden} more {code} findings are not listed.",
                        EntityKind.LEDGER,
                        code,
                    )
                )
        return out
