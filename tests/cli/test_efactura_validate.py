"""`genius efactura validate`: verdict, findings in both languages, JSON output and exit statuses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from genius.cli.efactura_validate import EXIT_ACCEPTED, EXIT_REJECTED, EXIT_UNREADABLE

RO_CIUS_ID = "urn:cen.eu:en16931:2017#compliant#urn:efactura.mfinante.ro:CIUS-RO:1.0.1"


@pytest.fixture()
def command() -> typer.Typer:
    """The real `genius` app; every invocation goes through `genius efactura validate`."""
    from genius.cli.main import app

    return app


@pytest.fixture()
def good(validation_dir: Path, tmp_path: Path) -> Path:
    path = tmp_path / "good.xml"
    path.write_bytes((validation_dir / "ciusro/examples/b2g-1.0.9/ubl_b2g_example0.xml").read_bytes())
    return path


@pytest.fixture()
def bad(good: Path, tmp_path: Path) -> Path:
    path = tmp_path / "bad.xml"
    path.write_bytes(
        good.read_bytes().replace(RO_CIUS_ID.encode(), RO_CIUS_ID.replace("1.0.1", "1.0.0").encode())
    )
    return path


def test_accepted_file_exits_0(command: typer.Typer, good: Path) -> None:
    result = CliRunner().invoke(command, ["efactura", "validate", str(good)])
    assert result.exit_code == EXIT_ACCEPTED, result.output
    assert "ACCEPTED" in result.output


def test_rejected_file_exits_1_and_names_rule_location_and_both_languages(
    command: typer.Typer, good: Path, bad: Path
) -> None:
    result = CliRunner().invoke(command, ["efactura", "validate", str(good), str(bad)])
    assert result.exit_code == EXIT_REJECTED, result.output
    assert "REJECTED" in result.output
    assert "BR-RO-001 at /Invoice/cbc:CustomizationID" in result.output
    assert "RO: Identificatorul specificației (BT-24" in result.output
    assert "EN: The Specification identifier (BT-24" in result.output


def test_json_output(command: typer.Typer, good: Path, bad: Path) -> None:
    result = CliRunner().invoke(command, ["efactura", "validate", "--json", str(good), str(bad)])
    assert result.exit_code == EXIT_REJECTED
    payload = json.loads(result.output)
    assert [p["anaf_ok"] for p in payload] == [True, False]
    (finding,) = [f for f in payload[1]["findings"] if f["rule_id"] == "BR-RO-001"]
    assert finding["flag"] == "fatal"
    assert finding["location"] == "/Invoice/cbc:CustomizationID"
    assert finding["message_ro"] and finding["message_en"]


def test_unreadable_files_exit_2(command: typer.Typer, good: Path, tmp_path: Path) -> None:
    not_xml = tmp_path / "note.xml"
    not_xml.write_text("0\n")
    missing = tmp_path / "missing.xml"
    for args in ([str(not_xml)], [str(good), str(missing)]):
        result = CliRunner().invoke(command, ["efactura", "validate", *args])
        assert result.exit_code == EXIT_UNREADABLE, result.output
        assert "UNREADABLE" in result.output
