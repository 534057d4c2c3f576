"""The SMTP client against the double: STARTTLS verified, AUTH, both bodies, attachments, failures."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from genius.integrations.smtp.client import (
    Attachment,
    OutgoingMail,
    SmtpAuthFailed,
    SmtpClient,
    SmtpRecipientRefused,
    SmtpSettings,
    SmtpUnavailable,
    build_message,
)
from genius.integrations.smtp.double import SmtpDouble
from genius.kernel.errors import ValidationError
from genius.platform.resilience import MemoryBreakerStore, Policy, Resilient, RetryPolicy
from genius.platform.resilience.policy import BreakerPolicy

PDF = b"%PDF-1.7\n" + bytes(range(256)) * 8
XML = '<?xml version="1.0" encoding="UTF-8"?><Invoice>Științe ăâî</Invoice>'.encode()


@pytest.fixture
def server() -> Iterator[SmtpDouble]:
    with SmtpDouble() as double:
        yield double


def client(settings: SmtpSettings, attempts: int = 1) -> SmtpClient:
    """A client whose guard has its own breaker (tests must not share one through the store)."""
    guard = Resilient(
        f"smtp-test-{uuid.uuid4().hex[:8]}",
        Policy(
            timeout=20,
            retry=RetryPolicy(
                attempts=attempts,
                initial_wait=0.05,
                max_wait=0.1,
                retry_on=__import__("genius.integrations.smtp.client", fromlist=["TRANSIENT"]).TRANSIENT,
            ),
            breaker=BreakerPolicy(failure_threshold=10),
        ),
        store=MemoryBreakerStore(),
    )
    return SmtpClient(settings, guard=guard)


def mail(**changes: object) -> OutgoingMail:
    values: dict[str, object] = {
        "sender": "facturi@acme.ro",
        "sender_name": "Acme Științe SRL",
        "to": ["ana@client.ro"],
        "cc": ["contabil@client.ro"],
        "bcc": ["arhiva@acme.ro"],
        "subject": "Factura GEN-2026-0001 — plată în 30 de zile, mulțumim!",
        "text": "Bună ziua,\nvă trimitem factura. Țineți cont de termen.\n",
        "html": "<p>Bună ziua,</p><p>vă trimitem <b>factura</b>. Țineți cont de termen.</p>",
        "message_id": "<f00d.genius@acme.ro>",
        "attachments": [
            Attachment("GEN-2026-0001.pdf", "application/pdf", PDF),
            Attachment("GEN-2026-0001.xml", "application/xml", XML),
        ],
    }
    return OutgoingMail(**{**values, **changes})  # type: ignore[arg-type]


def test_the_message_arrives_whole_over_starttls_with_auth(server: SmtpDouble) -> None:
    report = client(server.settings()).send(mail())
    assert report.recipients == ["ana@client.ro", "contabil@client.ro", "arhiva@acme.ro"]
    got = server.wait_for(1)[0]
    assert got.tls and got.login == "genius"
    assert got.mail_from == "facturi@acme.ro"
    assert got.rcpt_tos == report.recipients
    m = got.message
    assert m["Subject"] == "Factura GEN-2026-0001 — plată în 30 de zile, mulțumim!"
    assert m["From"] == "Acme Științe SRL <facturi@acme.ro>"
    assert m["To"] == "ana@client.ro" and m["Cc"] == "contabil@client.ro"
    assert m["Bcc"] is None  # blind copies travel in the envelope only
    assert m["Message-ID"] == "<f00d.genius@acme.ro>" and m["Date"]
    assert m.get_body(("plain",)).get_content() == "Bună ziua,\nvă trimitem factura. Țineți cont de termen.\n"
    assert "vă trimitem <b>factura</b>. Țineți cont" in m.get_body(("html",)).get_content()
    files = {a.get_filename(): (a.get_content_type(), a.get_content()) for a in m.iter_attachments()}
    assert files == {
        "GEN-2026-0001.pdf": ("application/pdf", PDF),
        "GEN-2026-0001.xml": ("application/xml", XML),
    }
    # Headers stay ASCII on the wire (RFC 2047 encoded words), bodies declare UTF-8.
    head = got.data.split(b"\r\n\r\n", 1)[0]
    assert head.isascii() and b"=?utf-8?" in head.lower()
    # RFC 5322 2.1.1: no line over 998 characters; the bodies are 7-bit quoted-printable.
    assert got.data.isascii() and max(len(line) for line in got.data.split(b"\r\n")) <= 998


def test_a_long_subject_keeps_every_space() -> None:
    subject = "Factura GEN-2026-0001 de la Științe Brașov SRL — scadentă în 30 de zile, vă mulțumim"
    with SmtpDouble() as server:
        client(server.settings()).send(mail(subject=subject))
        assert server.wait_for(1)[0].message["Subject"] == subject


def test_tls_is_verified_an_untrusted_certificate_fails(server: SmtpDouble) -> None:
    with pytest.raises(SmtpUnavailable, match=r"CERTIFICATE_VERIFY_FAILED|certificate verify failed"):
        client(server.settings(ca_pem=None)).send(mail())
    assert server.received == []


def test_without_starttls_the_server_offers_no_login(server: SmtpDouble) -> None:
    with pytest.raises(SmtpAuthFailed) as caught:
        client(server.settings(security="none")).send(mail())
    assert caught.value.problems[0].field == "username"
    assert server.received == []


def test_a_wrong_password_is_a_settings_error_and_not_retried(server: SmtpDouble) -> None:
    with pytest.raises(SmtpAuthFailed) as caught:
        client(server.settings(password="wrong"), attempts=3).send(mail())
    assert caught.value.problems[0].field == "password"
    assert server.failed_logins == 1 and server.received == []


def test_refused_recipients(server: SmtpDouble) -> None:
    server.refuse_recipients = {"contabil@client.ro"}
    report = client(server.settings()).send(mail())
    assert report.refused == ["contabil@client.ro"]
    assert server.wait_for(1)[0].rcpt_tos == ["ana@client.ro", "arhiva@acme.ro"]
    server.refuse_recipients = {"ana@client.ro"}
    with pytest.raises(SmtpRecipientRefused):
        client(server.settings()).send(mail(cc=[], bcc=[]))


def test_a_temporary_refusal_is_retried(server: SmtpDouble) -> None:
    server.fail_data = 1
    client(server.settings(), attempts=3).send(mail())
    assert len(server.wait_for(1)) == 1 and server.fail_data == 0
    server.fail_data = 5
    with pytest.raises(SmtpUnavailable, match="451"):
        client(server.settings(), attempts=2).send(mail())


def test_nothing_listening_is_unavailable() -> None:
    with pytest.raises(SmtpUnavailable):
        client(SmtpSettings(host="127.0.0.1", port=1, timeout=2)).send(mail())


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"to": []}, "to"),
        ({"message_id": "no-brackets"}, "message_id"),
        ({"subject": "two\r\nBcc: evil@x.ro"}, "subject"),
    ],
)
def test_bad_messages_name_the_field(changes: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        build_message(mail(**changes))
    assert caught.value.problems[0].field == field


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"host": ""}, "host"),
        ({"host": "x", "port": 0}, "port"),
        ({"host": "x", "security": "ssl"}, "security"),
        ({"host": "x", "username": "u"}, "password"),
        ({"host": "x", "username": "u", "password": "parolă"}, "password"),
    ],
)
def test_bad_settings_name_the_field(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        SmtpSettings(**kwargs)  # type: ignore[arg-type]
    assert caught.value.problems[0].field == field
