"""The VAT rule sets' fast paths find exactly what their rule-by-rule code finds.

Three shortcuts are checked against the code they stand in for:
- ``selectors.tax_within_one`` / ``within_one`` (BR-x-09 / BR-x-08's ±1 windows) decide "inside" without
  the division or the float-to-Decimal conversions when the values are near; compared with the
  schematron formulas on values around every edge of the windows;
- the plain-document pass (vat_plain facts, vat_rates/vat_categories ``_plain_pass``) and the party ids:
  each corpus document, and variants with moved amounts and rates, give the same findings with the
  plain path and the numeric shortcuts forced off.
"""

from __future__ import annotations

import copy
import math
import random
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from genius.fiscal.ro.efactura.validate.document import UblDocument, round2
from genius.fiscal.ro.efactura.validate.en16931 import selectors, vat_categories, vat_facts, vat_rates
from tests.fiscal.ro.efactura.validate.findings_dump import parsed_documents

_CBC = "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}"


def _tax_reference(tax: Decimal, taxable: Decimal, rate: Decimal) -> bool:
    expected = round2(abs(taxable) * (rate / 100))
    return abs(tax) - 1 < expected < abs(tax) + 1


def _window_reference(text: str, total: Decimal) -> bool:
    double = selectors.as_double(text)
    return double is not None and math.isfinite(double) and Decimal(double - 1) < total < Decimal(double + 1)


def _amounts(rng: random.Random) -> list[str]:
    out = [
        "0",
        "0.00",
        "-0.01",
        "1",
        "999999999999.99",
        "-999999999999.99",
        "1000000000000",
        "123456789012345678",
    ]
    out += [f"{rng.randint(-(10**9), 10**9) / 100:.2f}" for _ in range(60)]
    out += [f"{rng.randint(0, 10**14)}.{rng.randint(0, 10**9):09d}" for _ in range(20)]
    return out


def test_tax_within_one_is_the_schematron_window() -> None:
    rng = random.Random(11)
    rates = [Decimal(r) for r in ("21", "11", "9", "5", "0", "19.5", "-3", "0.001", "999", "1000", "12345")]
    deltas = [
        Decimal(d) for d in ("0", "0.004", "0.005", "0.006", "0.5", "0.98", "0.99", "0.995", "0.999", "1")
    ]
    tried = 0
    for text in _amounts(rng):
        taxable = Decimal(text)
        for rate in rates:
            exact = round2(abs(taxable) * (rate / 100))
            for delta in deltas:
                for tax in (exact + delta, exact - delta, -(exact + delta), exact * 10):
                    assert selectors.tax_within_one(tax, taxable, rate) == _tax_reference(
                        tax, taxable, rate
                    ), (
                        tax,
                        taxable,
                        rate,
                    )
                    tried += 1
    assert tried > 10_000


def test_within_one_is_the_schematron_window(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(12)
    deltas = [Decimal(d) for d in ("0", "0.49", "0.5", "0.51", "0.999", "1", "1.0001", "3")]
    texts = [*_amounts(rng), " 12.50 ", "+7", ".5", "5.", "1" * 40, "0." + "0" * 30 + "1"]
    for text in texts:
        root = etree.fromstring(
            f'<a xmlns:cbc="{_CBC[1:-1]}"><cbc:TaxableAmount>{text}</cbc:TaxableAmount></a>'
        )
        doc = UblDocument(root)
        (amount,) = doc.all("cbc:TaxableAmount")
        value = doc.decimal(amount)
        assert value is not None
        for delta in deltas:
            for total in (value + delta, value - delta):
                assert selectors.within_one(doc, amount, total) == _window_reference(text, total), (
                    text,
                    total,
                )


def _findings(root: etree._Element) -> object:
    doc = UblDocument(root)  # one per run: the memo must not serve the other run
    try:
        return [
            (f.rule_id, f.message_en, f.location)
            for rules in (vat_categories.RULES, vat_rates.RULES)
            for f in rules.run(doc)
        ]
    except (ArithmeticError, ValueError, TypeError) as exc:  # schema-invalid documents
        return type(exc)


def _slow(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vat_facts, "plain_vat", lambda doc: None)
    monkeypatch.setattr(vat_categories, "plain_vat", lambda doc: None)
    monkeypatch.setattr(selectors, "_LIMIT", Decimal(0))
    monkeypatch.setattr(selectors, "_LIMIT_NEG", Decimal(0))


def _variants(root: etree._Element) -> list[etree._Element]:
    """Breakdown amounts moved around the ±1 windows, and a line's rate changed."""
    out = []
    names = ("TaxableAmount", "TaxAmount", "LineExtensionAmount", "Percent")
    for i, element in enumerate(root.iter(*(_CBC + n for n in names))):
        try:
            value = Decimal(element.text or "")
        except ArithmeticError:
            continue
        for delta in ("0.5", "-0.99", "1", "-1.01", "7"):
            variant = copy.deepcopy(root)
            target = list(variant.iter(*(_CBC + n for n in names)))[i]
            target.text = str(value + Decimal(delta))
            out.append(variant)
    return out


@pytest.mark.slow
def test_vat_fast_paths_agree_with_the_rules(validation_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tried = found = 0
    for key, root in parsed_documents(validation_dir):
        roots = [root]
        if key.startswith(("base/", "bench/1")):
            roots += _variants(root)
        for each in roots:
            fast = _findings(each)
            with monkeypatch.context() as patched:
                _slow(patched)
                slow = _findings(each)
            assert fast == slow, key
            tried += 1
            found += bool(fast)
    assert tried > 3000
    assert found > 300  # the variants do break the rules the shortcuts decide
