"""Which sections each D406 type carries (L/T monthly-quarterly, A annual assets, C on-request
stock) and whether the header period fits the type (DUK's ``validateDeclaredPeriod``)."""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from types import MappingProxyType

from genius.fiscal.ro.saft.errors import input_error
from genius.fiscal.ro.saft.model.header import ReportType


class Rule(StrEnum):
    """What a declaration type does with a section."""

    FILL = "fill"  # written with its content
    EMPTY = "empty"  # start and end tags only (the XSD requires the element); content refused
    OMIT = "omit"  # not written (the XSD allows leaving it out); content refused


SECTIONS = (
    "accounts",
    "customers",
    "suppliers",
    "tax_table",
    "uom_table",
    "analysis_types",
    "movement_types",
    "products",
    "physical_stock",
    "owners",
    "assets",
    "general_ledger",
    "sales_invoices",
    "purchase_invoices",
    "payments",
    "movements",
    "asset_transactions",
)

# OPANAF 1783/2021 as summarised in ANAF's workbook columns L (monthly/quarterly), A (annual,
# assets) and S (on request, stocks); see SAFT-D406.md §2. Elements the XSD requires are written
# empty where the type does not report them ("se va transmite doar tag-urile de început și de
# sfârșit"); PhysicalStock and AssetTransactions (minOccurs=0) are left out instead.
_F, _E, _O = Rule.FILL, Rule.EMPTY, Rule.OMIT
_PERIODIC = (_F, _F, _F, _F, _F, _F, _E, _F, _O, _E, _E, _F, _F, _F, _F, _E, _O)
_ANNUAL = (_F, _E, _E, _E, _E, _F, _E, _E, _O, _E, _F, _E, _E, _E, _E, _E, _F)
_ON_REQUEST = (_F, _E, _E, _F, _F, _F, _F, _F, _F, _F, _E, _E, _E, _E, _E, _F, _O)

SECTION_RULES: Mapping[ReportType, Mapping[str, Rule]] = MappingProxyType(
    {
        report_type: MappingProxyType(dict(zip(SECTIONS, rules, strict=True)))
        for report_type, rules in (
            (ReportType.MONTHLY, _PERIODIC),
            (ReportType.QUARTERLY, _PERIODIC),
            # Non-residents (NL/NT) report what they keep; the writer accepts the periodic set.
            (ReportType.NON_RESIDENT_MONTHLY, _PERIODIC),
            (ReportType.NON_RESIDENT_QUARTERLY, _PERIODIC),
            (ReportType.ANNUAL_ASSETS, _ANNUAL),
            (ReportType.ON_REQUEST_STOCK, _ON_REQUEST),
        )
    }
)


def section_rule(report_type: ReportType, section: str) -> Rule:
    return SECTION_RULES[report_type][section]


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _months_between(start: date, end: date) -> int:
    """Calendar months covered from ``start``'s month to ``end``'s month, both included."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


def check_period(report_type: ReportType, start: date, end: date) -> None:
    """Raise ``SaftInputError`` when the period does not fit the declaration type.

    L/NL: one calendar month. T/NT: one calendar quarter (Jan-Mar, Apr-Jun, Jul-Sep, Oct-Dec).
    A: a financial year, ending on a month's last day, at most 12 months (a first year may be
    shorter). C: any period ANAF asks for.
    """
    if end < start:
        raise input_error("Header.period_end", f"the period ends ({end}) before it starts ({start})")
    full_months = start.day == 1 and end.day == _last_day(end.year, end.month)
    if report_type in (ReportType.MONTHLY, ReportType.NON_RESIDENT_MONTHLY):
        if not (full_months and _months_between(start, end) == 1):
            raise input_error(
                "Header.period_start",
                f"a monthly D406 ({report_type.value}) covers one calendar month; got {start}..{end}",
                "period_type",
            )
    elif report_type in (ReportType.QUARTERLY, ReportType.NON_RESIDENT_QUARTERLY):
        if not (full_months and start.month in (1, 4, 7, 10) and _months_between(start, end) == 3):
            raise input_error(
                "Header.period_start",
                f"a quarterly D406 ({report_type.value}) covers one calendar quarter; got {start}..{end}",
                "period_type",
            )
    elif report_type is ReportType.ANNUAL_ASSETS and (
        end.day != _last_day(end.year, end.month) or _months_between(start, end) > 12
    ):
        raise input_error(
            "Header.period_start",
            f"an annual D406 (A) covers a financial year of at most 12 months ending on a month's "
            f"last day; got {start}..{end}",
            "period_type",
        )
