"""Invoice numbers in Romanian payment details: what counts as a reference, how strongly it names one."""

from __future__ import annotations

import pytest

from genius.apps.accounting.bank.domain.references import (
    Strength,
    best_strength,
    extract_references,
    number_key,
)


@pytest.mark.parametrize(
    ("details", "number", "expected"),
    [
        ("FCT 123", "FCT-000123", Strength.FULL),  # FCT is the series and the invoice word
        ("FCT 123", "GEN-000123", Strength.NUMBER),
        ("factura nr. ABC-0042", "ABC-0042", Strength.FULL),
        ("c/v fact GEN42 din 05.01.2026", "GEN-000042", Strength.FULL),
        ("cv fact 42/05.01.2026", "GEN-000042", Strength.NUMBER),
        ("Plata factura seria GEN nr. 42", "GEN-000042", Strength.FULL),
        ("contravaloare factura DSV 0099 si DSV 0100", "DSV-0100", Strength.FULL),
        ("facturile 123, 124 si 125", "GEN-000125", Strength.NUMBER),  # a list keeps its context
        ("Factura EPS 2026/118", "EPS2026-0118", Strength.FULL),
        ("Factura EPS 2025/118", "EPS2026-0118", Strength.NONE),  # last year's 118
        ("plata fc nr.0042/2026", "FCT2026-0042", Strength.NUMBER),  # number, then the year
        ("PL.TOT F. CPN/2025/000022 DIN 08.01 .2025", "CPN/2025/000022", Strength.FULL),
        ("Cvf 5512 din 01.03.2026.", "5512", Strength.NUMBER),
        ("GEN 43", "GEN-000042", Strength.NONE),
        ("ABC 42", "GEN-000042", Strength.NONE),  # another series
        ("avans comanda 42", "GEN-000042", Strength.NONE),  # an order, not an invoice
        ("plata 1.190,00 lei", "GEN-001190", Strength.NONE),  # an amount
        ("din 05.01.2026", "GEN-000005", Strength.NONE),  # a date
        ("salarii luna 12", "GEN-000012", Strength.NONE),  # no invoice context
    ],
)
def test_references_name_invoices(details: str, number: str, expected: Strength) -> None:
    assert best_strength(extract_references(details), number_key(number)) is expected


def test_number_keys_compare_padding_away() -> None:
    assert number_key("GEN-000042") == number_key("gen 42")
    key = number_key("FCT2026-0042")
    assert key is not None and (key.series, key.groups) == ("FCT", (2026, 42))
    assert number_key("fără cifre") is None


def test_diacritics_and_case_do_not_matter() -> None:
    (ref,) = extract_references("Plată factură seria ȘTL nr 7")
    assert (ref.series, ref.groups, ref.in_context) == ("STL", (7,), True)
