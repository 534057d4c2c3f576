"""Pydantic models of the accounting API: what comes in (amounts as strings) and what goes out."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from genius.apps.accounting.domain.accounts import LedgerAccount
from genius.apps.accounting.domain.entries import Entry, Line, to_amount
from genius.kernel.errors import ValidationError

MAX_LINES_IN = 2000


class LineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    account: str = Field(max_length=20, description="Account code: 5121, 4111.00023")
    debit: str = Field("0", description='Amount in lei, as a string: "1190.00"')
    credit: str = Field("0", description="Amount in lei, as a string")
    partner_id: str | None = Field(None, max_length=64)
    description: str = Field("", max_length=300)
    cost_centre: str | None = Field(None, max_length=50)
    project: str | None = Field(None, max_length=50)
    currency: str = Field("RON", min_length=3, max_length=3)
    currency_amount: str | None = None
    exchange_rate: str | None = None

    def to_line(self, index: int) -> Line:
        path = f"lines[{index}]"
        rate = None
        if self.exchange_rate is not None:
            try:
                rate = Decimal(self.exchange_rate)
            except ArithmeticError:
                raise ValidationError.for_field(f"{path}.exchange_rate", "not a number") from None
            if not rate.is_finite() or rate <= 0:
                raise ValidationError.for_field(f"{path}.exchange_rate", "a positive number")
        return Line(
            account=self.account.strip(),
            debit=to_amount(self.debit, f"{path}.debit"),
            credit=to_amount(self.credit, f"{path}.credit"),
            partner_id=self.partner_id,
            description=self.description,
            cost_centre=self.cost_centre or None,
            project=self.project or None,
            currency=self.currency.upper(),
            currency_amount=(
                to_amount(self.currency_amount, f"{path}.currency_amount") if self.currency_amount else None
            ),
            exchange_rate=rate,
        )


class EntryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    journal: str = Field("NC", max_length=10, description="Journal code; manual entries go to NC")
    entry_date: date
    description: str = Field(max_length=500)
    storno: bool = Field(False, description="A red-storno entry: negative amounts allowed")
    lines: list[LineIn] = Field(min_length=2, max_length=MAX_LINES_IN)


class ReverseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    on: date = Field(description="Date of the reversal (its month must be open)")
    description: str | None = Field(None, max_length=500)


class AccountIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(max_length=20, description="Analytic code <synthetic>.<digits>, e.g. 5121.01")
    name: str = Field(max_length=200)
    partner_id: str | None = Field(None, max_length=64)


class RuleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    flow: str = Field(description="sales or purchase")
    selector: str = Field(description="product_category, vat_category, item_kind or default")
    value: str = Field("", max_length=50)
    account: str = Field(max_length=20)
    description: str = Field("", max_length=200)


def line_out(line: Line) -> dict[str, Any]:
    return {
        "account": line.account,
        "debit": str(line.debit),
        "credit": str(line.credit),
        "partner_id": line.partner_id,
        "description": line.description,
        "currency": line.currency,
        "currency_amount": str(line.currency_amount) if line.currency_amount is not None else None,
        "exchange_rate": str(line.exchange_rate) if line.exchange_rate is not None else None,
        "cost_centre": line.cost_centre,
        "project": line.project,
        "vat": {
            "treatment": line.vat.treatment,
            "rate": str(line.vat.rate) if line.vat.rate is not None else None,
            "role": line.vat.role,
        }
        if line.vat
        else None,
        "due_date": line.due_date.isoformat() if line.due_date else None,
    }


def entry_out(entry: Entry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "journal": entry.journal,
        "number": entry.number,
        "entry_date": entry.entry_date.isoformat(),
        "description": entry.description,
        "status": entry.status.value,
        "storno": entry.storno,
        "total": str(entry.total),
        "created_by": entry.created_by,
        "approved_by": entry.approved_by,
        "source": (
            {
                "type": entry.source.type,
                "id": entry.source.id,
                "number": entry.source.number,
                "role": entry.source.role,
            }
            if entry.source
            else None
        ),
        "reverses": entry.reverses,
        "reversed_by": entry.reversed_by,
        "lines": [line_out(line) for line in entry.lines],
        "links": {"self": f"/api/v1/accounting/entries/{entry.id}"},
    }


def account_out(account: LedgerAccount) -> dict[str, Any]:
    return {
        "code": account.code,
        "name": account.name,
        "grade": account.grade.value,
        "synthetic": account.synthetic,
        "parent": account.parent,
        "class": account.account_class,
        "type": account.type,
        "partner_id": account.partner_id,
        "postable": account.postable,
        "saft_account_id": account.saft_account_id,
        "official": account.official,
    }
