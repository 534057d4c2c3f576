"""SPV fixtures: the ANAF double over real HTTP (uvicorn on 127.0.0.1, a free port), a platform
pointed at it, a sales tenant authorized through the double's OAuth, issued invoices to submit.
"""

from __future__ import annotations

import urllib.parse
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from genius.apps.sales import handlers as h
from genius.apps.sales import repository as repo
from genius.apps.sales.commands import CreateAndIssue
from genius.apps.sales.domain.submissions import Submission
from genius.apps.sales.spv import records
from genius.apps.sales.spv.messages import SUBMIT, EfacturaWorkDone, EfacturaWorkRequested
from genius.apps.sales.spv.oauth import AnafAccess
from genius.bootstrap import Platform, build_platform
from genius.integrations.anaf.double import DEFAULT_CLIENT, AnafDouble
from genius.kernel.ids import new_id
from genius.platform.db.uow import UnitOfWork
from genius.platform.jobs.context import JobContext
from genius.workers import anaf_efactura
from tests.apps.sales.conftest import World, setup_world
from tests.integrations.serving import serving
from tests.web.conftest import PASSWORD, base_settings, issue_token

CALLBACK = "http://127.0.0.1:9/api/v1/sales/anaf/callback"
SELLER = "18547290"  # tests.apps.sales.conftest.TENANT_CUI without RO
BUYER = "14399840"


@dataclass
class Anaf:
    double: AnafDouble
    base_url: str

    def settings(self, data_dir: Path, **overrides: Any) -> dict[str, Any]:
        return {"data_dir": data_dir, **self.overrides(**overrides)}

    def overrides(self, **overrides: Any) -> dict[str, Any]:
        """Settings pointing a platform at the double (without data_dir)."""
        return {
            "anaf_api_url": self.base_url,
            "anaf_oauth_url": f"{self.base_url}/anaf-oauth2/v1",
            "anaf_public_url": self.base_url,
            "anaf_client_id": DEFAULT_CLIENT.client_id,
            "anaf_client_secret": DEFAULT_CLIENT.client_secret,
            "anaf_redirect_uri": CALLBACK,
            "anaf_timeout_seconds": 3.0,
            "anaf_upload_timeout_seconds": 2.0,
            "spv_poll_budget_seconds": 10.0,
            **overrides,
        }

    def uploads_of(self, number: str) -> list[Any]:
        return [u for u in self.double.spv.uploads.values() if u.number == number]


@pytest.fixture
def anaf() -> Iterator[Anaf]:
    double = AnafDouble(processing_seconds=0.0)
    with serving(double.app) as base_url:
        yield Anaf(double, base_url)


@pytest.fixture
def spv_platform(anaf: Anaf, tmp_path: Path) -> Iterator[Platform]:
    built = build_platform(base_settings(**anaf.settings(tmp_path)))
    yield built
    built.close()


def authorize(world: World) -> None:
    """The browser step through the double: authorize URL -> redirect with code -> our callback."""
    access = AnafAccess.of(world.platform)
    url, _ = access.authorize_url(world.ctx)
    answer = httpx.get(url, follow_redirects=False)
    assert answer.status_code == 302, answer.text
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(answer.headers["location"]).query))
    access.callback(query)


@pytest.fixture
def seller(spv_platform: Platform) -> World:
    world = setup_world(spv_platform, f"spv{uuid.uuid4().hex[:8]}")
    authorize(world)
    return world


def issue(world: World, **overrides: Any) -> tuple[str, str]:
    """(invoice id, number) of a freshly issued domestic invoice."""
    with world.scope():
        issued = h.create_and_issue(world.deps, CreateAndIssue(world.draft(**overrides)))
    return issued.invoice_id, issued.number


def start_submission(world: World, invoice_id: str) -> Submission:
    with UnitOfWork(world.platform.databases, tenant=world.ctx) as uow:
        return records.start_attempt(uow, invoice_id, datetime.now(UTC))


def run_job(world: World, invoice_id: str, job_id: str | None = None) -> EfacturaWorkDone:
    job = JobContext(job_id=job_id or new_id(), tag=anaf_efactura.TAG, tenant=world.ctx)
    return anaf_efactura.handle(
        EfacturaWorkRequested(action=SUBMIT, invoice_id=invoice_id), job, world.platform
    )


def attempts(world: World, invoice_id: str) -> list[Submission]:
    with world.engine().connect() as conn:
        return repo.submissions_of(conn, invoice_id)


def invoice_status(world: World, invoice_id: str) -> str:
    from genius.apps.sales import tables as t

    with world.engine().connect() as conn:
        return str(
            conn.execute(sa.select(t.invoices.c.status).where(t.invoices.c.id == invoice_id)).scalar_one()
        )


def queued(platform: Platform, slug: str, event_type: str) -> list[tuple[str, Any]]:
    """(job id, decoded request) of every ``event_type`` worker request in the tenant's outbox."""
    import json

    from genius.platform.bus.catalogue import CATALOGUE
    from genius.platform.bus.tables import outbox

    with platform.databases.engine_for_slug(slug).connect() as conn:
        bodies = conn.execute(
            sa.select(outbox.c.body).where(outbox.c.type == event_type).order_by(outbox.c.seq)
        ).scalars()
        out = []
        for body in bodies:
            envelope = json.loads(body)
            spec = CATALOGUE.get(envelope["type"], CATALOGUE.version_of_schema(envelope.get("dataschema")))
            out.append((envelope.get("idempotencykey") or envelope["id"], spec.decode(envelope["data"])))
    return out


def run_queued(platform: Platform, ctx: Any, event_type: str, handler: Any) -> list[Any]:
    """Run the queued requests of one worker tag with its handler, as the runtime would (in order)."""
    return [
        handler(request, JobContext(job_id=job_id, tag=event_type.rsplit(".", 1)[-1], tenant=ctx), platform)
        for job_id, request in queued(platform, ctx.slug, event_type)
    ]


API = "/api/v1/sales"


@dataclass
class Client:
    gateway: Any
    world: World
    headers: dict[str, str]

    def call(self, method: str, path: str, expected: int, **kwargs: Any) -> Any:
        response = self.gateway.client.request(method, f"{API}{path}", headers=self.headers, **kwargs)
        assert response.status_code == expected, response.text
        return response.json() if "json" in response.headers.get("content-type", "") else response


def admin_client(make_gateway: Callable[..., Any], anaf: Anaf) -> Client:
    """A gateway pointed at the ANAF double, a sales tenant, and its admin's bearer token."""
    gateway = make_gateway(**anaf.overrides())
    world = setup_world(gateway.platform)
    email = f"admin@{world.tenant.slug}.example"
    gateway.platform.auth.users.create(world.tenant.slug, email, PASSWORD, ["admin"])
    token = issue_token(gateway.client, world.tenant.slug, email)
    return Client(gateway, world, {"Authorization": f"Bearer {token}"})


@pytest.fixture
def spv(make_gateway: Callable[..., Any], anaf: Anaf) -> Client:
    return admin_client(make_gateway, anaf)


def authorize_through_the_api(spv: Client) -> dict[str, Any]:
    started = spv.call("GET", "/anaf/authorize", 200)
    assert started["expires_in_seconds"] == 900 and "state=" in started["authorize_url"]
    answer = httpx.get(started["authorize_url"], follow_redirects=False)  # ANAF: certificate picked
    assert answer.status_code == 302
    query = urllib.parse.urlsplit(answer.headers["location"]).query
    response = spv.gateway.client.get(f"{API}/anaf/callback?{query}")  # the browser, no bearer token
    assert response.status_code == 200, response.text
    return dict(response.json())
