"""Trace id propagation: W3C traceparent in, X-Trace-Id out (errors included), span and logs agree."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import pytest
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from genius.platform.observability.tracing import configure_tracing
from tests.web import probe
from tests.web.conftest import Gateway, Party

INCOMING_TRACE = "0af7651916cd43dd8448eb211c80319c"
INCOMING_PARENT = "b7ad6b7169203331"
TRACEPARENT = f"00-{INCOMING_TRACE}-{INCOMING_PARENT}-01"


@pytest.fixture
def gw(gateway: Gateway) -> Gateway:
    gateway.app.include_router(probe.router)
    return gateway


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    processor = SimpleSpanProcessor(exporter)
    configure_tracing().add_span_processor(processor)
    yield exporter
    processor.shutdown()  # stops exporting into this test's exporter


def test_a_valid_traceparent_is_continued(gw: Gateway, spans: InMemorySpanExporter) -> None:
    response = gw.client.get("/healthz", headers={"traceparent": TRACEPARENT})
    assert response.headers["x-trace-id"] == INCOMING_TRACE
    (span,) = [s for s in spans.get_finished_spans() if s.name == "GET /healthz"]
    assert f"{span.context.trace_id:032x}" == INCOMING_TRACE
    assert span.parent is not None and f"{span.parent.span_id:016x}" == INCOMING_PARENT
    assert span.attributes["http.route"] == "/healthz"
    assert span.attributes["http.response.status_code"] == 200


@pytest.mark.parametrize(
    "traceparent",
    [
        "nonsense",
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331",  # flags missing
        "00-00000000000000000000000000000000-b7ad6b7169203331-01",  # all-zero trace id
        "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01",  # all-zero parent
        "00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01",  # upper case is not allowed
    ],
)
def test_a_malformed_traceparent_starts_a_new_trace(
    gw: Gateway, spans: InMemorySpanExporter, traceparent: str
) -> None:
    response = gw.client.get("/healthz", headers={"traceparent": traceparent})
    trace_id = response.headers["x-trace-id"]
    assert len(trace_id) == 32 and trace_id != "0" * 32 and trace_id.lower() != INCOMING_TRACE
    (span,) = [s for s in spans.get_finished_spans() if s.name == "GET /healthz"]
    assert span.parent is None and f"{span.context.trace_id:032x}" == trace_id


def test_each_request_without_traceparent_gets_its_own_trace(gw: Gateway) -> None:
    ids = {gw.client.get("/healthz").headers["x-trace-id"] for _ in range(5)}
    assert len(ids) == 5


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/nowhere", 404),
        ("DELETE", "/healthz", 405),
        ("GET", "/_probe/raise/crash", 500),
        ("GET", "/_probe/raise/conflict", 409),
    ],
)
def test_errors_carry_the_incoming_trace_id(gw: Gateway, method: str, path: str, status: int) -> None:
    response = gw.client.request(method, path, headers={"traceparent": TRACEPARENT})
    assert response.status_code == status
    assert response.headers["x-trace-id"] == INCOMING_TRACE
    assert response.json()["trace_id"] == INCOMING_TRACE


def test_middleware_refusals_carry_the_trace_id_too(gw: Gateway) -> None:
    refused = gw.client.get("/healthz", headers={"traceparent": TRACEPARENT, "Authorization": "Bearer bad"})
    assert refused.status_code == 401
    assert refused.headers["x-trace-id"] == INCOMING_TRACE == refused.json()["trace_id"]


def test_access_log_and_span_carry_tenant_and_user(
    gw: Gateway, parties: tuple[Party, Party], spans: InMemorySpanExporter, log_lines: io.StringIO
) -> None:
    a, _ = parties
    response = gw.client.get("/_probe/whoami", headers={**a.auth, "traceparent": TRACEPARENT})
    assert response.status_code == 200
    lines = [json.loads(line) for line in log_lines.getvalue().splitlines()]
    (access,) = [line for line in lines if line["event"] == "request" and line["path"] == "/_probe/whoami"]
    assert access["trace_id"] == INCOMING_TRACE
    assert access["tenant"] == a.tenant.slug and access["user_id"] == a.user_id
    assert access["status"] == 200 and access["route"] == "/_probe/whoami"
    (span,) = [s for s in spans.get_finished_spans() if s.name == "GET /_probe/whoami"]
    assert span.attributes["genius.tenant"] == a.tenant.slug
    assert span.attributes["enduser.id"] == a.user_id


def test_code_inside_a_request_sees_the_request_trace(gw: Gateway) -> None:
    from genius.platform.observability import current_trace_id, inject_trace_context

    @gw.app.get("/_probe/carrier")
    def carrier() -> dict[str, object]:
        # What an API handler does when it emits an event: the carrier names this request's trace.
        return {"carrier": inject_trace_context(), "trace_id": current_trace_id()}

    body = gw.client.get("/_probe/carrier", headers={"traceparent": TRACEPARENT}).json()
    assert body["trace_id"] == INCOMING_TRACE
    assert body["carrier"]["traceparent"].split("-")[1] == INCOMING_TRACE


def test_lines_logged_by_a_route_carry_trace_tenant_and_user(
    gw: Gateway, parties: tuple[Party, Party], log_lines: io.StringIO
) -> None:
    from genius.platform.observability import get_logger

    log = get_logger("genius.test.route")

    @gw.app.get("/_probe/log")
    def route_that_logs() -> dict[str, bool]:
        log.info("handled inside the route")  # a sync route: runs in the thread pool
        return {"ok": True}

    a, _ = parties
    assert gw.client.get("/_probe/log", headers={**a.auth, "traceparent": TRACEPARENT}).status_code == 200
    lines = [json.loads(line) for line in log_lines.getvalue().splitlines()]
    (line,) = [entry for entry in lines if entry["event"] == "handled inside the route"]
    assert line["trace_id"] == INCOMING_TRACE
    assert (
        line["tenant"] == a.tenant.slug and line["user_id"] == a.user_id and line["tenant_id"] == a.tenant.id
    )
