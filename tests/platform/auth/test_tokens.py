"""Access tokens of the built-in issuer: claims, verification, expiry, rotation, forgery attempts."""

from __future__ import annotations

import base64
import json

import jwt
import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from genius.bootstrap import Platform
from genius.platform.auth import (
    AUDIENCE,
    TenantInactive,
    TokenExpired,
    TokenInvalid,
    WrongTenant,
)
from genius.platform.auth.cache import CONTROL_CACHE_SECONDS
from genius.platform.crypto import CryptoError, derive_key, open_sealed
from genius.platform.db import controlplane as cp
from genius.platform.tenancy import Tenant

from .conftest import ISSUER_BASE, PASSWORD, FrozenClock


def login(platform: Platform, tenant: Tenant, email: str = "ana@acme.ro", roles=("sales_clerk",), **attrs):  # type: ignore[no-untyped-def]
    if platform.auth.users.find_by_email(tenant.id, email) is None:
        platform.auth.users.create(tenant.slug, email, PASSWORD, list(roles), attributes=attrs or None)
    return platform.auth.password_grant(tenant.slug, email, PASSWORD, client_ip="10.0.0.1")


def b64(data: dict | bytes) -> str:  # type: ignore[type-arg]
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def parts(token: str) -> tuple[dict, dict, str]:  # type: ignore[type-arg]
    header, payload, signature = token.split(".")
    pad = lambda s: s + "=" * (-len(s) % 4)  # noqa: E731
    return (
        json.loads(base64.urlsafe_b64decode(pad(header))),
        json.loads(base64.urlsafe_b64decode(pad(payload))),
        signature,
    )


def test_token_carries_the_claims_and_verifies_to_the_users_context(
    platform: Platform, tenant: Tenant
) -> None:
    pair = login(platform, tenant, branch="CJ")
    header, claims, _ = parts(pair.access_token)
    assert header["alg"] == "ES256" and header["kid"]
    user = platform.auth.users.find_by_email(tenant.id, "ana@acme.ro")
    assert user is not None
    assert claims["iss"] == f"{ISSUER_BASE}/realms/{tenant.slug}"
    assert claims["sub"] == user.id
    assert claims["aud"] == AUDIENCE
    assert claims["tenant"] == tenant.slug and claims["tenant_id"] == tenant.id
    assert claims["roles"] == ["sales_clerk"] and claims["email"] == "ana@acme.ro"
    assert claims["exp"] - claims["iat"] == 900 and claims["nbf"] == claims["iat"]
    assert claims["jti"]
    assert pair.expires_in == 900 and pair.token_type == "Bearer"

    ctx = platform.auth.verify_access_token(pair.access_token)
    assert (ctx.tenant_id, ctx.slug, ctx.user_id, ctx.roles) == (
        tenant.id,
        tenant.slug,
        user.id,
        ("sales_clerk",),
    )
    assert ctx.attributes["branch"] == "CJ"
    # The JWKS publishes the key that signed it, and the token verifies with that key alone.
    jwks = platform.auth.jwks(tenant.slug)
    assert [k["kid"] for k in jwks["keys"]] == [header["kid"]]
    public = jwt.PyJWK(jwks["keys"][0]).key
    jwt.decode(pair.access_token, public, algorithms=["ES256"], audience=AUDIENCE)


def test_expired_token_is_refused_with_token_expired(
    platform: Platform, tenant: Tenant, frozen_clock: FrozenClock
) -> None:
    pair = login(platform, tenant)
    frozen_clock.advance(899)
    platform.auth.verify_access_token(pair.access_token)
    frozen_clock.advance(1 + 31)  # past exp and the 30 s clock-skew leeway
    with pytest.raises(TokenExpired) as err:
        platform.auth.verify_access_token(pair.access_token)
    assert err.value.code == "token_expired"


def test_token_from_the_future_is_refused(
    platform: Platform, tenant: Tenant, frozen_clock: FrozenClock
) -> None:
    pair = login(platform, tenant)
    frozen_clock.advance(-120)
    with pytest.raises(TokenInvalid):
        platform.auth.verify_access_token(pair.access_token)


