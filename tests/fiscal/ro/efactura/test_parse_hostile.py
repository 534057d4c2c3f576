"""The parser refuses malformed and hostile XML with a named ParseError, before doing harm."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from genius.fiscal import xmlsafe
from genius.fiscal.ro.efactura.errors import EfacturaError
from genius.fiscal.ro.efactura.parse import (
    MAX_DOCUMENT_BYTES,
    DocumentTooLarge,
    MalformedXml,
    NotAnInvoice,
    ParseError,
    UnsafeXml,
    parse_xml,
)
from genius.kernel.errors import ValidationError

INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE Invoice [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><Note>&lol9;</Note></Invoice>
"""


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text("TOP-SECRET-CONTENT")
    return path


@pytest.fixture
def parser_must_not_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """Proves a refusal happened before libxml2 saw the bytes (so it cannot be slow or leak)."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("libxml2 was handed a document that should have been refused first")

    monkeypatch.setattr(xmlsafe.etree, "fromstring", refuse)


def _hostile_documents(secret: Path) -> dict[str, bytes]:
    url = secret.as_uri().encode()
    ns = INVOICE_NS.encode()
    body = b'<Invoice xmlns="' + ns + b'"><cbc:Note>&x;</cbc:Note></Invoice>'
    return {
        "billion laughs": BILLION_LAUGHS,
        "external general entity (XXE)": b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "'
        + url
        + b'">]>'
        + body,
        "external parameter entity": b'<!DOCTYPE r [<!ENTITY % x SYSTEM "' + url + b'"> %x;]>' + body,
        "external DTD subset": b'<!DOCTYPE Invoice SYSTEM "' + url + b'"><Invoice xmlns="' + ns + b'"/>',
        "network DTD": b'<!DOCTYPE Invoice PUBLIC "-//x//y" "http://127.0.0.1:9/x.dtd"><Invoice/>',
        "internal DTD only": b'<!DOCTYPE Invoice [<!ELEMENT Invoice ANY>]><Invoice xmlns="'
        + INVOICE_NS.encode()
        + b'"/>',
        "DTD after a comment": b"<?xml version='1.0'?><!-- hello --><!DOCTYPE r [<!ENTITY x 'y'>]><r>&x;</r>",
        "DTD after a UTF-8 BOM": b"\xef\xbb\xbf<!DOCTYPE r [<!ENTITY x 'y'>]><r>&x;</r>",
    }


@pytest.mark.parametrize(
    "name",
    [
        "billion laughs",
        "external general entity (XXE)",
        "external parameter entity",
        "external DTD subset",
        "network DTD",
        "internal DTD only",
        "DTD after a comment",
        "DTD after a UTF-8 BOM",
    ],
)
def test_documents_with_a_dtd_are_refused_before_parsing(
    name: str, secret_file: Path, parser_must_not_run: None
) -> None:
    with pytest.raises(UnsafeXml) as raised:
        parse_xml(_hostile_documents(secret_file)[name])
    assert "DTD" in raised.value.message
    assert "TOP-SECRET" not in raised.value.message


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_a_dtd_in_a_wide_encoding_is_refused_too(codec: str, parser_must_not_run: None) -> None:
    text = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE r [<!ENTITY x "y">]><r>&x;</r>'
    with pytest.raises(UnsafeXml):
        parse_xml(text.encode(codec))


def test_billion_laughs_is_refused_even_if_the_prolog_scan_were_bypassed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Defence in depth: with the scan off, libxml2's own limits and the post-parse checks refuse it.
    monkeypatch.setattr(xmlsafe, "check_prolog", lambda data, dtd_reason: None)
    with pytest.raises((UnsafeXml, MalformedXml)):
        parse_xml(BILLION_LAUGHS)


@pytest.mark.parametrize(
    "name", ["external general entity (XXE)", "external parameter entity", "external DTD subset"]
)
def test_external_entities_are_never_read_even_if_the_prolog_scan_were_bypassed(
    name: str, secret_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xmlsafe, "check_prolog", lambda data, dtd_reason: None)
    with pytest.raises(ParseError) as raised:
        parse_xml(_hostile_documents(secret_file)[name])
    assert isinstance(raised.value, UnsafeXml | MalformedXml)
    assert "TOP-SECRET" not in str(raised.value)


def test_a_document_over_the_size_limit_is_refused_before_parsing(parser_must_not_run: None) -> None:
    filler = b"<cbc:Note>" + b"x" * 1000 + b"</cbc:Note>"
    huge = b'<Invoice xmlns="' + INVOICE_NS.encode() + b'">' + filler * (21 * 1024) + b"</Invoice>"
    assert len(huge) > 20 * 1024 * 1024
    with pytest.raises(DocumentTooLarge) as raised:
        parse_xml(huge)
    assert f"{MAX_DOCUMENT_BYTES:,}" in raised.value.message


def test_the_size_limit_is_exact() -> None:
    head, tail = b"<x>", b"</x>"
    chunk = b"<y/>" + b" " * 1020  # many small text nodes: libxml2 caps one text node at 10 MB
    count, rest = divmod(MAX_DOCUMENT_BYTES - len(head) - len(tail), len(chunk))
    at_limit = head + chunk * count + b" " * rest + tail
    assert len(at_limit) == MAX_DOCUMENT_BYTES
    with pytest.raises(NotAnInvoice):  # read (and refused for its root), not refused for its size
        parse_xml(at_limit)
    with pytest.raises(DocumentTooLarge):
        parse_xml(at_limit + b" ")


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "no root element"),
        (b"   \n ", "no root element"),
        (b"0\n", "does not start with XML markup"),
        (b"%PDF-1.7 binary", "does not start with XML markup"),
        (b"<Invoice", "not well-formed"),
        (b'<Invoice xmlns="' + INVOICE_NS.encode() + b'"><cbc:ID>1</Invoice>', "not well-formed"),
        (b"<a></b>", "line 1"),
        (b"<?xml version='1.0'", "unterminated"),
        (b"<!-- no end", "unterminated comment"),
        (b"<a>&undefined;</a>", "not well-formed"),
        (b"<?xml version='1.0' encoding='no-such-codec'?><a/>", "XML"),
        (b"<a>" * 300 + b"</a>" * 300, "not well-formed"),
    ],
)
def test_malformed_documents_are_refused_with_a_clear_message(data: bytes, fragment: str) -> None:
    with pytest.raises(MalformedXml) as raised:
        parse_xml(data)
    assert fragment in raised.value.message


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"<Invoice><cbc:ID>1</cbc:ID></Invoice>".replace(b"cbc:", b""), "no namespace"),
        (b'<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"/>', "not the UBL 2.1"),
        (b'<CreditNote xmlns="' + INVOICE_NS.encode() + b'"/>', "not the UBL 2.1"),
        (b'<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"/>', "<Order>"),
        (
            b'<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:'
            b'CrossIndustryInvoice:100"/>',
            "<CrossIndustryInvoice>",
        ),
        (b"<html><body>not an invoice</body></html>", "<html>"),
    ],
)
def test_wrong_root_or_namespace_is_refused(data: bytes, fragment: str) -> None:
    with pytest.raises(NotAnInvoice) as raised:
        parse_xml(data)
    assert fragment in raised.value.message
    assert raised.value.problems[0].field.startswith("/")


def test_refusals_belong_to_the_package_error_tree() -> None:
    with pytest.raises(ValidationError) as raised:
        parse_xml(b"not xml")
    assert isinstance(raised.value, EfacturaError)
    assert raised.value.code == "efactura_malformed_xml"
    assert raised.value.details == [
        {"field": "document", "code": "efactura_malformed_xml", "message": raised.value.message}
    ]


def test_xinclude_is_not_processed(secret_file: Path) -> None:
    doc = (
        b'<Invoice xmlns="' + INVOICE_NS.encode() + b'" xmlns:xi="http://www.w3.org/2001/XInclude">'
        b'<xi:include href="' + secret_file.as_uri().encode() + b'" parse="text"/></Invoice>'
    )
    # Read as an ordinary (incomplete) invoice: the include stays an unknown element, never followed.
    with pytest.raises(ParseError) as raised:
        parse_xml(doc)
    assert "TOP-SECRET" not in str(raised.value)


def test_only_bytes_are_accepted() -> None:
    with pytest.raises(TypeError):
        parse_xml("<Invoice/>")  # type: ignore[arg-type]


def test_the_parser_refuses_external_resources_by_itself(secret_file: Path) -> None:
    # The resolver layer alone, without the prolog scan in front of it.
    doc = b'<!DOCTYPE r SYSTEM "' + secret_file.as_uri().encode() + b'"><r/>'
    with pytest.raises(xmlsafe.ExternalResourceRefused):
        etree.fromstring(doc, xmlsafe.new_parser())
