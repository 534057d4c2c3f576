"""Request bodies of the cash register's API (validated by pydantic; the rules are the domain's)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, Field

ACCOUNT = Field("5311", max_length=20, description="the cash account: 5311 or an analytic (5311.01)")


class SettlementBody(BaseModel):
    """A receipt (chitanță) for a sales invoice, or a cash payment of a supplier invoice."""

    on: date
    amount: Decimal = Field(description="lei, positive, at most 2 decimals")
    invoice_id: str = Field(max_length=64, description="the sales (receipt) or supplier (payment) invoice id")
    account: str = ACCOUNT
    description: str = Field("", max_length=300)


class OperationBody(BaseModel):
    """Another cash movement against a counter account (581 to/from the bank, 542 advances, 7588 ...)."""

    direction: str = Field(pattern="^(in|out)$", description="in (cash received) or out (cash paid)")
    on: date
    amount: Decimal = Field(description="lei, positive, at most 2 decimals")
    counter_account: str = Field(max_length=20)
    account: str = ACCOUNT
    description: str = Field("", max_length=300)


class CancelBody(BaseModel):
    """Cancel an operation recorded by mistake: a red-storno reversal dated ``on``."""

    on: date = Field(
        description="the cancellation date: the storno entry's date, on or after the operation's"
    )
    reason: str = Field(
        min_length=1, max_length=300, description="why it is cancelled (kept on the operation)"
    )
