"""OAuth against the double over HTTP: authorize, code exchange, refresh rotation, lifetimes, refusals."""

from __future__ import annotations

import urllib.parse
from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest

from genius.integrations.anaf import (
    AnafAuthError,
    InMemoryTokenStore,
    OAuthClientConfig,
    OAuthStateSigner,
    TokenManager,
    TokenSet,
    TokenStatus,
    parse_callback,
)
from genius.integrations.anaf.double import TestCertificate
from genius.integrations.anaf.oauth import jwt_expiry
from tests.integrations.anaf.conftest import CALLBACK, SELLER, Sandbox


def test_authorize_url_asks_for_a_code_and_jwt_tokens(sandbox: Sandbox) -> None:
    url = sandbox.oauth().authorize_url(state="xyz")
    parts = urllib.parse.urlsplit(url)
    query = dict(urllib.parse.parse_qsl(parts.query))
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{sandbox.base_url}/anaf-oauth2/v1/authorize"
    assert query == {
        "response_type": "code",
        "client_id": "genius-sandbox",
        "redirect_uri": CALLBACK,
        "token_content_type": "jwt",
        "state": "xyz",
    }


def test_code_exchange_gives_jwt_tokens_with_anaf_lifetimes(sandbox: Sandbox) -> None:
    before = datetime.now(UTC)
    tokens = sandbox.oauth().exchange_code(sandbox.authorization_code())
    assert jwt_expiry(tokens.access_token) == tokens.access_expires_at
    assert jwt_expiry(tokens.refresh_token) == tokens.refresh_expires_at
    assert timedelta(days=89) < tokens.access_expires_at - before <= timedelta(days=90, seconds=5)
    assert timedelta(days=364) < tokens.refresh_expires_at - before <= timedelta(days=365, seconds=5)
    assert jwt.get_unverified_header(tokens.access_token)["alg"] == "RS512"
    assert "access_token" not in repr(tokens) and tokens.access_token not in repr(tokens)


def test_a_code_works_once(sandbox: Sandbox) -> None:
    oauth = sandbox.oauth()
    code = sandbox.authorization_code()
    oauth.exchange_code(code)
    with pytest.raises(AnafAuthError) as refused:
        oauth.exchange_code(code)
    assert refused.value.oauth_error == "invalid_grant"


def test_refresh_returns_a_new_refresh_token_and_the_old_one_stops_working(sandbox: Sandbox) -> None:
    oauth = sandbox.oauth()
    first = oauth.exchange_code(sandbox.authorization_code())
    second = oauth.refresh(first.refresh_token)
    assert second.refresh_token != first.refresh_token
    assert second.access_token != first.access_token
    third = oauth.refresh(second.refresh_token)  # the new one is what must be kept
    assert third.refresh_token not in (first.refresh_token, second.refresh_token)
    with pytest.raises(AnafAuthError) as stale:
        oauth.refresh(first.refresh_token)
    assert stale.value.oauth_error == "invalid_grant"


def test_token_manager_refreshes_ahead_of_expiry_and_keeps_the_new_refresh_token(sandbox: Sandbox) -> None:
    store = InMemoryTokenStore()
    manager = sandbox.token_manager(store=store)
    granted = store.load(SELLER)
    assert granted is not None and granted.version == 1
    assert manager.access_token() == granted.tokens.access_token  # far from expiry: no refresh

    # 85 days later the 90-day access token is inside the 10-day margin.
    later = TokenManager(sandbox.oauth(), store, SELLER, clock=lambda: datetime.now(UTC) + timedelta(days=85))
    assert later.status() is TokenStatus.REFRESH_DUE
    fresh = later.access_token()
    stored = store.load(SELLER)
    assert stored is not None and stored.version == 2
    assert fresh == stored.tokens.access_token != granted.tokens.access_token
    assert stored.tokens.refresh_token != granted.tokens.refresh_token
    # The stored (new) refresh token is the one the double accepts now; the old one is spent.
    sandbox.oauth().refresh(stored.tokens.refresh_token)
    with pytest.raises(AnafAuthError):
        sandbox.oauth().refresh(granted.tokens.refresh_token)


def test_a_401_makes_the_manager_refresh_before_the_next_call(sandbox: Sandbox) -> None:
    store = InMemoryTokenStore()
    manager = sandbox.token_manager(store=store)
    before = manager.access_token()
    manager.invalidate()
    after = manager.access_token()
    assert after != before
    assert store.load(SELLER).version == 2  # type: ignore[union-attr]


def test_without_a_certificate_anaf_answers_access_denied(sandbox: Sandbox) -> None:
    sandbox.double.set_certificate(None)
    answer = httpx.get(sandbox.oauth().authorize_url(state="s"), follow_redirects=False)
    location = urllib.parse.urlsplit(answer.headers["location"])
    query = dict(urllib.parse.parse_qsl(location.query))
    assert query["error"] == "access_denied" and query["state"] == "s"
    with pytest.raises(AnafAuthError) as denied:
        parse_callback(query)
    assert denied.value.oauth_error == "access_denied"