def test_rotation_old_token_verifies_within_grace_and_fails_after(
    platform: Platform, tenant: Tenant, frozen_clock: FrozenClock
) -> None:
    old = login(platform, tenant).access_token
    old_kid = parts(old)[0]["kid"]
    new_key = platform.auth.rotate_keys(tenant.slug)
    assert new_key.kid != old_kid

    new = platform.auth.password_grant(tenant.slug, "ana@acme.ro", PASSWORD).access_token
    assert parts(new)[0]["kid"] == new_key.kid  # the new key signs
    kids = {k["kid"] for k in platform.auth.jwks(tenant.slug)["keys"]}
    assert kids == {old_kid, new_key.kid}  # both published during the grace period
    assert platform.auth.verify_access_token(old).slug == tenant.slug

    # Grace: max(settings 3600 s, token TTL + key cache 60 s) = 3600 s. Tokens are re-signed to
    # outlive their own expiry here, so only the key's retirement can refuse the old one.
    grace = 3600
    retired = next(k for k in platform.auth.keys.keys(tenant.id) if k.kid == old_kid)
    assert retired.retired_at is not None and retired.expires_at is not None
    assert (retired.expires_at - retired.retired_at).total_seconds() == grace
    frozen_clock.advance(grace - 10)
    long_lived = _resign_with_stored_key(platform, tenant, old, exp_delta=grace + 1000)
    assert platform.auth.verify_access_token(long_lived).user_id
    frozen_clock.advance(11)
    with pytest.raises(TokenInvalid, match="grace"):
        platform.auth.verify_access_token(long_lived)
    assert old_kid not in {k["kid"] for k in platform.auth.jwks(tenant.slug)["keys"]}


def _resign_with_stored_key(platform: Platform, tenant: Tenant, token: str, exp_delta: int) -> str:
    """The same claims with a later exp, signed by the stored (sealed) private key of its kid."""
    header, claims, _ = parts(token)
    with platform.control.connect() as conn:
        sealed = conn.execute(
            sa.select(cp.signing_keys.c.private_key).where(cp.signing_keys.c.kid == header["kid"])
        ).scalar_one()
    pem = open_sealed(
        derive_key(platform.master_key, "signing-keys"),
        sealed,
        f"control.signing_keys:{tenant.id}:{header['kid']}".encode(),
    )
    key = serialization.load_pem_private_key(pem, password=None)
    claims["exp"] = claims["iat"] + exp_delta
    return jwt.encode(claims, key, algorithm="ES256", headers={"kid": header["kid"]})  # type: ignore[arg-type]


def test_private_keys_are_stored_sealed_and_bound_to_their_row(platform: Platform, tenant: Tenant) -> None:
    login(platform, tenant)
    with platform.control.connect() as conn:
        row = conn.execute(sa.select(cp.signing_keys).where(cp.signing_keys.c.tenant_id == tenant.id)).one()
    assert b"PRIVATE KEY" not in row.private_key
    sealing_key = derive_key(platform.master_key, "signing-keys")
    with pytest.raises(CryptoError):  # moved to another tenant's row, it does not open
        open_sealed(sealing_key, row.private_key, f"control.signing_keys:other:{row.kid}".encode())
    with pytest.raises(CryptoError):  # nor under another master key
        open_sealed(
            derive_key(b"\x01" * 32, "signing-keys"),
            row.private_key,
            f"control.signing_keys:{tenant.id}:{row.kid}".encode(),
        )


def test_forged_signature_is_refused(platform: Platform, tenant: Tenant) -> None:
    token = login(platform, tenant).access_token
    header, claims, signature = parts(token)
    # Tampered payload with the original signature.
    claims["roles"] = ["admin"]
    with pytest.raises(TokenInvalid):
        platform.auth.verify_access_token(f"{b64(header)}.{b64(claims)}.{signature}")
    # Signed by an attacker's own key under the tenant's kid.
    attacker = ec.generate_private_key(ec.SECP256R1())
    forged = jwt.encode(claims, attacker, algorithm="ES256", headers={"kid": header["kid"]})
    with pytest.raises(TokenInvalid):
        platform.auth.verify_access_token(forged)
    # Unknown kid.
    forged = jwt.encode(claims, attacker, algorithm="ES256", headers={"kid": "attacker-key"})
    with pytest.raises(TokenInvalid, match="unknown key"):
        platform.auth.verify_access_token(forged)


def test_alg_none_is_refused(platform: Platform, tenant: Tenant) -> None:
    header, claims, _ = parts(login(platform, tenant).access_token)
    for alg in ("none", "None", "NONE"):
        unsigned = f"{b64({'alg': alg, 'kid': header['kid'], 'typ': 'JWT'})}.{b64(claims)}."
        with pytest.raises(TokenInvalid):
            platform.auth.verify_access_token(unsigned)


