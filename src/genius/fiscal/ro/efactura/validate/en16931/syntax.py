"""UBL syntax binding rules of ANAF's copy: UBL-DT-06..28 (data types) and the fatal UBL-CR-666/673.

Cardinalities (UBL-SR-*) are in ``cardinality.py``; the UBL-CR warnings in ``ubl_cr.py``.
"""

from __future__ import annotations

from collections.abc import Iterator

from genius.fiscal.ro.efactura.validate.document import Node, UblDocument
from genius.fiscal.ro.efactura.validate.registry import Hit, Rule, RuleSet

RULES = RuleSet("en16931.syntax")


def _invoice_object_refs(doc: UblDocument) -> list[Node]:
    return [
        r
        for r in doc.all("cac:AdditionalDocumentReference")
        if any(c.text == "130" for c in r.kids("cbc:DocumentTypeCode"))
    ]


@RULES.rule(
    "UBL-CR-666",
    "fatal",
    ro="Referința la obiectul facturat (cac:AdditionalDocumentReference cu cod 130) nu poate avea atașament "
    "(cac:Attachment): folosiți o referință separată pentru document.",
    en="The invoiced object reference (cac:AdditionalDocumentReference with code 130) must not carry an "
    "attachment (cac:Attachment): use a separate document reference.",
    needs=("cac:AdditionalDocumentReference",),
)
def ubl_cr_666(doc: UblDocument) -> Iterator[Node]:
    if doc.is_ubl:
        yield from (r for r in _invoice_object_refs(doc) if r.kids("cac:Attachment"))


@RULES.rule(
    "UBL-CR-673",
    "fatal",
    ro="Referința la obiectul facturat (cac:AdditionalDocumentReference cu cod 130) nu poate avea descriere "
    "(cbc:DocumentDescription).",
    en="The invoiced object reference (cac:AdditionalDocumentReference with code 130) must not have a "
    "description (cbc:DocumentDescription).",
    needs=("cac:AdditionalDocumentReference",),
)
def ubl_cr_673(doc: UblDocument) -> Iterator[Node]:
    if doc.is_ubl:
        yield from (r for r in _invoice_object_refs(doc) if r.kids("cbc:DocumentDescription"))


_BINARY_OBJECTS = "syntax.binary_objects"


def _binary_objects(doc: UblDocument) -> list[Node]:
    """``//*[ends-with(name(), 'BinaryObject')]`` (by name, then document order), once per document.

    Most documents have none: the names present, joined with newlines, are searched once in C for
    ``BinaryObject`` before a newline or at the end (a name is an XML name or Clark notation; a
    newline inside a namespace URI could only give a false "maybe"). On a "maybe",
    ``names_ending`` decides name by name.
    """
    found = doc.memo.get(_BINARY_OBJECTS)
    if found is None:
        names = "\n".join(doc.by_name)
        if "BinaryObject\n" in names or names.endswith("BinaryObject"):
            found = [n for name in doc.names_ending("BinaryObject") for n in doc.all(name)]
        else:
            found = []
        doc.memo[_BINARY_OBJECTS] = found
    return found  # type: ignore[return-value]


@RULES.rule(
    "UBL-DT-06",
    "fatal",
    ro="Documentul atașat (…BinaryObject) trebuie să aibă atributul mimeCode.",
    en="The attached document (…BinaryObject) must have a mimeCode attribute.",
)
def ubl_dt_06(doc: UblDocument) -> list[Node]:
    found = _binary_objects(doc)
    return [n for n in found if n.attr("mimeCode") is None] if found else found


@RULES.rule(
    "UBL-DT-07",
    "fatal",
    ro="Documentul atașat (…BinaryObject) trebuie să aibă atributul filename.",
    en="The attached document (…BinaryObject) must have a filename attribute.",
)
def ubl_dt_07(doc: UblDocument) -> list[Node]:
    found = _binary_objects(doc)
    return [n for n in found if n.attr("filename") is None] if found else found


# UBL-DT-08..28 (warnings): attributes the EN 16931 binding does not use.
_UNUSED_ATTRIBUTES = (
    ("UBL-DT-08", "schemeName"),
    ("UBL-DT-09", "schemeAgencyName"),
    ("UBL-DT-10", "schemeDataURI"),
    ("UBL-DT-11", "schemeURI"),
    ("UBL-DT-12", "format"),
    ("UBL-DT-13", "unitCodeListIdentifier"),
    ("UBL-DT-14", "unitCodeListAgencyIdentifier"),
    ("UBL-DT-15", "unitCodeListAgencyName"),
    ("UBL-DT-16", "listAgencyName"),
    ("UBL-DT-17", "listName"),
    ("UBL-DT-18", "name"),
    ("UBL-DT-19", "languageID"),
    ("UBL-DT-20", "listURI"),
    ("UBL-DT-21", "listSchemeURI"),
    ("UBL-DT-22", "languageLocaleID"),
    ("UBL-DT-23", "uri"),
    ("UBL-DT-24", "currencyCodeListVersionID"),
    ("UBL-DT-25", "characterSetCode"),
    ("UBL-DT-26", "encodingCode"),
    ("UBL-DT-27", "schemeAgencyID"),
    ("UBL-DT-28", "listAgencyID"),
)
_UNUSED_NAMES = frozenset(attr for _, attr in _UNUSED_ATTRIBUTES)


@RULES.group(
    [
        Rule(
            rid,
            "warning",
            f"Atributul {attr} nu ar trebui folosit: eliminați-l.",
            f"The {attr} attribute should not be used: remove it.",
        )
        for rid, attr in _UNUSED_ATTRIBUTES
    ]
)
def unused_attributes(doc: UblDocument) -> Iterator[tuple[str, Hit]]:
    if not doc.is_ubl or _UNUSED_NAMES.isdisjoint(doc.attribute_names()):
        return  # (usually none of these attributes occurs: one set test instead of one per rule)
    attributes = doc.attributes
    for rule_id, attr in _UNUSED_ATTRIBUTES:
        found = attributes(attr)
        if attr == "name":  # UBL-DT-18 allows @name on cbc:PaymentMeansCode (BT-82)
            found = [(n, v) for n, v in found if n.name != "cbc:PaymentMeansCode"]
        if found:
            yield rule_id, Hit(found[0][0], attribute=attr)
