"""``AnafClients.from_settings``: settings pointing at the double give working, shared-limit clients."""

from __future__ import annotations

from datetime import date, timedelta

from genius.integrations.anaf import AnafClients, InMemoryAnafLimiter, InMemoryTokenStore, ProcessingState
from genius.integrations.anaf import limits as L
from genius.platform.settings import Settings
from tests.integrations.anaf.conftest import CALLBACK, SELLER, Sandbox, example_xml


def test_clients_from_settings_work_against_the_double(sandbox: Sandbox) -> None:
    settings = Settings(
        anaf_api_url=sandbox.base_url,
        anaf_oauth_url=f"{sandbox.base_url}/anaf-oauth2/v1",
        anaf_public_url=sandbox.base_url,
        anaf_client_id="genius-sandbox",
        anaf_client_secret="sandbox-secret",
        anaf_redirect_uri=CALLBACK,
        anaf_token_refresh_days=20,
    )
    limiter = InMemoryAnafLimiter()
    clients = AnafClients.from_settings(settings, store=InMemoryTokenStore(), cui=SELLER, limiter=limiter)
    try:
        assert clients.efactura.endpoints.efactura == f"{sandbox.base_url}/test/FCTEL/rest"
        assert clients.tokens._margin == timedelta(days=20)
        clients.tokens.authorize_with_code(sandbox.authorization_code())
        receipt = clients.efactura.upload(example_xml("domestic-21-11"), cif=SELLER)
        assert clients.efactura.message_state(receipt.upload_index).state is ProcessingState.OK
        assert clients.vat.lookup([SELLER], date(2025, 1, 10)).get(SELLER) is not None
        assert limiter.used(L.STATE_PER_UPLOAD, receipt.upload_index) == 1
        assert limiter.used(L.OVERALL_PER_MINUTE) == 2
    finally:
        clients.close()