def test_hs256_signed_with_the_public_key_is_refused(platform: Platform, tenant: Tenant) -> None:
    """The classic confusion attack: HMAC keyed with the published public key."""
    header, claims, _ = parts(login(platform, tenant).access_token)
    jwk = platform.auth.jwks(tenant.slug)["keys"][0]
    public_pem = jwt.PyJWK(jwk).key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    import hashlib
    import hmac

    for secret in (public_pem, json.dumps(jwk).encode()):
        signing_input = f"{b64({'alg': 'HS256', 'kid': header['kid'], 'typ': 'JWT'})}.{b64(claims)}"
        mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
        with pytest.raises(TokenInvalid):
            platform.auth.verify_access_token(f"{signing_input}.{b64(mac)}")


def test_token_of_one_tenant_never_works_for_another(
    platform: Platform, tenant: Tenant, other_tenant: Tenant
) -> None:
    token = login(platform, tenant).access_token
    with pytest.raises(WrongTenant) as err:
        platform.auth.verify_access_token(token, expected_tenant=other_tenant.slug)
    assert err.value.code == "wrong_tenant"
    header, claims, _ = parts(token)
    # Re-labelled for tenant B but signed by A's key: B's issuer does not know A's kid.
    key = _stored_private_key(platform, tenant, header["kid"])
    relabelled = dict(
        claims,
        iss=f"{ISSUER_BASE}/realms/{other_tenant.slug}",
        tenant=other_tenant.slug,
        tenant_id=other_tenant.id,
    )
    with pytest.raises(TokenInvalid):
        platform.auth.verify_access_token(
            jwt.encode(relabelled, key, "ES256", headers={"kid": header["kid"]})
        )
    # A's issuer with B's tenant claims: the claims must match the issuer.
    mixed = dict(claims, tenant=other_tenant.slug, tenant_id=other_tenant.id)
    with pytest.raises(TokenInvalid, match="tenant claims"):
        platform.auth.verify_access_token(jwt.encode(mixed, key, "ES256", headers={"kid": header["kid"]}))


def _stored_private_key(platform: Platform, tenant: Tenant, kid: str):  # type: ignore[no-untyped-def]
    """The tenant's real signing key (what an insider with the master key could use)."""
    signer = platform.auth.keys.signer(tenant.id)
    assert signer.kid == kid
    return signer.private_key


def test_wrong_issuer_or_audience_is_refused(platform: Platform, tenant: Tenant) -> None:
    header, claims, _ = parts(login(platform, tenant).access_token)
    key = _stored_private_key(platform, tenant, header["kid"])
    for change in (
        {"aud": "another-api"},
        {"iss": f"https://evil.example/realms/{tenant.slug}"},
        {"iss": f"{ISSUER_BASE}/realms/{tenant.slug}/../x"},
    ):
        token = jwt.encode(dict(claims, **change), key, "ES256", headers={"kid": header["kid"]})
        with pytest.raises(TokenInvalid):
            platform.auth.verify_access_token(token)
    missing_jti = {k: v for k, v in claims.items() if k != "jti"}
    with pytest.raises(TokenInvalid, match="jti"):
        platform.auth.verify_access_token(
            jwt.encode(missing_jti, key, "ES256", headers={"kid": header["kid"]})
        )


@pytest.mark.parametrize("junk", ["", "abc", "a.b.c", "x" * 9000, "e30.e30.", "eyJhbGciOiJFUzI1NiJ9.e30.AA"])
def test_malformed_tokens_are_token_invalid(platform: Platform, tenant: Tenant, junk: str) -> None:
    with pytest.raises(TokenInvalid) as err:
        platform.auth.verify_access_token(junk)
    assert err.value.code == "token_invalid"


