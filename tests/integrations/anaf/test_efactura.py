"""The e-Factura client against the double over HTTP: upload -> stareMesaj -> descarcare, lists, inbound."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from genius.integrations.anaf import (
    AnafAuthError,
    AnafRejected,
    EfacturaClient,
    MessageFilter,
    MessageType,
    ProcessingState,
    UploadStandard,
)
from genius.integrations.anaf.double import TestCertificate, verify_test_signature
from genius.kernel.errors import ValidationError
from tests.integrations.anaf.conftest import BUYER, SELLER, Sandbox, example_xml, invalid_xml, make_sandbox


def settle(client: EfacturaClient, index: str, timeout: float = 5.0) -> ProcessingState:
    deadline = time.monotonic() + timeout
    while True:
        state = client.message_state(index)
        if state.is_final or time.monotonic() > deadline:
            return state.state
        time.sleep(0.05)


def test_valid_invoice_upload_state_download_with_signature(client: EfacturaClient) -> None:
    xml = example_xml("domestic-21-11")
    receipt = client.upload(xml, cif="RO12345674")  # the RO prefix is dropped before the call
    assert receipt.cif == SELLER and receipt.upload_index.isdigit() and receipt.answered_at is not None
    state = client.message_state(receipt.upload_index)
    assert state.state is ProcessingState.OK and state.download_id
    message = client.download(state.download_id)
    assert message.is_invoice and message.errors is None
    assert message.content == xml
    assert message.content_name == f"{state.download_id}.xml"
    assert message.signature_name == f"semnatura_{state.download_id}.xml"
    assert b"TEST SIGNATURE" in message.signature
    assert verify_test_signature(message.content, message.signature)
    assert not verify_test_signature(message.content + b" ", message.signature)
    invoice = message.invoice()
    assert invoice.number == "GEN-2025-0001" and invoice.seller.vat_id == "RO12345674"


def test_invoice_is_in_processing_first(sandbox: Sandbox) -> None:
    sandbox.double.spv.processing_seconds = 0.4
    with sandbox.efactura() as client:
        receipt = client.upload(example_xml("domestic-21-11"), cif=SELLER)
        first = client.message_state(receipt.upload_index)
        assert first.state is ProcessingState.PROCESSING and first.download_id is None and not first.is_final
        assert settle(client, receipt.upload_index) is ProcessingState.OK


def test_invalid_invoice_is_nok_with_errors_naming_the_rules(client: EfacturaClient) -> None:
    receipt = client.upload(invalid_xml(), cif=SELLER)
    state = client.message_state(receipt.upload_index)
    assert state.state is ProcessingState.NOK and state.download_id
    message = client.download(state.download_id)
    assert not message.is_invoice
    report = message.errors
    assert report is not None
    assert report.upload_index == receipt.upload_index and report.seller_cif == SELLER
    assert {"BR-CO-15", "BR-CL-04"} <= set(report.rule_ids)
    assert all(error.message for error in report.errors)
    assert verify_test_signature(message.content, message.signature)
    listed = client.list_messages(SELLER, 1, MessageFilter.ERRORS).messages
    assert [m.kind for m in listed] == [MessageType.INVOICE_ERRORS]
    assert listed[0].upload_index == receipt.upload_index


def test_b2c_upload_goes_to_uploadb2c(sandbox: Sandbox, client: EfacturaClient) -> None:
    receipt = client.upload_b2c(example_xml("b2c-individual"), cif=SELLER)
    assert receipt.b2c
    assert client.message_state(receipt.upload_index).state is ProcessingState.OK
    assert sandbox.double.calls["uploadb2c"] == 1 and sandbox.double.calls["upload"] == 0
    sent = client.list_messages(SELLER, 1).messages
    assert [m.kind for m in sent] == [MessageType.SENT_INVOICE]


def test_credit_note_with_cn_standard(client: EfacturaClient) -> None:
    receipt = client.upload(example_xml("credit-note"), cif=SELLER, standard=UploadStandard.CN)
    assert client.message_state(receipt.upload_index).state is ProcessingState.OK


def test_credit_note_sent_as_ubl_is_nok(client: EfacturaClient) -> None:
    receipt = client.upload(example_xml("credit-note"), cif=SELLER, standard="UBL")
    state = client.message_state(receipt.upload_index)
    assert state.state is ProcessingState.NOK
    assert "standard=UBL" in client.download(state.download_id or "").errors.errors[0].message  # type: ignore[union-attr]


def test_reupload_of_the_same_invoice_names_the_first_index(client: EfacturaClient) -> None:
    xml = example_xml("domestic-21-11")
    first = client.upload(xml, cif=SELLER)
    assert client.message_state(first.upload_index).state is ProcessingState.OK
    again = client.upload(xml, cif=SELLER)
    state = client.message_state(again.upload_index)
    assert state.state is ProcessingState.NOK
    report = client.download(state.download_id or "").errors
    assert report is not None and report.duplicate_of == first.upload_index
    assert "Factura a mai fost transmisa anterior cu index=" in report.errors[0].message


def test_self_billing_is_uploaded_by_the_buyer(client: EfacturaClient) -> None:
    # The self-billing example's buyer is Genius Demo (12345674): it uploads in the seller's name.
    receipt = client.upload(example_xml("self-billing-389"), cif=SELLER, autofactura=True)
    assert client.message_state(receipt.upload_index).state is ProcessingState.OK


def test_seller_other_than_cif_is_nok(client: EfacturaClient) -> None:
    receipt = client.upload(example_xml("self-billing-389"), cif=SELLER)  # seller is 11223342
    state = client.message_state(receipt.upload_index)
    assert state.state is ProcessingState.NOK
    assert "11223342" in client.download(state.download_id or "").errors.errors[0].message  # type: ignore[union-attr]


def test_xml_that_is_not_an_invoice_is_not_taken_in(client: EfacturaClient) -> None:
    receipt = client.upload(b"<?xml version='1.0'?><Comanda><Nr>1</Nr></Comanda>", cif=SELLER)
    state = client.message_state(receipt.upload_index)
    assert state.state is ProcessingState.XML_ERRORS and state.download_id is None and state.is_final


def test_body_that_is_not_xml_is_refused_with_execution_status_1(
    sandbox: Sandbox, client: EfacturaClient
) -> None:
    with pytest.raises(AnafRejected) as refused:
        client.upload(b"<Invoice><unclosed>", cif=SELLER)
    assert "Fisierul transmis nu este valid" in refused.value.messages[0]


def test_client_refuses_bad_arguments_before_calling(sandbox: Sandbox, client: EfacturaClient) -> None:
    with pytest.raises(ValidationError, match="xml"):
        client.upload(b"%PDF-1.4", cif=SELLER)
    with pytest.raises(ValidationError, match="cif"):
        client.upload(example_xml("domestic-21-11"), cif="RO1234567X")
    with pytest.raises(ValidationError, match="cif"):
        client.upload(example_xml("domestic-21-11"), cif="12345675")  # wrong check digit
    with pytest.raises(ValidationError, match="standard"):
        client.upload(example_xml("domestic-21-11"), cif=SELLER, standard="PDF")
    with pytest.raises(ValidationError, match="days"):
        client.list_messages(SELLER, 61)
    with pytest.raises(ValidationError, match="upload_index"):
        client.message_state("abc")
    spv_calls = {k: v for k, v in sandbox.double.calls.items() if k not in ("authorize", "token")}
    assert spv_calls == {}


def test_cif_with_ro_prefix_gets_anafs_bare_403(sandbox: Sandbox, client: EfacturaClient) -> None:
    token = sandbox.token_manager().access_token()
    answer = httpx.post(
        f"{sandbox.endpoints.efactura}/upload",
        params={"standard": "UBL", "cif": "RO12345674"},
        content=example_xml("domestic-21-11"),
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 403 and answer.content == b""
    wrong_path = httpx.get(
        f"{sandbox.endpoints.efactura}/listaMesaje", headers={"Authorization": f"Bearer {token}"}
    )
    assert wrong_path.status_code == 403


@pytest.fixture
def limited_sandbox() -> Iterator[Sandbox]:
    """The certificate has SPV rights for the buyer only, not for the seller."""
    yield from make_sandbox(certificate=TestCertificate(cuis=(BUYER,)))


def test_cif_without_spv_rights(limited_sandbox: Sandbox) -> None:
    with limited_sandbox.efactura() as client:
        with pytest.raises(AnafAuthError, match="Nu aveti drept"):
            client.upload(example_xml("domestic-21-11"), cif=SELLER)
        with pytest.raises(AnafAuthError):
            client.list_messages(SELLER, 10)


def test_state_query_errors(client: EfacturaClient) -> None:
    with pytest.raises(AnafRejected, match="Nu exista factura cu id_incarcare"):
        client.message_state("999")


def test_state_of_another_firms_upload_is_refused(sandbox: Sandbox, client: EfacturaClient) -> None:
    receipt = client.upload(example_xml("domestic-21-11"), cif=SELLER)
    sandbox.double.set_certificate(TestCertificate(cuis=(BUYER,)))
    other = sandbox.efactura()
    with pytest.raises(AnafAuthError, match="inteorgare"):
        other.message_state(receipt.upload_index)
    other.close()


def test_download_of_an_unknown_id_is_rejected(client: EfacturaClient) -> None:
    with pytest.raises(AnafRejected, match="nu exista inregistrata"):
        client.download("3999999999")


def test_no_messages_is_an_empty_list_not_an_error(client: EfacturaClient) -> None:
    listed = client.list_messages(SELLER, 60)
    assert listed.messages == ()
    start = datetime.now(UTC) - timedelta(days=1)
    assert client.list_messages_page(SELLER, start, datetime.now(UTC)).messages == ()
    assert list(client.iter_messages(SELLER, start)) == []


def test_buyer_sees_the_invoice_as_received(sandbox: Sandbox, client: EfacturaClient) -> None:
    receipt = client.upload(example_xml("domestic-21-11"), cif=SELLER)
    sent = client.list_messages(SELLER, 1, MessageFilter.SENT).messages
    assert len(sent) == 1 and sent[0].seller_cif == SELLER and sent[0].buyer_cif == BUYER
    assert sent[0].upload_index == receipt.upload_index
    assert sent[0].created_at is not None and abs(sent[0].created_at - datetime.now(UTC)) < timedelta(
        minutes=2
    )
    buyer_client = sandbox.efactura()
    received = buyer_client.list_messages(BUYER, 1, MessageFilter.RECEIVED).messages
    assert [(m.id, m.kind) for m in received] == [(sent[0].id, MessageType.RECEIVED_INVOICE)]
    assert buyer_client.download(received[0].id).invoice().number == "GEN-2025-0001"
    buyer_client.close()


def test_paged_list_walks_every_page(sandbox: Sandbox) -> None:
    sandbox.double.spv.page_size = 2
    with sandbox.efactura() as client:
        base = example_xml("domestic-21-11")
        indexes = {
            client.upload(
                base.replace(b"GEN-2025-0001", f"GEN-2025-01{n:02d}".encode()), cif=SELLER
            ).upload_index
            for n in range(5)
        }
        start, end = datetime.now(UTC) - timedelta(hours=1), datetime.now(UTC) + timedelta(seconds=1)
        first = client.list_messages_page(SELLER, start, end, 1)
        assert (first.page, first.total_pages, first.total_records, first.per_page) == (1, 3, 5, 2)
        assert len(first.messages) == 2 and first.has_next
        last = client.list_messages_page(SELLER, start, end, 3)
        assert len(last.messages) == 1 and not last.has_next
        walked = list(client.iter_messages(SELLER, start, end, MessageFilter.SENT))
        assert {m.upload_index for m in walked} == indexes and len(walked) == 5
        with pytest.raises(AnafRejected, match="mai mare decat numarul total de pagini"):
            client.list_messages_page(SELLER, start, end, 4)
        # The simple list refuses more messages than fit a page, as ANAF does beyond 500.
        with pytest.raises(AnafRejected, match="paginatie"):
            client.list_messages(SELLER, 1)


def test_paged_list_refuses_windows_older_than_60_days(client: EfacturaClient) -> None:
    now = datetime.now(UTC)
    with pytest.raises(AnafRejected, match="60 de zile"):
        client.list_messages_page(SELLER, now - timedelta(days=61), now)
    with pytest.raises(ValidationError, match="end"):
        client.list_messages_page(SELLER, now, now - timedelta(hours=1))


def test_supplier_invoice_dropped_by_the_admin_endpoint_reaches_the_buyer(sandbox: Sandbox) -> None:
    supplier_invoice = example_xml("reverse-charge")
    from genius.integrations.anaf.double.documents import read_keys

    keys = read_keys(supplier_invoice)
    answer = httpx.post(
        f"{sandbox.base_url}/_double/inbound", params={"cif": keys.buyer_cui}, content=supplier_invoice
    )
    assert answer.status_code == 201, answer.text
    download_id = answer.json()["id_descarcare"]
    with sandbox.efactura() as client:
        received = list(
            client.iter_messages(
                keys.buyer_cui, datetime.now(UTC) - timedelta(days=1), filter=MessageFilter.RECEIVED
            )
        )
        assert [m.id for m in received] == [download_id]
        message = client.download(download_id)
        assert message.content == supplier_invoice and verify_test_signature(
            message.content, message.signature
        )
    refused = httpx.post(f"{sandbox.base_url}/_double/inbound", params={"cif": BUYER}, content=invalid_xml())
    assert refused.status_code == 422 and "BR-CO-15" in refused.json()["error"]
