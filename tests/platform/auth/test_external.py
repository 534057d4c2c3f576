"""External issuers: tenant Y trusts a realm served over real HTTP (our own issuer, as if Keycloak)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import jwt
import pytest
import uvicorn
from cryptography.hazmat.primitives.asymmetric import ec
from fastapi.testclient import TestClient

from genius.bootstrap import Platform
from genius.platform.auth import AUDIENCE, IssuerUnavailable, TenantInactive, TokenInvalid, WrongTenant
from genius.platform.auth.external import ExternalIssuers, context_from_claims
from genius.platform.tenancy import Tenant
from genius.web.app import create_app

from .conftest import CUI_A, CUI_B, PASSWORD, FrozenClock, PlatformFactory, unique_slug


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class IdP:
    platform: Platform
    tenant: Tenant
    base_url: str

    @property
    def issuer(self) -> str:
        return f"{self.base_url}/realms/{self.tenant.slug}"

    def login(self, email: str = "ana@acme.ro") -> str:
        response = httpx.post(
            f"{self.issuer}/protocol/openid-connect/token",
            data={"grant_type": "password", "username": email, "password": PASSWORD},
        )
        assert response.status_code == 200, response.text
        return str(response.json()["access_token"])


@pytest.fixture
def idp(make_platform: PlatformFactory) -> Iterator[IdP]:
    """Tenant X's built-in issuer served by a real uvicorn on 127.0.0.1, in a thread."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    platform = make_platform(public_url=base_url)
    tenant = platform.tenants.create(unique_slug("idp"), name="IdP SRL", cui=CUI_A)
    platform.auth.users.create(tenant.slug, "ana@acme.ro", PASSWORD, ["accountant"])
    server = uvicorn.Server(
        uvicorn.Config(create_app(platform), host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the test issuer did not start")
        time.sleep(0.02)
    try:
        yield IdP(platform, tenant, base_url)
    finally:
        server.should_exit = True
        thread.join(10)


class CountingTransport(httpx.HTTPTransport):
    def __init__(self) -> None:
        super().__init__()
        self.paths: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        return super().handle_request(request)


@pytest.fixture
def erp(make_platform: PlatformFactory) -> Platform:
    return make_platform()


@pytest.fixture
def tenant_y(erp: Platform, idp: IdP) -> Tenant:
    tenant = erp.tenants.create(unique_slug("ext"), name="Extern SRL", cui=CUI_B)
    erp.tenants.set_external_issuer(tenant.slug, idp.issuer, AUDIENCE)
    return erp.tenants.get(tenant.slug)


def test_external_token_maps_to_the_trusting_tenant(erp: Platform, idp: IdP, tenant_y: Tenant) -> None:
    token = idp.login()
    ctx = erp.auth.verify_access_token(token, expected_tenant=tenant_y.slug)
    claims = jwt.decode(token, options={"verify_signature": False})
    assert (ctx.tenant_id, ctx.slug) == (tenant_y.id, tenant_y.slug)  # decided by the issuer
    assert ctx.user_id == claims["sub"]
    assert ctx.roles == ("accountant",)  # from realm_access.roles
    assert ctx.attributes["email"] == "ana@acme.ro" and ctx.attributes["username"] == "ana@acme.ro"
    # The IdP's own tenant slug in the claims means nothing here.
    with pytest.raises(WrongTenant):
        erp.auth.verify_access_token(token, expected_tenant=idp.tenant.slug)


def test_local_user_row_adds_attributes_and_can_disable_the_user(
    erp: Platform, idp: IdP, tenant_y: Tenant
) -> None:
    erp.auth.users.create(tenant_y.slug, "ana@acme.ro", None, ["viewer"], {"branch": "CJ"})
    token = idp.login()
    ctx = erp.auth.verify_access_token(token)
    assert ctx.attributes["branch"] == "CJ"
    assert ctx.roles == ("accountant",)  # roles stay the IdP's
    erp.auth.users.set_active(tenant_y.slug, "ana@acme.ro", False)
    with pytest.raises(TenantInactive):
        erp.auth.verify_access_token(token)


def test_keys_are_cached_and_refetched_on_an_unknown_kid_at_most_once_a_minute(
    erp: Platform, idp: IdP, tenant_y: Tenant, frozen_clock: FrozenClock
) -> None:
    transport = CountingTransport()
    erp.auth.external = ExternalIssuers(httpx.Client(transport=transport))
    first = idp.login()
    for _ in range(3):
        erp.auth.verify_access_token(first)
    assert transport.paths == [
        f"/realms/{idp.tenant.slug}/.well-known/openid-configuration",
        f"/realms/{idp.tenant.slug}/protocol/openid-connect/certs",
    ]
    idp.platform.auth.rotate_keys(idp.tenant.slug)
    rotated = idp.login()
    assert jwt.get_unverified_header(rotated)["kid"] != jwt.get_unverified_header(first)["kid"]
    frozen_clock.advance(30)  # within a minute of the last fetch: no refetch, the new kid is unknown
    with pytest.raises(TokenInvalid, match="does not publish"):
        erp.auth.verify_access_token(rotated)
    assert len(transport.paths) == 2
    frozen_clock.advance(31)
    assert erp.auth.verify_access_token(rotated).slug == tenant_y.slug
    assert len(transport.paths) == 4
    assert erp.auth.verify_access_token(first).slug == tenant_y.slug  # old key still in grace
    frozen_clock.advance(1)
    with pytest.raises(TokenInvalid):  # a forged kid now cannot trigger another fetch
        erp.auth.verify_access_token(
            jwt.encode(
                {"iss": idp.issuer, "sub": "x"},
                ec.generate_private_key(ec.SECP256R1()),
                "ES256",
                headers={"kid": "forged"},
            )
        )
    assert len(transport.paths) == 4


def test_forged_or_misaddressed_external_tokens_are_refused(
    erp: Platform, idp: IdP, tenant_y: Tenant
) -> None:
    token = idp.login()
    header = jwt.get_unverified_header(token)
    claims = jwt.decode(token, options={"verify_signature": False})
    attacker = ec.generate_private_key(ec.SECP256R1())
    with pytest.raises(TokenInvalid):
        erp.auth.verify_access_token(jwt.encode(claims, attacker, "ES256", headers={"kid": header["kid"]}))
    # Signed by the issuer, but an ID token (Keycloak typ "ID"), not an access token.
    issuer_key = idp.platform.auth.keys.signer(idp.tenant.id).private_key
    assert erp.auth.verify_access_token(
        jwt.encode(claims, issuer_key, "ES256", headers={"kid": header["kid"]})
    )
    id_token = jwt.encode(dict(claims, typ="ID"), issuer_key, "ES256", headers={"kid": header["kid"]})
    with pytest.raises(TokenInvalid, match="not an access token"):
        erp.auth.verify_access_token(id_token)
    # An issuer no tenant trusts.
    stranger = dict(claims, iss="http://127.0.0.1:9/realms/nobody")
    with pytest.raises(TokenInvalid, match="not trusted"):
        erp.auth.verify_access_token(jwt.encode(stranger, attacker, "ES256", headers={"kid": header["kid"]}))
    # The tenant expects another audience.
    erp.tenants.set_external_issuer(tenant_y.slug, idp.issuer, "erp-only")
    with pytest.raises(TokenInvalid, match=r"(?i)audience"):
        erp.auth.verify_access_token(token)


def test_two_tenants_trusting_one_issuer_are_told_apart_by_audience(
    erp: Platform, idp: IdP, tenant_y: Tenant
) -> None:
    twin = erp.tenants.create(unique_slug("twin"), name="Twin SRL", cui=CUI_A)
    erp.tenants.set_external_issuer(twin.slug, idp.issuer, "another-audience")
    assert erp.auth.verify_access_token(idp.login()).slug == tenant_y.slug
    erp.tenants.set_external_issuer(twin.slug, idp.issuer, AUDIENCE)  # now ambiguous: refused
    with pytest.raises(TokenInvalid, match="single tenant"):
        erp.auth.verify_access_token(idp.login())


def test_unreachable_or_lying_issuer(erp: Platform, idp: IdP) -> None:
    down = f"http://127.0.0.1:{free_port()}/realms/gone"
    with pytest.raises(IssuerUnavailable):
        erp.auth.external.key_for(down, "kid")
    # Discovery served by our IdP names 127.0.0.1, not localhost: the document is refused.
    with pytest.raises(IssuerUnavailable, match="names issuer"):
        erp.auth.external.key_for(idp.issuer.replace("127.0.0.1", "localhost"), "kid")
    production = ExternalIssuers(allow_plain_http=False)
    with pytest.raises(IssuerUnavailable, match="https"):
        production.key_for(idp.issuer, "kid")


def test_external_token_through_the_gateway(erp: Platform, idp: IdP, tenant_y: Tenant) -> None:
    with TestClient(create_app(erp)) as client:
        me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {idp.login()}"})
    assert me.status_code == 200, me.text
    assert me.json()["tenant"] == tenant_y.slug and me.json()["roles"] == ["accountant"]


def test_keycloak_claims_mapping() -> None:
    tenant = Tenant("t-1", "acme", "Acme", CUI_A, "active", None)  # type: ignore[arg-type]
    keycloak = {
        "sub": "f1b2c3",
        "realm_access": {"roles": ["accountant", "default-roles-acme", 7]},
        "resource_access": {"account": {"roles": ["manage-account"]}},
        "preferred_username": "ana.pop",
        "email": "ana@acme.ro",
        "attributes": {"branch": "CJ"},
    }
    ctx = context_from_claims(tenant, keycloak, {"branch": "B", "max_invoice_amount": 10})
    assert ctx.user_id == "f1b2c3" and ctx.roles == ("accountant", "default-roles-acme")
    assert ctx.attributes == {
        "branch": "CJ",
        "max_invoice_amount": 10,
        "email": "ana@acme.ro",
        "username": "ana.pop",
    }
    with pytest.raises(TokenInvalid):
        context_from_claims(tenant, {"realm_access": {"roles": []}}, {})
