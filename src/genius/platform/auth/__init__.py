"""Identity and access: the built-in OpenID issuer per tenant, external issuers, users, RBAC + ABAC.

Public API (the HTTP router is ``genius.platform.auth.api.router``, FastAPI dependencies are in
``genius.platform.auth.deps``, the demo tenant in ``genius.platform.auth.demo``)::

    AuthService.verify_access_token(token) -> TenantContext
    AuthService.password_grant / refresh_grant / rotate_keys / discovery / jwks
    AuthService.users: UserService (create, get, list, set_password, set_active)
    AuthService.roles: RoleStore (define, list)
    AuthService.authorizer: Authorizer.authorize(ctx, permission, resource) -> Decision
"""

from __future__ import annotations

from .errors import (
    AccessDenied,
    InvalidCredentials,
    InvalidGrant,
    IssuerUnavailable,
    TenantInactive,
    TokenExpired,
    TokenInvalid,
    TooManyAttempts,
    WrongTenant,
)
from .passwords import Argon2Parameters, Passwords
from .policy import BUILTIN_ROLES, DEFAULT_RULES, AbacRule, Authorizer, Decision, permission_matches
from .service import AUDIENCE, AuthService, TokenPair
from .users import User, UserService

__all__ = [
    "AUDIENCE",
    "BUILTIN_ROLES",
    "DEFAULT_RULES",
    "AbacRule",
    "AccessDenied",
    "Argon2Parameters",
    "AuthService",
    "Authorizer",
    "Decision",
    "InvalidCredentials",
    "InvalidGrant",
    "IssuerUnavailable",
    "Passwords",
    "TenantInactive",
    "TokenExpired",
    "TokenInvalid",
    "TokenPair",
    "TooManyAttempts",
    "User",
    "UserService",
    "WrongTenant",
    "permission_matches",
]
