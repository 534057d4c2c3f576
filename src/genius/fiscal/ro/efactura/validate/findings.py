"""Validation results: one ``Finding`` per broken rule and the ``ValidationReport`` holding them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

Flag = Literal["fatal", "warning"]
FATAL: Flag = "fatal"
WARNING: Flag = "warning"


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule the document breaks.

    ``location`` is an XPath to the offending element, e.g.
    ``/Invoice/cac:InvoiceLine[2]/cbc:LineExtensionAmount`` (an index appears only where the
    element repeats), with ``/@attr`` appended when an attribute is at fault.
    """

    rule_id: str
    flag: Flag
    message_ro: str
    message_en: str
    location: str

    @property
    def is_fatal(self) -> bool:
        return self.flag == FATAL


@dataclass(frozen=True, slots=True)
class ValidationReport:
    """Every finding of one validation run (XSD, EN 16931, CIUS-RO), in rule order."""

    findings: tuple[Finding, ...] = field(default_factory=tuple)

    @classmethod
    def of(cls, findings: Iterable[Finding]) -> ValidationReport:
        return cls(tuple(findings))

    @property
    def fatal(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.flag == FATAL)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.flag != FATAL)

    @property
    def fatal_rule_ids(self) -> frozenset[str]:
        return frozenset(f.rule_id for f in self.findings if f.flag == FATAL)

    @property
    def warning_rule_ids(self) -> frozenset[str]:
        return frozenset(f.rule_id for f in self.findings if f.flag != FATAL)

    @property
    def anaf_ok(self) -> bool:
        """ANAF's verdict: accepted when no fatal finding (XSD findings included) remains."""
        return not any(f.flag == FATAL for f in self.findings)

    def merged(self, other: ValidationReport | Iterable[Finding]) -> ValidationReport:
        extra = other.findings if isinstance(other, ValidationReport) else tuple(other)
        return ValidationReport(self.findings + extra)
