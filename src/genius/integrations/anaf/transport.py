"""One HTTP exchange with ANAF, its failures mapped onto the error tree (before any body is read).

Mapping (ANAF-API.md "Known traps"):
- connection refused / connect timeout: ``AnafUnavailable`` (nothing left our side);
- read timeout, broken connection, 5xx: ``AnafUnavailable``, but for an upload
  ``UploadOutcomeUnknown`` (the request may have been filed);
- the firewall's HTML page ("The requested URL was rejected"), whatever the status:
  ``AnafUnavailable`` (ANAF's application never saw the request);
- 429 and 204 (some clients see 204 for "limit reached"): ``AnafLimitReached`` from ANAF;
- 401 / 403 (403 also for a CIF with ``RO`` or a wrong path): ``AnafAuthError``;
- 400 with a JSON ``message``: ``AnafRejected``; 404 and other 4xx: ``AnafProtocolError``.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from genius.integrations.anaf.errors import (
    AnafAuthError,
    AnafLimitReached,
    AnafProtocolError,
    AnafRejected,
    AnafUnavailable,
    UploadOutcomeUnknown,
)

FIREWALL_MARKER = b"The requested URL was rejected"
OVERALL_LIMIT_NAME = "overall_per_minute"
MAX_ERROR_TEXT = 300


def _short(body: bytes) -> str:
    return body[:MAX_ERROR_TEXT].decode("utf-8", "replace").strip()


def is_firewall_page(response: httpx.Response) -> bool:
    return FIREWALL_MARKER in response.content[:4096]


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    try:
        return float(value) if value else None
    except ValueError:
        return None


def send(
    client: httpx.Client,
    method: str,
    url: str,
    *,
    family: str,
    timeout: httpx.Timeout,
    upload: bool = False,
    cif: str = "",
    rate_limit: str = OVERALL_LIMIT_NAME,
    **kwargs: Any,
) -> httpx.Response:
    """Send and return a 2xx (other than 204) response that is not the firewall page; else raise.

    ``rate_limit`` names the limit a 429/204 answer reports (the overall per-minute one by default).
    """
    response = request(client, method, url, family=family, timeout=timeout, upload=upload, cif=cif, **kwargs)
    return check_status(response, family=family, upload=upload, cif=cif, rate_limit=rate_limit)


def request(
    client: httpx.Client,
    method: str,
    url: str,
    *,
    family: str,
    timeout: httpx.Timeout,
    upload: bool = False,
    cif: str = "",
    **kwargs: Any,
) -> httpx.Response:
    """Send; transport failures mapped (see the module docstring), any status returned as is."""
    try:
        response = client.request(method, url, timeout=timeout, **kwargs)
    except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
        raise AnafUnavailable(
            f"ANAF {family}: cannot connect ({type(exc).__name__}: {exc})", family=family
        ) from exc
    except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as exc:
        what = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        if upload:
            raise UploadOutcomeUnknown(
                f"ANAF upload for CIF {cif}: no answer ({what}); the invoice may be filed: reconcile "
                "through the message list before sending again",
                cif=cif,
            ) from exc
        raise AnafUnavailable(f"ANAF {family}: no answer ({what})", family=family) from exc
    return response


def check_status(
    response: httpx.Response,
    *,
    family: str,
    upload: bool = False,
    cif: str = "",
    rate_limit: str = OVERALL_LIMIT_NAME,
) -> httpx.Response:
    status = response.status_code
    if is_firewall_page(response):
        raise AnafUnavailable(
            f"ANAF {family}: refused by ANAF's firewall (HTTP {status}, 'The requested URL was rejected')",
            family=family,
            status=status,
        )
    if status >= 500:
        if upload:
            raise UploadOutcomeUnknown(
                f"ANAF upload for CIF {cif}: HTTP {status}; the invoice may be filed: reconcile through "
                "the message list before sending again",
                cif=cif,
                details={"status": status, "body": _short(response.content)},
            )
        raise AnafUnavailable(
            f"ANAF {family}: HTTP {status}: {_short(response.content)}", family=family, status=status
        )
    if status in (429, 204):
        raise AnafLimitReached(
            f"ANAF {family}: limit reached (HTTP {status}) {_short(response.content)}".rstrip(),
            limit=rate_limit,
            local=False,
            family=family,
            retry_after_seconds=_retry_after(response) or 60.0,
        )
    if status in (401, 403):
        raise AnafAuthError(
            f"ANAF {family}: HTTP {status} (token missing, expired or without rights; a CIF with 'RO' "
            f"or a wrong path also gives 403) {_short(response.content)}".rstrip(),
            family=family,
            status=status,
        )
    if status == 400:
        message = _json_message(response.content)
        raise AnafRejected(f"ANAF {family}: HTTP 400: {message}", family=family, messages=(message,))
    if status >= 300:
        raise AnafProtocolError(
            f"ANAF {family}: unexpected HTTP {status}: {_short(response.content)}", family=family
        )
    return response


def _json_message(body: bytes) -> str:
    try:
        data = json.loads(body)
    except ValueError:
        return _short(body)
    if isinstance(data, dict):
        for key in ("message", "eroare", "error_description", "error"):
            if isinstance(data.get(key), str):
                return str(data[key])
    return _short(body)


def make_timeout(read: float, connect: float) -> httpx.Timeout:
    return httpx.Timeout(read, connect=connect)


__all__ = ["FIREWALL_MARKER", "check_status", "is_firewall_page", "make_timeout", "request", "send"]


def json_object(response: httpx.Response, *, what: str, family: str) -> dict[str, Any]:
    """The answer's JSON object; ``AnafProtocolError`` naming ``what`` when it is not JSON or an object."""
    try:
        data = json.loads(response.content)
    except ValueError as exc:
        raise AnafProtocolError(f"{what} is not JSON: {response.content[:200]!r}", family=family) from exc
    if not isinstance(data, dict):
        raise AnafProtocolError(f"{what} is not a JSON object", family=family)
    return data
