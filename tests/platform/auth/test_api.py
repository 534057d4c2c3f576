"""The HTTP side: token endpoint (JSON and form), discovery, JWKS, dependencies, through the gateway."""

from __future__ import annotations

from collections.abc import Iterator

import jwt
import pytest
from fastapi import Depends, FastAPI, Request
from fastapi.testclient import TestClient

from genius.bootstrap import Platform
from genius.platform.auth import AUDIENCE
from genius.platform.auth.api import router
from genius.platform.auth.deps import current_context, require
from genius.platform.tenancy import Tenant, TenantContext, current_tenant
from genius.web.app import create_app
from genius.web.errors import install_error_handlers

from .conftest import ISSUER_BASE, PASSWORD

TOKEN_URL = "/api/v1/auth/token"


def _approve_resource(request: Request) -> dict[str, str]:
    return {"created_by": request.path_params["author"]}


@pytest.fixture
def client(platform: Platform, tenant: Tenant) -> Iterator[TestClient]:
    platform.auth.users.create(tenant.slug, "ana@acme.ro", PASSWORD, ["accountant"], {"branch": "CJ"})
    app = create_app(platform)

    @app.post("/test/journal/{author}/approve")
    def approve(
        ctx: TenantContext = Depends(require("accounting.journal.approve", _approve_resource)),
    ) -> dict:  # type: ignore[type-arg]
        return {"approved_by": ctx.user_id, "scope": current_tenant().slug}

    @app.post("/test/flags")
    def flags(ctx: TenantContext = Depends(require("admin.flags.write"))) -> dict:  # type: ignore[type-arg]
        return {"ok": True}

    with TestClient(app) as test_client:
        yield test_client


def token(client: TestClient, tenant: Tenant, **extra: str) -> dict:  # type: ignore[type-arg]
    response = client.post(
        TOKEN_URL,
        json={
            "grant_type": "password",
            "tenant": tenant.slug,
            "username": "ana@acme.ro",
            "password": PASSWORD,
            **extra,
        },
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_password_grant_with_json_and_with_form(client: TestClient, tenant: Tenant) -> None:
    body = token(client, tenant, client_id="web-ui")
    assert set(body) == {"access_token", "token_type", "expires_in", "refresh_token", "refresh_expires_in"}
    assert body["token_type"] == "Bearer" and body["expires_in"] == 900
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["azp"] == "web-ui" and claims["aud"] == AUDIENCE
    form = client.post(
        TOKEN_URL, data={"tenant": tenant.slug, "username": "ana@acme.ro", "password": PASSWORD}
    )  # grant_type omitted: password is implied
    assert form.status_code == 200
    assert form.headers["cache-control"] == "no-store"


def test_refresh_grant_over_http_rotates_and_detects_reuse(client: TestClient, tenant: Tenant) -> None:
    first = token(client, tenant)
    second = client.post(
        TOKEN_URL,
        data={"grant_type": "refresh_token", "tenant": tenant.slug, "refresh_token": first["refresh_token"]},
    )
    assert second.status_code == 200 and second.json()["refresh_token"] != first["refresh_token"]
    replay = client.post(
        TOKEN_URL,
        json={"grant_type": "refresh_token", "tenant": tenant.slug, "refresh_token": first["refresh_token"]},
    )
    assert replay.status_code == 401 and replay.json()["code"] == "refresh_token_reused"


def test_wrong_password_and_unknown_user_get_the_same_401(client: TestClient, tenant: Tenant) -> None:
    wrong = client.post(
        TOKEN_URL, json={"tenant": tenant.slug, "username": "ana@acme.ro", "password": "Wrong-pass-1"}
    )
    unknown = client.post(
        TOKEN_URL, json={"tenant": tenant.slug, "username": "ion@acme.ro", "password": "Wrong-pass-1"}
    )
    assert wrong.status_code == unknown.status_code == 401
    strip = lambda r: {k: v for k, v in r.json().items() if k != "trace_id"}  # noqa: E731
    assert strip(wrong) == strip(unknown)
    assert strip(wrong)["code"] == "invalid_credentials"


def test_failed_logins_over_the_limit_get_429_with_retry_after(
    client: TestClient, platform: Platform, tenant: Tenant
) -> None:
    limit = platform.settings.rate_limit.login_failures_per_minute
    for _ in range(limit):
        r = client.post(
            TOKEN_URL, json={"tenant": tenant.slug, "username": "ana@acme.ro", "password": "Wrong-pass-1"}
        )
        assert r.status_code == 401
    blocked = client.post(
        TOKEN_URL, json={"tenant": tenant.slug, "username": "ana@acme.ro", "password": PASSWORD}
    )
    assert blocked.status_code == 429
    assert blocked.json()["code"] == "too_many_attempts"
    assert 1 <= int(blocked.headers["retry-after"]) <= 60


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"json": {"tenant": "x", "username": "a@b.ro"}}, "password"),
        ({"json": {"username": "a@b.ro", "password": "p"}}, "tenant"),
        ({"json": {"grant_type": "client_credentials", "tenant": "x"}}, "grant_type"),
        ({"json": {"grant_type": "refresh_token", "tenant": "x"}}, "refresh_token"),
        ({"json": ["not", "an", "object"]}, "body"),
        ({"json": {"tenant": 7, "username": "a", "password": "b"}}, "tenant"),
        ({"content": b"tenant=x", "headers": {"content-type": "text/plain"}}, "body"),
    ],
)
def test_bad_token_requests_name_the_field(client: TestClient, kwargs: dict, field: str) -> None:  # type: ignore[type-arg]
    response = client.post(TOKEN_URL, **kwargs)
    assert response.status_code == 422, response.text
    assert response.json()["details"][0]["field"] == field


