"""Round trip: parse(x) == parse(build(parse(x))) for every official example and for every
readable mutation of one.

The builder writes the model as it is (``check=False``: CEN's examples are not CIUS-RO invoices),
except BT-24, which it always writes as CIUS-RO's identifier; that one field is compared as such.
"""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from genius.fiscal.ro.efactura import build
from genius.fiscal.ro.efactura.model import CIUS_RO_CUSTOMIZATION_ID, Invoice
from genius.fiscal.ro.efactura.parse import ParseError, parse_xml
from tests.fiscal.ro.efactura.test_parse_examples import _example_names, read_example
from tests.fiscal.ro.efactura.test_parse_fuzz import (
    FUZZ,
    MUTATIONS,
    SEED_TREES,
    SEEDS,
    Mutation,
    apply_mutation,
)


def differences(left: Any, right: Any, path: str = "invoice") -> list[str]:
    """Every path where two models differ, so a failure names the field instead of dumping both."""
    if dataclasses.is_dataclass(left) and type(left) is type(right):
        found: list[str] = []
        for field in dataclasses.fields(left):
            found += differences(
                getattr(left, field.name), getattr(right, field.name), f"{path}.{field.name}"
            )
        return found
    if isinstance(left, list) and isinstance(right, list):
        if len(left) != len(right):
            return [f"{path}: {len(left)} items != {len(right)} items"]
        return [
            d
            for i, (a, b) in enumerate(zip(left, right, strict=True))
            for d in differences(a, b, f"{path}[{i}]")
        ]
    if left != right or type(left) is not type(right):
        return [f"{path}: {left!r} != {right!r}"]
    return []


def round_trip(invoice: Invoice) -> Invoice:
    return parse_xml(build.build_xml(invoice, check=False))


def as_built(invoice: Invoice) -> Invoice:
    """What the builder is documented to change: BT-24 becomes CIUS-RO's identifier (BR-RO-001)."""
    return dataclasses.replace(invoice, specification_id=CIUS_RO_CUSTOMIZATION_ID)


@pytest.mark.parametrize("name", _example_names())
def test_official_example_survives_build_and_parse(validation_dir: Path, name: str) -> None:
    parsed = parse_xml(read_example(validation_dir, name))
    again = round_trip(parsed)
    assert differences(as_built(parsed), again) == []
    assert again == as_built(parsed)


def test_differences_names_the_field() -> None:
    from decimal import Decimal

    from genius.fiscal.ro.efactura.model import DocumentTotals

    left = DocumentTotals(payable_amount=Decimal("1.00"))
    right = DocumentTotals(payable_amount=Decimal("1.01"))
    assert differences(left, right, "totals") == ["totals.payable_amount: Decimal('1.00') != Decimal('1.01')"]


@FUZZ
@given(
    st.sampled_from(range(len(SEEDS))),
    # Duplications are left out: a document repeating BT-82 breaks UBL-SR-46 (at most once), and
    # the builder rightly writes it once, so such a document cannot come back unchanged.
    st.lists(MUTATIONS.filter(lambda m: m.kind != "duplicate"), min_size=1, max_size=4),
)
def test_any_readable_mutation_survives_build_and_parse(seed: int, mutations: list[Mutation]) -> None:
    root = copy.deepcopy(SEED_TREES[seed])
    for mutation in mutations:
        apply_mutation(root, mutation)
    try:
        parsed = parse_xml(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    except ParseError:
        return  # refused documents are the fuzz tests' concern
    again = round_trip(parsed)
    assert differences(as_built(parsed), again) == []
