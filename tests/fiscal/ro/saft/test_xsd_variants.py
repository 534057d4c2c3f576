"""Every generated D406 validates against ANAF's XSD 2.4.8 (filing namespace mapped onto d406t)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from genius.fiscal.ro.saft import FILING_NAMESPACE, TEST_NAMESPACE, Target
from genius.fiscal.ro.saft.xsd import NamespaceMappingReader, validate_bytes, validate_stream
from tests.fiscal.ro.saft import sample
from tests.fiscal.ro.saft.helpers import count, parse, texts, write


def _monthly() -> bytes:
    return write(*sample.monthly())


def _quarterly() -> bytes:
    return write(*sample.quarterly())


def _annual() -> bytes:
    header, master, documents = sample.annual_assets()
    return write(header, master, None, documents)


def _on_request() -> bytes:
    header, master, documents = sample.on_request_stock()
    return write(header, master, None, documents)


VARIANTS = {"L": _monthly, "T": _quarterly, "A": _annual, "C": _on_request}


@pytest.mark.parametrize("kind", sorted(VARIANTS))
def test_each_variant_validates_against_the_xsd(kind: str, xsd_path: Path) -> None:
    data = VARIANTS[kind]()
    result = validate_bytes(data, xsd_path)
    assert result.ok, result.errors
    streamed = validate_stream(io.BytesIO(data), xsd_path)
    assert streamed.ok, streamed.errors
    root = parse(data)
    assert root.tag == f"{{{FILING_NAMESPACE}}}AuditFile"
    assert texts(root, "d:Header/d:HeaderComment") == [kind]


def test_a_filed_d406_needs_the_namespace_mapping(xsd_path: Path) -> None:
    data = _monthly()
    unmapped = validate_bytes(data, xsd_path, map_namespace=False)
    assert not unmapped.ok
    assert any("No matching global declaration" in error for error in unmapped.errors)


def test_a_d406t_file_validates_as_is(xsd_path: Path) -> None:
    data = write(*sample.monthly(), target=Target.TEST)
    assert parse(data).tag == f"{{{TEST_NAMESPACE}}}AuditFile"
    assert validate_bytes(data, xsd_path, map_namespace=False).ok


def test_version_2_4_9_keeps_the_structure(xsd_path: Path) -> None:
    data = write(*sample.monthly(), version="2.4.9")
    assert texts(parse(data), "d:Header/d:AuditFileVersion") == ["2.4.9"]
    assert validate_bytes(data, xsd_path).ok


def test_an_invalid_document_is_reported(xsd_path: Path) -> None:
    data = _monthly().replace(b"<HeaderComment>L</HeaderComment>", b"")
    result = validate_bytes(data, xsd_path)
    assert not result.ok and any("HeaderComment" in error for error in result.errors)
    streamed = validate_stream(io.BytesIO(data), xsd_path)
    assert not streamed.ok and any("HeaderComment" in error for error in streamed.errors)


def test_namespace_reader_maps_across_chunk_boundaries() -> None:
    uri = FILING_NAMESPACE.encode()
    body = b"x" * (65536 - 10) + uri + b"y" * 100 + uri
    mapped = NamespaceMappingReader(io.BytesIO(body)).read()
    assert mapped.count(TEST_NAMESPACE.encode()) == 2
    assert uri not in mapped
    reader = NamespaceMappingReader(io.BytesIO(body))
    pieces = []
    while chunk := reader.read(1000):
        pieces.append(chunk)
    assert b"".join(pieces) == mapped


def test_quarter_mixes_19_and_21_percent_codes() -> None:
    root = parse(_quarterly())
    codes = set(texts(root, "//d:TaxCodeDetails/d:TaxCode"))
    assert {"310309", "310344", "301101", "301104"} <= codes
    assert count(root, "d:GeneralLedgerEntries/d:Journal/d:Transaction") == 27
