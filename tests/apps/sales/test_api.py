"""The sales API through the gateway with real tokens, on SQLite and PostgreSQL.

Every bad input the issue lists is refused with the field or rule named, in the gateway's error
shape, and leaves row counts and the series counter as they were.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
import sqlalchemy as sa

from genius.apps.sales import tables as t
from genius.platform.audit.tables import audit_records
from genius.platform.bus.tables import outbox
from tests.apps.sales.conftest import BUYER_CUI, CNP, IBAN, TENANT_CUI
from tests.web.conftest import CUI_B, PASSWORD, Gateway, Party, add_party, issue_token

API = "/api/v1/sales"
COUNTED = (t.partners, t.products, t.series, t.invoices, outbox)


def address(**overrides: Any) -> dict[str, Any]:
    return {
        "street": "Str. Memorandumului nr. 28",
        "city": "Cluj-Napoca",
        "county": "RO-CJ",
        "country_code": "RO",
        **overrides,
    }


@dataclass
class Sales:
    gateway: Gateway
    party: Party
    ids: dict[str, str] = field(default_factory=dict)

    @property
    def client(self) -> Any:
        return self.gateway.client

    def call(self, method: str, path: str, expected: int, **kwargs: Any) -> Any:
        response = self.client.request(method, f"{API}{path}", headers=self.party.auth, **kwargs)
        assert response.status_code == expected, response.text
        return (
            response.json()
            if response.headers.get("content-type", "").startswith("application/json")
            else response
        )

    def counts(self) -> dict[str, int]:
        engine = self.gateway.platform.databases.engine_for_slug(self.party.tenant.slug)
        with engine.connect() as conn:
            counts = {
                tb.name: conn.execute(sa.select(sa.func.count()).select_from(tb)).scalar_one()
                for tb in COUNTED
            }
            counts["next_number"] = conn.execute(
                sa.select(t.series.c.next_number).where(t.series.c.id == self.ids["series"])
            ).scalar_one()
        return counts

    def draft(self, **overrides: Any) -> dict[str, Any]:
        document: dict[str, Any] = {
            "currency": "RON",
            "issue_date": "2025-09-15",
            "buyer": {"partner_id": self.ids["partner"]},
            "lines": [{"id": "1", "product_id": self.ids["product"], "quantity": "3"}],
        }
        document.update(overrides)
        return document


@pytest.fixture
def sales(make_gateway: Callable[..., Gateway]) -> Sales:
    gateway = make_gateway()
    s = Sales(gateway, add_party(gateway.platform, gateway.client, "sa", TENANT_CUI))
    s.call(
        "PUT",
        "/company",
        200,
        json={
            "name": "Genius Demo SRL",
            "cui": TENANT_CUI,
            "trade_register": "J12/3456/2020",
            "address": address(),
            "iban": IBAN,
        },
    )
    s.ids["series"] = s.call("POST", "/series", 201, json={"prefix": "GEN-", "is_default": True})["id"]
    s.ids["credit_series"] = s.call(
        "POST", "/series", 201, json={"prefix": "GCN-", "document_kind": "credit_note", "is_default": True}
    )["id"]
    partner = {
        "kind": "company",
        "name": "Client SRL",
        "cui": BUYER_CUI,
        "address": address(city="Sector 3", county="RO-B"),
    }
    s.ids["partner"] = s.call("POST", "/partners", 201, json=partner)["id"]
    product = {
        "code": "LIC",
        "name": "Licenta",
        "unit_code": "H87",
        "vat_category": "S",
        "vat_rate_kind": "standard",
        "price": "100",
    }
    s.ids["product"] = s.call("POST", "/products", 201, json=product)["id"]
    return s


def test_draft_issue_download_list_credit_and_cancel(sales: Sales) -> None:
    draft = sales.call("POST", "/invoices", 201, json=sales.draft())
    assert (draft["status"], draft["number"], draft["payable_amount"]) == ("draft", None, "363.00")
    assert draft["draft"]["buyer"] == {"partner_id": sales.ids["partner"]}
    issued = sales.call("POST", f"/invoices/{draft['id']}/issue", 200)
    assert (issued["number"], issued["status"], issued["payable_amount"]) == (
        "GEN-2025-0001",
        "issued",
        "363.00",
    )
    xml = sales.call("GET", f"/invoices/{draft['id']}/xml", 200)
    assert xml.headers["content-type"] == "application/xml"
    assert hashlib.sha256(xml.content).hexdigest() == issued["xml_sha256"] == xml.headers["etag"].strip('"')
    assert 'filename="GEN-2025-0001.xml"' in xml.headers["content-disposition"]
    full = sales.call("GET", f"/invoices/{draft['id']}", 200)
    assert full["document"]["seller"]["vat_id"] == TENANT_CUI and full["submissions"] == []
    assert full["document"]["buyer"]["address"]["city"] == "SECTOR3"
    second = sales.call("POST", "/invoices/issue", 201, json=sales.draft(issue_date="2025-10-01"))
    assert second["number"] == "GEN-2025-0002"
    sales.call("POST", "/invoices", 201, json=sales.draft(issue_date="2025-11-01"))  # stays a draft
    note = sales.call(
        "POST",
        "/credit-notes/issue",
        201,
        json={
            "corrects_invoice_id": draft["id"],
            "lines": [{"id": "1", "product_id": sales.ids["product"], "quantity": "1"}],
        },
    )
    assert note["document_type"] == "credit_note" and note["number"].startswith("GCN-")
    cancelled = sales.call("POST", f"/invoices/{second['id']}/cancel", 200, json={"reason": "duplicate"})
    assert (cancelled["status"], cancelled["number"], cancelled["cancel_reason"]) == (
        "cancelled",
        "GEN-2025-0002",
        "duplicate",
    )

    def listed(**params: Any) -> list[str | None]:
        return [i["number"] for i in sales.call("GET", "/invoices", 200, params=params)["items"]]

    assert listed(status="issued", document_type="invoice") == ["GEN-2025-0001"]
    assert listed(status="draft") == [None]
    assert listed(
        partner_id=sales.ids["partner"], document_type="invoice", date_from="2025-09-01", date_to="2025-10-31"
    ) == [
        "GEN-2025-0002",
        "GEN-2025-0001",
    ]
    assert listed(number="GEN-2025-000") == ["GEN-2025-0002", "GEN-2025-0001"]
    assert listed(number="GCN") == [note["number"]]
    page = sales.call("GET", "/invoices", 200, params={"limit": 1, "offset": 1})
    assert (page["total"], page["limit"], page["offset"], len(page["items"])) == (4, 1, 1, 1)
    credits = sales.call("GET", "/credit-notes", 200, params={"corrects_invoice_id": draft["id"]})
    assert [c["id"] for c in credits["items"]] == [note["id"]]


def test_batch_issue_through_the_api(sales: Sales) -> None:
    issued = sales.call(
        "POST", "/invoices/issue-batch", 201, json={"documents": [sales.draft(), sales.draft()]}
    )
    assert [i["number"] for i in issued["issued"]] == ["GEN-2025-0001", "GEN-2025-0002"]
    before = sales.counts()
    bad = sales.draft(currency="XYZ")
    error = sales.call("POST", "/invoices/issue-batch", 422, json={"documents": [sales.draft(), bad]})
    assert {"field": "documents[1].currency", "code": "BR-CL-04"} in [
        {"field": d["field"], "code": d["code"]} for d in error["details"]
    ]
    assert sales.counts() == before
    too_many = sales.call("POST", "/invoices/issue-batch", 422, json={"documents": [sales.draft()] * 101})
    assert too_many["details"][0]["field"] == "body.documents"


def test_partners_list_filters_pages_and_masked_cnp(sales: Sales) -> None:
    person = sales.call(
        "POST",
        "/partners",
        201,
        json={"kind": "individual", "name": "Ion Popescu", "cnp": CNP, "address": address()},
    )
    assert person["cnp_masked"] == "*********" + CNP[-4:] and CNP not in str(person)
    foreign = {
        "kind": "foreign",
        "name": "Kunde GmbH",
        "vat_id": "DE136695976",
        "address": {"street": "Hauptstr. 1", "city": "Berlin", "country_code": "DE"},
    }
    sales.call("POST", "/partners", 201, json=foreign)
    names = lambda **p: [x["name"] for x in sales.call("GET", "/partners", 200, params=p)["items"]]  # noqa: E731
    assert names() == ["Client SRL", "Ion Popescu", "Kunde GmbH"]
    assert names(kind="individual") == ["Ion Popescu"] and names(country_code="de") == ["Kunde GmbH"]
    assert names(q="pop") == ["Ion Popescu"] and names(cui=BUYER_CUI) == ["Client SRL"]
    assert names(q="%") == []  # LIKE wildcards are literal
    page = sales.call("GET", "/partners", 200, params={"limit": 2, "offset": 2})
    assert page["total"] == 3 and [p["name"] for p in page["items"]] == ["Kunde GmbH"]
    updated = sales.call(
        "PUT",
        f"/partners/{person['id']}",
        200,
        json={"kind": "individual", "name": "Ion Pop", "cnp": CNP, "address": address(), "version": 1},
    )
    assert updated["version"] == 2
    stale = sales.call(
        "PUT",
        f"/partners/{person['id']}",
        409,
        json={"kind": "individual", "name": "X", "address": address(), "version": 1},
    )
    assert stale["code"] == "stale_version"


@pytest.mark.parametrize(
    ("path", "body", "status", "field", "code"),
    [
        (
            "/partners",
            {"kind": "company", "name": "X SRL", "cui": "RO14399841", "address": address()},
            422,
            "cui",
            "check_digit",
        ),
        (
            "/partners",
            {
                "kind": "company",
                "name": "X SRL",
                "cui": "RO23456783",
                "iban": "RO49AAAA1B31007593840001",
                "address": address(),
            },
            422,
            "iban",
            "iban_invalid",
        ),
        (
            "/partners",
            {"kind": "individual", "name": "Ion", "cnp": "1800101221145", "address": address()},
            422,
            "cnp",
            "cnp_invalid",
        ),
        (
            "/partners",
            {"kind": "company", "name": "X SRL", "cui": "RO23456783", "address": address(county="RO-XX")},
            422,
            "address.county",
            "county_code",
        ),
        (
            "/partners",
            {
                "kind": "company",
                "name": "X SRL",
                "cui": "RO23456783",
                "address": address(county="RO-B", city="Bucuresti"),
            },
            422,
            "address.city",
            "bucharest_sector",
        ),
        (
            "/partners",
            {
                "kind": "company",
                "name": "X SRL",
                "cui": "RO23456783",
                "trade_register": "J99/1/2020",
                "address": address(),
            },
            422,
            "trade_register",
            "trade_register",
        ),
        (
            "/products",
            {"code": "P2", "name": "P", "unit_code": "PCS", "vat_category": "S", "vat_rate_kind": "standard"},
            422,
            "unit_code",
            "BR-CL-23",
        ),
        (
            "/products",
            {"code": "P2", "name": "P", "unit_code": "H87", "vat_category": "E"},
            422,
            "vatex_code",
            "BR-E-10",
        ),
        (
            "/products",
            {"code": "P2", "name": "P", "unit_code": "H87", "vat_category": "Z"},
            422,
            "vat_category",
            "RO-VAT-NO-ZERO-RATE",
        ),
        ("/series", {"prefix": "bad prefix"}, 422, "prefix", "invalid"),
    ],
)
def test_bad_master_data_is_refused_naming_the_field(
    sales: Sales, path: str, body: dict[str, Any], status: int, field: str, code: str
) -> None:
    before = sales.counts()
    error = sales.call("POST", path, status, json=body)
    assert error["code"] == "validation_error" and error["trace_id"]
    assert {"field": field, "code": code} in [
        {"field": d["field"], "code": d["code"]} for d in error["details"]
    ]
    assert sales.counts() == before


def typed_line(**item: Any) -> dict[str, Any]:
    return {
        "id": "1",
        "quantity": "1",
        "unit_code": item.pop("unit_code", "H87"),
        "price": {"net_price": "10"},
        "item": {"name": "Serviciu", "vat_category": "S", **item},
    }


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"currency": "XYZ"}, "currency", "BR-CL-04"),
        ({"lines": [typed_line(vat_rate="21", unit_code="BUC")]}, "lines[0].unit_code", "BR-CL-23"),
        ({"lines": [typed_line(vat_rate="19")]}, "lines[0].item.vat_rate", "RO-VAT-RATE"),
        ({"lines": [typed_line(vat_category="K", vat_rate="21")]}, "lines[0].item.vat_rate", "BR-IC-05"),
        (
            {"lines": [typed_line(vat_category="Z", vat_rate="0")]},
            "lines[0].item.vat_category",
            "RO-VAT-NO-ZERO-RATE",
        ),
        ({"currency": "EUR", "lines": [typed_line(vat_rate="21")]}, "vat_exchange_rate", "required"),
        ({"lines": [{"id": "1", "product_id": "nope", "quantity": "1"}]}, "lines[0].product_id", "not_found"),
        ({"unknown": 1}, "unknown", "unknown_key"),
    ],
)
def test_bad_drafts_are_refused_naming_the_field_or_rule(
    sales: Sales, change: dict[str, Any], field: str, code: str
) -> None:
    before = sales.counts()
    for path in ("/invoices", "/invoices/issue"):
        error = sales.call("POST", path, 422, json=sales.draft(**change))
        assert {"field": field, "code": code} in [
            {"field": d["field"], "code": d["code"]} for d in error["details"]
        ]
    assert sales.counts() == before


def test_validator_refusal_lists_failing_rules_and_consumes_no_number(sales: Sales) -> None:
    draft = sales.call(
        "POST", "/invoices", 201, json=sales.draft(payment_instructions=[{"means_code": "30"}])
    )
    before = sales.counts()
    error = sales.call("POST", f"/invoices/{draft['id']}/issue", 422)
    assert error["code"] == "efactura_validation_failed"
    [finding] = error["details"]
    assert finding["rule_id"] == "BR-61" and finding["location"] == "/Invoice/cac:PaymentMeans"
    assert finding["message_ro"] and finding["message_en"] and finding["message_ro"] != finding["message_en"]
    assert sales.counts() == before
    assert sales.call("GET", f"/invoices/{draft['id']}", 200)["status"] == "draft"


def test_editing_an_issued_invoice_or_issuing_twice_is_a_conflict_naming_the_rule(sales: Sales) -> None:
    issued = sales.call("POST", "/invoices/issue", 201, json=sales.draft())
    before = sales.counts()
    twice = sales.call("POST", f"/invoices/{issued['id']}/issue", 409)
    assert twice["details"]["rule"] == "sales.invoice.issue-once" and issued["number"] in twice["message"]
    edit = sales.call("PUT", f"/invoices/{issued['id']}", 409, json=sales.draft())
    assert edit["details"]["rule"] == "sales.invoice.immutable" and "credit note" in edit["message"]
    delete = sales.call("DELETE", f"/invoices/{issued['id']}", 409)
    assert delete["details"]["rule"] == "sales.invoice.delete-draft-only"
    assert sales.counts() == before
    missing = sales.call("GET", "/invoices/nope/xml", 404)
    assert missing["code"] == "invoice_not_found"


def test_roles_decide_who_does_what(sales: Sales) -> None:
    platform, client, slug = sales.gateway.platform, sales.client, sales.party.tenant.slug

    def token(role: str, attributes: dict[str, Any] | None = None) -> dict[str, str]:
        email = f"{role}@{slug}.example"
        platform.auth.users.create(slug, email, PASSWORD, [role], attributes=attributes or {})
        return {"Authorization": f"Bearer {issue_token(client, slug, email)}"}

    accountant, clerk = token("accountant"), token("sales_clerk", {"max_invoice_amount": "300"})
    partner = {"kind": "company", "name": "Y SRL", "cui": "RO23456783", "address": address()}
    assert client.post(f"{API}/partners", json=partner, headers=accountant).status_code == 403
    assert client.get(f"{API}/partners", headers=accountant).status_code == 200
    assert client.post(f"{API}/partners", json=partner, headers=clerk).status_code == 201
    product = {
        "code": "P9",
        "name": "P",
        "unit_code": "H87",
        "vat_category": "S",
        "vat_rate_kind": "standard",
    }
    assert client.post(f"{API}/products", json=product, headers=clerk).status_code == 403
    assert client.post(f"{API}/invoices/issue", json=sales.draft(), headers=accountant).status_code == 403
    over = client.post(f"{API}/invoices/issue", json=sales.draft(), headers=clerk)  # 363 lei > 300
    assert over.status_code == 403 and over.json()["details"]["rule"] == "invoice-amount-limit"
    small = sales.draft(lines=[{"id": "1", "product_id": sales.ids["product"], "quantity": "2"}])  # 242 lei
    assert client.post(f"{API}/invoices/issue", json=small, headers=clerk).status_code == 201


def test_another_tenant_sees_nothing(sales: Sales) -> None:
    issued = sales.call("POST", "/invoices/issue", 201, json=sales.draft())
    other = add_party(sales.gateway.platform, sales.client, "sb", CUI_B)
    for path in (
        f"/invoices/{issued['id']}",
        f"/invoices/{issued['id']}/xml",
        f"/partners/{sales.ids['partner']}",
    ):
        assert sales.client.get(f"{API}{path}", headers=other.auth).status_code == 404
    assert sales.client.get(f"{API}/invoices", headers=other.auth).json()["total"] == 0
    taken = sales.client.post(
        f"{API}/invoices/{issued['id']}/cancel", json={"reason": "x"}, headers=other.auth
    )
    assert taken.status_code == 404
    assert sales.client.get(f"{API}/company", headers=other.auth).status_code == 404


def test_openapi_documents_every_sales_route_with_a_summary_and_a_response_model(sales: Sales) -> None:
    spec = sales.client.get("/api/openapi.json").json()
    operations = {
        (path, method): op
        for path, item in spec["paths"].items()
        if path.startswith(API)
        for method, op in item.items()
        if op.get("tags") == ["sales"]  # the SPV and documents routers have their own tags and tests
    }
    assert len(operations) == 26
    for (path, method), op in operations.items():
        assert op.get("summary"), (path, method)
        if method != "delete" and not path.endswith("/xml"):
            success = next(v for k, v in op["responses"].items() if k.startswith("2"))
            assert "$ref" in str(success["content"]["application/json"]["schema"]), (path, method)
    assert (
        "application/xml"
        in operations[(f"{API}/invoices/{{invoice_id}}/xml", "get")]["responses"]["200"]["content"]
    )
    assert {"InvoiceOut", "IssuedOut", "PartnerPage", "ProductOut", "SeriesOut"} <= set(
        spec["components"]["schemas"]
    )


def test_audit_records_of_the_domain_actions_name_the_user(sales: Sales) -> None:
    issued = sales.call("POST", "/invoices/issue", 201, json=sales.draft())
    engine = sales.gateway.platform.databases.engine_for_slug(sales.party.tenant.slug)
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(audit_records).where(audit_records.c.action == "sales.invoice.issue")
        ).one()
    assert (row.resource_id, row.user_id, row.user_email) == (
        issued["id"],
        sales.party.user_id,
        sales.party.email,
    )