def test_inactive_tenant_unknown_tenant_and_disabled_user_are_refused(
    platform: Platform, tenant: Tenant, frozen_clock: FrozenClock
) -> None:
    token = login(platform, tenant).access_token
    platform.auth.verify_access_token(token)  # now cached: tenant row, user row, checked token
    # Disabled through this process's UserService: refused at once, cache or not.
    platform.auth.users.set_active(tenant.slug, "ana@acme.ro", False)
    with pytest.raises(TenantInactive):
        platform.auth.verify_access_token(token)
    with pytest.raises(TenantInactive):
        platform.auth.verify_cached(token)
    platform.auth.users.set_active(tenant.slug, "ana@acme.ro", True)
    platform.auth.verify_access_token(token)
    # Suspended behind this process's back (another process, SQL): refused once the cached
    # tenant row is older than the staleness window, and never later than that.
    with platform.control.begin() as conn:
        conn.execute(cp.tenants.update().where(cp.tenants.c.id == tenant.id).values(status="suspended"))
    platform.auth.verify_access_token(token)
    frozen_clock.advance(CONTROL_CACHE_SECONDS)
    with pytest.raises(TenantInactive):
        platform.auth.verify_access_token(token)
    with platform.control.begin() as conn:
        conn.execute(cp.tenants.update().where(cp.tenants.c.id == tenant.id).values(status="active"))
    frozen_clock.advance(CONTROL_CACHE_SECONDS)
    platform.auth.verify_access_token(token)
    platform.tenants.delete(tenant.slug)
    frozen_clock.advance(CONTROL_CACHE_SECONDS)
    with pytest.raises(TokenInvalid):
        platform.auth.verify_access_token(token)


def test_a_known_token_is_verified_from_memory_and_still_re_checked(
    platform: Platform, tenant: Tenant, frozen_clock: FrozenClock
) -> None:
    token = login(platform, tenant).access_token
    assert platform.auth.verify_cached(token) is None  # never seen: the caller must read
    ctx = platform.auth.verify_access_token(token)
    assert platform.auth.verify_cached(token) == ctx
    # A forged signature on the same claims is another string: it is verified in full, and fails.
    head, body, signature = token.split(".")
    forged = f"{head}.{body}.{signature[:-4]}AAAA"
    assert platform.auth.verify_cached(forged) is None
    with pytest.raises(TokenInvalid):
        platform.auth.verify_access_token(forged)
    # Expiry is checked on every use, cached or not: verified (and cached) 2 s before the end of
    # the 30 s leeway, it is refused from memory 3 s later.
    frozen_clock.advance(900 + 28)
    platform.auth.verify_access_token(token)
    frozen_clock.advance(3)
    with pytest.raises(TokenExpired):
        platform.auth.verify_cached(token)


def test_rs256_store_signs_and_verifies(make_platform) -> None:  # type: ignore[no-untyped-def]
    from genius.platform.auth import AuthService

    platform = make_platform()
    tenant = platform.tenants.create("rsa_tenant", name="RSA SRL", cui="12345674")
    service = AuthService(platform.settings, platform.tenants, platform.master_key, algorithm="RS256")
    service.users.passwords = platform.auth.users.passwords
    service.users.create(tenant.slug, "ion@rsa.ro", PASSWORD, ["viewer"])
    token = service.password_grant(tenant.slug, "ion@rsa.ro", PASSWORD).access_token
    assert parts(token)[0]["alg"] == "RS256"
    assert service.verify_access_token(token).slug == tenant.slug
    # The ES256 service of the same installation verifies it too: the key row says RS256.
    assert platform.auth.verify_access_token(token).slug == tenant.slug


def test_keys_are_made_rotated_and_verified_on_both_backends(
    store_platform: Platform, frozen_clock: FrozenClock
) -> None:
    from .conftest import CUI_A, unique_slug

    tenant = store_platform.tenants.create(unique_slug("keys"), name="Keys SRL", cui=CUI_A)
    assert store_platform.auth.keys.keys(tenant.id) == []  # no key before first use
    old = login(store_platform, tenant).access_token
    first_kid = parts(old)[0]["kid"]
    rotated = store_platform.auth.rotate_keys(tenant.slug)
    new = store_platform.auth.password_grant(tenant.slug, "ana@acme.ro", PASSWORD).access_token
    assert parts(new)[0]["kid"] == rotated.kid != first_kid
    for token in (old, new):
        assert store_platform.auth.verify_access_token(token).slug == tenant.slug
    keys = {k.kid: k for k in store_platform.auth.keys.keys(tenant.id)}
    assert keys[first_kid].retired_at is not None and keys[rotated.kid].active
    frozen_clock.advance(3600 + 1)  # past the grace period (and the token's own expiry)
    with pytest.raises((TokenInvalid, TokenExpired)):
        store_platform.auth.verify_access_token(old)
    assert [k["kid"] for k in store_platform.auth.jwks(tenant.slug)["keys"]] == [rotated.kid]
    # A second rotation prunes keys past their grace from the table.
    store_platform.auth.rotate_keys(tenant.slug)
    assert first_kid not in {k.kid for k in store_platform.auth.keys.keys(tenant.id, include_expired=True)}
