"""The read side of the ledger: reports (``ReportTable``) and the D406 streams (``saft``)."""

from genius.apps.accounting.queries.ageing import ageing
from genius.apps.accounting.queries.ledger import account_statement, general_ledger, partner_statement
from genius.apps.accounting.queries.report import Column, PeriodRange, ReportTable
from genius.apps.accounting.queries.trial_balance import trial_balance
from genius.apps.accounting.queries.vat import d300, vat_journal

__all__ = [
    "Column",
    "PeriodRange",
    "ReportTable",
    "account_statement",
    "ageing",
    "d300",
    "general_ledger",
    "partner_statement",
    "trial_balance",
    "vat_journal",
]
