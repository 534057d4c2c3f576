"""Disposal of an asset (sale or scrapping): the accumulated depreciation reversed, the rest expensed.

On the disposal day, in the general journal, sourced ``fixed_asset``/<id>/``disposal``:

    280x/281x  debit   accumulated depreciation posted so far
    6583       debit   remaining (net book) value
    <2xx>      credit  acquisition value

and, for a sale with ``proceeds`` (role ``proceeds``): ``<receivable_account> = 7583`` (461
Debitori diverși by default). A sale billed through the sales app with VAT is booked there (7583
as the line's revenue account) and is not given here. The disposal month is not depreciated; every
month the schedule owes before it must be posted first (the message names the first missing one),
so the book value leaving is the one the ledger holds.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from genius.apps.accounting.assets import repository as repo
from genius.apps.accounting.assets.domain.model import DisposalKind, Status
from genius.apps.accounting.assets.domain.schedule import schedule
from genius.apps.accounting.assets.handlers.common import (
    DISPOSAL_EXPENSE,
    DISPOSAL_REVENUE,
    check_accounts,
    source,
)
from genius.apps.accounting.domain.entries import EntryDraft, Line
from genius.apps.accounting.domain.periods import Period
from genius.apps.accounting.domain.postings import GENERAL_JOURNAL
from genius.apps.accounting.handlers import entries as entry_handlers
from genius.apps.accounting.handlers.audit import audit
from genius.kernel.errors import Conflict, ValidationError
from genius.kernel.money import round_money
from genius.platform.audit import AuditTrail
from genius.platform.db.uow import UnitOfWork

DEFAULT_RECEIVABLE = "461"


class AssetDisposed(Conflict):
    code = "asset_disposed"


def dispose(
    uow: UnitOfWork,
    asset_id: str,
    *,
    on: date,
    kind: str,
    proceeds: Decimal | None = None,
    receivable_account: str | None = None,
    by: str | None = None,
    trail: AuditTrail | None = None,
) -> repo.AssetRow:
    conn = uow.connection
    asset = repo.get(conn, asset_id, for_update=True)
    spec = asset.spec
    if asset.status is not Status.ACTIVE:
        raise AssetDisposed(f"asset {spec.inventory_no} was disposed of on {asset.disposed_on}")
    try:
        disposal_kind = DisposalKind(kind)
    except ValueError:
        raise ValidationError.for_field("kind", f"{kind!r}: sale or scrap") from None
    if on < spec.acquisition_date:
        raise ValidationError.for_field("on", f"{on} is before the acquisition ({spec.acquisition_date})")
    amount = round_money(proceeds) if proceeds is not None else None
    if amount is not None and disposal_kind is DisposalKind.SCRAP:
        raise ValidationError.for_field("proceeds", "a scrapped asset has no sale proceeds (kind sale)")
    if amount is not None and amount <= 0:
        raise ValidationError.for_field("proceeds", "must be more than 0 (or left out)")
    receivable = (receivable_account or DEFAULT_RECEIVABLE).strip() if amount is not None else ""
    check_accounts(uow, (("receivable_account", receivable),))
    month = Period.of(on)
    done = {m for m, _, _ in asset.posted}
    missing = [
        line.month
        for line in schedule(spec.method, spec.acquisition_value, spec.life_months, spec.commissioning_date)
        if line.month < month and line.month not in done and line.amount
    ]
    if missing:
        raise ValidationError.for_field(
            "on",
            f"the depreciation of {missing[0]} is not posted yet for {spec.inventory_no} "
            f"({len(missing)} month(s) before {month}): run it first",
            code="depreciation_missing",
        )
    value, accumulated = spec.acquisition_value, asset.accumulated
    remaining = value - accumulated
    lines = [Line(spec.depreciation_account or "", debit=accumulated)] if accumulated else []
    if remaining:
        lines.append(Line(DISPOSAL_EXPENSE, debit=remaining, cost_centre=spec.cost_centre))
    lines.append(Line(spec.asset_account, credit=value))
    label = "Vânzare" if disposal_kind is DisposalKind.SALE else "Casare"
    entry = entry_handlers.post(
        uow,
        EntryDraft(
            GENERAL_JOURNAL,
            on,
            f"{label} mijloc fix {spec.inventory_no} {spec.name}"[:500],
            tuple(lines),
            source=source(asset.id, spec.inventory_no, "disposal"),
        ),
        created_by=by,
    )
    proceeds_entry = None
    if amount is not None:
        proceeds_entry = entry_handlers.post(
            uow,
            EntryDraft(
                GENERAL_JOURNAL,
                on,
                f"Preț vânzare mijloc fix {spec.inventory_no} {spec.name}"[:500],
                (Line(receivable, debit=amount), Line(DISPOSAL_REVENUE, credit=amount)),
                source=source(asset.id, spec.inventory_no, "proceeds"),
            ),
            created_by=by,
        )
    repo.update(
        conn,
        asset.id,
        status=Status.DISPOSED.value,
        disposed_on=on,
        disposal_kind=disposal_kind.value,
        proceeds=str(amount) if amount is not None else None,
        disposal_entry_id=entry.id,
        proceeds_entry_id=proceeds_entry.id if proceeds_entry is not None else None,
    )
    row = repo.get(conn, asset.id)
    audit(
        uow,
        trail,
        "accounting.asset.dispose",
        asset.id,
        before=asset.as_dict(),
        after=row.as_dict(),
        resource_type="accounting.asset",
    )
    return row
