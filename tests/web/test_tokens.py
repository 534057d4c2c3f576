"""Bearer tokens at the gateway: a verified token puts its tenant in force; bad ones are 401."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from genius.kernel.clock import set_clock
from tests.web import probe
from tests.web.conftest import Gateway, Party, issue_token
from tests.web.test_errors import assert_error


@pytest.fixture
def gw(gateway: Gateway) -> Gateway:
    gateway.app.include_router(probe.router)
    return gateway


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def test_the_token_puts_its_tenant_and_user_in_force(gw: Gateway, parties: tuple[Party, Party]) -> None:
    a, b = parties
    for party in (a, b):
        response = gw.client.get("/_probe/whoami", headers=party.auth)
        assert response.status_code == 200, response.text
        assert response.json() == {"tenant": party.tenant.slug, "user_id": party.user_id}


def test_an_expired_token_is_401_token_expired(gw: Gateway, parties: tuple[Party, Party]) -> None:
    a, _ = parties
    issued_at = datetime.now(UTC) - timedelta(hours=2)  # well past the 15 min lifetime and the leeway
    set_clock(lambda: issued_at)
    try:
        old_token = issue_token(gw.client, a.tenant.slug, a.email)
    finally:
        set_clock(None)
    response = gw.client.get("/_probe/whoami", headers={"Authorization": f"Bearer {old_token}"})
    assert_error(response, 401, "token_expired")


def test_a_token_whose_claims_were_edited_is_401(gw: Gateway, parties: tuple[Party, Party]) -> None:
    """A's token rewritten to claim tenant B (signature kept): the signature no longer matches."""
    a, b = parties
    header, payload, signature = a.token.split(".")
    claims = json.loads(_unb64(payload))
    claims.update(
        iss=claims["iss"].replace(a.tenant.slug, b.tenant.slug), tenant=b.tenant.slug, tenant_id=b.tenant.id
    )
    forged = ".".join([header, _b64(json.dumps(claims).encode()), signature])
    response = gw.client.get("/_probe/whoami", headers={"Authorization": f"Bearer {forged}"})
    assert_error(response, 401, "token_invalid")


@pytest.mark.parametrize("algorithm", ["ES256", "RS256"])
def test_a_token_signed_with_someone_elses_key_is_401(
    gw: Gateway, parties: tuple[Party, Party], algorithm: str
) -> None:
    """Same kid, issuer and claims as B's real tokens, signed by an attacker's key."""
    _, b = parties
    real_header = jwt.get_unverified_header(b.token)
    claims = jwt.decode(b.token, options={"verify_signature": False})
    key = (
        ec.generate_private_key(ec.SECP256R1())
        if algorithm == "ES256"
        else rsa.generate_private_key(65537, 2048)
    )
    forged = jwt.encode(claims, key, algorithm=algorithm, headers={"kid": real_header["kid"]})
    response = gw.client.get("/_probe/whoami", headers={"Authorization": f"Bearer {forged}"})
    assert_error(response, 401, "token_invalid")


def test_an_unsigned_token_is_401(gw: Gateway, parties: tuple[Party, Party]) -> None:
    a, _ = parties
    claims = jwt.decode(a.token, options={"verify_signature": False})
    unsigned = jwt.encode(
        claims, None, algorithm="none", headers={"kid": jwt.get_unverified_header(a.token)["kid"]}
    )
    response = gw.client.get("/_probe/whoami", headers={"Authorization": f"Bearer {unsigned}"})
    assert_error(response, 401, "token_invalid")


def test_a_disabled_user_is_refused_at_once(gw: Gateway, parties: tuple[Party, Party]) -> None:
    a, _ = parties
    assert gw.client.get("/_probe/whoami", headers=a.auth).status_code == 200
    gw.platform.auth.users.set_active(a.tenant.slug, a.email, False)
    response = gw.client.get("/_probe/whoami", headers=a.auth)
    assert response.status_code == 401
    assert response.json()["code"] == "tenant_inactive"


def test_a_bad_token_is_refused_even_on_public_routes(gw: Gateway) -> None:
    assert_error(gw.client.get("/healthz", headers={"Authorization": "Bearer x.y.z"}), 401, "token_invalid")
    # Another scheme is left to the route (client authentication on the token endpoint).
    assert gw.client.get("/healthz", headers={"Authorization": "Basic Zm9vOmJhcg=="}).status_code == 200
