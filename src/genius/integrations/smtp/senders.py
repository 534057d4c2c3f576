"""Per-tenant mail: the sender settings (in the tenant's database, password sealed) and the sent ledger.

Why a tenant table and not runtime settings: the SMTP password is a secret. Runtime settings are
plain JSON values in the control plane, listed by the admin API and audited with before/after
values, so a password there would be readable and copied into the audit trail. Here it is sealed
with AES-256-GCM under a key derived from the master key for this purpose, bound to the tenant
(associated data), and it lives, is exported and is deleted with the tenant's own data.

The ledger records each Message-ID the tenant sent (``sending`` before the SMTP conversation,
``sent`` after), so a job delivered twice does not send twice.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import Connection

from genius.integrations.smtp.client import SmtpSettings
from genius.kernel.clock import utcnow
from genius.kernel.errors import NotFound, ValidationError
from genius.platform.crypto import derive_key, open_sealed, seal
from genius.platform.db.engine import SQLITE_IMMEDIATE
from genius.platform.db.migrate import MigrationComponent, migrations_folder
from genius.platform.tenancy import TenantContext, TenantDatabases

MAIL_COMPONENT = MigrationComponent(name="mail", schema="mail", script_location=migrations_folder(__file__))
KEY_PURPOSE = "mail-sender-password"
DEFAULT_SENDER = "default"

metadata = sa.MetaData(schema="mail")
senders = sa.Table(
    "mail_senders",
    metadata,
    sa.Column("name", sa.String(50), primary_key=True),
    sa.Column("from_address", sa.String(320), nullable=False),
    sa.Column("from_name", sa.String(200)),
    sa.Column("host", sa.String(255), nullable=False),
    sa.Column("port", sa.Integer, nullable=False),
    sa.Column("security", sa.String(10), nullable=False),
    sa.Column("username", sa.String(320)),
    sa.Column("password_sealed", sa.LargeBinary),
    sa.Column("ca_pem", sa.Text),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_by", sa.String(64)),
)
sent = sa.Table(
    "mail_sent",
    metadata,
    sa.Column("message_id", sa.String(300), primary_key=True),
    sa.Column("job_id", sa.String(64), nullable=False),
    sa.Column("state", sa.String(10), nullable=False),
    sa.Column("recipients", sa.Text, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, server_default=sa.text("0")),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("sent_at", sa.DateTime(timezone=True)),
)


class MailNotConfigured(NotFound):
    code = "mail_not_configured"


@dataclass(frozen=True)
class MailSender:
    """Who the tenant's mail comes from and through which server."""

    from_address: str
    smtp: SmtpSettings
    from_name: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "from_address", normalise_address(self.from_address, "from_address"))
        if self.from_name and ("\r" in self.from_name or "\n" in self.from_name):
            raise ValidationError.for_field("from_name", "must be one line")

    @property
    def domain(self) -> str:
        return self.from_address.rsplit("@", 1)[1]


def normalise_address(address: str, field_name: str) -> str:
    """An e-mail address in its normal form, or ValidationError naming ``field_name``."""
    try:
        return validate_email((address or "").strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValidationError.for_field(field_name, f"{address!r}: {exc}") from None


class MailSenders:
    """Reads and writes the tenant's sender settings; see the module docstring."""

    def __init__(self, databases: TenantDatabases, master_key: bytes) -> None:
        self._databases = databases
        self._key = derive_key(master_key, KEY_PURPOSE)

    def set(self, tenant: TenantContext, sender: MailSender, *, name: str = DEFAULT_SENDER) -> None:
        smtp = sender.smtp
        password = (
            seal(self._key, smtp.password.encode(), _aad(tenant, name)) if smtp.password is not None else None
        )
        values: dict[str, Any] = {
            "from_address": sender.from_address,
            "from_name": sender.from_name,
            "host": smtp.host,
            "port": smtp.port,
            "security": smtp.security,
            "username": smtp.username,
            "password_sealed": password,
            "ca_pem": smtp.ca_pem,
            "updated_at": utcnow(),
            "updated_by": tenant.user_id,
        }
        engine = self._databases.engine_for_slug(tenant.slug).execution_options(**{SQLITE_IMMEDIATE: True})
        with engine.begin() as conn:
            changed = conn.execute(senders.update().where(senders.c.name == name).values(**values)).rowcount
            if not changed:
                conn.execute(senders.insert().values(name=name, **values))

    def get(self, tenant: TenantContext, *, name: str = DEFAULT_SENDER) -> MailSender:
        with self._databases.engine_for_slug(tenant.slug).connect() as conn:
            row = conn.execute(senders.select().where(senders.c.name == name)).first()
        if row is None:
            raise MailNotConfigured(
                f"tenant {tenant.slug!r} has no mail sender {name!r}: set its SMTP settings first",
                details={"sender": name},
            )
        password = None
        if row.password_sealed is not None:
            password = open_sealed(self._key, bytes(row.password_sealed), _aad(tenant, name)).decode()
        smtp = SmtpSettings(
            host=row.host,
            port=row.port,
            username=row.username,
            password=password,
            security=row.security,
            ca_pem=row.ca_pem,
        )
        return MailSender(row.from_address, smtp, row.from_name)


def _aad(tenant: TenantContext, name: str) -> bytes:
    # Bound to tenant and sender: a sealed password copied to another row or tenant will not open.
    return f"{tenant.tenant_id}:mail_senders:{name}".encode()


# -- the sent ledger -----------------------------------------------------------------------------
@dataclass(frozen=True)
class SentRecord:
    message_id: str
    job_id: str
    state: str
    recipients: list[str]
    attempts: int


def find_sent(conn: Connection, message_id: str) -> SentRecord | None:
    row = conn.execute(sent.select().where(sent.c.message_id == message_id)).first()
    if row is None:
        return None
    return SentRecord(row.message_id, row.job_id, row.state, json.loads(row.recipients), row.attempts)


def claim_sending(conn: Connection, message_id: str, job_id: str, recipients: list[str]) -> SentRecord:
    """Record an attempt to send (before talking to the server); returns the record as it now is."""
    found = find_sent(conn, message_id)
    if found is None:
        conn.execute(
            sent.insert().values(
                message_id=message_id,
                job_id=job_id,
                state="sending",
                recipients=json.dumps(recipients),
                attempts=1,
                created_at=utcnow(),
            )
        )
        return SentRecord(message_id, job_id, "sending", recipients, 1)
    if found.state == "sent":
        return found
    conn.execute(sent.update().where(sent.c.message_id == message_id).values(attempts=sent.c.attempts + 1))
    return SentRecord(message_id, job_id, "sending", recipients, found.attempts + 1)


def mark_sent(conn: Connection, message_id: str, recipients: list[str]) -> None:
    conn.execute(
        sent.update()
        .where(sent.c.message_id == message_id)
        .values(state="sent", recipients=json.dumps(recipients), sent_at=utcnow())
    )