def test_an_unregistered_callback_is_refused_without_redirect(sandbox: Sandbox) -> None:
    stranger = OAuthClientConfig("genius-sandbox", "sandbox-secret", "https://evil.example/cb")
    url = type(sandbox.oauth())(sandbox.endpoints, stranger).authorize_url()
    answer = httpx.get(url, follow_redirects=False)
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_request"


def test_a_wrong_client_secret_is_invalid_client(sandbox: Sandbox) -> None:
    code = sandbox.authorization_code()
    wrong = OAuthClientConfig("genius-sandbox", "not-the-secret", CALLBACK)
    with pytest.raises(AnafAuthError) as refused:
        type(sandbox.oauth())(sandbox.endpoints, wrong).exchange_code(code)
    assert refused.value.oauth_error == "invalid_client" and refused.value.status == 401


def test_redirect_uri_must_match_the_authorization_request(sandbox: Sandbox) -> None:
    code = sandbox.authorization_code()
    other = OAuthClientConfig("genius-sandbox", "sandbox-secret", "http://127.0.0.1:9/other")
    with pytest.raises(AnafAuthError) as refused:
        type(sandbox.oauth())(sandbox.endpoints, other).exchange_code(code)
    assert refused.value.oauth_error == "invalid_grant"


def test_opaque_tokens_fall_back_to_expires_in(sandbox: Sandbox) -> None:
    url = sandbox.oauth().authorize_url().replace("token_content_type=jwt", "token_content_type=opaque")
    location = httpx.get(url, follow_redirects=False).headers["location"]
    code = parse_callback(dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query)))
    answer = httpx.post(
        sandbox.endpoints.token_url,
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK},
        auth=("genius-sandbox", "sandbox-secret"),
    ).json()
    assert jwt_expiry(answer["access_token"]) is None
    now = datetime.now(UTC)
    tokens = TokenSet.from_answer(answer, now)
    assert tokens.access_expires_at == now + timedelta(seconds=answer["expires_in"])
    assert tokens.refresh_expires_at == now + timedelta(days=365)


def test_a_certificate_limited_to_some_cuis_is_carried_into_the_token(sandbox: Sandbox) -> None:
    sandbox.double.set_certificate(TestCertificate(cuis=("23456783",)))
    tokens = sandbox.oauth().exchange_code(sandbox.authorization_code())
    claims = jwt.decode(tokens.access_token, options={"verify_signature": False})
    assert claims["cuis"] == ["23456783"]


def test_token_status_windows() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    tokens = TokenSet("a", "r", now + timedelta(days=90), now + timedelta(days=365), now)
    assert tokens.status(now) is TokenStatus.VALID
    assert not tokens.needs_refresh(now + timedelta(days=79))
    assert tokens.needs_refresh(now + timedelta(days=80))
    assert tokens.status(now + timedelta(days=81)) is TokenStatus.REFRESH_DUE
    assert tokens.status(now + timedelta(days=340)) is TokenStatus.REAUTHORIZE_SOON
    assert tokens.status(now + timedelta(days=366)) is TokenStatus.EXPIRED


def test_manager_without_a_grant_says_authorize_first() -> None:
    manager = TokenManager(None, InMemoryTokenStore(), SELLER)  # type: ignore[arg-type]
    with pytest.raises(AnafAuthError) as missing:
        manager.access_token()
    assert missing.value.oauth_error == "not_authorized"


def test_expired_refresh_token_asks_for_the_certificate_again(sandbox: Sandbox) -> None:
    store = InMemoryTokenStore()
    sandbox.token_manager(store=store)
    warned: list[TokenStatus] = []
    years_later = TokenManager(
        sandbox.oauth(),
        store,
        SELLER,
        clock=lambda: datetime.now(UTC) + timedelta(days=400),
        on_warning=lambda cui, status, tokens: warned.append(status),
    )
    assert years_later.status() is TokenStatus.EXPIRED
    with pytest.raises(AnafAuthError) as expired:
        years_later.access_token()
    assert expired.value.oauth_error == "expired"


def test_state_signer_round_trip_and_tamper() -> None:
    signer = OAuthStateSigner(b"k" * 32)
    state = signer.issue("tenant-1", SELLER, now=1000.0)
    assert signer.verify(state, now=1010.0) == ("tenant-1", SELLER)
    forged = state[:-2] + ("AA" if not state.endswith("AA") else "BB")
    with pytest.raises(AnafAuthError):
        signer.verify(forged, now=1010.0)
    with pytest.raises(AnafAuthError):
        signer.verify(state, now=1000.0 + 3600)
    with pytest.raises(AnafAuthError):
        OAuthStateSigner(b"x" * 32).verify(state, now=1010.0)
