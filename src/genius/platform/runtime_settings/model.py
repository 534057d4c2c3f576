"""The runtime settings' whitelist: which keys may be stored, their types, bounds and scope."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from genius.kernel.errors import ValidationError
from genius.platform.settings import RateLimitSettings, Settings


@dataclass(frozen=True)
class SettingSpec:
    """One whitelisted key: its type, bounds and where its value comes from below the database."""

    key: str
    kind: type[int] | type[float] | type[bool] | type[str]
    description: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    # False: one value for the whole installation (e.g. read before the tenant is known).
    per_tenant: bool = True

    def from_settings(self, settings: Settings) -> Any:
        value: Any = settings
        for part in self.key.split("."):
            value = getattr(value, part)
        return value

    def validate(self, value: Any) -> Any:
        """The value in its proper type, or ValidationError naming ``value`` and the rule."""
        if self.kind is bool:
            if not isinstance(value, bool):
                raise ValidationError.for_field("value", f"{self.key} takes true or false")
            return value
        if self.kind is str:
            if not isinstance(value, str) or (self.choices and value not in self.choices):
                raise ValidationError.for_field("value", f"{self.key} takes one of {', '.join(self.choices)}")
            return value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValidationError.for_field("value", f"{self.key} takes a number")
        if self.kind is int:
            if isinstance(value, float) and not value.is_integer():
                raise ValidationError.for_field("value", f"{self.key} takes a whole number")
            value = int(value)
        else:
            value = float(value)
        if self.minimum is not None and value < self.minimum:
            raise ValidationError.for_field("value", f"{self.key} must be at least {self.minimum:g}", "range")
        if self.maximum is not None and value > self.maximum:
            raise ValidationError.for_field("value", f"{self.key} must be at most {self.maximum:g}", "range")
        return value


# A key is listed only when its consumer reads it through RuntimeSettings each time it is used:
# the token buckets read ``limits_for(tenant_id)`` on every request. Values read once at start
# (body limit, token lifetime, log level, the failed-login limiter) are not listed, since storing
# them here would change nothing. To add a key: one line here, and its consumer calls
# ``RuntimeSettings.value(key, tenant_id)`` (or ``installed().value``) where it uses it.
SETTINGS: dict[str, SettingSpec] = {
    spec.key: spec
    for spec in (
        SettingSpec("rate_limit.tenant_rate", float, "Requests per second per tenant", 0.1, 1_000_000),
        SettingSpec("rate_limit.tenant_burst", int, "Burst of requests per tenant", 1, 10_000_000),
        SettingSpec("rate_limit.user_rate", float, "Requests per second per user", 0.1, 1_000_000),
        SettingSpec("rate_limit.user_burst", int, "Burst of requests per user", 1, 10_000_000),
    )
}
# Rate-limit fields with a runtime key; the others (login failures) come from settings only.
RATE_LIMIT_KEYS = {name: f"rate_limit.{name}" for name in RateLimitSettings.model_fields}


class UnknownSetting(ValidationError):
    """A key outside ``SETTINGS``: it may be neither read nor stored."""

    code = "unknown_setting"


def spec_for(key: str) -> SettingSpec:
    spec = SETTINGS.get(key)
    if spec is None:
        raise UnknownSetting.for_field(
            "key", f"{key!r} is not a runtime setting; known: {', '.join(SETTINGS)}"
        )
    return spec


__all__ = ["RATE_LIMIT_KEYS", "SETTINGS", "SettingSpec", "UnknownSetting", "spec_for"]
