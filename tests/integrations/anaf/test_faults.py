"""Each fault the double injects maps to the right error; retries only where safe; breakers open."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest

from genius.integrations.anaf import (
    AnafAuthError,
    AnafCircuitOpen,
    AnafEndpoints,
    AnafLimitReached,
    AnafRejected,
    AnafUnavailable,
    EfacturaClient,
    GuardPolicy,
    InMemoryAnafLimiter,
    MessageFilter,
    ProcessingState,
    ResilientGuard,
    StaticAccessToken,
    Timeouts,
    UploadOutcomeUnknown,
    find_filed_invoice,
    safe_to_upload_again,
)
from genius.platform.resilience import MemoryBreakerStore
from tests.integrations.anaf.conftest import FAST, SELLER, Sandbox, example_xml
from tests.integrations.serving import free_port


def uploaded(client: EfacturaClient) -> str:
    return client.upload(example_xml("domestic-21-11"), cif=SELLER).upload_index


def test_5xx_on_a_read_is_retried_then_unavailable(sandbox: Sandbox, client: EfacturaClient) -> None:
    index = uploaded(client)
    sandbox.double.add_fault("status", "stareMesaj", status=503, times=-1)
    with pytest.raises(AnafUnavailable) as failed:
        client.message_state(index)
    assert failed.value.status == 503 and failed.value.family == "efactura.state"
    assert sandbox.double.calls["stareMesaj"] == FAST.attempts


def test_a_transient_5xx_is_absorbed_by_a_retry(sandbox: Sandbox, client: EfacturaClient) -> None:
    index = uploaded(client)
    sandbox.double.add_fault("status", "stareMesaj", status=502, times=1)
    assert client.message_state(index).state is ProcessingState.OK
    assert sandbox.double.calls["stareMesaj"] == 2


def test_5xx_on_upload_is_outcome_unknown_and_never_retried(sandbox: Sandbox, client: EfacturaClient) -> None:
    sandbox.double.add_fault("status", "upload", status=500, times=-1)
    with pytest.raises(UploadOutcomeUnknown) as unknown:
        uploaded(client)
    assert unknown.value.cif == SELLER
    assert sandbox.double.calls["upload"] == 1


def test_upload_that_times_out_is_filed_anyway_and_found_by_reconciliation(sandbox: Sandbox) -> None:
    sandbox.double.add_fault("slow", "upload", delay=1.5)
    with sandbox.efactura(timeouts=Timeouts(default=5.0, upload=0.5, connect=2.0)) as client:
        started = datetime.now(UTC) - timedelta(seconds=5)
        with pytest.raises(UploadOutcomeUnknown):
            uploaded(client)
        assert sandbox.double.calls["upload"] == 1  # not resent
        time.sleep(1.2)  # the double finishes answering the lost request
        # Reconciliation: the invoice is in the list although the client never got its index.
        sent = list(client.iter_messages(SELLER, started, filter=MessageFilter.SENT))
        assert len(sent) == 1
        filed = find_filed_invoice(
            client, SELLER, number="GEN-2025-0001", issue_date=date(2025, 9, 15), since=started
        )
        assert filed is not None and filed.upload_index == sent[0].upload_index
        assert filed.download.invoice().number == "GEN-2025-0001"
        assert (
            find_filed_invoice(
                client, SELLER, number="GEN-2025-0002", issue_date=date(2025, 9, 15), since=started
            )
            is None
        )
        known = {sent[0].upload_index}
        assert (
            find_filed_invoice(
                client,
                SELLER,
                number="GEN-2025-0001",
                issue_date=date(2025, 9, 15),
                since=started,
                known_upload_indexes=known,
            )
            is None
        )
        assert not safe_to_upload_again(started, started + timedelta(minutes=5))
        assert safe_to_upload_again(started, started + timedelta(minutes=20))


def test_slow_read_beyond_timeout_is_unavailable_after_retries(sandbox: Sandbox) -> None:
    with sandbox.efactura(timeouts=Timeouts(default=0.3, upload=5.0, connect=2.0)) as client:
        index = uploaded(client)
        sandbox.double.add_fault("slow", "stareMesaj", delay=0.8, times=-1)
        with pytest.raises(AnafUnavailable, match="no answer"):
            client.message_state(index)
        assert sandbox.double.calls["stareMesaj"] == FAST.attempts


def test_slow_answer_within_timeout_is_fine(sandbox: Sandbox, client: EfacturaClient) -> None:
    sandbox.double.add_fault("slow", "upload", delay=0.3)
    assert uploaded(client).isdigit()


@pytest.mark.parametrize("status", [429, 204])
def test_429_and_204_are_anafs_limit(sandbox: Sandbox, client: EfacturaClient, status: int) -> None:
    sandbox.double.add_fault("status", "listaMesajeFactura", status=status)
    with pytest.raises(AnafLimitReached) as limited:
        client.list_messages(SELLER, 5)
    assert not limited.value.local and limited.value.limit == "overall_per_minute"
    assert sandbox.double.calls["listaMesajeFactura"] == 1  # a limit is not retried


def test_http_200_with_eroare_is_rejected(sandbox: Sandbox, client: EfacturaClient) -> None:
    sandbox.double.add_fault("eroare", "listaMesajeFactura", message="CIF introdus= 1 nu este un numar valid")
    with pytest.raises(AnafRejected) as rejected:
        client.list_messages(SELLER, 5)
    assert rejected.value.messages == ("CIF introdus= 1 nu este un numar valid",)


def test_http_200_with_technical_eroare_is_transient(sandbox: Sandbox, client: EfacturaClient) -> None:
    sandbox.double.add_fault(
        "eroare", "listaMesajePaginatieFactura", message="A aparut o eroare tehnica. Cod: 4003"
    )
    start = datetime.now(UTC) - timedelta(hours=1)
    assert client.list_messages_page(SELLER, start, datetime.now(UTC)).messages == ()  # retried, then fine
    assert sandbox.double.calls["listaMesajePaginatieFactura"] == 2


@pytest.mark.parametrize(
    ("endpoint", "limit"),
    [("descarcare", "descarcare_per_message"), ("stareMesaj", "stare_mesaj_per_upload"),
     ("listaMesajeFactura", "lista_mesaje_per_cui")],
)  # fmt: skip
def test_limit_answers_name_the_limit(
    sandbox: Sandbox, client: EfacturaClient, endpoint: str, limit: str
) -> None:
    index = uploaded(client)
    download_id = client.message_state(index).download_id or ""
    sandbox.double.add_fault("limit", endpoint)
    with pytest.raises(AnafLimitReached) as limited:
        {
            "descarcare": lambda: client.download(download_id),
            "stareMesaj": lambda: client.message_state(index),
            "listaMesajeFactura": lambda: client.list_messages(SELLER, 1),
        }[endpoint]()
    assert limited.value.limit == limit and not limited.value.local
    assert "S-au facut deja" in limited.value.message


@pytest.mark.parametrize("endpoint", ["stareMesaj", "upload", "descarcare", "tva"])
def test_firewall_page_is_transient(sandbox: Sandbox, client: EfacturaClient, endpoint: str) -> None:
    index = uploaded(client) if endpoint != "upload" else ""
    sandbox.double.add_fault("firewall", endpoint, times=-1)

    from genius.integrations.anaf import VatRegistryClient

    with pytest.raises(AnafUnavailable, match="firewall") as failed:
        if endpoint == "upload":
            uploaded(client)  # refused by the firewall: ANAF never saw it, so not "outcome unknown"
        elif endpoint == "stareMesaj":
            client.message_state(index)
        elif endpoint == "descarcare":
            client.download("3000000001")
        else:
            vat = VatRegistryClient(
                sandbox.endpoints,
                limiter=InMemoryAnafLimiter(),
                guard=ResilientGuard(FAST, store=MemoryBreakerStore()),
            )
            vat.lookup([SELLER], date(2025, 1, 10))
    assert not isinstance(failed.value, UploadOutcomeUnknown)


def test_status_fault_injected_over_http(sandbox: Sandbox, client: EfacturaClient) -> None:
    added = httpx.post(
        f"{sandbox.base_url}/_double/faults", json={"kind": "status", "target": "upload", "status": 502}
    )
    assert added.status_code == 201
    with pytest.raises(UploadOutcomeUnknown):
        uploaded(client)
    assert uploaded(client).isdigit()  # the fault was used up
    httpx.post(f"{sandbox.base_url}/_double/faults", json={"kind": "status", "target": "*", "times": -1})
    assert httpx.delete(f"{sandbox.base_url}/_double/faults").status_code == 200
    assert uploaded(client).isdigit()
    bad = httpx.post(f"{sandbox.base_url}/_double/faults", json={"kind": "explode"})
    assert bad.status_code == 400


def test_invalid_token_is_an_auth_error(sandbox: Sandbox) -> None:
    client = EfacturaClient(
        sandbox.endpoints,
        StaticAccessToken("not-a-token"),
        limiter=InMemoryAnafLimiter(),
        guard=ResilientGuard(FAST, store=MemoryBreakerStore()),
    )
    with pytest.raises(AnafAuthError) as refused:
        client.list_messages(SELLER, 1)
    assert refused.value.status == 401
    assert sandbox.double.calls["listaMesajeFactura"] == 2  # one retry after invalidate(), then the error


def test_connection_refused_is_unavailable() -> None:
    endpoints = AnafEndpoints.local(f"http://127.0.0.1:{free_port()}")
    client = EfacturaClient(
        endpoints,
        StaticAccessToken("t"),
        limiter=InMemoryAnafLimiter(),
        guard=ResilientGuard(FAST, store=MemoryBreakerStore()),
    )
    with pytest.raises(AnafUnavailable, match="cannot connect"):
        client.list_messages(SELLER, 1)
    with pytest.raises(AnafUnavailable, match="cannot connect") as upload:
        client.upload(example_xml("domestic-21-11"), cif=SELLER)  # nothing left: safe to say "not sent"
    assert not isinstance(upload.value, UploadOutcomeUnknown)


def test_breaker_opens_after_repeated_5xx_and_closes_after_a_good_trial(sandbox: Sandbox) -> None:
    guard = ResilientGuard(
        GuardPolicy(failure_threshold=3, reset_seconds=0.6, attempts=1), store=MemoryBreakerStore()
    )
    with sandbox.efactura(guard=guard) as client:
        index = uploaded(client)
        sandbox.double.add_fault("status", "stareMesaj", status=500, times=-1)
        for _ in range(3):
            with pytest.raises(AnafUnavailable) as failed:
                client.message_state(index)
            assert not isinstance(failed.value, AnafCircuitOpen)
        assert guard.breaker_state("efactura.state") == "open"
        with pytest.raises(AnafCircuitOpen):
            client.message_state(index)
        assert sandbox.double.calls["stareMesaj"] == 3  # the open breaker did not call
        # Other families keep their own breakers.
        assert client.list_messages(SELLER, 1).messages
        sandbox.double.faults.clear()
        time.sleep(0.7)
        assert client.message_state(index).state is ProcessingState.OK  # the half-open trial succeeds
        assert guard.breaker_state("efactura.state") == "closed"


def test_refusals_do_not_trip_the_breaker(sandbox: Sandbox) -> None:
    guard = ResilientGuard(GuardPolicy(failure_threshold=2, attempts=1), store=MemoryBreakerStore())
    with sandbox.efactura(guard=guard) as client:
        for _ in range(4):
            with pytest.raises(AnafRejected):
                client.message_state("999")
        assert guard.breaker_state("efactura.state") == "closed"


def test_injected_nok_files_the_upload_and_rejects_it_in_processing(
    sandbox: Sandbox, client: EfacturaClient
) -> None:
    text = "Cumparatorul nu este inregistrat (verificare ANAF)"
    sandbox.double.add_fault("nok", "upload", message=text)
    index = uploaded(client)  # filed with an index, as a valid upload
    state = client.message_state(index)
    assert state.state is ProcessingState.NOK and state.download_id
    report = client.download(state.download_id).errors
    assert report is not None and [error.message for error in report.errors] == [text]
    # Used up: the next upload of the same invoice is judged on its merits again.
    assert client.message_state(uploaded(client)).state is ProcessingState.OK
