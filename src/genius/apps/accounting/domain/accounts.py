"""Ledger accounts: synthetic accounts from the OMFP 1802 chart and the tenant's analytic accounts.

A tenant's ledger starts with every synthetic account of grade I and II of the chart
(``genius.fiscal.ro.chart``); the tenant adds analytic accounts below a synthetic one, written
``<synthetic>.<suffix>`` (``4111.00023`` for one customer, ``5121.01`` for one bank account).

SAF-T (D406) wants ``AccountID`` as digits only (SAFT-D406.md §4: ``401.05`` is refused as
"numar intreg eronat"), matched by synthetic prefix against ANAF's list, so every account keeps a
``saft_account_id``: its code without the dot (``411100023``), which still starts with its
synthetic account.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from genius.fiscal.ro.chart import chart
from genius.kernel.errors import ValidationError

# Analytic suffix: digits only, so the D406 AccountID (code without the dot) stays numeric.
_ANALYTIC_RE = re.compile(r"^(\d{3,4})\.(\d{1,8})$")
PARTNER_SUFFIX_DIGITS = 5  # 4111.00023: room for 99,999 partners per synthetic account
MAX_NAME = 200


class AccountGrade(StrEnum):
    """Grade I (3 digits), grade II (4 digits) synthetic accounts, or a tenant's analytic account."""

    SYNTHETIC_1 = "synthetic1"
    SYNTHETIC_2 = "synthetic2"
    ANALYTIC = "analytic"


@dataclass(frozen=True)
class LedgerAccount:
    """One account of a tenant's ledger."""

    code: str
    name: str
    grade: AccountGrade
    synthetic: str  # the synthetic account it belongs to (itself for a synthetic account)
    parent: str | None  # next level up in the trial balance (analytic -> synthetic, II -> I)
    account_class: int
    type: str | None  # A (activ), P (pasiv), B (bifuncțional), as the chart gives it
    partner_id: str | None = None
    official: bool = True  # its synthetic prefix is in ANAF's D406 list (PlanConturiBalSocCom)
    # False for a grade I account with grade II accounts (411 -> post to 4111 or 4118).
    postable: bool = True

    @property
    def saft_account_id(self) -> str:
        return saft_account_id(self.code)


def saft_account_id(code: str) -> str:
    """The D406 AccountID of ``code``: its digits (``4111.00023`` -> ``411100023``)."""
    return code.replace(".", "")


def synthetic_accounts() -> list[LedgerAccount]:
    """Every grade I and II account of the OMFP 1802 chart, class 9 included (management accounts)."""
    accounts = []
    for account in chart():
        if not account.is_synthetic:
            continue
        grade = AccountGrade.SYNTHETIC_1 if account.grade == 1 else AccountGrade.SYNTHETIC_2
        parent = account.parent if account.grade == 2 else None
        accounts.append(
            LedgerAccount(
                code=account.code,
                name=account.name,
                grade=grade,
                synthetic=account.code,
                parent=parent,
                account_class=account.account_class,
                type=account.type.value if account.type else None,
                official=chart().is_official(account.code),
                postable=not chart().has_grade2_children(account.code),
            )
        )
    return accounts


def analytic_account(
    code: str, name: str, *, partner_id: str | None = None, field_path: str = "code"
) -> LedgerAccount:
    """An analytic account ``<synthetic>.<digits>`` below an existing synthetic account."""
    match = _ANALYTIC_RE.fullmatch((code or "").strip())
    if match is None:
        raise ValidationError.for_field(
            field_path,
            f"{code!r} is not an analytic account: write <synthetic account>.<digits>, e.g. 4111.00023",
        )
    synthetic_code = match.group(1)
    synthetic = chart().get(synthetic_code)
    if synthetic is None or not synthetic.is_synthetic:
        raise ValidationError.for_field(
            field_path, f"{synthetic_code} is not a synthetic account of the OMFP 1802 chart"
        )
    if chart().has_grade2_children(synthetic_code):
        kids = ", ".join(a.code for a in chart().children(synthetic_code))
        raise ValidationError.for_field(
            field_path, f"{synthetic_code} has grade II accounts ({kids}): develop one of those instead"
        )
    name = (name or "").strip()
    if not name:
        raise ValidationError.for_field("name", "an analytic account needs a name")
    if len(name) > MAX_NAME:
        raise ValidationError.for_field("name", f"at most {MAX_NAME} characters")
    return LedgerAccount(
        code=code.strip(),
        name=name,
        grade=AccountGrade.ANALYTIC,
        synthetic=synthetic_code,
        parent=synthetic_code,
        account_class=synthetic.account_class,
        type=synthetic.type.value if synthetic.type else None,
        partner_id=partner_id,
        official=chart().is_official(synthetic_code),
    )


def partner_account_code(synthetic: str, number: int) -> str:
    """The analytic code of the ``number``-th partner below ``synthetic`` (4111, 7 -> 4111.00007)."""
    if number < 1 or number >= 10**PARTNER_SUFFIX_DIGITS:
        raise ValidationError.for_field(
            "partner", f"partner analytic number {number} is out of 1..{10**PARTNER_SUFFIX_DIGITS - 1}"
        )
    return f"{synthetic}.{number:0{PARTNER_SUFFIX_DIGITS}d}"


def synthetic_of(code: str) -> str:
    """The synthetic part of an account code (``4111.00023`` -> ``4111``)."""
    return code.split(".", 1)[0]


def posting_problem(account: LedgerAccount | None, code: str) -> str | None:
    """Why a line may not post to ``code`` (unknown or a grade I account with grade II ones), or None."""
    if account is None:
        return (
            f"account {code!r} is not in the ledger (the chart's synthetic accounts or the tenant's "
            "analytic accounts)"
        )
    if not account.postable:
        kids = ", ".join(a.code for a in chart().children(code))
        return f"account {code} has grade II accounts ({kids}): post to one of those"
    return None
