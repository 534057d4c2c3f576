"""The demo's fixed assets: registered once, depreciated for the months that are over, in every D406."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from lxml import etree

from genius.apps.accounting import tables as acc
from genius.demo.assets import seed_assets
from genius.fiscal.ro.saft import FILING_NAMESPACE
from tests.apps.accounting.saft.conftest import Books, assert_valid
from tests.demo.test_accounting import TODAY, books, documents, scalar, xsd

__all__ = ["books", "xsd"]  # the fixtures, shared with the accounting demo's tests
NS = {"d": FILING_NAMESPACE}


async def test_the_demo_assets_reach_the_ledger_and_every_d406(books: Books, xsd: Path) -> None:
    documents(books)
    await books.deliver()
    fixed = seed_assets(books.platform, books.slug, today=TODAY)
    # Laptop and car commissioned in August (September, October), the software in September (October).
    assert fixed == {
        "fixed_assets": 3,
        "fixed_assets_registered_now": 3,
        "depreciation_entries": 5,
        "depreciation_posted_now": 5,
    }
    books.configure()  # the D406 contact (the accounting demo sets it; not run here, it is slow)
    lines = acc.lines.c
    assert scalar(books, sa.select(sa.func.count()).where(lines.account == "6811")) == 5
    for month in ("2026-08", "2026-10"):  # the acquisitions' month, and one with all three depreciated
        result, document = books.export(month)
        assert_valid(document, xsd)
        assert result.warnings == [], result.warnings
    result, document = books.export("2026")
    assert_valid(document, xsd)
    assert result.warnings == [] and result.counts["asset_transactions"] == 3 + 5
    root = etree.fromstring(document)
    assert [n.text for n in root.xpath("//d:Asset/d:AssetID", namespaces=NS)] == [
        "MF-0001",
        "MF-0002",
        "MF-0003",
    ]
    again = seed_assets(books.platform, books.slug, today=TODAY)
    assert (again["fixed_assets_registered_now"], again["depreciation_posted_now"]) == (0, 0)
    assert again["depreciation_entries"] == 5
