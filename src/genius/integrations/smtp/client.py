"""The SMTP client: one message with text + HTML bodies and attachments, over STARTTLS with AUTH.

Every send goes through a ``Resilient`` guard named ``smtp.<host>`` (breaker shared per server,
retries of connection-level failures, a socket timeout and an overall timeout). Errors:

    GeniusError
    ├── ValidationError
    │   ├── SmtpAuthFailed        the server refused the login, or offers none (fix the settings)
    │   ├── SmtpRecipientRefused  the server refused every recipient for good
    │   └── SmtpRejected          the server refused the message for good (other 5xx)
    └── ExternalServiceError
        └── SmtpUnavailable       cannot connect, TLS failed, the server broke off or kept
                                  answering 4xx (4xx answers are retried first)

A connection that fails before the server accepted the message is retried with the same
Message-ID; receivers de-duplicate by Message-ID, and the sender's ledger (``genius.workers.
email_send``) keeps a repeated job from sending again.
"""

from __future__ import annotations

import re
import smtplib
import ssl
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import formataddr, formatdate
from typing import Literal

from genius.kernel.errors import ExternalServiceError, ValidationError
from genius.platform.resilience import CALLER_ERRORS, BreakerPolicy, Policy, Resilient, RetryPolicy

Security = Literal["starttls", "tls", "none"]
# Seconds for connect and for each socket operation.
SOCKET_TIMEOUT = 30.0


class SmtpTemporary(smtplib.SMTPException):
    """A 4xx answer (RFC 5321 4.2.1: transient): worth another attempt."""


# Connection-level failures and 4xx answers are worth another attempt; 5xx answers are not.
TRANSIENT = (
    SmtpTemporary,
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    ConnectionError,
    TimeoutError,
)
# Answers about this sender's settings or message, not about the server's health: they must not
# open the server's breaker for every other tenant.
NOT_SERVER_FAULTS = (
    smtplib.SMTPAuthenticationError,
    smtplib.SMTPNotSupportedError,
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPDataError,
)
_MESSAGE_ID = re.compile(r"^<[^<>@\s]+@[^<>@\s]+>$")
# Headers are not folded below RFC 5322's hard limit of 998: Python's folder splits a subject into
# encoded words and drops the space between them ("SRL — scadentă" arrives as "SRL— scadentă",
# checked on CPython 3.11), and folds a long Message-ID onto a continuation line that some
# receivers then read with a leading space. Bodies are quoted-printable, so every line stays short
# and 7-bit whatever the server supports.
MAIL_POLICY = SMTP_POLICY.clone(max_line_length=998)


class SmtpAuthFailed(ValidationError):
    code = "smtp_auth_failed"


class SmtpRecipientRefused(ValidationError):
    code = "smtp_recipient_refused"


class SmtpRejected(ValidationError):
    code = "smtp_rejected"


class SmtpUnavailable(ExternalServiceError):
    code = "smtp_unavailable"


@dataclass(frozen=True)
class SmtpSettings:
    """How to reach one SMTP server. ``ca_pem``: trust this CA (a private or self-signed server)."""

    host: str
    port: int = 587
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    security: Security = "starttls"
    ca_pem: str | None = None
    timeout: float = SOCKET_TIMEOUT

    def __post_init__(self) -> None:
        if not self.host:
            raise ValidationError.for_field("host", "required")
        if not 0 < self.port < 65536:
            raise ValidationError.for_field("port", "between 1 and 65535")
        if self.security not in ("starttls", "tls", "none"):
            raise ValidationError.for_field("security", "starttls, tls or none")
        if (self.username is None) != (self.password is None):
            raise ValidationError.for_field("password", "user name and password go together")
        # smtplib sends AUTH credentials as ASCII only (a diacritic would fail mid-login).
        if not (self.username or "").isascii() or not (self.password or "").isascii():
            raise ValidationError.for_field("password", "SMTP user name and password must be ASCII")


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class OutgoingMail:
    """One message. ``message_id`` is ``<id@domain>``; bcc recipients get it without a header."""

    sender: str
    to: list[str]
    subject: str
    text: str
    message_id: str
    html: str | None = None
    sender_name: str | None = None
    cc: list[str] = field(default_factory=list)
    bcc: list[str] = field(default_factory=list)
    reply_to: str | None = None
    attachments: list[Attachment] = field(default_factory=list)

    @property
    def recipients(self) -> list[str]:
        return [*self.to, *self.cc, *self.bcc]


@dataclass(frozen=True)
class SendReport:
    """What the server accepted; ``refused`` lists recipients it refused while taking the rest."""

    message_id: str
    recipients: list[str]
    refused: list[str] = field(default_factory=list)


