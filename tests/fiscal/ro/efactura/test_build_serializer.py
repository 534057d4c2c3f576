"""``build_xml`` writes its own tree without lxml: the bytes and the refusals must be exactly lxml's."""

from __future__ import annotations

import copy

import pytest
from lxml import etree

from genius.fiscal.ro.efactura import Invoice, build_xml
from genius.fiscal.ro.efactura.build import to_element
from genius.fiscal.ro.efactura.compute import compute
from genius.fiscal.ro.efactura.model import Note
from genius.fiscal.ro.efactura.writer.tree import UblElement, UblRoot, serialize
from tests.fiscal.ro.efactura.scenarios import SCENARIO_NAMES, load_scenario

# Text lxml escapes or keeps in its own ways: markup characters, CR/LF/TAB, quotes, non-ASCII,
# line separators, characters outside the BMP, the empty string.
TRICKY = ["A & B <x> \"q\" 'a' \r\n\t é ș ț Ă", "]]> &amp; &#13;", "", " ", "x\u2028y\u0085z\x7f", "😀"]
# Text lxml refuses: control characters, U+FFFE, a lone surrogate.
REFUSED = ["a\x01b", "a\x0bb", "a\ufffeb", "a\ud800b"]


def lxml_tree_bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def lxml_bytes(invoice: Invoice) -> bytes:
    return lxml_tree_bytes(to_element(invoice))


def with_text(invoice: Invoice, text: str) -> Invoice:
    """The invoice with ``text`` in a note, the first item name and the payment terms."""
    changed = copy.deepcopy(invoice)
    changed.lines[0].item.name = text + " item"
    changed.payment_terms = text
    changed.notes = [Note(text=text)]
    return changed


@pytest.mark.parametrize("name", SCENARIO_NAMES)
def test_scenario_bytes_are_lxmls(name: str) -> None:
    invoice = compute(load_scenario(name))
    assert build_xml(invoice, check=False) == lxml_bytes(invoice)


@pytest.mark.parametrize("text", TRICKY)
def test_escapes_are_lxmls(text: str) -> None:
    invoice = with_text(compute(load_scenario("domestic-21-11")), text)
    assert build_xml(invoice, check=False) == lxml_bytes(invoice)


@pytest.mark.parametrize("text", REFUSED)
def test_refused_text_raises_lxmls_error(text: str) -> None:
    invoice = with_text(compute(load_scenario("domestic-21-11")), text)
    with pytest.raises((ValueError, UnicodeEncodeError)) as ours:
        build_xml(invoice, check=False)
    with pytest.raises((ValueError, UnicodeEncodeError)) as lxmls:
        etree.SubElement(etree.Element("a"), "b").text = text
    assert (type(ours.value), str(ours.value)) == (type(lxmls.value), str(lxmls.value))


def test_attribute_escapes_and_mixed_content_are_lxmls() -> None:
    root = UblRoot("Invoice", "urn:x", {"cbc": "urn:cbc"})
    leaf = UblElement("cbc:A", "1", (("k", "v & < > \" ' \r\n\t é"), ("b", "2")))
    root.children = [leaf, UblElement("cbc:Empty"), UblElement("cbc:Blank", "")]
    mixed = UblElement("cbc:Mixed", "text")
    mixed.children = [UblElement("cbc:Inner", "x")]
    expected = etree.Element("{urn:x}Invoice", nsmap={None: "urn:x", "cbc": "urn:cbc"})
    a = etree.SubElement(expected, "{urn:cbc}A")
    a.text = "1"
    a.set("k", "v & < > \" ' \r\n\t é")
    a.set("b", "2")
    etree.SubElement(expected, "{urn:cbc}Empty")
    etree.SubElement(expected, "{urn:cbc}Blank").text = ""
    assert serialize(root) == lxml_tree_bytes(expected)
    root.children.append(mixed)
    m = etree.SubElement(expected, "{urn:cbc}Mixed")
    m.text = "text"
    etree.SubElement(m, "{urn:cbc}Inner").text = "x"
    assert serialize(root) == lxml_tree_bytes(expected)  # libxml2 stops indenting inside mixed content
