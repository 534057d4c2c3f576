"""Fuzzing the parser: for any bytes it returns an Invoice or raises ParseError, nothing else.

Inputs: random bytes, random text behind an XML prolog, byte-level damage to valid documents, and
structural mutations of valid documents (elements removed, duplicated, emptied, nested; text and
attributes replaced). Examples are bounded so the suite stays fast.
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from genius.fiscal.ro.efactura.model import Invoice
from genius.fiscal.ro.efactura.parse import ParseError, parse_xml
from tests.conftest import VALIDATION_DIR
from tests.fiscal.ro.efactura.test_parse_fields import MINIMAL

# Examples per fuzz test: 200 keeps the suite fast; GENIUS_FUZZ_EXAMPLES=5000 for a deep run.
FUZZ_EXAMPLES = int(os.environ.get("GENIUS_FUZZ_EXAMPLES", "200"))
FUZZ = settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Official documents used as mutation seeds when the validation folder is there (CI has it); the
# inline minimal invoice always is.
_SEED_NAMES = (
    "en16931-ubl/examples/ubl-tc434-example5.xml",  # every group, BT-111, payee, tax representative
    "en16931-ubl/examples/ubl-tc434-creditnote1.xml",
    "ciusro/examples/b2g-1.0.9/ubl_b2g_example6.xml",  # card, BT-18, note subject
)
SEEDS: tuple[bytes, ...] = (
    MINIMAL,
    *((VALIDATION_DIR / name).read_bytes() for name in _SEED_NAMES if (VALIDATION_DIR / name).is_file()),
)
SEED_TREES = tuple(etree.fromstring(seed) for seed in SEEDS)

# Text XML can carry (no control characters, no lone surrogates), with the characters that matter
# to the readers: digits, signs, dots, dashes, '#', base64 and whitespace.
_XML_TEXT = st.one_of(
    st.text(
        st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"), max_size=40
    ),
    st.text(alphabet="0123456789+-.,eE# \n\tZ:=/ABCxyz", max_size=30),
    st.sampled_from(
        ["", " ", "NaN", "Infinity", "1e9", "-0", "2024-02-30", "2024-13-01", "true", "2", "VAT"]
    ),
    st.just("9" * 70),
)


def parse_or_refuse(data: bytes) -> Invoice | None:
    """The property: an Invoice, or a ParseError; any other exception fails the test."""
    try:
        invoice = parse_xml(data)
    except ParseError as error:
        assert error.message and error.problems, "a refusal must say what and where"
        return None
    assert isinstance(invoice, Invoice)
    return invoice


@FUZZ
@given(st.binary(max_size=4096))
def test_random_bytes(data: bytes) -> None:
    parse_or_refuse(data)


@FUZZ
@given(st.sampled_from(["", '<?xml version="1.0"?>', "\ufeff", "<!-- c -->"]), st.text(max_size=400))
def test_random_text_after_a_prolog(prolog: str, text: str) -> None:
    parse_or_refuse((prolog + text).encode("utf-8", errors="surrogatepass"))


@FUZZ
@given(
    st.sampled_from(range(len(SEEDS))),
    st.lists(
        st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255), st.sampled_from("rid")), max_size=8
    ),
)
def test_byte_damage_to_valid_documents(seed: int, edits: list[tuple[float, int, str]]) -> None:
    data = bytearray(SEEDS[seed])
    for where, byte, how in edits:
        at = int(where * len(data))
        if how == "r" and data:
            data[min(at, len(data) - 1)] = byte
        elif how == "i":
            data.insert(at, byte)
        elif data:
            del data[min(at, len(data) - 1)]
    parse_or_refuse(bytes(data))


@dataclass(frozen=True)
class Mutation:
    kind: str  # remove, duplicate, text, empty, nest, attribute, drop-attributes, rename
    where: float  # which element, as a fraction of the document's elements
    text: str


MUTATIONS = st.builds(
    Mutation,
    kind=st.sampled_from(
        ["remove", "duplicate", "text", "empty", "nest", "attribute", "drop-attributes", "rename"]
    ),
    where=st.floats(0, 1, exclude_max=True),
    text=_XML_TEXT,
)
_OTHER_NAMES = ("cbc:ID", "cbc:Note", "cbc:Amount", "cac:Party", "cac:TaxTotal", "cbc:IssueDate", "cac:Item")
_NSMAP = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}


def apply_mutation(root: etree._Element, mutation: Mutation) -> None:
    elements = [e for e in root.iter() if isinstance(e.tag, str)]
    target = elements[int(mutation.where * len(elements))]
    parent = target.getparent()
    if mutation.kind == "remove" and parent is not None:
        parent.remove(target)
    elif mutation.kind == "duplicate" and parent is not None:
        target.addnext(copy.deepcopy(target))
    elif mutation.kind == "text":
        target.text = mutation.text
    elif mutation.kind == "empty":
        for child in list(target):
            target.remove(child)
        target.text = None
    elif mutation.kind == "nest":
        etree.SubElement(target, target.tag).text = mutation.text
    elif mutation.kind == "attribute":
        name = ("currencyID", "schemeID", "unitCode", "listID", "mimeCode", "name")[len(mutation.text) % 6]
        target.set(name, mutation.text)
    elif mutation.kind == "drop-attributes":
        target.attrib.clear()
    elif mutation.kind == "rename":
        prefix, local = _OTHER_NAMES[len(mutation.text) % len(_OTHER_NAMES)].split(":")
        target.tag = f"{{{_NSMAP[prefix]}}}{local}"


@FUZZ
@given(st.sampled_from(range(len(SEEDS))), st.lists(MUTATIONS, min_size=1, max_size=6))
def test_structural_mutations_of_valid_documents(seed: int, mutations: list[Mutation]) -> None:
    root = copy.deepcopy(SEED_TREES[seed])
    for mutation in mutations:
        apply_mutation(root, mutation)
    parse_or_refuse(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def test_the_seeds_themselves_parse() -> None:
    assert all(parse_or_refuse(seed) is not None for seed in SEEDS)
