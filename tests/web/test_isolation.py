"""Tenant isolation over EVERY route of the OpenAPI document, generically.

Tenants A and B get users and data (B's data is made through every write route, with B's own
token). Then, for each operation in ``/api/openapi.json`` (path parameters filled with B's slug,
B's ids and keys, or random ids; identity fields of query and body pointed at B), A's admin calls
it with A's token. A may get 401/403/404/422 or its own data, never B's:

* no response to A carries a secret of B (B's text marker, ids, e-mails, digests) that A did not
  send itself and that an anonymous caller does not get from the same public URL;
* a call aimed at B's resources never succeeds unless the route is public;
* B's rows (control plane and B's own database, every table) are unchanged afterwards;
* no call ever ends in a 5xx.

Routes added later by other areas are covered without touching this file.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from genius.bootstrap import Platform
from genius.platform.settings import RateLimitSettings
from genius.platform.tenancy import Tenant
from tests.web import leaky
from tests.web.conftest import CUI_A, CUI_B, PASSWORD, Gateway, issue_token, unique_slug
from tests.web.openapi_walk import IDENTIFIER_RE, Call, Filler, Operation, build_call, operations, strings_in

# A and B send hundreds of requests: limits out of the way (rate limiting has its own tests).
GENEROUS = RateLimitSettings(
    tenant_rate=1e5, tenant_burst=10**6, user_rate=1e5, user_burst=10**6, login_failures_per_minute=1000
)
WRITE_METHODS = ("post", "put", "patch")
# At most this many of B's harvested values per path parameter.
VALUES_PER_PARAM = 3


@dataclass
class Side:
    """One tenant of the test: its users, token and the markers that make its data findable."""

    tenant: Tenant
    emails: list[str]
    user_ids: list[str]
    token: str
    text_marker: str  # in names and free text: found in a response only if B's data leaked
    key_marker: str  # used as a key in paths (A will send it, so it proves nothing when echoed)
    harvested: dict[str, list[str]] = field(default_factory=dict)

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def filler(self, marker: str | None = None) -> Filler:
        return Filler(
            tenant=self.tenant.slug,
            ids=[self.user_ids[0], self.tenant.id],
            email=self.emails[0],
            marker=marker or self.text_marker,
        )


def make_side(platform: Platform, client: TestClient, prefix: str, cui: str) -> Side:
    text_marker = f"zq{prefix}{uuid.uuid4().hex[:10]}"
    slug = unique_slug(prefix)
    tenant = platform.tenants.create(slug, name=f"{text_marker} SRL", cui=cui)
    emails, user_ids = [], []
    for role, local in (("admin", "admin"), ("accountant", f"clerk.{text_marker}")):
        email = f"{local}@{slug}.example"
        user = platform.auth.users.create(slug, email, PASSWORD, [role], display_name=f"{role} {text_marker}")
        emails.append(email)
        user_ids.append(user.id)
    token = issue_token(client, slug, emails[0])
    return Side(tenant, emails, user_ids, token, text_marker, f"k{prefix}{uuid.uuid4().hex[:10]}")


def send(client: TestClient, call: Call, headers: dict[str, str]) -> Any:
    return client.request(
        call.operation.method.upper(),
        call.url,
        params=call.query,
        json=call.json_body if call.form_body is None else None,
        data=call.form_body,
        headers=headers,
    )


def seed(client: TestClient, side: Side, ops: list[Operation], components: dict[str, Any]) -> list[str]:
    """Every write route, called by the tenant's own admin on its own behalf; returns 5xx failures."""
    failures = []
    for op in ops:
        if op.method not in WRITE_METHODS:
            continue
        values = {name: side.tenant.slug if "tenant" in name else side.key_marker for name in op.path_params}
        call = build_call(op, side.filler(), components, values)
        response = send(client, call, side.auth)
        if response.status_code >= 500:
            failures.append(f"{op} -> {response.status_code} {response.text[:200]}")
    return failures


