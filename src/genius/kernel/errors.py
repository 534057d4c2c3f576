"""The root of every error tree in Genius ERP.

Each package draws its own tree under these roots::

    GeniusError                 anything the product raises on purpose
    ├── ValidationError         input breaks a rule; names the field or rule
    ├── NotFound                the thing asked for does not exist (in this tenant)
    ├── Conflict                the request contradicts current state (issued twice, stale)
    ├── PermissionDenied        the caller may not do this
    ├── AuthenticationFailed    the caller is not who it claims (bad/expired token, password)
    └── ExternalServiceError    an outside system failed (ANAF, BNR, SMTP, broker)

The gateway maps each root to one HTTP status, so a new error class only has to pick its root.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class FieldProblem:
    """One problem with one input field: the dotted path, a machine code and a message."""

    field: str
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "message": self.message}


class GeniusError(Exception):
    """Base of every deliberate error; carries a stable machine code and details."""

    code: str = "error"

    def __init__(self, message: str, *, code: str | None = None, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details = details


class ValidationError(GeniusError):
    """Input breaks a rule. ``problems`` names every field or rule that failed."""

    code = "validation_error"

    def __init__(
        self,
        message: str,
        *,
        problems: list[FieldProblem] | None = None,
        code: str | None = None,
    ) -> None:
        self.problems: list[FieldProblem] = list(problems or [])
        super().__init__(message, code=code, details=[p.as_dict() for p in self.problems])

    @classmethod
    def for_field(cls, field_path: str, message: str, code: str = "invalid") -> ValidationError:
        """One-field shortcut: the message names the field so it reads well on its own."""
        return cls(f"{field_path}: {message}", problems=[FieldProblem(field_path, code, message)])


class NotFound(GeniusError):
    code = "not_found"


class Conflict(GeniusError):
    code = "conflict"


class PermissionDenied(GeniusError):
    code = "permission_denied"


class AuthenticationFailed(GeniusError):
    code = "authentication_failed"


class ExternalServiceError(GeniusError):
    code = "external_service_error"


@dataclass
class ProblemCollector:
    """Gathers field problems so a caller can report all of them at once, not the first only."""

    problems: list[FieldProblem] = field(default_factory=list)

    def add(self, field_path: str, message: str, code: str = "invalid") -> None:
        self.problems.append(FieldProblem(field_path, code, message))

    def raise_if_any(self, summary: str = "invalid input") -> None:
        if self.problems:
            first = self.problems[0]
            more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
            raise ValidationError(f"{summary}: {first.field}: {first.message}{more}", problems=self.problems)
