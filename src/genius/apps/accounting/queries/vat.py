"""Jurnalul de vânzări / cumpărări (sales and purchase VAT journals) and the values of the D300 return.

Both read the VAT-tagged lines of posted entries (``domain.vat``): base lines (revenue/expense)
and tax lines (4427 collected, 4426 deductible). Signs follow the account: a sales amount is
credit - debit (a credit note in red or in black both come out negative), a purchase amount is
debit - credit, and the collected VAT of a reverse-charge purchase is 4427's credit - debit.
So the journals agree with the VAT accounts by construction, and a test checks it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from genius.apps.accounting import repository as repo
from genius.apps.accounting import tables as t
from genius.apps.accounting.domain.vat import PARENT_ROWS, VatTreatment, d300_rows, whole_lei
from genius.apps.accounting.queries.report import Column, PeriodRange, ReportTable
from genius.kernel.errors import ValidationError

KINDS = ("sales", "purchases")
_LABELS = {
    VatTreatment.SALE_STANDARD: "Livrări taxabile",
    VatTreatment.SALE_INTRA_EU_GOODS: "Livrări intracomunitare scutite",
    VatTreatment.SALE_EU_SERVICES: "Servicii UE (taxare inversă)",
    VatTreatment.SALE_DOMESTIC_REVERSE: "Taxare inversă art. 331",
    VatTreatment.SALE_EXPORT: "Export",
    VatTreatment.SALE_EXEMPT: "Scutite fără drept de deducere",
    VatTreatment.SALE_OUT_OF_SCOPE: "Neimpozabile",
    VatTreatment.PURCHASE_STANDARD: "Achiziții taxabile",
    VatTreatment.PURCHASE_INTRA_EU_GOODS: "Achiziții intracomunitare bunuri",
    VatTreatment.PURCHASE_EU_SERVICES: "Servicii UE achiziționate",
    VatTreatment.PURCHASE_DOMESTIC_REVERSE: "Taxare inversă art. 331",
    VatTreatment.PURCHASE_IMPORT: "Importuri",
    VatTreatment.PURCHASE_EXEMPT: "Achiziții scutite / neimpozabile",
}
D300_LABELS = {
    "1": "Livrări intracomunitare de bunuri scutite",
    "3": "Livrări cu locul în afara României",
    "3.1": "Prestări intracomunitare de servicii",
    "5": "Achiziții intracomunitare de bunuri (taxare inversă)",
    "7": "Achiziții de servicii cu taxare inversă",
    "7.1": "Achiziții intracomunitare de servicii",
    "9": "Livrări taxabile cota 21%",
    "10": "Livrări taxabile cota 11%",
    "11": "Livrări taxabile cota 9% (locuințe)",
    "12": "Achiziții cu taxare inversă art. 331",
    "13": "Livrări cu taxare inversă art. 331",
    "14": "Livrări scutite cu drept de deducere (export)",
    "15": "Livrări scutite fără drept de deducere",
    "16": "Regularizări taxă colectată (alte cote)",
    "19": "Total taxă colectată",
    "20": "Achiziții intracomunitare de bunuri (deductibilă)",
    "22": "Achiziții de servicii cu taxare inversă (deductibilă)",
    "22.1": "Achiziții intracomunitare de servicii (deductibilă)",
    "24": "Achiziții taxabile cota 21%",
    "25": "Achiziții taxabile cota 11%",
    "26": "Achiziții cu taxare inversă art. 331 (deductibilă)",
    "29": "Achiziții scutite sau neimpozabile",
    "30": "Total taxă deductibilă",
    "31": "Taxă dedusă",
    "33": "Regularizări taxă dedusă (alte cote)",
    "35": "Total taxă dedusă",
    "37": "Taxă de plată",
    "to_recover": "Sumă negativă (de recuperat)",
}


@dataclass(frozen=True)
class _Tagged:
    entry_id: str
    entry_date: Any
    number: str | None
    document: str | None
    partner: str | None
    cui: str | None
    treatment: VatTreatment
    rate: Decimal | None
    role: str
    account: str
    signed: Decimal  # credit - debit for sales, debit - credit for purchases


def _tagged(conn: Connection, months: PeriodRange, kind: str) -> list[_Tagged]:
    if kind not in KINDS:
        raise ValidationError.for_field("kind", f"{kind!r}: use sales or purchases")
    e, line, p = t.entries.c, t.lines.c, t.partners.c
    prefix = "sale_" if kind == "sales" else "purchase_"
    query = (
        sa.select(
            e.id,
            e.entry_date,
            e.number,
            e.source_number,
            p.name,
            sa.func.coalesce(p.vat_id, p.cui),
            line.vat_treatment,
            line.vat_rate,
            line.vat_role,
            line.account,
            line.debit,
            line.credit,
        )
        .join(t.entries, e.id == line.entry_id)
        .outerjoin(t.partners, p.id == line.partner_id)
        .where(
            e.status == "posted",
            e.entry_date >= months.first_day,
            e.entry_date <= months.last_day,
            line.vat_treatment.startswith(prefix),
        )
        .order_by(e.entry_date, e.number, line.line_no)
    )
    settings = repo.load_settings(conn)
    out = []
    for row in conn.execute(query):
        debit, credit = repo.from_bani(row.debit), repo.from_bani(row.credit)
        sales_side = kind == "sales" or row.account == settings.vat_collected_account
        out.append(
            _Tagged(
                row.id,
                row.entry_date,
                row.number,
                row.source_number,
                row[4],
                row[5],
                VatTreatment(row.vat_treatment),
                Decimal(row.vat_rate) if row.vat_rate else None,
                row.vat_role,
                row.account,
                credit - debit if sales_side else debit - credit,
            )
        )
    return out


def _column(tag: _Tagged) -> str:
    rate = (
        f" {tag.rate.normalize():f}%"
        if tag.rate is not None and tag.treatment.name.endswith("STANDARD")
        else ""
    )
    return f"{_LABELS[tag.treatment]}{rate}"


def vat_journal(conn: Connection, months: PeriodRange, kind: str) -> ReportTable:
    """One row per document: date, number, partner, total, then base and VAT per treatment and rate."""
    tags = _tagged(conn, months, kind)
    settings = repo.load_settings(conn)
    groups: list[str] = sorted({_column(tag) for tag in tags})
    per_entry: dict[str, dict[str, Any]] = {}
    for tag in tags:
        row = per_entry.setdefault(
            tag.entry_id,
            {
                "date": tag.entry_date,
                "number": tag.document or tag.number,
                "partner": tag.partner or "",
                "cui": tag.cui or "",
                "base": defaultdict(Decimal),
                "vat": defaultdict(Decimal),
                "collected": Decimal(0),
            },
        )
        column = _column(tag)
        if tag.role == "base":
            row["base"][column] += tag.signed
        elif kind == "purchases" and tag.account == settings.vat_collected_account:
            row["collected"] += tag.signed  # reverse charge: the self-assessed VAT, collected side
        else:
            row["vat"][column] += tag.signed
    columns = [
        Column("date", "Data", "date"),
        Column("number", "Document"),
        Column("partner", "Partener"),
        Column("cui", "CUI / cod TVA"),
        Column("total", "Total document", "amount"),
    ]
    for group in groups:
        columns += [
            Column(f"base:{group}", f"Bază {group}", "amount"),
            Column(f"vat:{group}", f"TVA {group}", "amount"),
        ]
    if kind == "purchases":
        columns.append(Column("collected", "TVA colectată (taxare inversă)", "amount"))
    rows = []
    totals: list[Decimal] = [Decimal(0)] * (len(columns) - 4)
    for data in per_entry.values():
        # The document's total: base + VAT; a reverse charge's self-assessed VAT is not owed to the supplier.
        amounts = [
            sum(data["base"].values(), Decimal(0)) + sum(data["vat"].values(), Decimal(0)) - data["collected"]
        ]
        for group in groups:
            amounts += [data["base"].get(group, Decimal(0)), data["vat"].get(group, Decimal(0))]
        if kind == "purchases":
            amounts.append(data["collected"])
        totals = [a + b for a, b in zip(totals, amounts, strict=True)]
        rows.append([data["date"], data["number"], data["partner"], data["cui"], *amounts])
    vat_total = sum(
        (
            tag.signed
            for tag in tags
            if tag.role == "tax"
            and not (kind == "purchases" and tag.account == settings.vat_collected_account)
        ),
        Decimal(0),
    )
    title = "Jurnal de vânzări" if kind == "sales" else "Jurnal de cumpărări"
    facts: dict[str, Any] = {"documents": len(rows), "vat_total": vat_total}
    if kind == "purchases":
        facts["reverse_charge_collected"] = sum(
            (tag.signed for tag in tags if tag.account == settings.vat_collected_account), Decimal(0)
        )
    return ReportTable(
        f"vat-journal-{kind}", title, str(months), columns, rows, ["Total", "", "", "", *totals], facts
    )


def d300(conn: Connection, months: PeriodRange) -> ReportTable:
    """The D300 values of ``months`` (a month or a quarter): exact sums and whole lei per row."""
    settings = repo.load_settings(conn)
    base: dict[str, Decimal] = defaultdict(Decimal)
    tax: dict[str, Decimal] = defaultdict(Decimal)
    for kind in KINDS:
        for tag in _tagged(conn, months, kind):
            rows = d300_rows(tag.treatment, tag.rate)
            if tag.role == "base":
                if rows.base:
                    base[rows.base] += tag.signed
                    if rows.deductible and rows.deductible != rows.base:
                        base[rows.deductible] += tag.signed  # mirror rows (5/20, 7.1/22.1, 12/26)
            elif tag.account == settings.vat_collected_account and rows.collected:
                tax[rows.collected] += tag.signed
            elif tag.account == settings.vat_deductible_account and rows.deductible:
                tax[rows.deductible] += tag.signed
    for child, parent in PARENT_ROWS.items():
        base[parent] += base.get(child, Decimal(0))
        tax[parent] += tax.get(child, Decimal(0))
    collected_rows = ("1", "3", "5", "7", "9", "10", "11", "12", "13", "14", "15", "16")
    deductible_rows = ("20", "22", "24", "25", "26", "29", "33")
    tax["19"] = sum((tax.get(r, Decimal(0)) for r in collected_rows), Decimal(0))
    base["19"] = sum((base.get(r, Decimal(0)) for r in collected_rows), Decimal(0))
    tax["30"] = sum((tax.get(r, Decimal(0)) for r in deductible_rows), Decimal(0))
    base["30"] = sum((base.get(r, Decimal(0)) for r in deductible_rows), Decimal(0))
    tax["31"] = tax["35"] = tax["30"]  # no pro-rata: everything deductible is deducted
    payable = tax["19"] - tax["35"]
    tax["37"] = max(payable, Decimal(0))
    tax["to_recover"] = max(-payable, Decimal(0))
    order = list(D300_LABELS)
    rows = [
        [
            row,
            D300_LABELS[row],
            base.get(row, Decimal(0)),
            whole_lei(base.get(row, Decimal(0))),
            tax.get(row, Decimal(0)),
            whole_lei(tax.get(row, Decimal(0))),
        ]
        for row in order
    ]
    columns = [
        Column("row", "Rând"),
        Column("label", "Denumire"),
        Column("base", "Bază impozabilă", "amount"),
        Column("base_lei", "Bază (lei)", "integer"),
        Column("vat", "TVA", "amount"),
        Column("vat_lei", "TVA (lei)", "integer"),
    ]
    facts = {
        "collected": tax["19"],
        "deducted": tax["35"],
        "payable": tax["37"],
        "to_recover": tax["to_recover"],
    }
    return ReportTable("d300", "Decont de TVA (D300) – valori", str(months), columns, rows, None, facts)