def build_message(mail: OutgoingMail) -> EmailMessage:
    """The MIME message: text, HTML as its alternative, then the attachments (UTF-8 throughout)."""
    if not mail.to:
        raise ValidationError.for_field("to", "at least one recipient")
    if not _MESSAGE_ID.fullmatch(mail.message_id):
        raise ValidationError.for_field("message_id", "of the form <id@domain>")
    for name, value in (("subject", mail.subject), ("sender_name", mail.sender_name or "")):
        if "\r" in value or "\n" in value:
            raise ValidationError.for_field(name, "must be one line (no header injection)")
    message = EmailMessage(policy=MAIL_POLICY)
    message["From"] = formataddr((mail.sender_name, mail.sender)) if mail.sender_name else mail.sender
    message["To"] = ", ".join(mail.to)
    if mail.cc:
        message["Cc"] = ", ".join(mail.cc)
    if mail.reply_to:
        message["Reply-To"] = mail.reply_to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = mail.message_id
    message.set_content(mail.text, subtype="plain", charset="utf-8", cte="quoted-printable")
    if mail.html is not None:
        message.add_alternative(mail.html, subtype="html", charset="utf-8", cte="quoted-printable")
    for attachment in mail.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(
            attachment.data,
            maintype=maintype,
            subtype=subtype or "octet-stream",
            filename=attachment.filename,
        )
    return message


class SmtpClient:
    """Sends ``OutgoingMail`` through one server; see the module docstring."""

    def __init__(self, settings: SmtpSettings, *, guard: Resilient | None = None) -> None:
        self.settings = settings
        self.guard = guard or guard_for(settings.host)

    def send(self, mail: OutgoingMail) -> SendReport:
        message = build_message(mail)
        try:
            refused = self.guard.call(self._send_once, message, mail.sender, mail.recipients)
        except smtplib.SMTPNotSupportedError as exc:
            raise SmtpAuthFailed.for_field(
                "username", f"{self.settings.host} offers no login here: {exc}"
            ) from exc
        except smtplib.SMTPRecipientsRefused as exc:
            names = ", ".join(sorted(exc.recipients))
            raise SmtpRecipientRefused.for_field("to", f"refused by {self.settings.host}: {names}") from exc
        except smtplib.SMTPResponseException as exc:
            # 530/534/535/538: authentication required, too weak or refused (RFC 4954).
            if exc.smtp_code in (530, 534, 535, 538):
                raise SmtpAuthFailed.for_field(
                    "password", f"{self.settings.host} refused the login: {_reply(exc)}"
                ) from exc
            if 500 <= exc.smtp_code < 600:
                raise SmtpRejected.for_field(
                    "message", f"refused by {self.settings.host}: {_reply(exc)}"
                ) from exc
            raise SmtpUnavailable(f"{self.settings.host} answered {_reply(exc)}") from exc
        except SmtpTemporary as exc:
            raise SmtpUnavailable(f"{self.settings.host} kept answering {exc}") from exc
        except (smtplib.SMTPException, OSError, ssl.SSLError) as exc:
            raise SmtpUnavailable(f"{self.settings.host}:{self.settings.port}: {exc}") from exc
        accepted = [r for r in mail.recipients if r not in refused]
        return SendReport(mail.message_id, accepted, sorted(refused))

    def _send_once(self, message: EmailMessage, sender: str, recipients: list[str]) -> dict[str, object]:
        s = self.settings
        context = ssl.create_default_context(cadata=s.ca_pem) if s.ca_pem else ssl.create_default_context()
        smtp: smtplib.SMTP
        if s.security == "tls":
            smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        with smtp:
            smtp.ehlo()
            if s.security == "starttls":
                # STARTTLS is required, never optional: a server without it fails the send.
                smtp.starttls(context=context)
                smtp.ehlo()
            if s.username is not None and s.password is not None:
                _login(smtp, s.username, s.password)
            try:
                # Some recipients refused, the rest accepted: the message is sent; raising here
                # would make the job send it again to those who have it. (All refused raises.)
                return dict(smtp.send_message(message, from_addr=sender, to_addrs=recipients))
            except smtplib.SMTPResponseException as exc:
                if 400 <= exc.smtp_code < 500:
                    raise SmtpTemporary(_reply(exc)) from exc
                raise


def _login(smtp: smtplib.SMTP, username: str, password: str) -> None:
    """AUTH PLAIN when offered (RFC 4616, over TLS), else smtplib's own choice.

    One mechanism, one try: smtplib.login() falls through to the next mechanism after a refusal,
    so a wrong password would be tried two or three times and count as that many failed logins.
    """
    offered = smtp.esmtp_features.get("auth", "").upper().split()
    if "PLAIN" not in offered:
        smtp.login(username, password)
        return
    smtp.user, smtp.password = username, password
    smtp.auth("PLAIN", smtp.auth_plain)


_guards: dict[str, Resilient] = {}
_guards_lock = threading.Lock()


def guard_for(host: str) -> Resilient:
    """The one guard of a server in this process (its breaker is shared through the store)."""
    name = "smtp." + re.sub(r"[^a-z0-9.\-]", "-", host.lower())[:90]
    with _guards_lock:
        guard = _guards.get(name)
        if guard is None:
            guard = _guards[name] = Resilient(
                name,
                Policy(
                    timeout=SOCKET_TIMEOUT * 4,
                    retry=RetryPolicy(attempts=3, initial_wait=1.0, max_wait=10.0, retry_on=TRANSIENT),
                    breaker=BreakerPolicy(
                        failure_threshold=5, reset_timeout=60.0, ignore=(*CALLER_ERRORS, *NOT_SERVER_FAULTS)
                    ),
                ),
            )
        return guard


def _reply(exc: smtplib.SMTPResponseException) -> str:
    text = (
        exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
    )
    return f"{exc.smtp_code} {text}"
