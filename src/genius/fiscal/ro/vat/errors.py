"""The VAT package's error tree: every refusal is a ``ValidationError`` naming the rule.

::

    genius.kernel.errors.ValidationError
    └── VatRuleError          a VAT category, rate kind or rate breaks a Romanian or EN 16931 rule;
                              each problem's ``code`` is the rule id (``RO-VAT-RATE``, ``BR-E-05``)
"""

from __future__ import annotations

from genius.kernel.errors import FieldProblem, ValidationError


class VatRuleError(ValidationError):
    """A VAT category/rate combination or a rate lookup that the rules refuse."""

    code = "vat_rule_violation"

    @classmethod
    def of(cls, field_path: str, rule: str, message: str) -> VatRuleError:
        return cls(f"{field_path}: {message} ({rule})", problems=[FieldProblem(field_path, rule, message)])


__all__ = ["VatRuleError"]
