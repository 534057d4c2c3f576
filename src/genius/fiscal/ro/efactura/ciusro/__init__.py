"""CIUS-RO (ANAF's national rules, schematron 1.0.9) and the EN 16931 rules checkable on the model.

:func:`check_rules` refuses, before any XML is written, what ANAF would reject: text lengths
(BR-RO-L...), counts (BR-RO-A...), Romanian county codes and Bucharest sectors (BR-RO-100..212),
currency (BR-RO-030), document type (BR-RO-020), tax point date code (BR-RO-040), required
addresses and identifiers (BR-RO-065/080/090/120/140/150/180/201/211), plus the EN 16931 rules a
builder must respect (BR-CO-09 VAT id prefix, BR-CO-25 due date or payment terms, BR-62/63
electronic address scheme, BR-x-10 exemption reasons). Arithmetic is :mod:`.compute`'s job.

Lengths are counted after collapsing whitespace, as the schematron's ``normalize-space`` does.
"""

from __future__ import annotations

from genius.fiscal.ro.efactura.ciusro.codes import BUCHAREST_SECTORS, RO_COUNTY_CODES
from genius.fiscal.ro.efactura.ciusro.document import (
    check_allowances_and_vat,
    check_header,
    check_lines,
    check_payment,
)
from genius.fiscal.ro.efactura.ciusro.parties import check_other_parties, check_party, check_tax_identifiers
from genius.fiscal.ro.efactura.ciusro.problems import Problems
from genius.fiscal.ro.efactura.errors import RuleViolation
from genius.fiscal.ro.efactura.model import Invoice
from genius.kernel.errors import FieldProblem


def rule_problems(invoice: Invoice) -> list[FieldProblem]:
    """Every CIUS-RO / EN 16931 rule the model breaks (empty when none); see :func:`check_rules`."""
    problems = Problems()
    check_header(problems, invoice)
    check_party(problems, invoice.seller, "seller", seller=True)
    check_party(problems, invoice.buyer, "buyer", seller=False)
    check_other_parties(problems, invoice)
    check_tax_identifiers(problems, invoice)
    check_payment(problems, invoice)
    check_allowances_and_vat(problems, invoice)
    check_lines(problems, invoice)
    return problems.items


def check_rules(invoice: Invoice) -> None:
    """Refuse, with every broken rule named, an invoice ANAF would reject (run after compute)."""
    problems = rule_problems(invoice)
    if problems:
        raise RuleViolation.from_problems("the invoice breaks CIUS-RO / EN 16931 rules", problems)


__all__ = ["BUCHAREST_SECTORS", "RO_COUNTY_CODES", "check_rules", "rule_problems"]
