"""Checks of the annual D406's fixed assets (Assets, AssetTransactions) a user can fix before filing.

* ASSET_DUPLICATE: two assets with one AssetID (the inventory number identifies an asset);
* ASSET_ACCOUNT_NOT_IN_MASTER: the asset's AccountID is not among GeneralLedgerAccounts (its
  acquisition never reached the ledger, or the account is mistyped);
* ASSET_BOOK_VALUE_ARITHMETIC: BookValueEnd differs from BookValueBegin + AssetAddition +
  Transfers - AssetDisposal - DepreciationForPeriod + AppreciationForPeriod - extraordinary
  depreciation; or BookValueEnd differs from AcquisitionAndProductionCostsEnd -
  AccumulatedDepreciation;
* ASSET_LEDGER_MISMATCH (warning, annual file): the register's cost at the period's end on a 20x/21x
  account differs from that account's closing balance in GeneralLedgerAccounts (assets booked
  without the register, or registered without their acquisition);
* ASSET_TRANSACTION_UNKNOWN_ASSET: an AssetTransaction names an AssetID that is not in Assets.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from genius.fiscal.ro.saft.model.documents import AssetTransaction
from genius.fiscal.ro.saft.model.masterfiles import Asset
from genius.fiscal.ro.saft.prevalidate.context import Context
from genius.fiscal.ro.saft.prevalidate.findings import EntityKind, Severity

_ZERO = Decimal("0.00")
FIXED_ASSETS = ("20", "21")  # intangible and tangible fixed assets (OMFP 1802/2014 class 2)


def check_assets(
    ctx: Context, assets: Iterable[Asset], transactions: Iterable[AssetTransaction], *, annual: bool
) -> None:
    """``annual``: the file reports the register (A), so fixed-asset accounts are compared with it."""
    add = ctx.findings.add
    seen: set[str] = set()
    cost_by_account: dict[str, Decimal] = defaultdict(lambda: _ZERO)
    for asset in assets:
        if asset.asset_id in seen:
            add(
                "ASSET_DUPLICATE",
                Severity.ERROR,
                EntityKind.ASSET,
                asset.asset_id,
                f"Numărul de inventar {asset.asset_id} apare la două mijloace fixe; fiecare are numărul lui.",
                f"Inventory number {asset.asset_id} is used by two assets; give each its own.",
                "AssetID",
            )
        seen.add(asset.asset_id)
        if asset.account_id not in ctx.accounts:
            add(
                "ASSET_ACCOUNT_NOT_IN_MASTER",
                Severity.ERROR,
                EntityKind.ASSET,
                asset.asset_id,
                f"Contul {asset.account_id} al mijlocului fix {asset.asset_id} lipsește din "
                "GeneralLedgerAccounts: înregistrați intrarea lui în contabilitate sau corectați contul.",
                f"Account {asset.account_id} of asset {asset.asset_id} is not in GeneralLedgerAccounts: "
                "post its acquisition to the ledger or correct the account.",
                "AccountID",
            )
        for v in asset.valuations:
            extraordinary = sum((amount for _, amount in v.extraordinary_depreciations), _ZERO)
            moved = (
                v.book_value_begin
                + v.asset_addition
                + v.transfers
                - v.asset_disposal
                - v.depreciation_for_period
                + v.appreciation_for_period
                - extraordinary
            )
            if moved != v.book_value_end or v.cost_end - v.accumulated_depreciation != v.book_value_end:
                add(
                    "ASSET_BOOK_VALUE_ARITHMETIC",
                    Severity.ERROR,
                    EntityKind.ASSET,
                    asset.asset_id,
                    f"Mijlocul fix {asset.asset_id}: valoarea rămasă la sfârșit {v.book_value_end} "
                    "nu rezultă "
                    f"din cea de la început și mișcările perioadei ({moved}) sau din cost minus amortizare "
                    f"({v.cost_end - v.accumulated_depreciation}); verificați amortizarea și ieșirile.",
                    f"Asset {asset.asset_id}: book value at the end {v.book_value_end} does not follow from "
                    f"the start and the period's movements ({moved}) or from cost less depreciation "
                    f"({v.cost_end - v.accumulated_depreciation}); check its depreciation and disposals.",
                    "BookValueEnd",
                )
            if v.valuation_type == asset.valuations[0].valuation_type:
                cost_by_account[asset.account_id] += v.cost_end
    held = {a for a, state in ctx.accounts.items() if a.startswith(FIXED_ASSETS) and state.closing}
    for account_id in sorted(set(cost_by_account) | held) if annual else ():
        cost = cost_by_account.get(account_id, _ZERO)
        state = ctx.accounts.get(account_id)
        if state is not None and state.closing != cost:
            add(
                "ASSET_LEDGER_MISMATCH",
                Severity.WARNING,
                EntityKind.ACCOUNT,
                account_id,
                f"Registrul mijloacelor fixe are pe contul {account_id} un cost de {cost} la sfârșitul "
                f"perioadei, iar soldul contului este {state.closing}; înregistrați în registru "
                "mijloacele fixe lipsă sau intrările lor în contabilitate.",
                f"The fixed-asset register holds {cost} on account {account_id} at the period's end, the "
                f"account's balance is {state.closing}; register the missing assets or post their "
                "acquisitions.",
                "AccountID",
            )
    for item in transactions:
        if item.asset_id not in seen:
            add(
                "ASSET_TRANSACTION_UNKNOWN_ASSET",
                Severity.ERROR,
                EntityKind.ASSET,
                item.asset_transaction_id,
                f"Tranzacția {item.asset_transaction_id} se referă la mijlocul fix {item.asset_id}, care "
                "lipsește din Assets.",
                f"Transaction {item.asset_transaction_id} names asset {item.asset_id}, which is not in "
                "Assets.",
                "AssetID",
            )
