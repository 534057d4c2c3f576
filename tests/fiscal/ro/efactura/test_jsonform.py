"""The JSON form: every example loads and round-trips; every bad value is refused with its field path."""

from __future__ import annotations

import copy
import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from genius.fiscal.ro.efactura import (
    Attachment,
    DocumentKind,
    JsonFormError,
    compute,
    dump_json,
    invoice_from_dict,
    invoice_to_dict,
    load_json,
)
from tests.fiscal.ro.efactura.scenarios import SCENARIO_NAMES, load_scenario, scenario_paths


def base() -> dict[str, Any]:
    return json.loads(scenario_paths()["domestic-21-11"].read_text(encoding="utf-8"))


def refused(data: Any) -> dict[str, str]:
    with pytest.raises(JsonFormError) as exc:
        invoice_from_dict(data)
    return {p.field: p.code for p in exc.value.problems}


@pytest.mark.parametrize("name", SCENARIO_NAMES)
def test_examples_round_trip(name: str) -> None:
    invoice = load_scenario(name)
    assert load_json(dump_json(invoice)) == invoice
    computed = compute(invoice)  # a computed model round-trips too (totals, breakdown filled in)
    assert load_json(dump_json(computed)) == computed


@pytest.mark.parametrize("name", SCENARIO_NAMES)
def test_example_files_are_in_canonical_form(name: str) -> None:
    """The files say nothing the dumper would drop (no nulls, no empty lists, no defaults mis-typed)."""
    text = scenario_paths()[name].read_text(encoding="utf-8")
    assert json.loads(dump_json(load_json(text))) == json.loads(text)


def test_values_are_typed() -> None:
    invoice = load_scenario("eur-with-ron-vat")
    assert invoice.issue_date == date(2025, 9, 15)
    assert invoice.vat_exchange_rate == Decimal("4.9763")
    assert invoice.lines[0].quantity == Decimal("3")
    assert invoice.document_kind is DocumentKind.INVOICE
    assert load_scenario("credit-note").document_kind is DocumentKind.CREDIT_NOTE


def test_dumped_form_uses_strings_for_decimals_and_dates() -> None:
    data = invoice_to_dict(compute(load_scenario("domestic-21-11")))
    assert data["issue_date"] == "2025-09-15"
    assert data["totals"]["payable_amount"] == "2229.52"
    assert data["lines"][0]["quantity"] == "10"
    assert "payee" not in data  # None is left out


def test_attachment_content_is_base64() -> None:
    invoice = load_scenario("domestic-21-11")
    invoice.attachments = [
        Attachment(reference="A1", content=b"%PDF-1.4\x00\xff", mime_code="application/pdf", filename="a.pdf")
    ]
    data = invoice_to_dict(invoice)
    assert data["attachments"][0]["content"] == "JVBERi0xLjQA/w=="
    assert invoice_from_dict(data).attachments[0].content == b"%PDF-1.4\x00\xff"


def test_unknown_keys_are_refused_with_their_path() -> None:
    data = base()
    data["numbr"] = "1"
    data["lines"][1]["item"]["vat"] = "21"
    assert refused(data) == {"numbr": "unknown_key", "lines[1].item.vat": "unknown_key"}


def test_missing_required_keys() -> None:
    data = base()
    del data["issue_date"]
    del data["seller"]["address"]["country_code"]
    assert refused(data) == {"issue_date": "required", "seller.address.country_code": "required"}


@pytest.mark.parametrize(
    ("path", "value", "code"),
    [
        (("issue_date",), "2025-02-30", "bad_date"),
        (("issue_date",), "15.09.2025", "bad_date"),
        (("issue_date",), "20250915", "bad_date"),
        (("due_date",), 20251015, "bad_date"),
        (("lines", 0, "quantity"), "1,5", "bad_decimal"),
        (("lines", 0, "quantity"), 10, "bad_decimal"),
        (("lines", 0, "quantity"), 1.5, "bad_decimal"),
        (("lines", 0, "price", "net_price"), "NaN", "bad_decimal"),
        (("lines", 0, "price", "net_price"), "1e3", "bad_decimal"),
        (("lines", 0, "price", "net_price"), "", "bad_decimal"),
        (("number",), 17, "wrong_type"),
        (("notes",), {"text": "x"}, "wrong_type"),
        (("seller",), "Genius", "wrong_type"),
        (("document_kind",), "Factura", "bad_value"),
        (("seller", "name"), None, "required"),
    ],
)
def test_bad_values_are_refused_with_their_path(path: tuple[Any, ...], value: Any, code: str) -> None:
    data = base()
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    dotted = ".".join(str(k) for k in path).replace(".0.", "[0].").replace(".0", "[0]")
    assert refused(data) == {dotted: code}


def test_bad_base64_is_refused() -> None:
    data = base()
    data["attachments"] = [{"reference": "A1", "content": "not base64!"}]
    assert refused(data) == {"attachments[0].content": "bad_base64"}


def test_every_problem_is_reported_at_once() -> None:
    data = base()
    data["issue_date"] = "yesterday"
    data["lines"][2]["quantity"] = 3
    data["extra"] = True
    with pytest.raises(JsonFormError) as exc:
        invoice_from_dict(data)
    assert len(exc.value.problems) == 3
    assert "(and 2 more)" in str(exc.value)


def test_not_json_and_not_an_object() -> None:
    with pytest.raises(JsonFormError) as exc:
        load_json("{not json")
    assert exc.value.problems[0].code == "bad_json"
    assert refused([1, 2]) == {"$": "wrong_type"}


def test_loading_does_not_share_state_between_calls() -> None:
    data = base()
    first = invoice_from_dict(copy.deepcopy(data))
    first.lines[0].quantity = Decimal("999")
    assert invoice_from_dict(data).lines[0].quantity == Decimal("10")
