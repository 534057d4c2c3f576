"""The BNR integration's errors.

::

    ExternalServiceError (kernel)
    └── BnrError                 anything BNR-related
        └── BnrUnavailable       BNR could not be reached, timed out or answered 5xx (transient);
                                 the breaker is open (``BnrCircuitOpen``)
    ValidationError (kernel)
    └── BnrFormatError           the document is not BNR's rates XML (names the element at fault)
"""

from __future__ import annotations

from genius.kernel.errors import ExternalServiceError, ValidationError


class BnrError(ExternalServiceError):
    code = "bnr_error"


class BnrUnavailable(BnrError):
    code = "bnr_unavailable"

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message, details={"status": status})
        self.status = status


class BnrCircuitOpen(BnrUnavailable):
    code = "bnr_circuit_open"


class BnrFormatError(ValidationError):
    code = "bnr_format_error"


__all__ = ["BnrCircuitOpen", "BnrError", "BnrFormatError", "BnrUnavailable"]
