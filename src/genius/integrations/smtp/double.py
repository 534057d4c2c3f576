"""The SMTP test double: a real SMTP server (aiosmtpd) that requires STARTTLS and AUTH and records mail.

    with SmtpDouble() as server:
        SmtpClient(server.settings()).send(mail)
        received = server.wait_for(1)[0]
        received.message["Subject"], received.message.get_body(("html",)).get_content()

Its certificate is self-signed, made with ``cryptography`` at start (SAN 127.0.0.1 and localhost);
clients trust it through ``settings().ca_pem``, so TLS is verified as with a real server. Knobs
for failure tests: ``refuse_recipients`` (550 at RCPT), ``fail_data`` (answer 451 to the next n
DATA commands). Chosen only by tests and bootstrap, never by product code.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import socket
import ssl
import tempfile
import threading
import time
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from types import TracebackType
from typing import Any

from genius.integrations.smtp.client import SmtpSettings

HOST = "127.0.0.1"


@dataclass(frozen=True)
class ReceivedMail:
    """One message as it arrived: the envelope, the raw bytes, the parsed message, the session."""

    mail_from: str
    rcpt_tos: list[str]
    data: bytes = field(repr=False)
    message: EmailMessage = field(repr=False)
    login: str | None
    tls: bool


class SmtpDouble:
    """See the module docstring."""

    def __init__(self, *, username: str = "genius", password: str = "s3cret-Parola") -> None:
        self.username = username
        self.password = password
        self.received: list[ReceivedMail] = []
        self.failed_logins = 0
        self.refuse_recipients: set[str] = set()
        self.fail_data = 0
        self.ca_pem = ""
        self.port = 0
        self._controller: Any = None
        self._folder: tempfile.TemporaryDirectory[str] | None = None
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)

    # -- lifecycle -------------------------------------------------------------------------------
    def start(self) -> SmtpDouble:
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult

        # aiosmtpd 1.4 sets its own deprecated Session.login_data on every login and logs a
        # warning about it: noise that is not ours to fix.
        logging.getLogger("mail.log").addFilter(_quiet_login_data)
        self._folder = tempfile.TemporaryDirectory(prefix="genius-smtp-double-")
        cert, key = _self_signed(Path(self._folder.name))
        self.ca_pem = cert.read_text()
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(cert, key)

        def authenticate(
            server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
        ) -> AuthResult:
            login = _text(getattr(auth_data, "login", b""))
            ok = login == self.username and _text(getattr(auth_data, "password", b"")) == self.password
            if not ok:
                with self._lock:
                    self.failed_logins += 1
            # handled=False: aiosmtpd answers 535 itself (its default True means "I answered").
            return AuthResult(success=ok, handled=False, auth_data=login if ok else None)

        # aiosmtpd's Controller(port=0) fails its own readiness check: take a free port first.
        self.port = _free_port()
        self._controller = Controller(
            _Handler(self),
            hostname=HOST,
            port=self.port,
            tls_context=tls,
            require_starttls=True,
            auth_required=True,
            auth_require_tls=True,
            authenticator=authenticate,
        )
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None

    def __enter__(self) -> SmtpDouble:
        return self.start()

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.stop()

    # -- what tests use --------------------------------------------------------------------------
    def settings(self, **overrides: Any) -> SmtpSettings:
        values: dict[str, Any] = {
            "host": HOST,
            "port": self.port,
            "username": self.username,
            "password": self.password,
            "security": "starttls",
            "ca_pem": self.ca_pem,
            "timeout": 10.0,
        }
        return SmtpSettings(**{**values, **overrides})

    def wait_for(self, count: int, timeout: float = 10.0) -> list[ReceivedMail]:
        """The first ``count`` messages, waiting up to ``timeout`` seconds for them to arrive."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.received) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{len(self.received)} message(s) arrived, {count} expected")
                self._arrived.wait(left)
            return list(self.received[:count])

    def _record(self, mail: ReceivedMail) -> None:
        with self._arrived:
            self.received.append(mail)
            self._arrived.notify_all()


class _Handler:
    def __init__(self, double: SmtpDouble) -> None:
        self.double = double

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if address in self.double.refuse_recipients:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.double._lock:
            if self.double.fail_data > 0:
                self.double.fail_data -= 1
                return "451 4.3.0 Try again later"
        data = envelope.original_content or envelope.content
        raw = data if isinstance(data, bytes) else str(data).encode()
        login = session.auth_data if session.authenticated else None
        self.double._record(
            ReceivedMail(
                mail_from=envelope.mail_from,
                rcpt_tos=list(envelope.rcpt_tos),
                data=raw,
                # Parsed with Python's line ends, so bodies read back as they were written.
                message=BytesParser(policy=policy.default).parsebytes(raw.replace(b"\r\n", b"\n")),  # type: ignore[arg-type]
                login=_text(login) if login is not None else None,
                tls=session.ssl is not None,
            )
        )
        return "250 2.0.0 Message accepted for delivery"


def _quiet_login_data(record: logging.LogRecord) -> bool:
    return "login_data is deprecated" not in record.getMessage()


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _self_signed(folder: Path) -> tuple[Path, Path]:
    """A P-256 key and a one-day certificate for 127.0.0.1 and localhost, as PEM files."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Genius SMTP double")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address(HOST))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path
