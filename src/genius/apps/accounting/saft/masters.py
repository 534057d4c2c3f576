"""The D406 Header and MasterFiles of a period, read in the export's snapshot.

Sizes grow with accounts, partners, products and tax codes, never with journal lines, so these
sections are plain lists (the pre-validator and the writer each read them once).

* Header: the company is the tenant (CUI, name) with the address, IBAN and telephone of the seller
  party of its latest issued document, and the contact person someone set (D406 requires a first
  and last name and a telephone: ``PUT /api/v1/accounting/saft/settings`` or ``genius saft
  settings``). What is missing is named in one refusal.
* GeneralLedgerAccounts: every account of the summary table (``acc_balances``) up to the period's
  end, with its opening (before the first month) and closing balance.
* Customers / Suppliers: one per partner analytic account (4111.xxxxx, 401.xxxxx) with its
  balances; one-off buyers of the period's invoices (no partner) on the receivable account.
* TaxTable: the codes the period's journal lines and invoice lines use, with 000000.
* UOMTable, Products: units and items of the period's invoice lines; AnalysisTypeTable: cost
  centres (CC) and projects (PR) booked in the period. MovementTypeTable, Owners, Assets: empty
  (Genius has no inventory or fixed-asset register yet; a monthly or quarterly D406 leaves them empty).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from genius.apps.accounting import tables as t
from genius.apps.accounting.domain.periods import Period
from genius.apps.accounting.queries.saft import account_balances
from genius.apps.accounting.saft import tables as st
from genius.apps.accounting.saft.domain import (
    RATES_2025_08,
    VAT_CLOSING_CODE,
    ReportPeriod,
    tax_code_for,
    unit_name,
)
from genius.apps.accounting.saft.streams import (
    PURCHASE_SOURCES,
    SALES_SOURCES,
    VAT_CLOSING_SOURCE,
    bani,
    partner_role,
)
from genius.fiscal.ro.chart import AccountType
from genius.fiscal.ro.saft.model import (
    Address,
    AnalysisTypeEntry,
    BankAccount,
    Company,
    CompanyStructure,
    Contact,
    Customer,
    GeneralLedgerAccount,
    MasterFiles,
    Product,
    Supplier,
    TaxCodeDetails,
    TaxTableEntry,
    UOMEntry,
)
from genius.fiscal.ro.saft.taxcodes import tax_code, tax_types
from genius.kernel.errors import FieldProblem, ValidationError

ZERO = Decimal("0.00")
ANALYSIS_TYPES = {"CC": "Centru de cost", "PR": "Proiect"}


@dataclass(frozen=True)
class TenantProfile:
    """The reporting company as the control plane knows it (``tenants``: name and CUI)."""

    name: str
    cui: str


class SaftSetupMissing(ValidationError):
    """Data the D406 header requires is missing; the message says where to set it."""

    code = "saft_setup_missing"


def _split(value: Decimal) -> tuple[Decimal, Decimal]:
    """A net balance as (debit, credit), the way the trial balance shows it."""
    return (value, ZERO) if value >= 0 else (ZERO, -value)


def company(conn: Connection, profile: TenantProfile) -> tuple[Company, str]:
    """The header's company and the TaxAccountingBasis, or ``SaftSetupMissing`` naming every gap."""
    row = conn.execute(sa.select(st.company).where(st.company.c.id == st.COMPANY_ROW)).first()
    digits = "".join(ch for ch in profile.cui if ch.isdigit())
    missing = []
    if not digits:
        missing.append(("cui", "the tenant has no CUI (genius tenant create --cui)"))
    if row is None or not row.city:
        missing.append(
            ("address", "no company address yet: it is taken from the seller of the latest issued invoice")
        )
    first = row.contact_first_name if row is not None else None
    last = row.contact_last_name if row is not None else None
    phone = (row.contact_telephone or row.telephone) if row is not None else None
    if not first or not last:
        missing.append(("contact", "the D406 contact person (first and last name) is not set"))
    if not phone:
        missing.append(("contact_telephone", "the D406 contact telephone is not set"))
    iban = (row.iban_override or row.iban) if row is not None else None
    if not iban:
        missing.append(("iban", "no bank account: set the IBAN or issue an invoice showing one"))
    if missing:
        raise SaftSetupMissing(
            "D406 cannot be written until: "
            + "; ".join(text for _, text in missing)
            + " (PUT /api/v1/accounting/saft/settings or genius saft settings)",
            problems=[FieldProblem(name, "missing", text) for name, text in missing],
        )
    assert row is not None
    vat_registered = bool(
        row.vat_id and row.vat_id.upper().startswith("RO")
    ) or profile.cui.upper().startswith("RO")
    return (
        Company(
            cui=digits,
            vat_registered=vat_registered,
            name=profile.name[:256],
            addresses=(
                Address(
                    row.city,
                    row.country_code or "RO",
                    street_name=row.street,
                    postal_code=row.postal_code,
                    region=row.region,
                ),
            ),
            contacts=(Contact(first, last, telephone=phone, email=row.contact_email or row.email),),
            bank_accounts=(BankAccount(iban=iban.replace(" ", "")),),
        ),
        row.tax_accounting_basis or "A",
    )


