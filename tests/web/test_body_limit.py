"""Body size limit: a declared Content-Length over the limit and a streamed body over it are 413."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.web import probe
from tests.web.conftest import Gateway
from tests.web.test_errors import assert_error

LIMIT = 1000


@pytest.fixture
def gw(make_gateway: Callable[..., Gateway]) -> Gateway:
    gateway = make_gateway(max_body_bytes=LIMIT)
    gateway.app.include_router(probe.router)
    return gateway


def chunks(total: int, size: int = 100) -> Iterator[bytes]:
    """A generator body: the client streams it chunked, with no Content-Length."""
    sent = 0
    while sent < total:
        part = min(size, total - sent)
        sent += part
        yield b"x" * part


def test_a_body_at_the_limit_passes(gw: Gateway) -> None:
    response = gw.client.post("/_probe/upload", content=b"x" * LIMIT)
    assert response.status_code == 200
    assert response.json() == {"size": LIMIT}


def test_a_declared_length_over_the_limit_is_refused_before_reading(gw: Gateway) -> None:
    response = gw.client.post("/_probe/upload", content=b"x" * (LIMIT + 1))
    body = assert_error(response, 413, "body_too_large")
    assert body["details"] == {"max_body_bytes": LIMIT}
    assert str(LIMIT) in body["message"]


def test_a_streamed_body_is_counted(gw: Gateway) -> None:
    ok = gw.client.post("/_probe/upload", content=chunks(LIMIT))
    assert ok.status_code == 200 and ok.json() == {"size": LIMIT}
    assert ok.request.headers.get("transfer-encoding") == "chunked"
    refused = gw.client.post("/_probe/upload", content=chunks(LIMIT * 5))
    assert refused.request.headers.get("content-length") is None
    assert_error(refused, 413, "body_too_large")


def test_a_streamed_json_body_is_413_not_a_parse_error(gw: Gateway) -> None:
    payload = b'{"customer": "' + b"y" * (LIMIT * 2) + b'", "lines": []}'
    response = gw.client.post(
        "/_probe/orders",
        content=iter([payload[:500], payload[500:]]),
        headers={"content-type": "application/json"},
    )
    assert_error(response, 413, "body_too_large")


def test_public_routes_are_limited_too(gw: Gateway) -> None:
    response = gw.client.post(
        "/api/v1/auth/token",
        json={"grant_type": "password", "tenant": "x", "username": "y" * LIMIT, "password": "z"},
    )
    assert_error(response, 413, "body_too_large")
