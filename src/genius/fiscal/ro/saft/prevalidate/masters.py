"""Checks of MasterFiles: accounts against ANAF's plan, partners' identifiers and addresses."""

from __future__ import annotations

from collections.abc import Iterable

from genius.fiscal.ro.chart import leading_digits
from genius.fiscal.ro.saft.model.common import Address, CompanyStructure
from genius.fiscal.ro.saft.model.masterfiles import Customer, GeneralLedgerAccount, Supplier, TaxTableEntry
from genius.fiscal.ro.saft.partners import PartnerRole, check_partner_id
from genius.fiscal.ro.saft.prevalidate.context import AccountState, Context
from genius.fiscal.ro.saft.prevalidate.findings import EntityKind, Severity


def check_account_id(ctx: Context, account_id: str, kind: EntityKind, entity_id: str) -> None:
    """AccountID rules, once per distinct account: digits only, in ANAF's plan, on the deepest
    synthetic account (grade 1 only where it has no grade-2 accounts)."""
    if account_id in ctx.checked_accounts:
        return
    ctx.checked_accounts[account_id] = True
    add = ctx.findings.add
    if not account_id.isdigit():
        add(
            "ACCOUNT_NOT_NUMERIC",
            Severity.ERROR,
            kind,
            entity_id,
            f"Contul {account_id!r} conține alte caractere decât cifre; D406 acceptă doar cifre "
            f"(scrieți de exemplu {leading_digits(account_id) or '4111'}01 în loc de {account_id}).",
            f"Account {account_id!r} has characters other than digits; D406 accepts digits only "
            f"(write e.g. {leading_digits(account_id) or '4111'}01 instead of {account_id}).",
            "AccountID",
        )
    if ctx.tax_accounting_basis != "A":
        return  # Genius ships only the commercial companies' plan (PlanConturiBalSocCom)
    chart = ctx.chart
    if not chart.is_official(account_id):
        add(
            "ACCOUNT_NOT_IN_PLAN",
            Severity.ERROR,
            kind,
            entity_id,
            f"Contul {account_id} nu pornește de la un cont sintetic din planul de conturi ANAF "
            "(PlanConturiBalSocCom, OMFP 1802/2014); mutați soldul și rulajele pe un cont din plan.",
            f"Account {account_id} does not start with a synthetic account of ANAF's chart "
            "(PlanConturiBalSocCom, OMFP 1802/2014); move its balance and movements to a chart account.",
            "AccountID",
        )
        return
    synthetic = chart.synthetic_of(account_id)
    if synthetic is not None and synthetic.grade == 1 and chart.has_grade2_children(synthetic.code):
        children = ", ".join(child.code for child in chart.children(synthetic.code))
        add(
            "ACCOUNT_GRADE1_WITH_GRADE2",
            Severity.WARNING,
            kind,
            entity_id,
            f"Contul {account_id} este dezvoltat din contul sintetic de gradul I {synthetic.code}, care are "
            f"conturi de gradul II ({children}); folosiți contul de gradul II potrivit.",
            f"Account {account_id} develops the grade-1 synthetic account {synthetic.code}, which has "
            f"grade-2 accounts ({children}); use the right grade-2 account.",
            "AccountID",
        )


def check_accounts(ctx: Context, accounts: Iterable[GeneralLedgerAccount]) -> None:
    add = ctx.findings.add
    for item in accounts:
        opening = item.opening_debit - item.opening_credit
        closing = item.closing_debit - item.closing_credit
        if item.account_id in ctx.accounts:
            add(
                "ACCOUNT_DUPLICATE",
                Severity.ERROR,
                EntityKind.ACCOUNT,
                item.account_id,
                f"Contul {item.account_id} apare de două ori în GeneralLedgerAccounts; păstrați un singur "
                "rând.",
                f"Account {item.account_id} is listed twice in GeneralLedgerAccounts; keep one row.",
                "AccountID",
            )
        ctx.accounts[item.account_id] = AccountState(opening, closing)
        check_account_id(ctx, item.account_id, EntityKind.ACCOUNT, item.account_id)
        if item.account_type is None and ctx.chart.account_type(item.account_id) is None:
            add(
                "ACCOUNT_TYPE_UNKNOWN",
                Severity.ERROR,
                EntityKind.ACCOUNT,
                item.account_id,
                f"Pentru contul {item.account_id} nu se cunoaște funcțiunea (activ/pasiv/bifuncțional); "
                "completați-o.",
                f"The function of account {item.account_id} (asset/liability/bifunctional) is unknown; set "
                "it.",
                "AccountType",
            )


