"""Worker ``email.send``: one e-mail from the tenant's sender (text + HTML, stored attachments), once.

Sent once per job: the Message-ID is derived from the job's idempotency key (tenant + job id), and
the tenant's ledger (``mail_sent``) records it as ``sending`` before the SMTP conversation and
``sent`` after. A redelivered job that finds ``sent`` answers from the ledger without sending. A
job that died in the middle of the conversation (``sending``) sends again with the same
Message-ID, which receivers use to drop the duplicate: SMTP offers no way to ask a server whether
it already took a message, so this is the closest to exactly once that SMTP allows.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from genius.integrations.smtp.client import Attachment, OutgoingMail, SmtpClient
from genius.integrations.smtp.senders import MailSenders, claim_sending, mark_sent, normalise_address
from genius.kernel.errors import ValidationError
from genius.platform.db.engine import SQLITE_IMMEDIATE
from genius.platform.jobs.context import JobContext
from genius.platform.jobs.messages import EmailSendRequested, EmailSent

if TYPE_CHECKING:
    from genius.bootstrap import Platform

TAG = "email.send"
# Keeps one message's size sane for every server (most cap at 25-50 MB after base64).
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024


def message_id_for(idempotency_key: str, domain: str) -> str:
    """``<hash.genius@domain>``: the same for every delivery of one job, unique across jobs."""
    digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:40]
    return f"<{digest}.genius@{domain}>"


def _addresses(values: list[str], field_name: str) -> list[str]:
    return [normalise_address(v, f"{field_name}[{i}]") for i, v in enumerate(values)]


def handle(request: EmailSendRequested, job: JobContext, platform: Platform) -> EmailSent:
    to = _addresses(request.to, "to")
    if not to:
        raise ValidationError.for_field("to", "at least one recipient")
    cc, bcc = _addresses(request.cc, "cc"), _addresses(request.bcc, "bcc")
    reply_to = normalise_address(request.reply_to, "reply_to") if request.reply_to else None
    if "\n" in request.subject or "\r" in request.subject:
        raise ValidationError.for_field("subject", "must be one line")
    sender = MailSenders(platform.databases, platform.master_key).get(job.tenant)
    message_id = message_id_for(job.idempotency_key, sender.domain)
    recipients = [*to, *cc, *bcc]
    writer = platform.databases.engine_for_slug(job.tenant.slug).execution_options(**{SQLITE_IMMEDIATE: True})
    with writer.begin() as conn:
        record = claim_sending(conn, message_id, job.job_id, recipients)
    if record.state == "sent":
        return EmailSent(job.job_id, message_id, record.recipients, already_sent=True)
    job.progress(10, "loading attachments")
    attachments = []
    total = 0
    for i, key in enumerate(request.attachments):
        meta = platform.storage.stat(job.tenant.slug, key)
        total += meta.size
        if total > MAX_ATTACHMENT_BYTES:
            raise ValidationError.for_field(
                f"attachments[{i}]", f"attachments exceed {MAX_ATTACHMENT_BYTES} bytes"
            )
        data = platform.storage.get(job.tenant.slug, key)
        attachments.append(Attachment(key.rsplit("/", 1)[-1], meta.content_type.split(";")[0], data))
    job.progress(30, f"sending to {len(recipients)} recipient(s)")
    report = SmtpClient(sender.smtp).send(
        OutgoingMail(
            sender=sender.from_address,
            sender_name=sender.from_name,
            to=to,
            cc=cc,
            bcc=bcc,
            reply_to=reply_to,
            subject=request.subject,
            text=request.text,
            html=request.html,
            message_id=message_id,
            attachments=attachments,
        )
    )
    with writer.begin() as conn:
        mark_sent(conn, message_id, report.recipients)
    return EmailSent(job.job_id, message_id, report.recipients)