def harvest(client: TestClient, side: Side, ops: list[Operation], components: dict[str, Any]) -> None:
    """Read every GET route as the tenant itself and keep the strings it answers, by field name."""
    for round_ in (1, 2):  # the second round can fill path parameters from the first one's answers
        for op in ops:
            if op.method != "get" or (round_ == 1) != (not op.path_params):
                continue
            values = {name: (side.harvested.get(name) or [side.key_marker])[0] for name in op.path_params}
            values.update({n: side.tenant.slug for n in op.path_params if "tenant" in n})
            response = send(client, build_call(op, side.filler(), components, values), side.auth)
            if response.headers.get("content-type", "").startswith("application/json"):
                for key, value in strings_in(response.json()):
                    bucket = side.harvested.setdefault(key, [])
                    if value not in bucket:
                        bucket.append(value)


def secrets_of(side: Side, other: Side) -> set[str]:
    """Strings that only side's data contains: markers, e-mails, slug, ids and digests."""
    found: set[str] = {side.text_marker, side.key_marker, side.tenant.slug, side.tenant.id}
    found |= set(side.emails) | set(side.user_ids)
    others = {v for values in other.harvested.values() for v in values}
    for values in side.harvested.values():
        for value in values:
            for match in IDENTIFIER_RE.findall(value):
                if match not in others and set(match) - {"0", "-"}:
                    found.add(match)
    return found


def snapshot(platform: Platform, tenant: Tenant) -> dict[str, list[str]]:
    """Every row of the tenant: control-plane rows naming it, and every table of its database."""
    rows: dict[str, list[str]] = {}
    control = platform.control
    inspector = sa.inspect(control)
    control_schema = "control" if control.dialect.name == "postgresql" else None
    with control.connect() as conn:
        for name in inspector.get_table_names(schema=control_schema):
            table = sa.Table(name, sa.MetaData(), schema=control_schema, autoload_with=conn)
            if name == "tenants":
                query = sa.select(table).where(table.c.id == tenant.id)
            elif "tenant_id" in table.c:
                query = sa.select(table).where(table.c.tenant_id == tenant.id)
            else:
                continue
            rows[f"control.{name}"] = sorted(repr(tuple(r)) for r in conn.execute(query))
    engine = platform.databases.engine_for_slug(tenant.slug)
    inspector = sa.inspect(engine)
    schemas: list[str | None] = [None]
    if engine.dialect.name == "postgresql":
        schemas = [
            s for s in inspector.get_schema_names() if s != "information_schema" and not s.startswith("pg_")
        ]
    with engine.connect() as conn:
        for schema in schemas:
            for name in inspector.get_table_names(schema=schema):
                table = sa.Table(name, sa.MetaData(), schema=schema, autoload_with=conn)
                rows[f"{schema}.{name}"] = sorted(repr(tuple(r)) for r in conn.execute(sa.select(table)))
    return rows


def path_variants(op: Operation, b: Side) -> list[dict[str, str]]:
    """For each path parameter: B's slug for tenant-like names; else B's values of that name (as
    B's own reads answered them), B's user id, B's tenant id; last, random values."""
    if not op.path_params:
        return [{}]

    def fill(pick: Callable[[str], str]) -> dict[str, str]:
        return {n: b.tenant.slug if "tenant" in n or "realm" in n else pick(n) for n in op.path_params}

    variants: list[dict[str, str]] = []
    for index in range(VALUES_PER_PARAM):
        variant = fill(lambda n, i=index: ([*b.harvested.get(n, []), b.key_marker] * VALUES_PER_PARAM)[i])
        if variant not in variants:
            variants.append(variant)
    variants.append(fill(lambda n: b.user_ids[0]))
    variants.append(fill(lambda n: b.tenant.id))
    variants.append(
        {n: f"z{uuid.uuid4().hex[:12]}" if "tenant" in n else str(uuid.uuid4()) for n in op.path_params}
    )
    return variants


@dataclass
class Sweep:
    server_errors: list[str]
    problems: list[str]
    changed_tables: dict[str, tuple[Any, Any]]
    operations: list[Operation]
    called: set[str]
    aimed_at_b: int
    b_rows: int


