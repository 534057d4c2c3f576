"""/healthz, /readyz (503 naming the failing check) and /metrics (per route template and status)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

from genius.platform.db.engine import make_engine
from genius.platform.observability.metrics import REGISTRY
from tests.web import probe
from tests.web.conftest import CUI_A, Gateway, unique_slug
from tests.web.test_errors import assert_error


def checks_of(body: dict) -> dict[str, dict]:  # type: ignore[type-arg]
    return {c["check"]: c for c in body["details" if "details" in body else "checks"]}


def test_healthz_answers_alive(gateway: Gateway) -> None:
    response = gateway.client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readyz_is_ready_with_every_dependency_up(gateway: Gateway) -> None:
    gateway.platform.tenants.create(unique_slug("tr"), name="Ready SRL", cui=CUI_A)
    response = gateway.client.get("/readyz")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ready"
    assert {c["check"]: c["ok"] for c in body["checks"]} == {"control_plane": True, "tenant_databases": True}


def test_readyz_checks_redis_and_the_broker_when_configured(
    make_gateway: Callable[..., Gateway], redis_url: str, amqp_url: str
) -> None:
    gateway = make_gateway(redis_url=redis_url, amqp_url=amqp_url)
    response = gateway.client.get("/readyz")
    assert response.status_code == 200, response.text
    assert {c["check"] for c in response.json()["checks"]} == {
        "control_plane",
        "tenant_databases",
        "redis",
        "broker",
    }


def test_readyz_names_redis_when_it_is_down(make_gateway: Callable[..., Gateway]) -> None:
    gateway = make_gateway(redis_url="redis://127.0.0.1:1/0")
    body = assert_error(gateway.client.get("/readyz"), 503, "not_ready")
    assert body["message"] == "not ready: redis"
    checks = {c["check"]: c for c in body["details"]}
    assert checks["redis"]["ok"] is False and checks["redis"]["problem"]
    assert checks["control_plane"]["ok"] is True


def test_readyz_names_the_broker_when_it_is_down(make_gateway: Callable[..., Gateway]) -> None:
    gateway = make_gateway(amqp_url="amqp://guest:guest@127.0.0.1:1/")
    body = assert_error(gateway.client.get("/readyz"), 503, "not_ready")
    assert body["message"] == "not ready: broker"


def _break_sqlite_file(path: Path) -> None:
    """The database file becomes unopenable (a folder stands where the file was)."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.mkdir()


def test_readyz_names_the_control_plane_when_it_is_down(gateway: Gateway) -> None:
    platform = gateway.platform
    url = platform.control.url
    platform.control.dispose()
    if url.get_backend_name() == "sqlite":
        _break_sqlite_file(Path(str(url.database)))
    else:
        server = make_engine(url.set(database="postgres"))
        with server.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text(f'DROP DATABASE "{url.database}" WITH (FORCE)'))
        server.dispose()
    body = assert_error(gateway.client.get("/readyz"), 503, "not_ready")
    assert body["message"].startswith("not ready: control_plane")
    assert {c["check"]: c["ok"] for c in body["details"]}["control_plane"] is False


def test_readyz_names_a_tenant_database_that_cannot_be_opened(gateway: Gateway) -> None:
    platform = gateway.platform
    slug = unique_slug("tbroken")
    platform.tenants.create(slug, name="Broken SRL", cui=CUI_A)
    url = platform.databases.engine_for_slug(slug).url
    platform.databases.dispose()
    if url.get_backend_name() == "sqlite":
        _break_sqlite_file(Path(str(url.database)))
    else:
        platform.databases.drop_database("default", str(url.database))
    response = gateway.client.get("/readyz")
    body = assert_error(response, 503, "not_ready")
    assert body["message"] == "not ready: tenant_databases"
    checks = {c["check"]: c for c in body["details"]}
    assert checks["tenant_databases"]["problem"] == "1 of 1 tenant databases cannot be opened"
    assert slug not in response.text  # the public probe names no tenant; the log does


def _count(method: str, route: str, status: str) -> float:
    labels = {"method": method, "route": route, "status": status}
    return REGISTRY.get_sample_value("genius_http_requests_total", labels) or 0.0


def _latency_count(method: str, route: str, status: str) -> float:
    labels = {"method": method, "route": route, "status": status}
    return REGISTRY.get_sample_value("genius_http_request_duration_seconds_count", labels) or 0.0


def test_metrics_count_requests_per_route_template_and_status(gateway: Gateway) -> None:
    gateway.app.include_router(probe.router)
    before = {
        "ok": _count("GET", "/healthz", "200"),
        "conflict": _count("GET", "/_probe/raise/{kind}", "409"),
        "missing": _count("GET", "<unmatched>", "404"),
        "latency": _latency_count("GET", "/_probe/raise/{kind}", "409"),
    }
    gateway.client.get("/healthz")
    gateway.client.get("/healthz")
    gateway.client.get("/_probe/raise/conflict")
    gateway.client.get("/no/such/route/123")
    assert _count("GET", "/healthz", "200") == before["ok"] + 2
    assert _count("GET", "/_probe/raise/{kind}", "409") == before["conflict"] + 1
    assert _count("GET", "<unmatched>", "404") == before["missing"] + 1
    assert _latency_count("GET", "/_probe/raise/{kind}", "409") == before["latency"] + 1

    response = gateway.client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert 'genius_http_requests_total{method="GET",route="/_probe/raise/{kind}",status="409"}' in text
    assert (
        'genius_http_request_duration_seconds_bucket{le="0.05",method="GET",route="/healthz",status="200"}'
        in text
    )
    assert "/_probe/raise/conflict" not in text  # raw paths never become labels


def test_other_areas_metrics_appear_on_the_same_endpoint(gateway: Gateway) -> None:
    from genius.platform.observability import counter

    tenant = unique_slug("m")
    counter("genius_test_invoices_issued", "Invoices issued (test).", ("tenant",)).labels(tenant).inc()
    assert (
        f'genius_test_invoices_issued_total{{tenant="{tenant}"}} 1.0' in gateway.client.get("/metrics").text
    )


def test_probes_need_no_token_and_are_in_the_openapi_document(gateway: Gateway) -> None:
    paths = gateway.client.get("/api/openapi.json").json()["paths"]
    assert "/healthz" in paths and "/readyz" in paths
    assert gateway.client.get("/api/docs").status_code == 200
