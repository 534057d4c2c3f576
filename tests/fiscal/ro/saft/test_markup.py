"""The string output writes the bytes lxml wrote: escaping of every code point, empty elements, shapes.

The writer filled cached lxml templates until 2026-11; ``lxml_markup`` below is that serialisation
(a detached subtree per fragment, ``etree.tostring``), kept as the reference the string formats
must equal byte for byte.
"""

from __future__ import annotations

import io
from dataclasses import replace
from typing import Any

import pytest
from lxml import etree

from genius.fiscal.ro.saft import SaftInputError, write_d406
from genius.fiscal.ro.saft.writer import fragment as fragment_module
from genius.fiscal.ro.saft.writer.fragment import Emitter, Fragment
from genius.fiscal.ro.saft.writer.markup import Markup, escape, escaped, plain
from tests.fiscal.ro.saft import sample

_XML_REFUSED = [(0x0, 0x8), (0xB, 0xC), (0xE, 0x1F), (0xD800, 0xDFFF), (0xFFFE, 0xFFFF)]


def _refused(code_point: int) -> bool:
    return any(low <= code_point <= high for low, high in _XML_REFUSED)


def _lxml_text(text: str) -> bytes:
    element = etree.Element("a")
    element.text = text
    return etree.tostring(element, encoding="UTF-8").split(b"?>\n", 1)[-1][3:-4]


def lxml_markup(fragment: Fragment) -> bytes:
    """The old writer's bytes for ``fragment``: its shape as an lxml subtree, texts set, serialised."""
    holder = etree.Element("fragment")
    stack = [holder]
    texts = iter(fragment.texts)
    for event in fragment.events:
        if event == ">":
            stack.pop()
        elif event[0] == "<":
            stack.append(etree.SubElement(stack[-1], event[1:]))
        else:
            etree.SubElement(stack[-1], event).text = next(texts)
    return b"".join(etree.tostring(child, encoding="UTF-8").split(b"?>\n", 1)[-1] for child in holder)


def test_every_code_point_is_escaped_as_libxml2_does() -> None:
    accepted = [chr(cp) for cp in range(0x110000) if not _refused(cp)]
    for start in range(0, len(accepted), 8192):
        block = "".join(accepted[start : start + 8192])
        assert escape(block, "x").encode("utf-8") == _lxml_text(block)
    assert escape("a&b<c>d\re\tf\ng", "x") == "a&amp;b&lt;c&gt;d&#13;e\tf\ng"


@pytest.mark.parametrize("code_point", [0x0, 0x1, 0x8, 0xB, 0xC, 0xE, 0x1F, 0xD800, 0xDFFF, 0xFFFE, 0xFFFF])
def test_characters_xml_cannot_carry_are_refused_like_lxml(code_point: int) -> None:
    with pytest.raises(ValueError):
        etree.Element("a").text = f"x{chr(code_point)}"
    with pytest.raises(SaftInputError) as error:
        escape(f"x{chr(code_point)}", "Header.Company.Name")
    assert error.value.problems[0].field == "Header.Company.Name"
    assert error.value.problems[0].code == "bad_text"


def test_plain_is_false_for_whatever_needs_escaping_or_refusing() -> None:
    assert plain("Factura FV-1 client Brașov, 21 %") and plain("")
    for text in ("a&b", "a<b", "a>b", "a\rb", "a\tb", "a\nb", "a\x01b", "a\ud800b", "a\ufffeb"):
        assert not plain(text)
    assert escaped("Brașov", "x") == "Brașov"
    assert escaped("A & B", "x") == "A &amp; B"


def test_shapes_compile_as_lxml_serialised_them() -> None:
    f = Fragment("Test")
    f.open("Outer")
    f.raw("Empty", "")
    f.open("Childless")
    f.close()
    f.open("Inner")
    f.raw("Text", "a & b < c > d\r ă")
    f.close()
    f.close()
    f.raw("Last", "x")
    assert Emitter(Markup(io.BytesIO())).markup(f).encode("utf-8") == lxml_markup(f)
    assert Emitter(Markup(io.BytesIO())).markup(f) == (
        "<Outer><Empty></Empty><Childless/><Inner><Text>a &amp; b &lt; c &gt; d&#13; ă</Text></Inner>"
        "</Outer><Last>x</Last>"
    )


def test_element_and_chunks() -> None:
    out = io.BytesIO()
    xf = Markup(out)
    with xf.element("Root", "urn:x"):
        with xf.element("Empty"):
            pass
        for index in range(5000):
            xf.write(f"<I>{index}</I>")
        assert out.getvalue()  # written in chunks before the end
    xf.flush()
    data = out.getvalue().decode("utf-8")
    assert data.startswith('<Root xmlns="urn:x"><Empty></Empty><I>0</I>')
    assert data.endswith("<I>4999</I></Root>") and data.count("<I>") == 5000


def _every_fragment_as_lxml(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Checks each fragment the writer formats against ``lxml_markup``; returns a live count."""
    checked = [0]
    original = fragment_module.Emitter.markup

    def checking(self: Emitter, f: Fragment) -> str:
        markup = original(self, f)
        assert markup.encode("utf-8") == lxml_markup(f), f.where
        checked[0] += 1
        return markup

    monkeypatch.setattr(fragment_module.Emitter, "markup", checking)
    return checked


@pytest.mark.parametrize("documents", [sample.monthly, sample.quarterly])
def test_sample_declarations_format_every_fragment_as_lxml(
    monkeypatch: pytest.MonkeyPatch, documents: Any
) -> None:
    checked = _every_fragment_as_lxml(monkeypatch)
    write_d406(io.BytesIO(), *documents())
    assert checked[0] > 20


def test_assets_and_stock_declarations_format_every_fragment_as_lxml(monkeypatch: pytest.MonkeyPatch) -> None:
    checked = _every_fragment_as_lxml(monkeypatch)
    header, master, documents = sample.annual_assets()
    write_d406(io.BytesIO(), header, master, source_documents=documents)
    header, master, documents = sample.on_request_stock()
    write_d406(io.BytesIO(), header, master, source_documents=documents)
    assert checked[0] > 10


def test_texts_to_escape_take_the_fragment_path_and_are_escaped(monkeypatch: pytest.MonkeyPatch) -> None:
    header, master, entries, documents = sample.monthly()
    transactions = [
        replace(
            item,
            description="Vânzare <marfă> & servicii",
            lines=tuple(replace(line, description="A & B\r") for line in item.lines),
        )
        for journal in entries.journals
        for item in journal.transactions
    ]
    ledger = replace(entries, journals=sample.journals(transactions))
    checked = _every_fragment_as_lxml(monkeypatch)
    data = io.BytesIO()
    write_d406(data, header, master, ledger, documents)
    text = data.getvalue().decode("utf-8")
    assert "<Description>Vânzare &lt;marfă&gt; &amp; servicii</Description>" in text
    assert "<Description>A &amp; B&#13;</Description>" in text
    assert checked[0] > len(transactions)
