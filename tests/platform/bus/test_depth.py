"""Queue depth on /metrics and in GET /api/v1/workers equals the transport's real depth, on both transports.

The app is a real one (``running_api``); N echo requests go through the outbox and the relay to
``worker.echo`` with no worker running, so exactly N wait there.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from genius.bootstrap import subscriber_factories
from genius.platform.bus.depth import COLLECTOR, watch
from genius.platform.bus.messages import EchoRequested
from genius.platform.db.uow import UnitOfWork
from genius.platform.jobs import WorkerRegistry
from genius.platform.tenancy import Tenant, TenantContext
from tests.platform.audit.http import Api, Caller, running_api
from tests.platform.bus.conftest import namespace

N = 7


@pytest.fixture(params=["local", pytest.param("rabbitmq", marks=pytest.mark.rabbitmq)])
def api(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Api]:
    with running_api(tmp_path) as running:
        bus = running.platform.bus
        if request.param == "rabbitmq":
            from genius.platform.bus.rabbit import RabbitTransport

            bus.transport = RabbitTransport(request.getfixturevalue("amqp_url"), namespace=namespace())
            watch(bus, subscriber_factories)  # as create_app does, on the swapped transport
        running.client.portal.call(bus.transport.start)  # type: ignore[union-attr]
        yield running
        destroy = getattr(bus.transport, "destroy", None)
        if destroy is not None:
            running.client.portal.call(destroy)  # type: ignore[union-attr]
        running.client.portal.call(bus.transport.close)  # type: ignore[union-attr]
        if COLLECTOR.probe is not None:
            COLLECTOR.probe.close()


@pytest.fixture
def acme(api: Api) -> Tenant:
    return api.platform.tenants.create("acme", name="Acme SRL", cui="RO18547290")


def queue_echo_requests(api: Api, tenant: Tenant, count: int) -> None:
    """``count`` echo requests committed to the outbox and relayed to worker.echo (no worker runs)."""
    with UnitOfWork(api.platform.databases, tenant=TenantContext(tenant.id, tenant.slug, system=True)) as uow:
        for n in range(count):
            uow.publish(EchoRequested(text=f"t{n}"))
    # One relay per test: a relay holds the tenant's relay lease between passes.
    relay = api.platform.extras.setdefault("test_relay", api.platform.bus.relay())
    api.client.portal.call(relay.drain, tenant.slug)  # type: ignore[union-attr,attr-defined]


def real_depth(api: Api, queue: str) -> int:
    return api.client.portal.call(api.platform.bus.transport.queue_depth, queue)  # type: ignore[union-attr]


def scraped_depths(api: Api) -> dict[str, tuple[float, dict[str, str]]]:
    response = api.client.get("/metrics")
    assert response.status_code == 200
    found = {}
    for family in text_string_to_metric_families(response.text):
        if family.name == "genius_bus_queue_depth":
            for sample in family.samples:
                found[sample.labels["queue"]] = (sample.value, sample.labels)
    return found


def settled_depth(api: Api, queue: str, expected: int) -> int:
    # RabbitMQ counts a confirmed message at once on this single node; the loop only absorbs a
    # slow broker, it never accepts another number.
    deadline = time.monotonic() + 10
    depth = real_depth(api, queue)
    while depth != expected and time.monotonic() < deadline:
        time.sleep(0.1)
        depth = real_depth(api, queue)
    return depth


def test_metrics_show_the_real_depth_of_each_worker_queue(api: Api, acme: Tenant) -> None:
    queue_echo_requests(api, acme, N)
    assert settled_depth(api, "worker.echo", N) == N

    depths = scraped_depths(api)
    value, labels = depths["worker.echo"]
    assert value == N == real_depth(api, "worker.echo")
    assert labels == {"queue": "worker.echo", "tag": "echo", "kind": "worker"}
    # Every queue the transport knows is reported with its own number, not a copy of another's.
    if api.platform.bus.transport.name == "local":
        assert depths["worker.pdf.render"][0] == 0 == real_depth(api, "worker.pdf.render")
        assert depths["accounting.postings"][1]["kind"] == "subscriber"


def test_metrics_follow_the_queue_after_the_cache_expires(api: Api, acme: Tenant) -> None:
    queue_echo_requests(api, acme, 2)
    assert settled_depth(api, "worker.echo", 2) == 2
    assert scraped_depths(api)["worker.echo"][0] == 2
    queue_echo_requests(api, acme, 3)
    assert settled_depth(api, "worker.echo", 5) == 5
    assert COLLECTOR.probe is not None
    assert scraped_depths(api)["worker.echo"][0] == 2  # within the cache time: the last reading
    COLLECTOR.probe.read_at = 0.0  # the cache time passed
    assert scraped_depths(api)["worker.echo"][0] == 5


def beat_echo(api: Api) -> None:
    registry = WorkerRegistry(api.platform.control)
    registry.beat("i-1", "echo", concurrency=1, processed=0, failed=0, in_flight=0)


@pytest.fixture
def operator(api: Api, acme: Tenant) -> Caller:
    return api.login(acme, "admin")


def test_workers_api_shows_the_real_queue_depth(api: Api, acme: Tenant, operator: Caller) -> None:
    beat_echo(api)
    queue_echo_requests(api, acme, N)
    assert settled_depth(api, "worker.echo", N) == N
    response = api.client.get("/api/v1/workers", headers=operator.headers)
    assert response.status_code == 200, response.text
    [echo] = [w for w in response.json()["workers"] if w["tag"] == "echo"]
    assert echo["queue_depth"] == N
    assert "queue_depth_error" not in echo


def test_workers_api_says_why_a_depth_is_unknown(
    api: Api, acme: Tenant, operator: Caller, caplog: pytest.LogCaptureFixture
) -> None:
    beat_echo(api)
    transport = api.platform.bus.transport
    api.client.portal.call(transport.close)  # type: ignore[union-attr]
    url = getattr(transport, "url", None)
    if transport.name == "rabbitmq":
        # A closed RabbitMQ transport reconnects on demand; an unreachable broker cannot.
        transport.url = "amqp://guest:guest@127.0.0.1:1/"  # type: ignore[attr-defined]
    try:
        with caplog.at_level(logging.WARNING, logger="genius.jobs.api"):
            response = api.client.get("/api/v1/workers", headers=operator.headers)
    finally:
        if url is not None:
            transport.url = url  # type: ignore[attr-defined]
    assert response.status_code == 200, response.text
    [echo] = [w for w in response.json()["workers"] if w["tag"] == "echo"]
    assert echo["queue_depth"] is None and echo["queue_depth_error"]
    assert any("worker.echo" in r.getMessage() for r in caplog.records)
