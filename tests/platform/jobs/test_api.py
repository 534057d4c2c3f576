"""Jobs over HTTP: 202 + job id with the request in the outbox, reading, server-sent events, workers."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from genius.platform.bus.envelope import Envelope
from genius.platform.bus.tables import outbox
from genius.platform.jobs import JobService, JobState, WorkerRegistry
from genius.platform.tenancy import Tenant
from tests.platform.audit.http import Api, Caller, running_api

PDF_JOB = {
    "type": "worker.request.pdf.render",
    "data": {"template": "<p>{{ n }}</p>", "key": "sales/invoices/F-1.pdf", "data": {"n": "F-1"}},
}


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    with running_api(tmp_path) as running:
        yield running


@pytest.fixture
def acme(api: Api) -> Tenant:
    return api.platform.tenants.create("acme", name="Acme SRL", cui="RO18547290")


@pytest.fixture
def admin(api: Api, acme: Tenant) -> Caller:
    return api.login(acme, "admin")


def test_starting_a_job_answers_202_and_queues_the_request(api: Api, admin: Caller) -> None:
    response = api.client.post("/api/v1/jobs", json=PDF_JOB, headers=admin.headers)
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["state"] == "queued" and body["tag"] == "pdf.render"
    assert response.headers["Location"] == f"/api/v1/jobs/{body['id']}" == body["links"]["self"]
    assert body["created_by"] == admin.user_id
    with api.platform.databases.engine_for_slug("acme").connect() as conn:
        rows = conn.execute(
            sa.select(outbox.c.body).where(outbox.c.type == "worker.request.pdf.render")
        ).all()
    assert len(rows) == 1
    envelope = Envelope.from_json(rows[0][0])
    assert envelope.idempotencykey == body["id"] and envelope.subject == body["id"]
    assert envelope.data["key"] == "sales/invoices/F-1.pdf"
    shown = api.client.get(body["links"]["self"], headers=admin.headers)
    assert shown.status_code == 200 and shown.json()["state"] == "queued"
    assert shown.json()["progress"] == {"percent": 0, "message": "queued"}


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"type": "worker.request.fax", "data": {}}, "type"),
        ({"type": "bus.probe.sent", "data": {"seq": 1}}, "type"),
        ({"type": "worker.request.pdf.render", "data": {"key": "sales/x.pdf"}}, "data.template"),
    ],
)
def test_bad_job_requests_name_the_field(
    api: Api, admin: Caller, payload: dict[str, object], field: str
) -> None:
    response = api.client.post("/api/v1/jobs", json=payload, headers=admin.headers)
    assert response.status_code == 422, response.text
    assert response.json()["details"][0]["field"] == field


def test_jobs_of_another_tenant_are_not_found_and_roles_are_checked(api: Api, admin: Caller) -> None:
    job_id = api.client.post("/api/v1/jobs", json=PDF_JOB, headers=admin.headers).json()["id"]
    beta = api.platform.tenants.create("beta", name="Beta SRL", cui="RO18547290")
    other = api.login(beta, "admin")
    assert api.client.get(f"/api/v1/jobs/{job_id}", headers=other.headers).status_code == 404
    assert api.client.get(f"/api/v1/jobs/{job_id}/events", headers=other.headers).status_code == 404
    acme = api.platform.tenants.get("acme")
    clerk = api.login(acme, "sales_clerk")
    assert api.client.post("/api/v1/jobs", json=PDF_JOB, headers=clerk.headers).status_code == 403
    assert api.client.get(f"/api/v1/jobs/{job_id}", headers=clerk.headers).status_code == 403
    assert api.client.get("/api/v1/workers", headers=clerk.headers).status_code == 403
    assert api.client.get(f"/api/v1/jobs/{job_id}").status_code == 401


def test_progress_is_pushed_as_server_sent_events(api: Api, admin: Caller) -> None:
    job_id = api.client.post("/api/v1/jobs", json=PDF_JOB, headers=admin.headers).json()["id"]
    jobs = JobService(api.platform.databases)
    steps: list[str] = []

    def work() -> None:  # what a worker does, a little slower than the stream polls
        time.sleep(0.4)
        jobs.begin("acme", job_id, "pdf.render", "event-1", "worker-1")
        time.sleep(0.4)
        jobs.progress("acme", job_id, 50, "jumătate făcută")
        time.sleep(0.4)
        with api.platform.databases.engine_for_slug("acme").begin() as conn:
            jobs.succeed(conn, job_id, {"key": "sales/invoices/F-1.pdf"})
        steps.append("done")

    worker = threading.Thread(target=work)
    worker.start()
    events: list[tuple[str, dict[str, object]]] = []
    with api.client.stream("GET", f"/api/v1/jobs/{job_id}/events", headers=admin.headers) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        name = ""
        for line in response.iter_lines():
            if line.startswith("event: "):
                name = line[len("event: ") :]
            elif line.startswith("data: "):
                events.append((name, json.loads(line[len("data: ") :])))
    worker.join()
    assert steps == ["done"]
    assert events[-1] == ("end", {"state": "succeeded"})
    states = [
        (e["state"], e["progress"]["percent"], e["progress"]["message"]) for n, e in events if n == "job"
    ]
    assert states[0] == ("queued", 0, "queued")
    assert ("running", 0, "running") in states
    assert ("running", 50, "jumătate făcută") in states
    assert states[-1] == ("succeeded", 100, "done")
    assert JobService(api.platform.databases).get("acme", job_id).state is JobState.SUCCEEDED


def test_workers_are_listed_per_tag(api: Api, admin: Caller) -> None:
    registry = WorkerRegistry(api.platform.control)
    registry.beat("instance-1", "pdf.render", concurrency=2, processed=7, failed=1, in_flight=1)
    registry.beat("instance-2", "pdf.render", concurrency=2, processed=3, failed=0, in_flight=0)
    registry.beat("instance-2", "ocr", concurrency=1, processed=0, failed=0, in_flight=0)
    registry.stopped("instance-2")
    response = api.client.get("/api/v1/workers", headers=admin.headers)
    assert response.status_code == 200, response.text
    shown = {w["tag"]: w for w in response.json()["workers"]}
    assert shown["pdf.render"]["instances"] == 1 and shown["pdf.render"]["processed"] == 10
    assert shown["pdf.render"]["failed"] == 1 and shown["pdf.render"]["in_flight"] == 1
    assert shown["ocr"]["instances"] == 0 and shown["ocr"]["last_heartbeat"]
    assert "queue_depth" in shown["ocr"]
