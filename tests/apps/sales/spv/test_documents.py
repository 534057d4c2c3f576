"""Invoice PDFs (Romanian layout, pdf.render worker) and e-mails (email.send) through the gateway."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from genius.apps.sales.documents.service import SalesDocuments
from genius.integrations.smtp.double import SmtpDouble
from genius.integrations.smtp.senders import MailSender, MailSenders
from genius.kernel.clock import utcnow
from genius.workers import anaf_efactura, email_send, pdf_render
from tests.apps.sales.spv.conftest import Anaf, Client, admin_client, authorize, issue, run_queued
from tests.web.conftest import Gateway
from tests.workers.pdf_text import pdftotext

PDF_REQUEST = "worker.request.pdf.render"


@pytest.fixture
def docs(make_gateway: Callable[..., Gateway], anaf: Anaf) -> Client:
    return admin_client(make_gateway, anaf)


@pytest.fixture
def smtp() -> Iterator[SmtpDouble]:
    with SmtpDouble() as double:
        yield double


def render_queued(client: Client) -> None:
    run_queued(client.gateway.platform, client.world.ctx, PDF_REQUEST, pdf_render.handle)


def test_the_invoice_pdf_is_rendered_once_and_reads_back_in_romanian(docs: Client, tmp_path: Path) -> None:
    world = docs.world
    invoice_id, number = issue(world)
    pending = docs.call("GET", f"/invoices/{invoice_id}/pdf", 202)
    assert pending["state"] == "rendering" and pending["job_id"]
    assert docs.call("GET", f"/invoices/{invoice_id}/pdf", 202)["job_id"] == pending["job_id"]  # one job
    render_queued(docs)
    response = docs.call("GET", f"/invoices/{invoice_id}/pdf", 200)
    assert response.headers["content-type"] == "application/pdf"
    text = pdftotext(response.content, tmp_path)
    invoice = docs.call("GET", f"/invoices/{invoice_id}", 200)
    for expected in (
        "FACTURĂ",
        number,
        "Genius Demo SRL",
        "RO18547290",  # seller CUI (VAT id)
        "J12/3456/2020",  # seller Trade Register
        "RO14399840",  # buyer CUI
        "J40/1234/2020",  # buyer Trade Register (from the partner)
        "CUMPĂRĂTOR",
        "Total de plată",
        "Bază impozabilă",
        "RO49AAAA1B31007593840000",  # IBAN
        "art. 319 alin. (29)",
    ):
        assert expected in text, (expected, text)
    payable = f"{float(invoice['payable_amount']):,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    assert payable in text
    assert "e-Factura" not in text  # not in SPV yet


def test_after_acceptance_the_pdf_prints_the_upload_index(docs: Client, anaf: Anaf, tmp_path: Path) -> None:
    world = docs.world
    authorize(world)
    invoice_id, number = issue(world)
    docs.call("GET", f"/invoices/{invoice_id}/pdf", 202)
    render_queued(docs)
    before = docs.call("GET", f"/invoices/{invoice_id}/pdf", 200).content
    docs.call("POST", f"/invoices/{invoice_id}/submit", 202)
    run_queued(docs.gateway.platform, world.ctx, "worker.request.anaf.efactura", anaf_efactura.handle)
    [upload] = anaf.uploads_of(number)
    docs.call("GET", f"/invoices/{invoice_id}/pdf", 202)  # a new variant: rendered again
    render_queued(docs)
    after = docs.call("GET", f"/invoices/{invoice_id}/pdf", 200).content
    assert after != before
    text = pdftotext(after, tmp_path)
    assert f"index de încărcare {upload.index}" in " ".join(text.split())


def test_an_email_waits_for_the_pdf_then_sends_pdf_and_xml_once(
    docs: Client, smtp: SmtpDouble, tmp_path: Path
) -> None:
    world, platform = docs.world, docs.gateway.platform
    MailSenders(platform.databases, platform.master_key).set(
        world.ctx, MailSender("facturi@genius-demo.ro", smtp.settings(), "Genius Demo SRL")
    )
    invoice_id, number = issue(world)
    request = docs.call("POST", f"/invoices/{invoice_id}/email", 202, json={})
    assert request["state"] == "waiting_pdf" and request["to"] == ["facturi@client.ro"]
    assert request["pdf_job_id"] and request["email_job_id"] is None
    service = SalesDocuments(platform.databases, platform.storage)
    assert service.queue_ready_mails(world.ctx, utcnow()) == 0  # no PDF yet
    render_queued(docs)
    assert service.queue_ready_mails(world.ctx, utcnow()) == 1
    assert service.queue_ready_mails(world.ctx, utcnow()) == 0  # once
    [listed] = docs.call("GET", f"/invoices/{invoice_id}/emails", 200)
    assert listed["state"] == "queued" and listed["email_job_id"]
    [sent] = run_queued(platform, world.ctx, "worker.request.email.send", email_send.handle)
    assert sent.recipients == ["facturi@client.ro"]
    [mail] = smtp.wait_for(1)
    parsed = mail.message
    names = sorted(part.get_filename() for part in parsed.walk() if part.get_filename())
    assert len(names) == 2 and names[0].endswith(".pdf") and names[1] == f"{number}.xml"
    assert str(parsed["Subject"]).startswith(f"Factură {number}")
    bad = docs.call("POST", f"/invoices/{invoice_id}/email", 422, json={"to": ["not an address"]})
    assert "to[0]" in str(bad["details"])


def test_a_readable_pdf_of_a_received_ubl(docs: Client, anaf: Anaf, tmp_path: Path) -> None:
    from tests.apps.procurement.test_inbound import SELLER, scan, supplier_xml

    world = docs.world
    authorize(world)
    anaf.double.deliver_inbound(supplier_xml(), SELLER)
    scan(world)
    client = docs.gateway.client
    page = client.get("/api/v1/procurement/supplier-invoices", headers=docs.headers).json()
    [entry] = page["items"]
    assert page["total"] == 1 and entry["supplier_cui"] == "12345674" and entry["number"] == "GEN-2025-0001"
    pending = client.get(f"/api/v1/procurement/supplier-invoices/{entry['id']}/pdf", headers=docs.headers)
    assert pending.status_code == 202
    render_queued(docs)
    pdf = client.get(f"/api/v1/procurement/supplier-invoices/{entry['id']}/pdf", headers=docs.headers)
    assert pdf.status_code == 200
    text = pdftotext(pdf.content, tmp_path)
    assert "GEN-2025-0001" in text and "RO12345674" in text and "FURNIZOR" in text
    xml = client.get(f"/api/v1/procurement/supplier-invoices/{entry['id']}/xml", headers=docs.headers)
    assert xml.content == supplier_xml()
