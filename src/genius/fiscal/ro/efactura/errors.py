"""The e-Factura package's error tree (all are ``ValidationError``: the input breaks a rule).

::

    genius.kernel.errors.ValidationError
    └── EfacturaError              any refusal by the e-Factura model, compute, JSON form or builder
        ├── JsonFormError          the JSON form is malformed: unknown key, wrong type, bad date,
        │                          bad decimal, missing required key (field path in every problem)
        ├── CalculationMismatch    a given amount disagrees with the EN 16931 calculation, or an
        │                          amount needed for the calculation is missing (BR-CO-10..17,
        │                          BR-S-08, BR-DEC-..., named in each problem's ``code``)
        └── RuleViolation          the invoice breaks a CIUS-RO (BR-RO-...) or EN 16931 rule that
                                   can be checked on the model (lengths, county codes, Bucharest
                                   sectors, categories and rates, required parties' identifiers)

Every problem is a :class:`~genius.kernel.errors.FieldProblem` whose ``field`` is the dotted path
in the model / JSON form (``lines[2].price.net_price``) and whose ``code`` is the rule id
(``BR-CO-13``) or, for JSON-form problems, a short machine code (``unknown_key``, ``bad_decimal``).
"""

from __future__ import annotations

from genius.kernel.errors import FieldProblem, ValidationError


class EfacturaError(ValidationError):
    """Base of every refusal raised by ``genius.fiscal.ro.efactura``."""

    code = "efactura_invalid"

    @classmethod
    def from_problems(cls, summary: str, problems: list[FieldProblem]) -> EfacturaError:
        """One error carrying all problems; the message names the first and counts the rest."""
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        return cls(f"{summary}: {first.field}: {first.message}{more}", problems=problems)


class JsonFormError(EfacturaError):
    """The JSON form of an invoice is malformed (see docs/efactura-json.md)."""

    code = "efactura_json_invalid"


class CalculationMismatch(EfacturaError):
    """A given amount disagrees with EN 16931's calculation, or one it needs is missing."""

    code = "efactura_calculation_mismatch"


class RuleViolation(EfacturaError):
    """The invoice breaks a CIUS-RO or EN 16931 business rule checkable on the model."""

    code = "efactura_rule_violation"


__all__ = ["CalculationMismatch", "EfacturaError", "JsonFormError", "RuleViolation"]
