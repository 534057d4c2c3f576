"""The shared hardened XML loader: each layer refuses on its own, with a message that names why."""

from __future__ import annotations

from pathlib import Path

import pytest

from genius.fiscal import xmlsafe

REASON = "this format never needs one"


def parse(data: bytes, max_bytes: int = 1024) -> object:
    return xmlsafe.parse(data, max_bytes=max_bytes, dtd_reason=REASON)


def test_a_plain_document_is_read() -> None:
    root = parse(b'<?xml version="1.0"?><!-- hi --><a><b>1</b></a>')
    assert root.tag == "a" and root.findtext("b") == "1"


def test_size_is_checked_before_anything_else() -> None:
    with pytest.raises(xmlsafe.TooLarge) as raised:
        parse(b"<a/>" + b" " * 30, max_bytes=20)
    assert (raised.value.size, raised.value.limit) == (34, 20)
    assert "at most 20 are accepted" in raised.value.message


@pytest.mark.parametrize("codec", ["utf-8", "utf-16", "utf-32-be"])
def test_a_dtd_is_refused_with_the_callers_reason(codec: str) -> None:
    with pytest.raises(xmlsafe.Unsafe) as raised:
        parse('<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>'.encode(codec))
    assert REASON in raised.value.message


def test_external_resources_and_entities_are_refused_even_without_the_prolog_scan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    monkeypatch.setattr(xmlsafe, "check_prolog", lambda data, dtd_reason: None)
    doc = f'<!DOCTYPE a SYSTEM "{secret.as_uri()}"><a/>'.encode()
    with pytest.raises(xmlsafe.XmlRefused) as raised:
        parse(doc)
    assert isinstance(raised.value, xmlsafe.Unsafe | xmlsafe.Malformed)
    assert "TOP-SECRET" not in raised.value.message


def test_malformed_xml_names_the_line() -> None:
    with pytest.raises(xmlsafe.Malformed) as raised:
        parse(b"<a>\n<b></a>")
    assert raised.value.line == 2
    assert raised.value.message.startswith("not well-formed XML")
    assert "line" in raised.value.with_position()


@pytest.mark.parametrize(
    ("data", "fragment"),
    [(b"", "no root element"), (b"PK\x03\x04", "does not start with XML markup"), (b"<?xml", "unterminated")],
)
def test_prolog_problems(data: bytes, fragment: str) -> None:
    with pytest.raises(xmlsafe.Malformed, match=fragment):
        parse(data)


def test_a_prolog_longer_than_the_window_is_refused() -> None:
    data = b"<!--" + b"x" * xmlsafe.MAX_PROLOG_BYTES + b"--><a/>"
    with pytest.raises(xmlsafe.Malformed, match="within the first"):
        parse(data, max_bytes=len(data))


def test_only_bytes_are_accepted() -> None:
    with pytest.raises(TypeError):
        parse("<a/>")  # type: ignore[arg-type]
    assert parse(bytearray(b"<a/>")).tag == "a"
