"""The D406 Header's company: the tenant with the address, IBAN and contact the D406 needs.

The company is the tenant (CUI, name) with the address, IBAN and telephone of the seller party of
its latest issued document, and the contact person someone set (D406 requires a first and last
name and a telephone: ``PUT /api/v1/accounting/saft/settings`` or ``genius saft settings``). What
is missing is named in one refusal.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import Connection

from genius.apps.accounting.saft import tables as st
from genius.fiscal.ro.saft.model import (
    Address,
    BankAccount,
    Company,
    Contact,
)
from genius.kernel.errors import FieldProblem, ValidationError


@dataclass(frozen=True)
class TenantProfile:
    """The reporting company as the control plane knows it (``tenants``: name and CUI)."""

    name: str
    cui: str


class SaftSetupMissing(ValidationError):
    """Data the D406 header requires is missing; the message says where to set it."""

    code = "saft_setup_missing"


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