def sweep(gateway: Gateway) -> Sweep:
    """Make A and B, give B data, then call every operation as A aiming at B; report findings."""
    client, platform = gateway.client, gateway.platform
    a = make_side(platform, client, "ta", CUI_A)
    b = make_side(platform, client, "tb", CUI_B)
    document = client.get("/api/openapi.json").json()
    components = document.get("components", {})
    ops = operations(document)

    server_errors = seed(client, b, ops, components) + seed(client, a, ops, components)
    harvest(client, b, ops, components)
    harvest(client, a, ops, components)
    b_secrets = secrets_of(b, a)
    before = snapshot(platform, b.tenant)

    sent: set[str] = set()  # B's values A put in its own requests: echoing them is no leak
    problems: list[str] = []
    called: set[str] = set()
    aimed_at_b = 0
    attacker = b.filler(marker=a.text_marker)  # identity fields point at B; free text is A's own
    for op in ops:
        for values in path_variants(op, b):
            call = build_call(op, attacker, components, values)
            sent |= {s for s in b_secrets if s in call.text()}
            response = send(client, call, a.auth)
            called.add(str(op))
            if response.status_code >= 500:
                server_errors.append(f"{op} {call.url} -> {response.status_code} {response.text[:200]}")
                continue
            public: set[str] = set()
            anonymous_status = None
            if op.method == "get":
                anonymous = send(client, call, {})
                anonymous_status = anonymous.status_code
                public = {s for s in b_secrets if s in anonymous.text}
            leaked = {s for s in b_secrets if s in response.text} - sent - public
            if leaked:
                problems.append(f"{op} {call.url}: A's token got B's {sorted(leaked)}: {response.text[:300]}")
            # Keys (flag names...) live in each tenant's own namespace: only B's slug and B's
            # unique ids make a call one aimed at B's resources.
            targets_b = any(s in call.url for s in b_secrets - {b.key_marker, b.text_marker})
            aimed_at_b += targets_b
            succeeded = 200 <= response.status_code < 300
            anonymous_ok = anonymous_status is not None and 200 <= anonymous_status < 300
            if targets_b and succeeded and not anonymous_ok:
                problems.append(
                    f"{op} {call.url}: A's token was served B's resource ({response.status_code})"
                )

    after = snapshot(platform, b.tenant)
    changed = {
        table: (before.get(table), after.get(table))
        for table in set(before) | set(after)
        if before.get(table) != after.get(table)
    }
    # Both tokens must still work, each for its own tenant: a dead A token would make the sweep
    # vacuous (every call a 401).
    for side in (a, b):
        me = client.get("/api/v1/auth/me", headers=side.auth)
        assert me.status_code == 200 and me.json()["tenant"] == side.tenant.slug
    return Sweep(
        server_errors, problems, changed, ops, called, aimed_at_b, sum(len(r) for r in before.values())
    )


@pytest.fixture
def gateway(make_gateway: Callable[..., Gateway]) -> Gateway:
    return make_gateway(rate_limit=GENEROUS)


def test_no_route_lets_tenant_a_reach_tenant_b(gateway: Gateway) -> None:
    result = sweep(gateway)
    assert len(result.operations) >= 10, "the OpenAPI document lost its routes"
    assert not result.server_errors, "server errors:\n" + "\n".join(result.server_errors)
    assert not result.problems, "isolation broken:\n" + "\n".join(result.problems)
    assert not result.changed_tables, f"A's requests changed B's rows: {result.changed_tables}"
    assert result.called == {str(op) for op in result.operations}
    assert result.aimed_at_b >= sum(1 for op in result.operations if op.path_params)
    assert result.b_rows > 0


def test_the_sweep_catches_a_leaky_route(gateway: Gateway) -> None:
    """The detector itself: a router that ignores the caller's tenant must be reported."""
    gateway.app.include_router(leaky.router)
    result = sweep(gateway)
    leaks = [p for p in result.problems if "/api/v1/leaky/users/" in p]
    assert any("A's token got B's" in p for p in leaks), result.problems
    assert any("was served B's resource" in p for p in leaks), result.problems
    assert "control.users" in result.changed_tables
