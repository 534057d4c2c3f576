"""Every error leaves as {"status","code","message","details","trace_id"} with the right status."""

from __future__ import annotations

import io
import json

import pytest

from tests.web import probe
from tests.web.conftest import Gateway

ERROR_KEYS = {"status", "code", "message", "details", "trace_id"}


@pytest.fixture
def gw(gateway: Gateway) -> Gateway:
    gateway.app.include_router(probe.router)
    return gateway


def assert_error(response, status: int, code: str) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == ERROR_KEYS
    assert body["status"] == status
    assert body["code"] == code
    assert isinstance(body["message"], str) and body["message"]
    assert body["trace_id"] == response.headers["x-trace-id"]
    assert len(body["trace_id"]) == 32
    return body


def test_unknown_route_is_404(gw: Gateway) -> None:
    body = assert_error(gw.client.get("/api/v1/nowhere/42"), 404, "not_found")
    assert "/api/v1/nowhere/42" in body["message"]


def test_wrong_method_is_405_with_allowed_methods(gw: Gateway) -> None:
    response = gw.client.delete("/healthz")
    body = assert_error(response, 405, "method_not_allowed")
    assert body["details"] == {"allowed": ["GET"]}
    assert response.headers["allow"] == "GET"


def test_malformed_json_is_400_malformed_json(gw: Gateway) -> None:
    response = gw.client.post(
        "/_probe/orders",
        content=b'{"customer": "x", "lines": [',
        headers={"content-type": "application/json"},
    )
    body = assert_error(response, 400, "malformed_json")
    assert body["details"][0]["field"] == "body"


def test_validation_errors_name_every_field_path(gw: Gateway) -> None:
    response = gw.client.post(
        "/_probe/orders", json={"lines": [{"sku": "A", "quantity": 0}, {"sku": "", "quantity": "many"}]}
    )
    body = assert_error(response, 422, "validation_error")
    by_field = {d["field"]: d for d in body["details"]}
    assert set(by_field) == {
        "body.customer",
        "body.lines[0].quantity",
        "body.lines[1].sku",
        "body.lines[1].quantity",
    }
    assert by_field["body.customer"]["code"] == "missing"
    assert by_field["body.lines[0].quantity"]["code"] == "greater_than"
    assert by_field["body.lines[1].quantity"]["code"] == "int_parsing"
    assert all(d["message"] for d in body["details"])
    assert "(and 3 more)" in body["message"]


def test_query_and_path_problems_are_named_too(gw: Gateway) -> None:
    @gw.app.get("/_probe/page/{number}")
    def page(number: int, size: int = 10) -> dict[str, int]:
        return {"number": number, "size": size}

    body = assert_error(gw.client.get("/_probe/page/x?size=y"), 422, "validation_error")
    assert {d["field"] for d in body["details"]} == {"path.number", "query.size"}


@pytest.mark.parametrize(
    ("kind", "status", "code"),
    [
        ("validation", 422, "validation_error"),
        ("not_found", 404, "invoice_not_found"),
        ("conflict", 409, "already_issued"),
        ("permission", 403, "permission_denied"),
        ("authentication", 401, "invalid_credentials"),
        ("external", 502, "anaf_unavailable"),
        ("rate", 429, "rate_limited"),
        ("plain", 400, "cannot"),
    ],
)
def test_genius_errors_map_to_their_status(gw: Gateway, kind: str, status: int, code: str) -> None:
    response = gw.client.get(f"/_probe/raise/{kind}")
    body = assert_error(response, status, code)
    assert body["message"] == probe.RAISES[kind].message
    if kind == "validation":
        assert body["details"] == [
            {"field": "lines[0].quantity", "code": "positive", "message": "must be > 0"}
        ]
    if kind == "rate":
        assert response.headers["retry-after"] == "7"
    if kind == "authentication":
        assert response.headers["www-authenticate"].startswith("Bearer")


def test_500_hides_the_stack_trace_and_logs_it_with_the_trace_id(gw: Gateway, log_lines: io.StringIO) -> None:
    response = gw.client.get("/_probe/raise/crash")
    body = assert_error(response, 500, "internal_error")
    assert probe.SECRET not in response.text and "Traceback" not in response.text
    assert body["details"] is None
    lines = [json.loads(line) for line in log_lines.getvalue().splitlines()]
    (logged,) = [line for line in lines if line["event"] == "unhandled error"]
    assert logged["trace_id"] == body["trace_id"]
    assert logged["level"] == "error"
    assert probe.SECRET in logged["exception"] and "RuntimeError" in logged["exception"]


def test_tenant_data_without_a_token_asks_to_authenticate(gw: Gateway) -> None:
    response = gw.client.get("/_probe/whoami")
    assert_error(response, 401, "authentication_required")
    assert response.headers["www-authenticate"] == "Bearer"


def test_bearer_without_token_is_401(gw: Gateway) -> None:
    assert_error(gw.client.get("/healthz", headers={"Authorization": "Bearer "}), 401, "token_invalid")


def test_garbage_token_is_401(gw: Gateway) -> None:
    response = gw.client.get("/healthz", headers={"Authorization": "Bearer not.a.jwt"})
    assert_error(response, 401, "token_invalid")
    assert 'error="invalid_token"' in response.headers["www-authenticate"]
