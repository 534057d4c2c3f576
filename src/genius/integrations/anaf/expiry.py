"""Which ANAF grants need an administrator soon, from the clear expiry columns of the token store.

ANAF's access token lives about 90 days and is refreshed automatically ``anaf_token_refresh_days``
ahead; each refresh returns a new refresh token, which itself ends about 365 days after the
authorization with the qualified certificate. Two situations need a person:

* the refresh token ends within the warning window (``anaf_token_warn_days``): only a new
  authorization with the certificate extends the grant;
* the access token is already inside its refresh margin: the scheduled refresh should have
  replaced it and did not (ANAF refused, or the refresh job is not running).

An access token far from its end needs nobody, so it is never warned about (that would repeat
every 90 days for nothing).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from genius.integrations.anaf.tokens import TokenExpiry

REAUTHORIZE = "authorize ANAF again with the qualified certificate (Sales > ANAF > Authorize)"
CHECK_REFRESH = "the automatic refresh did not happen: check the anaf.efactura worker and its log"


@dataclass(frozen=True)
class ExpiryWarning:
    cui: str
    token: str  # "refresh" | "access"
    expires_at: datetime
    days_left: int
    action: str

    @property
    def message(self) -> str:
        return (
            f"ANAF {self.token} token of CUI {self.cui} ends on {self.expires_at:%Y-%m-%d %H:%M} UTC"
            f" ({self.days_left} day(s) left): {self.action}"
        )


def expiry_warnings(
    expiries: Iterable[TokenExpiry], now: datetime, *, warn: timedelta, refresh_margin: timedelta
) -> list[ExpiryWarning]:
    """One warning per grant that needs a person (the refresh token's end first: it is the harder one)."""
    out = []
    for grant in expiries:
        if grant.refresh_expires_at <= now + warn:
            out.append(_warning(grant.cui, "refresh", grant.refresh_expires_at, now, REAUTHORIZE))
        elif grant.access_expires_at <= now + refresh_margin:
            out.append(_warning(grant.cui, "access", grant.access_expires_at, now, CHECK_REFRESH))
    return out


def _warning(cui: str, token: str, ends: datetime, now: datetime, action: str) -> ExpiryWarning:
    return ExpiryWarning(cui, token, ends, max(0, (ends - now).days), action)
