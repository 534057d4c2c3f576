"""Register a fixed asset; optionally post its acquisition (asset account = the account it came from).

The supplier invoice of an asset normally reaches the ledger through procurement (with its VAT);
``acquisition_account`` is for an asset whose value is not in the ledger yet (404 when the
supplier invoice is booked without it, 1012 for a contribution in kind, ...): the register then
posts ``<asset account> = <acquisition_account>`` for the acquisition value on the acquisition day,
sourced ``fixed_asset``/<id>/``acquisition``. VAT is not posted here (it belongs to the invoice).
"""

from __future__ import annotations

from genius.apps.accounting.assets import repository as repo
from genius.apps.accounting.assets.domain.model import AssetSpec, checked
from genius.apps.accounting.assets.handlers.common import check_accounts, source
from genius.apps.accounting.domain.entries import EntryDraft, Line
from genius.apps.accounting.domain.postings import GENERAL_JOURNAL
from genius.apps.accounting.handlers import entries as entry_handlers
from genius.apps.accounting.handlers.audit import audit
from genius.kernel.clock import utcnow
from genius.kernel.errors import Conflict, ValidationError
from genius.kernel.ids import new_id
from genius.platform.audit import AuditTrail
from genius.platform.db.uow import UnitOfWork


class InventoryNumberTaken(Conflict):
    code = "inventory_number_taken"


def register_asset(
    uow: UnitOfWork,
    spec: AssetSpec,
    *,
    acquisition_account: str | None = None,
    by: str | None = None,
    trail: AuditTrail | None = None,
) -> repo.AssetRow:
    """Store the asset (refusing what ``domain.model.checked`` refuses, unknown accounts, a taken
    inventory number) and post its acquisition when ``acquisition_account`` is given."""
    spec = checked(spec)
    counter = (acquisition_account or "").strip() or None
    if counter is not None and counter.startswith(("20", "21", "28")):
        raise ValidationError.for_field(
            "acquisition_account",
            f"{counter} is a fixed-asset account: give where the value came from (404, ...)",
        )
    check_accounts(
        uow,
        (
            ("asset_account", spec.asset_account),
            ("depreciation_account", spec.depreciation_account or ""),
            ("acquisition_account", counter or ""),
        ),
    )
    conn = uow.connection
    if repo.inventory_taken(conn, spec.inventory_no):
        raise InventoryNumberTaken(
            f"inventory_no {spec.inventory_no!r} is already in the register",
            details={"field": "inventory_no"},
        )
    asset_id = new_id()
    repo.insert(conn, asset_id, spec, now=utcnow(), by=by)
    if counter is not None:
        value = spec.acquisition_value
        draft = EntryDraft(
            GENERAL_JOURNAL,
            spec.acquisition_date,
            f"Intrare mijloc fix {spec.inventory_no} {spec.name}"[:500],
            (
                Line(spec.asset_account, debit=value, cost_centre=spec.cost_centre),
                Line(counter, credit=value),
            ),
            source=source(asset_id, spec.inventory_no, "acquisition"),
        )
        entry = entry_handlers.post(uow, draft, created_by=by)
        repo.update(conn, asset_id, acquisition_entry_id=entry.id)
    row = repo.get(conn, asset_id)
    audit(
        uow, trail, "accounting.asset.create", asset_id, after=row.as_dict(), resource_type="accounting.asset"
    )
    return row
