"""The annual D406 (HeaderComment A): the fixed-asset register in Assets and AssetTransactions."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
from lxml import etree
from typer.testing import CliRunner

from genius.apps.accounting.assets.handlers.depreciation import run_depreciation
from genius.apps.accounting.assets.handlers.disposal import dispose
from genius.apps.accounting.assets.handlers.register import register_asset
from genius.apps.accounting.domain.periods import Period
from genius.apps.accounting.saft.export import SaftRefused
from genius.cli.main import app
from genius.fiscal.ro.saft import FILING_NAMESPACE
from genius.platform.db.uow import UnitOfWork
from genius.platform.tenancy import TenantContext
from tests.apps.accounting.assets.test_register import LAPTOP as REGISTER_LAPTOP
from tests.apps.accounting.saft.conftest import Books, assert_valid
from tests.apps.accounting.saft.test_api import api_of, finished, worker
from tests.apps.accounting.saft.test_cli import cli_env

__all__ = ["cli_env"]  # the CLI test's fixture
NS = {"d": FILING_NAMESPACE}
# The register tests' laptop, without a cost centre (the D406 does not report one).
LAPTOP = replace(REGISTER_LAPTOP, cost_centre=None)
CAR = replace(
    LAPTOP,
    inventory_no="MF-002",
    name="Autoturism Dacia Jogger",
    asset_account="2133",
    acquisition_date=date(2026, 9, 10),
    commissioning_date=date(2026, 9, 12),
    acquisition_value=D("96000.00"),
    life_months=60,
    catalogue_code="2.3.2.1.1",
)


def texts(root: etree._Element, path: str) -> list[str]:
    return [node.text or "" for node in root.xpath(path, namespaces=NS)]


def unit(books: Books) -> UnitOfWork:
    return UnitOfWork(
        books.platform.databases, tenant=TenantContext(books.world.tenant.id, books.slug, system=True)
    )


async def ready(books: Books) -> None:
    """A company address (from an issued invoice) and the D406 contact: the header can be written."""
    books.issue(issue_date="2026-10-05")
    await books.deliver()
    books.configure()


async def test_a_tenant_without_assets_files_an_empty_register(books: Books, xsd_path: Path) -> None:
    await ready(books)
    result, document = books.export("2026")
    assert_valid(document, xsd_path)
    root = etree.fromstring(document)
    assert texts(root, "d:Header/d:HeaderComment") == ["A"]
    assert texts(root, "d:Header/d:SelectionCriteria/d:SelectionStartDate") == ["2026-01-01"]
    assert root.xpath("d:MasterFiles/d:Assets/*", namespaces=NS) == []
    assert texts(root, "d:SourceDocuments/d:AssetTransactions/d:NumberOfAssetTransactions") == ["0"]
    assert root.xpath("d:GeneralLedgerEntries/*", namespaces=NS) == []
    assert root.xpath("d:MasterFiles/d:Customers/*", namespaces=NS) == []
    assert root.xpath("d:SourceDocuments/d:SalesInvoices/*", namespaces=NS) == []
    assert texts(root, "d:MasterFiles/d:GeneralLedgerAccounts/d:Account/d:AccountID")  # the year's accounts
    assert (result.file_name, result.counts["asset_transactions"]) == ("D406_18547290_2026.xml", 0)


async def test_acquisitions_depreciation_and_a_sale_of_the_year(books: Books, xsd_path: Path) -> None:
    await ready(books)
    with unit(books) as uow:
        laptop = register_asset(uow, LAPTOP, acquisition_account="404")
        register_asset(uow, CAR, acquisition_account="404")
    for month in (9, 10):
        with unit(books) as uow:
            run_depreciation(uow, Period(2026, month))
    with unit(books) as uow:
        dispose(uow, laptop.id, on=date(2026, 11, 3), kind="sale", proceeds=D("4000"))
    result, document = books.export("2026")
    assert_valid(document, xsd_path)
    assert result.warnings == []
    root = etree.fromstring(document)
    assets = root.xpath("d:MasterFiles/d:Assets/d:Asset", namespaces=NS)
    assert [a.findtext("d:AssetID", namespaces=NS) for a in assets] == ["MF-001", "MF-002"]
    sold = assets[0].find("d:Valuations/d:Valuation", namespaces=NS)

    def value(node: etree._Element, name: str) -> str:
        return node.findtext(f"d:{name}", namespaces=NS) or ""

    assert {n: value(sold, n) for n in (
        "ValuationClass", "AcquisitionAndProductionCostsBegin", "AcquisitionAndProductionCostsEnd",
        "AssetLifeMonth", "AssetAddition", "AssetDisposal", "BookValueBegin", "DepreciationForPeriod",
        "AccumulatedDepreciation", "BookValueEnd",
    )} == {
        "ValuationClass": "2.2.9", "AcquisitionAndProductionCostsBegin": "0.00",
        "AcquisitionAndProductionCostsEnd": "0.00", "AssetLifeMonth": "36", "AssetAddition": "5400.00",
        "AssetDisposal": "5100.00", "BookValueBegin": "0.00", "DepreciationForPeriod": "300.00",
        "AccumulatedDepreciation": "0.00", "BookValueEnd": "0.00",
    }  # fmt: skip
    held = assets[1].find("d:Valuations/d:Valuation", namespaces=NS)
    assert (value(held, "DepreciationForPeriod"), value(held, "BookValueEnd")) == ("1600.00", "94400.00")
    assert texts(root, "d:MasterFiles/d:Assets/d:Asset/d:AssetSupplier/d:SupplierID") == ["0018547290"] * 2
    kinds = texts(root, "d:SourceDocuments/d:AssetTransactions/d:AssetTransaction/d:AssetTransactionType")
    assert sorted(kinds) == ["10", "10", "20", "30", "30", "30"]
    assert texts(root, "d:SourceDocuments/d:AssetTransactions/d:NumberOfAssetTransactions") == ["6"]
    # The TransactionID is the ledger entry's number, as GeneralLedgerEntries writes it monthly.
    ids = texts(root, "d:SourceDocuments/d:AssetTransactions/d:AssetTransaction/d:TransactionID")
    assert all(i.startswith("NC-2026-") for i in ids), ids
    # The months' files carry the same postings in their ledger and stay valid.
    _, october = books.export("2026-10")
    assert_valid(october, xsd_path)


async def test_each_asset_reports_its_own_method_and_rate(books: Books, xsd_path: Path) -> None:
    await ready(books)
    with unit(books) as uow:
        register_asset(uow, replace(LAPTOP, method="accelerated"), acquisition_account="404")
        register_asset(uow, replace(CAR, method="degressive"), acquisition_account="404")
        register_asset(uow, replace(CAR, inventory_no="MF-003"), acquisition_account="404")
    for month in (9, 10):
        with unit(books) as uow:
            run_depreciation(uow, Period(2026, month))
    _, document = books.export("2026")
    assert_valid(document, xsd_path)
    valuations = etree.fromstring(document).xpath(
        "d:MasterFiles/d:Assets/d:Asset/d:Valuations/d:Valuation", namespaces=NS
    )
    fields = ("DepreciationMethod", "DepreciationPercentage")
    reported = [tuple(v.findtext(f"d:{name}", namespaces=NS) for name in fields) for v in valuations]
    # accelerated: 50 % over the first 12 months (50 / 12 a month); degressive, 5 years: the linear
    # 100 / 60 a month times 1.5 (Codul fiscal art. 28 alin. (7)); linear: 100 / 60 a month.
    assert reported == [("accelerata", "4.1667"), ("degresiva", "2.5000"), ("liniara", "1.6667")]


async def test_a_month_not_depreciated_is_a_warning(books: Books, xsd_path: Path) -> None:
    await ready(books)
    with unit(books) as uow:
        register_asset(uow, CAR, acquisition_account="404")
    result, document = books.export("2026")
    assert_valid(document, xsd_path)
    assert [(w.code, w.entity_id) for w in result.warnings] == [("ASSET_DEPRECIATION_MISSING", "MF-002")]
    assert "2026-10" in result.warnings[0].message_en


async def test_an_asset_whose_account_is_not_in_the_ledger_is_refused(books: Books) -> None:
    await ready(books)
    software = replace(
        LAPTOP, inventory_no="MF-003", name="Licență ERP", asset_account="208", catalogue_code=None
    )
    with unit(books) as uow:
        register_asset(uow, software)  # no acquisition posted: 208 has no balance
    with pytest.raises(SaftRefused) as caught:
        books.export("2026")
    codes = {(f["code"], f["entity_id"]) for f in caught.value.details["findings"]}
    assert ("ASSET_ACCOUNT_NOT_IN_MASTER", "MF-003") in codes
    assert "post its acquisition" in caught.value.message


async def test_the_annual_job_over_http_stores_a_valid_file(books: Books, xsd_path: Path) -> None:
    await ready(books)
    with unit(books) as uow:
        register_asset(uow, LAPTOP, acquisition_account="404")
    with unit(books) as uow:
        run_depreciation(uow, Period(2026, 9))
    with unit(books) as uow:
        run_depreciation(uow, Period(2026, 10))
    with api_of(books) as api:
        accountant = api.login(books.world.tenant, "accountant")
        started = api.client.post(
            "/api/v1/accounting/saft", json={"period": "2026"}, headers=accountant.headers
        )
        assert started.status_code == 202, started.text
        assert started.json()["report_type"] == "A"
        job_id = started.json()["job"]["id"]
        async with worker(books):
            job = await finished(api, accountant, job_id)
        assert job["state"] == "succeeded", job
        assert job["result"]["counts"]["asset_transactions"] == 3
        file = api.client.get(f"/api/v1/accounting/saft/exports/{job_id}/file", headers=accountant.headers)
        assert 'filename="D406_18547290_2026.xml"' in file.headers["content-disposition"]
        assert_valid(file.content, xsd_path)


async def test_genius_saft_export_of_a_year(
    books: Books, cli_env: None, tmp_path: Path, xsd_path: Path
) -> None:
    await ready(books)
    with unit(books) as uow:
        register_asset(uow, CAR, acquisition_account="404")
    out = tmp_path / "D406_2026.xml"
    done = CliRunner().invoke(
        app, ["saft", "export", "--tenant", books.slug, "--period", "2026", "--out", str(out), "--json"]
    )
    assert done.exit_code == 0, done.output
    report = json.loads(done.output.strip().splitlines()[-1])
    assert report["counts"]["asset_transactions"] == 1  # the acquisition; October is not depreciated:
    assert [w["code"] for w in report["warnings"]] == ["ASSET_DEPRECIATION_MISSING"]  # a warning
    assert_valid(out.read_bytes(), xsd_path)
