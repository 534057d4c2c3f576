"""The validator's parse leaves out indentation only where no rule can read it."""

from __future__ import annotations

import pytest

from genius.fiscal.ro.efactura.validate import xsd

PLAIN = b"<?xml version='1.0' encoding='UTF-8'?>\n<a>\n  <b>x</b>\n  <n>   </n>\n</a>"


def test_indentation_between_elements_is_dropped_and_blank_content_kept() -> None:
    root = xsd.parse_document(PLAIN, drop_blank_text=True)
    assert root.text is None
    assert root[0].tail is None
    assert root[1].text == "   "  # the whole content of an element stays
    assert root[1].sourceline == 4  # line numbers (XSD findings) unchanged


@pytest.mark.parametrize(
    "data",
    [
        b"<a>\n  <n>  <!-- c -->  </n>\n</a>",
        b"<a>\n  <n>  <![CDATA[x]]></n>\n</a>",
        b"<?xml version='1.0'?>\n<a>\n  <n>  <?pi x?>  </n>\n</a>",
        "<a>\n  <n> </n>\n</a>".encode("utf-16"),
        "<?xml version='1.0' encoding='UTF-16'?><a>\n  <n> <!-- c --> </n>\n</a>".encode("utf-16-le"),
        b"  <a>\n  <n> </n>\n</a>",
    ],
)
def test_documents_with_comments_pis_cdata_or_other_encodings_keep_every_text(data: bytes) -> None:
    assert not xsd._blank_text_is_ignorable(data)
    dropped = xsd.parse_document(data, drop_blank_text=True)
    kept = xsd.parse_document(data)
    assert [e.text for e in dropped.iter()] == [e.text for e in kept.iter()]
    assert dropped.text == "\n  "


def test_default_parse_keeps_indentation() -> None:
    assert xsd.parse_document(PLAIN).text == "\n  "


@pytest.mark.parametrize(
    ("data", "ignorable"),
    [
        (b"<?xml version='1.0'?>\n<a>\n  <b>Thanks!</b>\n  <c>https://x.ro/?q=1</c>\n</a>", True),
        (b"<a>\n  <b>Thanks!</b>\n  <!-- c -->\n</a>", False),
        (b"<a>\n  <c>x?y</c>\n  <?pi x?>\n</a>", False),
        (b"<?xml version='1.0'?><a>\n  <c>x?y</c><?pi?>\n</a>", False),
    ],
)
def test_exclamation_and_question_marks_in_text_are_not_markup(data: bytes, ignorable: bool) -> None:
    assert xsd._blank_text_is_ignorable(data) is ignorable