def accounts(conn: Connection, period: ReportPeriod) -> list[GeneralLedgerAccount]:
    first, last = Period(period.first.year, period.first.month), Period(period.last.year, period.last.month)
    out = []
    for balance in account_balances(conn, first, last):
        opening_debit, opening_credit = _split(balance.opening)
        closing_debit, closing_credit = _split(balance.closing)
        kind = AccountType(balance.type) if balance.type in ("A", "P", "B") else None
        out.append(
            GeneralLedgerAccount(
                account_id=balance.saft_account_id,
                description=(balance.name or balance.account)[:256],
                opening_debit=opening_debit,
                opening_credit=opening_credit,
                closing_debit=closing_debit,
                closing_credit=closing_credit,
                account_type=kind,
            )
        )
    return out


def _partner_address(row: Any) -> tuple[Address, ...]:
    if not row.city:
        return ()
    country = row.address_country or row.country_code or "RO"
    return (
        Address(
            row.city,
            country,
            street_name=row.street,
            postal_code=row.postal_code,
            region=row.region if country == "RO" else None,
        ),
    )


def partners(conn: Connection, period: ReportPeriod) -> tuple[list[Customer], list[Supplier]]:
    """Customers and suppliers per partner analytic account, with balances up to the period's end."""
    b, a, p = t.balances.c, t.accounts.c, st.partners.c
    start = (period.first.year, period.first.month)
    end = (period.last.year, period.last.month)
    before = (b.year < start[0]) | ((b.year == start[0]) & (b.month < start[1]))
    until = (b.year < end[0]) | ((b.year == end[0]) & (b.month <= end[1]))
    zero = sa.literal(0)
    query = (
        sa.select(
            a.saft_account_id,
            a.synthetic,
            a.partner_id,
            p.saft_id,
            p.name,
            p.street,
            p.city,
            p.postal_code,
            p.region,
            p.address_country,
            p.country_code,
            sa.func.sum(sa.case((before, b.debit - b.credit), else_=zero)).label("opening"),
            sa.func.sum(b.debit - b.credit).label("closing"),
        )
        .select_from(
            t.balances.join(t.accounts, a.code == b.account).outerjoin(
                st.partners, p.partner_id == a.partner_id
            )
        )
        .where(until, a.partner_id.is_not(None))
        .group_by(
            a.saft_account_id,
            a.synthetic,
            a.partner_id,
            p.saft_id,
            p.name,
            p.street,
            p.city,
            p.postal_code,
            p.region,
            p.address_country,
            p.country_code,
        )
        .order_by(a.saft_account_id)
    )
    customers: list[Customer] = []
    suppliers: list[Supplier] = []
    for row in conn.execute(query):
        role = partner_role(row.synthetic)
        if role is None:
            continue
        pid = row.saft_id or ""
        structure = CompanyStructure(pid, row.name[:256], _partner_address(row)) if row.saft_id else None
        od, oc = _split(bani(row.opening))
        cd, cc = _split(bani(row.closing))
        if role == "customer":
            customers.append(Customer(pid, row.saft_account_id, structure, od, oc, cd, cc))
        else:
            suppliers.append(Supplier(pid, row.saft_account_id, structure, od, oc, cd, cc))
    known_customers = {c.customer_id for c in customers}
    for pid, account, structure in _one_off_partners(conn, period, known_customers, SALES_SOURCES):
        customers.append(Customer(pid, account, structure))
    known_suppliers = {s.supplier_id for s in suppliers}
    for pid, account, structure in _one_off_partners(conn, period, known_suppliers, PURCHASE_SOURCES):
        suppliers.append(Supplier(pid, account, structure))
    return customers, suppliers


def _one_off_partners(
    conn: Connection, period: ReportPeriod, known: set[str], sources: tuple[str, ...]
) -> list[tuple[str, str, CompanyStructure]]:
    """Counterparties of the period's documents without a partner (a buyer typed into an invoice, a
    supplier the register knows by CUI only): (ID, the receivable/payable account their entry used,
    structure), each once."""
    d, e, line, a = st.documents.c, t.entries.c, t.lines.c, t.accounts.c
    account = (
        sa.select(a.saft_account_id)
        .select_from(t.lines.join(t.accounts, a.code == line.account).join(t.entries, e.id == line.entry_id))
        .where(
            e.source_type == d.source_type, e.source_id == d.id, e.reverses.is_(None), line.vat_role.is_(None)
        )
        .order_by(line.line_no)
        .limit(1)
        .scalar_subquery()
    )
    rows = conn.execute(
        sa.select(
            d.buyer_saft_id,
            d.buyer_name,
            d.street,
            d.city,
            d.postal_code,
            d.region,
            d.country_code,
            account.label("account"),
        )
        .where(
            d.partner_id.is_(None),
            d.status == "issued",
            d.issue_date >= period.first,
            d.issue_date <= period.last,
            d.source_type.in_(sources),
        )
        .order_by(d.buyer_saft_id)
    )
    out, seen = [], set(known)
    for row in rows:
        if row.buyer_saft_id in seen or row.account is None:
            continue
        seen.add(row.buyer_saft_id)
        address = (
            (Address(row.city, row.country_code, street_name=row.street, postal_code=row.postal_code,
                     region=row.region),)
            if row.city
            else ()
        )  # fmt: skip
        structure = CompanyStructure(row.buyer_saft_id, row.buyer_name[:256], address)
        out.append((row.buyer_saft_id, row.account, structure))
    return out


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


def master_files(conn: Connection, period: ReportPeriod) -> MasterFiles:
    customers, suppliers = partners(conn, period)
    products, units = products_and_units(conn, period)
    return MasterFiles(
        accounts=accounts(conn, period),
        customers=customers,
        suppliers=suppliers,
        tax_table=tax_table(used_tax_codes(conn, period)),
        uom_table=units,
        analysis_types=analysis_types(conn, period),
        products=products,
    )
