"""TaxTable, UOMTable, Products and AnalysisTypeTable of a period.

* TaxTable: the codes the period's journal lines and invoice lines use, with 000000.
* UOMTable, Products: units and items of the period's invoice lines; AnalysisTypeTable: cost
  centres (CC) and projects (PR) booked in the period.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy import Connection

from genius.apps.accounting import tables as t
from genius.apps.accounting.saft import tables as st
from genius.apps.accounting.saft.domain import (
    RATES_2025_08,
    VAT_CLOSING_CODE,
    ReportPeriod,
    tax_code_for,
    unit_name,
)
from genius.apps.accounting.saft.streams import (
    VAT_CLOSING_SOURCE,
)
from genius.fiscal.ro.saft.model import (
    AnalysisTypeEntry,
    Product,
    TaxCodeDetails,
    TaxTableEntry,
    UOMEntry,
)
from genius.fiscal.ro.saft.taxcodes import tax_code, tax_types

ANALYSIS_TYPES = {"CC": "Centru de cost", "PR": "Proiect"}


def used_tax_codes(conn: Connection, period: ReportPeriod) -> set[str]:
    """Every tax code the GL and SalesInvoices of the period will carry (the streams use the same map)."""
    e, line, d, dl = t.entries.c, t.lines.c, st.documents.c, st.document_lines.c
    window = (e.status == "posted") & (e.entry_date >= period.first) & (e.entry_date <= period.last)
    codes = {"000000"}
    after = sa.case((e.entry_date >= RATES_2025_08, 1), else_=0)
    for treatment, rate, later in conn.execute(
        sa.select(line.vat_treatment, line.vat_rate, after)
        .select_from(t.lines.join(t.entries, e.id == line.entry_id))
        .where(window, line.vat_treatment.is_not(None))
        .distinct()
    ):
        on = RATES_2025_08 if later else date(2025, 7, 31)
        codes.add(tax_code_for(treatment, Decimal(rate) if rate else None, on))
    closing = conn.execute(
        sa.select(sa.literal(1))
        .select_from(t.entries)
        .where(window, e.source_type == VAT_CLOSING_SOURCE)
        .limit(1)
    ).first()
    if closing is not None:
        codes.add(VAT_CLOSING_CODE)
    codes.update(
        conn.execute(
            sa.select(dl.tax_code)
            .select_from(st.document_lines.join(st.documents, d.id == dl.document_id))
            .where(d.status == "issued", d.issue_date >= period.first, d.issue_date <= period.last)
            .distinct()
        ).scalars()
    )
    return codes


def tax_table(codes: set[str]) -> list[TaxTableEntry]:
    by_type: dict[str, list[TaxCodeDetails]] = {}
    for code in sorted(codes):
        known = tax_code(code)
        by_type.setdefault(known.tax_type, []).append(
            TaxCodeDetails(
                tax_code=code,
                # ANAF's list gives no rate for the VAT closing note (380200) or supplies taxed
                # outside Romania (310340); TaxCodeDetails needs TaxPercentage (or FlatTaxRate): 0.
                percentage=known.rate if known.rate is not None else Decimal(0),
                base_rates=(known.base_rate,) if known.base_rate is not None else (),
                description=known.description[:256],
            )
        )
    names = tax_types()
    return [
        TaxTableEntry(tax_type, names.get(tax_type, tax_type)[:256], tuple(details))
        for tax_type, details in sorted(by_type.items())
    ]


def products_and_units(conn: Connection, period: ReportPeriod) -> tuple[list[Product], list[UOMEntry]]:
    d, dl, pr = st.documents.c, st.document_lines.c, st.products.c
    in_period = (d.status == "issued") & (d.issue_date >= period.first) & (d.issue_date <= period.last)
    used = (
        sa.select(dl.product_code)
        .select_from(st.document_lines.join(st.documents, d.id == dl.document_id))
        .where(in_period, dl.product_code != "")
        .distinct()
    )
    products = [
        Product(
            product_code=row.code,
            description=row.description[:256],
            commodity_code=row.commodity_code,
            uom_base=row.unit_code,
            uom_standard=row.unit_code,
            goods_services_id=row.goods_services,
        )
        for row in conn.execute(sa.select(st.products).where(pr.code.in_(used)).order_by(pr.code))
    ]
    units = set(
        conn.execute(
            sa.select(dl.unit_code)
            .select_from(st.document_lines.join(st.documents, d.id == dl.document_id))
            .where(in_period)
            .distinct()
        ).scalars()
    )
    units.update(p.uom_base for p in products)
    return products, [UOMEntry(code, unit_name(code)[:256]) for code in sorted(units)]


def analysis_types(conn: Connection, period: ReportPeriod) -> list[AnalysisTypeEntry]:
    e, line = t.entries.c, t.lines.c
    window = (e.status == "posted") & (e.entry_date >= period.first) & (e.entry_date <= period.last)
    out = []
    for kind, column in (("CC", line.cost_centre), ("PR", line.project)):
        values = conn.execute(
            sa.select(column)
            .select_from(t.lines.join(t.entries, e.id == line.entry_id))
            .where(window, column.is_not(None))
            .distinct()
            .order_by(column)
        ).scalars()
        out.extend(AnalysisTypeEntry(kind, ANALYSIS_TYPES[kind], str(v)[:35], str(v)[:256]) for v in values)
    return out
