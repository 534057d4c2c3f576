from decimal import Decimal

import pytest

from genius.kernel.money import percent_of, round_money, to_decimal


def test_round_half_up_to_cents() -> None:
    assert round_money(Decimal("2.345")) == Decimal("2.35")
    assert round_money(Decimal("-2.345")) == Decimal("-2.35")
    assert round_money(Decimal("2.344")) == Decimal("2.34")


def test_vat_amount() -> None:
    assert percent_of(Decimal("100.05"), Decimal("21")) == Decimal("21.01")


@pytest.mark.parametrize("bad", [1.5, True, "abc", "NaN", "Infinity", None])
def test_to_decimal_refuses_unsafe_values(bad: object) -> None:
    with pytest.raises((TypeError, ValueError)):
        to_decimal(bad, "unit_price")


def test_to_decimal_names_field() -> None:
    with pytest.raises(ValueError, match="unit_price"):
        to_decimal("x", "unit_price")
