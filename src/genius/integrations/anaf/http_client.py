"""What every ANAF client holds: the endpoints, a call guard, an HTTP client and the default timeout."""

from __future__ import annotations

from typing import Self

import httpx

from genius.integrations.anaf.config import AnafEndpoints, Timeouts
from genius.integrations.anaf.guard import CallGuard, ResilientGuard
from genius.integrations.anaf.transport import make_timeout


class AnafHttpClient:
    """The base of the ANAF clients (e-Factura SPV, VAT registry, OAuth).

    An ``http`` client given by the caller stays the caller's to close; one made here is closed by
    :meth:`close` (or on leaving a ``with`` block).
    """

    def __init__(
        self,
        endpoints: AnafEndpoints,
        *,
        guard: CallGuard | None,
        http: httpx.Client | None,
        timeouts: Timeouts | None,
    ) -> None:
        self.endpoints = endpoints
        self._guard = guard or ResilientGuard()
        self._http = http or httpx.Client()
        self._owns_http = http is None
        self._timeouts = timeouts or Timeouts()
        self._timeout = make_timeout(self._timeouts.default, self._timeouts.connect)

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
