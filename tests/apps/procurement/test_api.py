"""The procurement register through the gateway: one entry's JSON, the list's filters and pages, 404."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from tests.apps.procurement.test_inbound import SELLER, scan, supplier_xml
from tests.apps.sales.spv.conftest import Anaf, Client, admin_client, authorize
from tests.web.conftest import Gateway

FIELDS = {
    "id", "status", "document_kind", "type_code", "supplier_cui", "supplier_name", "supplier_vat_id",
    "number", "issue_date", "due_date", "currency", "tax_exclusive_amount", "vat_total", "vat_total_ron",
    "payable_amount", "vat_breakdown", "source", "anaf_download_id", "anaf_upload_index", "received_at",
}  # fmt: skip


@pytest.fixture
def reader(make_gateway: Callable[..., Gateway], anaf: Anaf) -> Client:
    client = admin_client(make_gateway, anaf)
    authorize(client.world)
    anaf.double.deliver_inbound(supplier_xml(), SELLER)
    anaf.double.deliver_inbound(supplier_xml(number="GEN-2025-0002", issue_date="2025-10-20"), SELLER)
    scan(client.world)
    return client


def _get(reader: Client, path: str, expected: int = 200, **params: object) -> object:
    response = reader.gateway.client.get(f"/api/v1/procurement{path}", headers=reader.headers, params=params)
    assert response.status_code == expected, response.text
    return response.json()


def test_one_entry_and_the_list_share_one_json_shape(reader: Client) -> None:
    page = _get(reader, "/supplier-invoices")
    assert isinstance(page, dict) and (page["total"], page["limit"], page["offset"]) == (2, 50, 0)
    newest, older = page["items"]
    assert (newest["number"], older["number"]) == ("GEN-2025-0002", "GEN-2025-0001")
    assert set(newest) == FIELDS and newest["supplier_cui"] == "12345674"
    assert isinstance(newest["payable_amount"], str) and Decimal(newest["payable_amount"]) > 0
    assert newest["issue_date"] == "2025-10-20" and newest["vat_breakdown"]
    assert _get(reader, f"/supplier-invoices/{newest['id']}") == newest


def test_the_list_filters_and_pages(reader: Client) -> None:
    def numbers(**params: object) -> list[str]:
        page = _get(reader, "/supplier-invoices", **params)
        assert isinstance(page, dict)
        return [item["number"] for item in page["items"]]

    assert numbers(supplier_cui="ro12345674") == ["GEN-2025-0002", "GEN-2025-0001"]
    assert numbers(supplier_cui="99999999") == []
    assert numbers(number="GEN-2025-0001") == ["GEN-2025-0001"]
    assert numbers(date_from="2025-10-20") == ["GEN-2025-0002"]
    assert numbers(date_to="2025-10-19") == ["GEN-2025-0001"]
    assert numbers(limit=1, offset=1) == ["GEN-2025-0001"]
    _get(reader, "/supplier-invoices", 422, limit=0)


def test_an_unknown_entry_is_a_404_naming_it(reader: Client) -> None:
    body = _get(reader, "/supplier-invoices/nope", 404)
    assert isinstance(body, dict) and body["code"] == "supplier_invoice_not_found"
    assert "nope" in body["message"]
    body = _get(reader, "/supplier-invoices/nope/xml", 404)
    assert isinstance(body, dict) and body["code"] == "supplier_invoice_not_found"
