"""Worker email.send: the tenant's sender, both bodies, stored attachments, sent once per job."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from genius.bootstrap import Platform
from genius.integrations.smtp.double import SmtpDouble
from genius.integrations.smtp.senders import (
    MailNotConfigured,
    MailSender,
    MailSenders,
    claim_sending,
    find_sent,
)
from genius.kernel.errors import ValidationError
from genius.kernel.ids import new_id
from genius.platform.jobs.context import JobContext
from genius.platform.jobs.messages import EmailSendRequested
from genius.platform.tenancy import TenantContext
from genius.workers.email_send import handle, message_id_for
from genius.workers.pdf_render import render_pdf

SUBJECT = "Factura GEN-2026-0001 de la Științe Brașov SRL — scadentă în 30 de zile"
TEXT = "Bună ziua,\n\natașăm factura și fișierul XML pentru SPV.\nMulțumim!\n"
HTML = "<p>Bună ziua,</p><p>atașăm <b>factura</b> și fișierul XML pentru SPV.</p><p>Mulțumim!</p>"
XML = '<?xml version="1.0" encoding="UTF-8"?><Invoice><cbc:Note>Țesături</cbc:Note></Invoice>'.encode()


@pytest.fixture
def server() -> Iterator[SmtpDouble]:
    with SmtpDouble() as double:
        yield double


@pytest.fixture
def configured(platform: Platform, tenant: TenantContext, server: SmtpDouble) -> MailSenders:
    senders = MailSenders(platform.databases, platform.master_key)
    senders.set(tenant, MailSender("facturi@stiinte-brasov.ro", server.settings(), "Științe Brașov SRL"))
    return senders


def request(**changes: object) -> EmailSendRequested:
    values: dict[str, object] = {
        "to": ["Ana.Popescu@Client.ro"],
        "cc": ["contabil@client.ro"],
        "bcc": ["arhiva@stiinte-brasov.ro"],
        "subject": SUBJECT,
        "text": TEXT,
        "html": HTML,
        "attachments": ["sales/invoices/GEN-2026-0001.pdf", "sales/invoices/GEN-2026-0001.xml"],
    }
    return EmailSendRequested(**{**values, **changes})  # type: ignore[arg-type]


@pytest.fixture
def stored(platform: Platform, tenant: TenantContext) -> bytes:
    pdf, _ = render_pdf("<p>Factură {{ n }}</p>", {"n": "GEN-2026-0001"})
    platform.storage.put(tenant.slug, "sales/invoices/GEN-2026-0001.pdf", pdf, "application/pdf")
    platform.storage.put(
        tenant.slug, "sales/invoices/GEN-2026-0001.xml", XML, "application/xml; charset=utf-8"
    )
    return pdf


def test_the_invoice_mail_arrives_as_sent(
    platform: Platform, job: JobContext, configured: MailSenders, server: SmtpDouble, stored: bytes
) -> None:
    result = handle(request(), job, platform)
    assert result.message_id == message_id_for(job.idempotency_key, "stiinte-brasov.ro")
    assert result.recipients == ["Ana.Popescu@client.ro", "contabil@client.ro", "arhiva@stiinte-brasov.ro"]
    assert not result.already_sent
    got = server.wait_for(1)[0]
    assert got.tls and got.login == "genius" and got.mail_from == "facturi@stiinte-brasov.ro"
    assert got.rcpt_tos == result.recipients
    m = got.message
    assert m["Subject"] == SUBJECT and m["Message-ID"] == result.message_id
    assert m["From"] == "Științe Brașov SRL <facturi@stiinte-brasov.ro>"
    assert m["Bcc"] is None
    assert m.get_body(("plain",)).get_content() == TEXT
    assert m.get_body(("html",)).get_content().strip() == HTML
    files = {a.get_filename(): (a.get_content_type(), a.get_content()) for a in m.iter_attachments()}
    assert files == {
        "GEN-2026-0001.pdf": ("application/pdf", stored),
        "GEN-2026-0001.xml": ("application/xml", XML),
    }


def test_a_redelivered_job_does_not_send_twice(
    platform: Platform, job: JobContext, configured: MailSenders, server: SmtpDouble, stored: bytes
) -> None:
    first = handle(request(), job, platform)
    again = handle(request(), job, platform)
    assert again.already_sent and again.message_id == first.message_id
    assert again.recipients == first.recipients
    assert len(server.received) == 1
    # Another job is another message, with another Message-ID.
    other = JobContext(job_id=new_id(), tag=job.tag, tenant=job.tenant)
    assert handle(request(), other, platform).message_id != first.message_id
    assert len(server.wait_for(2)) == 2


def test_a_job_that_died_mid_send_sends_again_with_the_same_message_id(
    platform: Platform, job: JobContext, configured: MailSenders, server: SmtpDouble, stored: bytes
) -> None:
    message_id = message_id_for(job.idempotency_key, "stiinte-brasov.ro")
    engine = platform.databases.engine_for_slug(job.tenant.slug)
    with engine.begin() as conn:  # what a worker killed after the claim left behind
        claim_sending(conn, message_id, job.job_id, ["ana.popescu@client.ro"])
    assert handle(request(), job, platform).message_id == message_id
    assert server.wait_for(1)[0].message["Message-ID"] == message_id
    with engine.connect() as conn:
        record = find_sent(conn, message_id)
    assert record is not None and record.state == "sent" and record.attempts == 2


def test_the_password_is_sealed_in_the_tenant_database(
    platform: Platform, tenant: TenantContext, configured: MailSenders, server: SmtpDouble
) -> None:
    with platform.databases.engine_for_slug(tenant.slug).connect() as conn:
        row = conn.execute(sa.text("SELECT * FROM mail_senders")).mappings().one()
    assert server.password.encode() not in bytes(row["password_sealed"])
    assert configured.get(tenant).smtp.password == server.password
    # Bound to its tenant: the same sealed value does not open for another tenant.
    other = TenantContext("another-tenant-id", tenant.slug, system=True)
    with pytest.raises(Exception, match="authentication"):
        configured.get(other)


def test_without_sender_settings_the_job_fails_clearly(platform: Platform, job: JobContext) -> None:
    with pytest.raises(MailNotConfigured, match="SMTP settings"):
        handle(request(attachments=[]), job, platform)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"to": ["not an address"]}, "to[0]"),
        ({"to": []}, "to"),
        ({"cc": ["ok@client.ro", "bad@"]}, "cc[1]"),
        ({"reply_to": "x"}, "reply_to"),
        ({"subject": "line\nBcc: evil@x.ro"}, "subject"),
    ],
)
def test_bad_requests_name_the_field(
    platform: Platform, job: JobContext, configured: MailSenders, changes: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        handle(request(**changes), job, platform)
    assert caught.value.problems[0].field == field
