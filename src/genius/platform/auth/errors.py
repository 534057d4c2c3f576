"""The auth package's error tree; every class picks one kernel root so the gateway maps its status.

::

    AuthenticationFailed (401)
    ├── InvalidCredentials   wrong password, unknown or inactive user (one answer: no enumeration)
    ├── InvalidGrant         refresh token unknown, expired, of another tenant, or reused
    ├── TokenExpired         access token past its ``exp``
    ├── TokenInvalid         bad signature, malformed, unknown kid or issuer, wrong audience
    ├── WrongTenant          a valid token presented for another tenant
    └── TenantInactive       the token's tenant is not active, or its user is disabled
    PermissionDenied (403)
    └── AccessDenied         the authorizer said no; carries the Decision
    GeniusError
    └── TooManyAttempts      failed logins over the limit (429 with Retry-After)
    ExternalServiceError (502)
    └── IssuerUnavailable    an external issuer's discovery document or JWKS could not be read
"""

from __future__ import annotations

from typing import Any

from genius.kernel.errors import AuthenticationFailed, ExternalServiceError, GeniusError, PermissionDenied


class InvalidCredentials(AuthenticationFailed):
    code = "invalid_credentials"


class InvalidGrant(AuthenticationFailed):
    code = "invalid_grant"


class TokenExpired(AuthenticationFailed):
    code = "token_expired"


class TokenInvalid(AuthenticationFailed):
    code = "token_invalid"


class WrongTenant(AuthenticationFailed):
    code = "wrong_tenant"


class TenantInactive(AuthenticationFailed):
    code = "tenant_inactive"


class AccessDenied(PermissionDenied):
    """The authorizer's refusal; ``decision`` says which rule and why."""

    code = "permission_denied"

    def __init__(self, message: str, *, decision: Any = None) -> None:
        details = None
        if decision is not None:
            details = {"permission": decision.permission, "rule": decision.rule, "reason": decision.reason}
        super().__init__(message, details=details)
        self.decision = decision


class TooManyAttempts(GeniusError):
    """Too many failed logins; the HTTP layer answers 429 with ``Retry-After: retry_after``."""

    code = "too_many_attempts"
    http_status = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, details={"retry_after": retry_after})
        self.retry_after = retry_after


class IssuerUnavailable(ExternalServiceError):
    code = "issuer_unavailable"
