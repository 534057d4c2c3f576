"""The ANAF double the demo talks to: served on 127.0.0.1 in a thread, settings pointed at it, OAuth done.

Demo data never goes to the real ANAF. ``DoubleServer`` serves ``AnafDouble`` (OAuth, e-Factura
SPV judged by the e-Factura validator, VAT registry) with uvicorn on a free local port;
``double_settings`` are the settings overrides that point a platform's ANAF clients at it (the
same keys ``genius anaf-sandbox`` prints). ``authorize`` runs the OAuth round trip a certificate
holder does in a browser: the authorize URL, the double's redirect with a code, our callback
(``AnafAccess.callback``), so the tenant holds a real sealed grant of that double.
"""

from __future__ import annotations

import socket
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

import httpx
from pydantic import SecretStr

from genius.apps.sales.spv.oauth import AnafAccess
from genius.integrations.anaf.double import DEFAULT_CLIENT, AnafDouble
from genius.kernel.errors import GeniusError
from genius.platform.tenancy import TenantContext

START_TIMEOUT_SECONDS = 10.0


class DemoAnafError(GeniusError):
    code = "demo_anaf"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class DoubleServer:
    """The ANAF double over real HTTP on 127.0.0.1 (admin endpoints unauthenticated: local only)."""

    double: AnafDouble = field(default_factory=lambda: AnafDouble(processing_seconds=0.0))
    port: int = field(default_factory=_free_port)
    _server: Any = None
    _thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> DoubleServer:
        import uvicorn

        config = uvicorn.Config(
            self.double.app,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            lifespan="off",
            timeout_graceful_shutdown=1,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name=f"anaf-double-{self.port}", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise DemoAnafError(f"the ANAF double did not start on {self.base_url}")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)

    def __enter__(self) -> DoubleServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def double_settings(base_url: str, callback_base: str = "http://127.0.0.1:8000") -> dict[str, Any]:
    """Settings that point the ANAF clients at the double (``Settings.model_copy(update=...)``).

    The OAuth callback is ``callback_base``'s when the double's client registration allows it
    (local addresses), else the default local server's: the demo never follows the redirect.
    """
    callback = f"{callback_base.rstrip('/')}/api/v1/sales/anaf/callback"
    if not DEFAULT_CLIENT.allows(callback):
        callback = "http://127.0.0.1:8000/api/v1/sales/anaf/callback"
    return {
        "anaf_environment": "test",
        "anaf_api_url": base_url,
        "anaf_oauth_url": f"{base_url}/anaf-oauth2/v1",
        "anaf_public_url": base_url,
        "anaf_client_id": DEFAULT_CLIENT.client_id,
        "anaf_client_secret": SecretStr(DEFAULT_CLIENT.client_secret),
        "anaf_redirect_uri": callback,
        # The double answers at once: short timeouts keep a stuck call from stalling the seed.
        "anaf_timeout_seconds": 10.0,
        "anaf_upload_timeout_seconds": 10.0,
    }


def points_at_double(settings: Any, base_url: str) -> bool:
    return str(settings.anaf_api_url).rstrip("/") == base_url.rstrip("/")


def authorize(platform: Any, ctx: TenantContext) -> None:
    """The OAuth round trip through the double; the grant is stored sealed in the tenant database."""
    access = AnafAccess.of(platform)
    url, _ = access.authorize_url(ctx)
    answer = httpx.get(url, follow_redirects=False, timeout=10.0)
    if answer.status_code != 302:
        raise DemoAnafError(
            f"the ANAF double refused the authorization: HTTP {answer.status_code} {answer.text}"
        )
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(answer.headers["location"]).query))
    access.callback(query)


__all__ = ["DemoAnafError", "DoubleServer", "authorize", "double_settings", "points_at_double"]