def _address_problem(address: Address) -> tuple[str, str] | None:
    if not address.city or not address.city.strip():
        return "localitatea (City) lipsește", "the city is missing"
    if not address.country or len(address.country) != 2:
        return "țara (cod ISO din 2 litere) lipsește", "the country (2-letter ISO code) is missing"
    if address.region and address.country != "RO":
        return (
            f"județul {address.region} se completează doar pentru adrese din România",
            f"a region ({address.region}) is allowed only on Romanian addresses",
        )
    return None


def check_partner(
    ctx: Context, partner_id: str, company: CompanyStructure | None, role: PartnerRole, bank: bool
) -> None:
    kind = EntityKind.CUSTOMER if role is PartnerRole.CUSTOMER else EntityKind.SUPPLIER
    label_ro, label_en = (
        ("clientul", "customer") if role is PartnerRole.CUSTOMER else ("furnizorul", "supplier")
    )
    add = ctx.findings.add
    problem = check_partner_id(partner_id, role, bank=bank)
    if problem is not None:
        add(
            "PARTNER_ID_INVALID",
            Severity.ERROR,
            kind,
            partner_id,
            f"Codul de identificare al {label_ro}ui {partner_id!r} nu respectă regulile ANAF (prefix 00 + "
            "CUI, "
            f"01 + cod TVA UE, 03 + CNP ...): {problem}.",
            f"The {label_en} identifier {partner_id!r} breaks ANAF's rules (00 + CUI, 01 + EU VAT number, "
            f"03 + CNP ...): {problem}.",
            "CustomerID" if role is PartnerRole.CUSTOMER else "SupplierID",
        )
    if company is None or not company.registration_number:
        add(
            "PARTNER_NO_ID",
            Severity.ERROR,
            kind,
            partner_id,
            f"Lipsesc datele de identificare (CUI/cod fiscal, denumire, adresă) ale {label_ro}ui "
            f"{partner_id}; "
            "completați fișa partenerului.",
            f"The {label_en} {partner_id} has no identification (fiscal code, name, address); complete the "
            "partner record.",
            "CompanyStructure",
        )
        return
    if company.registration_number != partner_id:
        add(
            "PARTNER_ID_MISMATCH",
            Severity.ERROR,
            kind,
            partner_id,
            f"RegistrationNumber {company.registration_number!r} diferă de ID-ul {partner_id!r}; ANAF cere "
            "același cod în ambele câmpuri.",
            f"RegistrationNumber {company.registration_number!r} differs from the ID {partner_id!r}; ANAF "
            "wants "
            "the same code in both.",
            "RegistrationNumber",
        )
    if not company.addresses:
        add(
            "PARTNER_NO_ADDRESS",
            Severity.ERROR,
            kind,
            partner_id,
            f"Adresa {label_ro}ui {partner_id} lipsește; completați cel puțin localitatea și țara.",
            f"The {label_en} {partner_id} has no address; give at least city and country.",
            "Address",
        )
    for address in company.addresses:
        bad = _address_problem(address)
        if bad is not None:
            add(
                "PARTNER_BAD_ADDRESS",
                Severity.ERROR,
                kind,
                partner_id,
                f"Adresa {label_ro}ui {partner_id}: {bad[0]}.",
                f"Address of the {label_en} {partner_id}: {bad[1]}.",
                "Address",
            )


def check_customers(ctx: Context, customers: Iterable[Customer], bank: bool) -> None:
    for item in customers:
        ctx.customers.add(item.customer_id)
        ctx.partner_closing[item.account_id] += item.closing_debit - item.closing_credit
        check_partner(ctx, item.customer_id, item.company, PartnerRole.CUSTOMER, bank)
        check_account_id(ctx, item.account_id, EntityKind.CUSTOMER, item.customer_id)


def check_suppliers(ctx: Context, suppliers: Iterable[Supplier], bank: bool) -> None:
    for item in suppliers:
        ctx.suppliers.add(item.supplier_id)
        ctx.partner_closing[item.account_id] += item.closing_debit - item.closing_credit
        check_partner(ctx, item.supplier_id, item.company, PartnerRole.SUPPLIER, bank)
        check_account_id(ctx, item.account_id, EntityKind.SUPPLIER, item.supplier_id)


def collect_tax_table(ctx: Context, entries: Iterable[TaxTableEntry]) -> None:
    for entry in entries:
        for detail in entry.details:
            ctx.tax_table_codes.add(detail.tax_code)
