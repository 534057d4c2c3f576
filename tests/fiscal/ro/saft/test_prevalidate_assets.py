"""The annual D406's asset checks: each code raised by a mistake a user can make, with both languages."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

from genius.fiscal.ro.saft.model import AssetTransactionSection, MasterFiles, SourceDocuments
from genius.fiscal.ro.saft.prevalidate import EntityKind, Finding, Severity, prevalidate
from tests.fiscal.ro.saft import sample


def findings(master: MasterFiles, documents: SourceDocuments | None = None) -> list[Finding]:
    header, _, sample_documents = sample.annual_assets()
    return prevalidate(header, master, None, documents or sample_documents)


def codes(found: list[Finding]) -> list[tuple[str, Severity, str]]:
    return [(f.code, f.severity, f.entity_id) for f in found]


def test_an_asset_on_an_account_missing_from_the_ledger_is_an_error() -> None:
    _, master, _ = sample.annual_assets()
    (asset,) = master.assets
    found = findings(replace(master, assets=[replace(asset, account_id="2133")]))
    assert ("ASSET_ACCOUNT_NOT_IN_MASTER", Severity.ERROR, "MF-0001") in codes(found)
    # ... and the register no longer covers 2131's balance: a warning on the account.
    assert ("ASSET_LEDGER_MISMATCH", Severity.WARNING, "2131") in codes(found)
    finding = next(f for f in found if f.code == "ASSET_ACCOUNT_NOT_IN_MASTER")
    assert (
        finding.entity_kind is EntityKind.ASSET
        and "2133" in finding.message_ro
        and "2133" in finding.message_en
    )


def test_book_values_that_do_not_add_up_are_an_error() -> None:
    _, master, _ = sample.annual_assets()
    (asset,) = master.assets
    (valuation,) = asset.valuations
    wrong = replace(valuation, depreciation_for_period=valuation.depreciation_for_period + D("1.00"))
    found = findings(replace(master, assets=[replace(asset, valuations=(wrong,))]))
    assert codes(found) == [("ASSET_BOOK_VALUE_ARITHMETIC", Severity.ERROR, "MF-0001")]


def test_duplicate_assets_and_transactions_of_unknown_assets_are_errors() -> None:
    _, master, documents = sample.annual_assets()
    (asset,) = master.assets
    section = documents.asset_transactions
    assert section is not None
    transactions = list(section.transactions)
    stray = replace(transactions[0], asset_id="MF-9999", asset_transaction_id="T-stray")
    found = findings(
        replace(master, assets=[asset, asset]),
        replace(
            documents,
            asset_transactions=AssetTransactionSection(len(transactions) + 1, [*transactions, stray]),
        ),
    )
    assert ("ASSET_DUPLICATE", Severity.ERROR, "MF-0001") in codes(found)
    assert ("ASSET_TRANSACTION_UNKNOWN_ASSET", Severity.ERROR, "T-stray") in codes(found)
