"""What a person sets for the D406 header: the contact person, the IBAN if the invoices show none,
and the TaxAccountingBasis (``A`` for commercial companies, the default)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection
from stdnum import iban as std_iban

from genius.apps.accounting.saft import tables as st
from genius.fiscal.ro.saft.versions import schema_version
from genius.kernel.clock import utcnow
from genius.kernel.errors import FieldProblem, ValidationError

FIELDS = (
    "contact_first_name",
    "contact_last_name",
    "contact_telephone",
    "contact_email",
    "iban_override",
    "tax_accounting_basis",
)


@dataclass(frozen=True)
class SaftSettings:
    contact_first_name: str | None = None
    contact_last_name: str | None = None
    contact_telephone: str | None = None
    contact_email: str | None = None
    iban_override: str | None = None
    tax_accounting_basis: str | None = None
    # From the latest issued document (read-only here).
    company_name: str | None = None
    company_city: str | None = None
    company_iban: str | None = None
    company_telephone: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def load(conn: Connection) -> SaftSettings:
    row = conn.execute(sa.select(st.company).where(st.company.c.id == st.COMPANY_ROW)).first()
    if row is None:
        return SaftSettings()
    return SaftSettings(
        **{name: getattr(row, name) for name in FIELDS},
        company_name=row.name,
        company_city=row.city,
        company_iban=row.iban,
        company_telephone=row.telephone,
    )


def _clean(values: dict[str, Any]) -> dict[str, str | None]:
    problems: list[FieldProblem] = []
    out: dict[str, str | None] = {}
    for name, raw in values.items():
        if name not in FIELDS:
            problems.append(FieldProblem(name, "unknown", f"not a D406 setting ({', '.join(FIELDS)})"))
            continue
        if raw is not None and not isinstance(raw, str):
            problems.append(FieldProblem(name, "invalid", "a text, or null to clear it"))
            continue
        value = raw.strip() if raw else None
        if value and name in ("contact_first_name", "contact_last_name") and len(value) > 35:
            problems.append(FieldProblem(name, "too_long", "at most 35 characters (D406 SAFmiddle1textType)"))
        elif (
            value
            and name == "contact_telephone"
            and (len(value) > 18 or not value.replace("+", "").replace(" ", "").isdigit())
        ):
            problems.append(FieldProblem(name, "invalid", "digits with an optional + and spaces, at most 18"))
        elif value and name == "contact_email" and ("@" not in value or len(value) > 70):
            problems.append(FieldProblem(name, "invalid", "an e-mail address of at most 70 characters"))
        elif value and name == "iban_override":
            value = value.replace(" ", "").upper()
            if not std_iban.is_valid(value):
                problems.append(FieldProblem(name, "invalid", f"{value} is not a valid IBAN (mod-97 check)"))
        elif value and name == "tax_accounting_basis":
            value = value.upper()
            allowed = schema_version("2.4.8").tax_accounting_bases
            if value not in allowed:
                problems.append(
                    FieldProblem(name, "invalid", f"{value}: one of {', '.join(sorted(allowed))}")
                )
        out[name] = value
    if problems:
        raise ValidationError("; ".join(f"{p.field}: {p.message}" for p in problems), problems=problems)
    return out


def update(conn: Connection, values: dict[str, Any], by: str | None) -> SaftSettings:
    """Set the given fields (null clears one); names every field that does not fit."""
    cleaned = _clean(values)
    now = utcnow()
    found = conn.execute(sa.select(st.company.c.id).where(st.company.c.id == st.COMPANY_ROW)).first()
    if found is None:
        conn.execute(st.company.insert().values(id=st.COMPANY_ROW, updated_at=now, updated_by=by, **cleaned))
    else:
        conn.execute(
            st.company.update()
            .where(st.company.c.id == st.COMPANY_ROW)
            .values(updated_at=now, updated_by=by, **cleaned)
        )
    return load(conn)
