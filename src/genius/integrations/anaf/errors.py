"""The ANAF integration's error tree: what went wrong talking to ANAF, and what the caller may do.

::

    ExternalServiceError (kernel)
    └── AnafError                       anything ANAF-related; ``family`` names the endpoint family
        ├── AnafUnavailable             transient: 5xx, timeout, connection refused, ANAF's firewall
        │   └── AnafCircuitOpen         page ("The requested URL was rejected"); nothing was delivered,
        │                               so the call may be repeated later. The breaker is open: not sent.
        ├── UploadOutcomeUnknown        an upload left but its answer was lost (timeout, 5xx, broken
        │                               connection). NEVER resend: reconcile through the message list
        │                               (the invoice may be filed already).
        ├── AnafLimitReached            a published limit (refused locally before ANAF would, or by
        │                               ANAF itself: ``local`` says which); ``limit`` names it
        ├── AnafAuthError               token missing/expired/revoked, no SPV rights for the CIF,
        │                               OAuth errors (invalid_grant, access_denied)
        ├── AnafRejected                ANAF answered and refused the request: upload
        │                               ExecutionStatus=1, query errors (bad index, unknown id)
        └── AnafProtocolError           an answer we do not understand (shape changed, bad ZIP)

``ValidationError`` (kernel) is raised before any call for bad arguments (a CIF with letters, 0
days, more than 100 CUIs in one VAT registry call).
"""

from __future__ import annotations

from genius.kernel.errors import ExternalServiceError


class AnafError(ExternalServiceError):
    """Root of every ANAF failure. ``family`` is the endpoint family (``efactura.upload``...)."""

    code = "anaf_error"

    def __init__(self, message: str, *, family: str = "", details: object = None, code: str | None = None):
        super().__init__(message, code=code, details=details)
        self.family = family


class AnafUnavailable(AnafError):
    """ANAF could not be reached or failed transiently; the request was not (knowingly) processed."""

    code = "anaf_unavailable"

    def __init__(self, message: str, *, family: str = "", status: int | None = None, details: object = None):
        super().__init__(message, family=family, details=details)
        self.status = status


class AnafCircuitOpen(AnafUnavailable):
    """The breaker of this endpoint family is open after repeated failures: the call was not made."""

    code = "anaf_circuit_open"


class UploadOutcomeUnknown(AnafError):
    """The upload was sent but no answer came back: it may or may not be filed with ANAF.

    Do not upload again: look for the invoice in ``listaMesajeFactura`` (matching seller CUI,
    number and date through the downloaded XML) before deciding. ANAF answers a blind re-upload
    with "Factura a mai fost transmisa anterior cu index=..." at best.
    """

    code = "anaf_upload_outcome_unknown"

    def __init__(
        self, message: str, *, family: str = "efactura.upload", cif: str = "", details: object = None
    ):
        super().__init__(message, family=family, details=details)
        self.cif = cif


class AnafLimitReached(AnafError):
    """A published ANAF limit is exhausted for this window.

    ``limit`` names it (see ``genius.integrations.anaf.limits``), ``key`` is the counted subject
    (CUI, upload index, download id), ``local`` is True when we refused before calling ANAF.
    """

    code = "anaf_limit_reached"

    def __init__(
        self,
        message: str,
        *,
        limit: str,
        key: str = "",
        local: bool,
        family: str = "",
        retry_after_seconds: float | None = None,
    ) -> None:
        super().__init__(message, family=family, details={"limit": limit, "key": key, "local": local})
        self.limit = limit
        self.key = key
        self.local = local
        self.retry_after_seconds = retry_after_seconds


class AnafAuthError(AnafError):
    """ANAF refused who we are: bad/expired token, no SPV rights for the CIF, OAuth refusal."""

    code = "anaf_auth_error"

    def __init__(
        self, message: str, *, family: str = "", status: int | None = None, oauth_error: str | None = None
    ) -> None:
        super().__init__(message, family=family, details={"status": status, "oauth_error": oauth_error})
        self.status = status
        self.oauth_error = oauth_error


class AnafRejected(AnafError):
    """ANAF answered and refused the request; ``messages`` are ANAF's own texts, in order."""

    code = "anaf_rejected"

    def __init__(self, message: str, *, family: str = "", messages: tuple[str, ...] = ()) -> None:
        super().__init__(message, family=family, details={"messages": list(messages)})
        self.messages = messages


class AnafProtocolError(AnafError):
    """ANAF's answer does not have the documented shape (or a ZIP is unsafe or incomplete)."""

    code = "anaf_protocol_error"


__all__ = [
    "AnafAuthError",
    "AnafCircuitOpen",
    "AnafError",
    "AnafLimitReached",
    "AnafProtocolError",
    "AnafRejected",
    "AnafUnavailable",
    "UploadOutcomeUnknown",
]
