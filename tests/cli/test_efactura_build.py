"""`genius efactura build`: JSON form in, CIUS-RO UBL out; bad input named on stderr with exit status 1."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from typer.testing import CliRunner

from genius.cli.efactura import EXIT_BUILT, EXIT_REFUSED, app
from tests.fiscal.ro.efactura.conftest import oracle  # noqa: F401  (the session fixture, shared)
from tests.fiscal.ro.efactura.scenarios import scenario_paths

runner = CliRunner()


def example(name: str) -> dict[str, Any]:
    return json.loads(scenario_paths()[name].read_text(encoding="utf-8"))


def write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "invoice.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_build_writes_the_xml_file(tmp_path: Path) -> None:
    out = tmp_path / "out.xml"
    result = runner.invoke(app, ["build", str(scenario_paths()["credit-note"]), "-o", str(out)])
    assert result.exit_code == EXIT_BUILT, result.output
    root = etree.fromstring(out.read_bytes())
    assert etree.QName(root).localname == "CreditNote"
    assert "payable 303.71 RON" in result.stderr


def test_build_without_output_writes_to_stdout() -> None:
    result = runner.invoke(app, ["build", str(scenario_paths()["domestic-21-11"])])
    assert result.exit_code == EXIT_BUILT
    assert result.stdout.startswith("<?xml")
    assert '<cbc:PayableAmount currencyID="RON">2229.52</cbc:PayableAmount>' in result.stdout


@pytest.mark.oracle
def test_built_file_is_accepted_by_anaf(oracle: Any, tmp_path: Path) -> None:  # noqa: F811
    out = tmp_path / "out.xml"
    assert (
        runner.invoke(app, ["build", str(scenario_paths()["eur-with-ron-vat"]), "-o", str(out)]).exit_code
        == 0
    )
    assert oracle.check_file(out)["anaf_ok"]


def test_bad_values_are_named_and_exit_1(tmp_path: Path) -> None:
    data = example("domestic-21-11")
    data["issue_date"] = "2025-13-01"
    data["lines"][0]["quantity"] = 10
    data["colour"] = "blue"
    out = tmp_path / "out.xml"
    result = runner.invoke(app, ["build", str(write(tmp_path, data)), "-o", str(out)])
    assert result.exit_code == EXIT_REFUSED
    assert "issue_date: [bad_date]" in result.stderr
    assert "lines[0].quantity: [bad_decimal]" in result.stderr
    assert "colour: [unknown_key]" in result.stderr
    assert not out.exists()


def test_mismatched_total_is_named_with_its_rule(tmp_path: Path) -> None:
    data = example("domestic-21-11")
    data["totals"] = {"tax_exclusive_amount": "1800.00"}
    result = runner.invoke(app, ["build", str(write(tmp_path, data))])
    assert result.exit_code == EXIT_REFUSED
    assert "totals.tax_exclusive_amount: BR-CO-13 expects 1854.97, got 1800.00" in result.stderr
    assert result.stdout == ""


def test_cius_ro_rule_is_named(tmp_path: Path) -> None:
    data = example("bucharest-sectors")
    data["buyer"]["address"]["city"] = "Bucuresti"
    result = runner.invoke(app, ["build", str(write(tmp_path, data))])
    assert result.exit_code == EXIT_REFUSED
    assert "buyer.address.city: BR-RO-101" in result.stderr


def test_unreadable_and_malformed_files(tmp_path: Path) -> None:
    missing = runner.invoke(app, ["build", str(tmp_path / "none.json")])
    assert missing.exit_code == EXIT_REFUSED and "cannot read" in missing.stderr
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    result = runner.invoke(app, ["build", str(broken)])
    assert result.exit_code == EXIT_REFUSED and "[bad_json]" in result.stderr


def test_registered_in_the_genius_command() -> None:
    from genius.cli.main import app as genius

    result = runner.invoke(genius, ["efactura", "build", "--help"])
    assert result.exit_code == 0 and "INVOICE_JSON" in result.stdout
