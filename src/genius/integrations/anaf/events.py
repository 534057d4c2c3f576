"""Events of the ANAF integration: the warning that a tenant's ANAF authorization is ending."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, ClassVar

from genius.kernel.messages import Event


@dataclass(frozen=True)
class AnafTokenExpiryWarned(Event):
    """A tenant's ANAF grant ends soon: an administrator must act (published at most once a day per tenant).

    ``token`` is ``refresh`` when the refresh token ends within ``anaf_token_warn_days`` (someone
    must authorize again with the qualified certificate), ``access`` when the access token is inside
    its refresh margin and was not refreshed (the scheduled refresh keeps failing).
    """

    event_type: ClassVar[str] = "integrations.anaf_token.expiry_warned"
    schema_version: ClassVar[int] = 1

    cui: Annotated[str, "The CUI the grant serves (digits, no RO)"]
    token: Annotated[str, "Which token ends: refresh or access"]
    expires_at: Annotated[datetime, "When it ends (UTC)"]
    days_left: Annotated[int, "Whole days left (0 = today or already ended)"]
    action: Annotated[str, "What the administrator must do"]