def test_realm_token_endpoint_takes_the_tenant_from_the_path(client: TestClient, tenant: Tenant) -> None:
    url = f"/realms/{tenant.slug}/protocol/openid-connect/token"
    ok = client.post(url, data={"grant_type": "password", "username": "ana@acme.ro", "password": PASSWORD})
    assert ok.status_code == 200
    clash = client.post(url, data={"tenant": "other", "username": "ana@acme.ro", "password": PASSWORD})
    assert clash.status_code == 422 and clash.json()["details"][0]["field"] == "tenant"


def test_discovery_and_jwks(client: TestClient, tenant: Tenant) -> None:
    doc = client.get(f"/realms/{tenant.slug}/.well-known/openid-configuration")
    assert doc.status_code == 200
    issuer = f"{ISSUER_BASE}/realms/{tenant.slug}"
    assert doc.json()["issuer"] == issuer
    assert doc.json()["jwks_uri"] == f"{issuer}/protocol/openid-connect/certs"
    assert set(doc.json()["grant_types_supported"]) == {"password", "refresh_token"}
    certs = client.get(f"/realms/{tenant.slug}/protocol/openid-connect/certs")
    assert certs.status_code == 200
    keys = certs.json()["keys"]
    assert len(keys) == 1 and keys[0]["kty"] == "EC" and "d" not in keys[0]  # public half only
    access = token(client, tenant)["access_token"]
    assert jwt.get_unverified_header(access)["kid"] == keys[0]["kid"]
    assert client.get("/realms/ghost/.well-known/openid-configuration").status_code == 404
    assert client.get("/realms/ghost/protocol/openid-connect/certs").status_code == 404


def test_me_and_require_through_the_gateway(client: TestClient, platform: Platform, tenant: Tenant) -> None:
    access = token(client, tenant)["access_token"]
    auth = {"Authorization": f"Bearer {access}"}
    me = client.get("/api/v1/auth/me", headers=auth)
    assert me.status_code == 200
    user = platform.auth.users.find_by_email(tenant.id, "ana@acme.ro")
    assert user is not None
    assert me.json()["user_id"] == user.id and me.json()["attributes"]["branch"] == "CJ"

    anonymous = client.get("/api/v1/auth/me")
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "not_authenticated"
    forged = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {access[:-4]}AAAA"})
    assert forged.status_code == 401 and forged.json()["code"] == "token_invalid"

    # Segregation of duties through require(): own entry refused (403), a colleague's approved.
    own = client.post(f"/test/journal/{user.id}/approve", headers=auth)
    assert own.status_code == 403
    assert own.json()["details"]["rule"] == "segregation-of-duties"
    other = client.post("/test/journal/someone-else/approve", headers=auth)
    assert other.status_code == 200 and other.json() == {"approved_by": user.id, "scope": tenant.slug}
    assert client.post("/test/flags", headers=auth).status_code == 403  # accountant is not admin
    assert client.post("/test/flags").status_code == 401


def test_dependencies_verify_the_token_themselves_without_the_gateway(
    platform: Platform, tenant: Tenant
) -> None:
    platform.auth.users.create(tenant.slug, "ion@acme.ro", PASSWORD, ["viewer"])
    access = platform.auth.password_grant(tenant.slug, "ion@acme.ro", PASSWORD).access_token
    app = FastAPI()
    app.state.auth = platform.auth
    install_error_handlers(app)
    app.include_router(router)

    @app.get("/whoami")
    def whoami(ctx: TenantContext = Depends(current_context)) -> dict:  # type: ignore[type-arg]
        return {"tenant": ctx.slug}

    with TestClient(app) as bare:
        assert bare.get("/whoami", headers={"Authorization": f"bearer {access}"}).json() == {
            "tenant": tenant.slug
        }
        assert bare.get("/whoami", headers={"Authorization": "Basic abc"}).status_code == 401
        expired_like = bare.get("/whoami", headers={"Authorization": "Bearer x.y.z"})
        assert expired_like.status_code == 401 and expired_like.json()["code"] == "token_invalid"


def test_require_refuses_a_malformed_permission_at_definition() -> None:
    from genius.kernel.errors import ValidationError

    with pytest.raises(ValidationError):
        require("Sales invoice")
