"""Products and numbering series (pure): unit codes, VAT kinds and reasons, number formats."""

from __future__ import annotations

from datetime import date

import pytest

from genius.apps.sales.domain.products import ProductInput, validate_product
from genius.apps.sales.domain.series import ResetPolicy, SeriesInput, validate_series
from genius.kernel.errors import Conflict, ValidationError
from tests.apps.sales.conftest import product


def product_problems(raw: ProductInput) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        validate_product(raw)
    return {p.field: p.code for p in caught.value.problems}


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"unit_code": "PCS"}, "unit_code", "BR-CL-23"),
        ({"unit_code": "XX9"}, "unit_code", "BR-CL-23"),
        ({"unit_code": None}, "unit_code", "required"),
        ({"vat_rate_kind": None}, "vat_rate_kind", "BR-S-05"),
        ({"vat_rate_kind": "super"}, "vat_rate_kind", "RO-VAT-KIND"),
        ({"vat_category": "Z", "vat_rate_kind": None}, "vat_category", "RO-VAT-NO-ZERO-RATE"),
        ({"vat_category": "Q", "vat_rate_kind": None}, "vat_category", "RO-VAT-CATEGORY"),
        ({"vat_category": "E", "vat_rate_kind": None}, "vatex_code", "BR-E-10"),
        (
            {"vat_category": "E", "vat_rate_kind": None, "vatex_code": "VATEX-EU-IC"},
            "vatex_code",
            "RO-VAT-VATEX",
        ),
        ({"vat_category": "E", "vat_rate_kind": None, "vatex_code": "VATEX-XX-1"}, "vatex_code", "BR-CL-22"),
        ({"vat_category": "K", "vat_rate_kind": "standard"}, "vat_rate_kind", "RO-VAT-KIND"),
        ({"vatex_code": "VATEX-EU-132"}, "vatex_code", "BR-S-10"),
        ({"vat_category": "AE", "vat_rate_kind": None, "kind": "goods"}, "nc_code", "RO-AE-NC"),
        ({"nc_code": "1001 99"}, "nc_code", "invalid"),
        ({"cpv_code": "7200000"}, "cpv_code", "invalid"),
        ({"currency": "XYZ"}, "currency", "BR-CL-04"),
        ({"price": "1e3"}, "price", "bad_decimal"),
        ({"price": "-1"}, "price", "bad_decimal"),
        ({"code": "has space"}, "code", "invalid"),
        ({"name": "n" * 101}, "name", "too_long"),
    ],
)
def test_product_bad_values(overrides: dict[str, object], field: str, code: str) -> None:
    assert product_problems(product(**overrides)).get(field) == code


def test_product_rate_follows_the_tax_point() -> None:
    licence = validate_product(product())
    assert licence.item(date(2025, 7, 31))["vat_rate"] == "19"
    assert licence.item(date(2025, 8, 1))["vat_rate"] == "21"
    book = validate_product(
        product(code="BK", vat_rate_kind="reduced_low", kind="goods", nc_code="4901 99 00")
    )
    assert book.item(date(2025, 7, 31))["vat_rate"] == "5"
    item = book.item(date(2025, 8, 1))
    assert item["vat_rate"] == "11"
    assert item["classifications"] == [{"code": "49019900", "list_id": "HS"}]


def test_exempt_categories_get_their_default_vatex_code() -> None:
    export = validate_product(product(vat_category="G", vat_rate_kind=None))
    assert export.vatex_code == "VATEX-EU-G"
    assert export.item(date(2025, 9, 1))["vat_rate"] == "0"
    outside = validate_product(product(vat_category="O", vat_rate_kind=None))
    assert "vat_rate" not in outside.item(date(2025, 9, 1))
    grain = validate_product(product(vat_category="AE", vat_rate_kind=None, kind="goods", nc_code="10019900"))
    assert grain.vatex_code == "VATEX-EU-AE"


def test_units_come_from_the_engines_code_list() -> None:
    for unit in ("H87", "C62", "KGM", "HUR", "LTR", "MON", "TNE", "XPP"):
        assert validate_product(product(unit_code=unit)).unit_code == unit


def test_yearly_series_numbers_and_resets_each_year() -> None:
    series = validate_series(SeriesInput(prefix="GEN-", width=4))
    first, series = series.take(date(2025, 12, 30))
    second, series = series.take(date(2025, 12, 31))
    third, series = series.take(date(2026, 1, 2))
    assert (first, second, third) == ("GEN-2025-0001", "GEN-2025-0002", "GEN-2026-0001")
    assert (series.next_number, series.year) == (2, 2026)


def test_continuous_series_and_a_continued_paper_series() -> None:
    series = validate_series(SeriesInput(prefix="F", reset=ResetPolicy.NEVER, width=6, next_number=1234))
    first, series = series.take(date(2025, 12, 31))
    second, _ = series.take(date(2026, 1, 2))
    assert (first, second) == ("F001234", "F001235")


def test_dates_may_not_go_backwards_within_a_series() -> None:
    series = validate_series(SeriesInput(prefix="GEN"))
    _, series = series.take(date(2025, 9, 10))
    same_day, series = series.take(date(2025, 9, 10))
    assert same_day == "GEN2025-0002"
    with pytest.raises(Conflict) as caught:
        series.take(date(2025, 9, 9))
    assert caught.value.details["rule"] == "sales.series.date-order"


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (SeriesInput(prefix=""), "prefix"),
        (SeriesInput(prefix="has space"), "prefix"),
        (SeriesInput(prefix="P" * 21), "prefix"),
        (SeriesInput(prefix="GEN", width=0), "width"),
        (SeriesInput(prefix="GEN", next_number=0), "next_number"),
        (SeriesInput(prefix="GEN", reset="monthly"), "reset"),
        (SeriesInput(prefix="GEN", document_kind="receipt"), "document_kind"),
    ],
)
def test_series_bad_values(raw: SeriesInput, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_series(raw)
    assert [p.field for p in caught.value.problems] == [field]
