"""The D406 package's error tree (every class is a ``ValidationError``: the input breaks a rule).

::

    genius.kernel.errors.ValidationError
    └── SaftError                 any refusal by genius.fiscal.ro.saft
        ├── SaftInputError        a record cannot be written as D406: missing required value,
        │   │                     text over the XSD length, amount with more than 2 decimals,
        │   │                     header period that does not fit the declaration type
        │   └── SectionNotAllowed a section has content the declaration type does not report
        │                         (Assets in a monthly file, invoices in an annual one)
        └── TotalsMismatch        the rows streamed disagree with the totals declared before
                                  them (NumberOfEntries, TotalDebit, TotalCredit, ...): the file
                                  already written is wrong and must be discarded

Each problem is a :class:`~genius.kernel.errors.FieldProblem` whose ``field`` names the record
(``GeneralLedgerEntries.Journal[VZ].Transaction[VZ-0001].TransactionLine[2].AccountID``).
"""

from __future__ import annotations

from genius.kernel.errors import FieldProblem, ValidationError


class SaftError(ValidationError):
    """Base of every refusal raised by ``genius.fiscal.ro.saft``."""

    code = "saft_invalid"


class SaftInputError(SaftError):
    """A record cannot be written as D406 (the message names the record and the field)."""

    code = "saft_input_invalid"


class SectionNotAllowed(SaftInputError):
    """The declaration type (L/T/A/C/NL/NT) does not report this section, yet it has content."""

    code = "saft_section_not_allowed"


class TotalsMismatch(SaftError):
    """Streamed rows disagree with the totals given up front; discard the file written so far."""

    code = "saft_totals_mismatch"


def input_error(field: str, message: str, code: str = "invalid") -> SaftInputError:
    """One-problem :class:`SaftInputError` whose message starts with the field path."""
    return SaftInputError(f"{field}: {message}", problems=[FieldProblem(field, code, message)])


__all__ = ["SaftError", "SaftInputError", "SectionNotAllowed", "TotalsMismatch", "input_error"]
