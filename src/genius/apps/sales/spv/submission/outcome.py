"""What one submission run returns, and ANAF's messages in the form the submission records."""

from __future__ import annotations

import re
from dataclasses import dataclass

from genius.apps.sales.domain.submissions import Submission


@dataclass(frozen=True)
class Outcome:
    """Where one run left the invoice's submission."""

    outcome: str  # accepted, rejected, refused, waiting, cancelled, nothing, busy
    invoice_id: str
    attempt: Submission | None = None
    messages: tuple[str, ...] = ()


def rule_message(rule_id: str | None, message: str) -> str:
    """``RULE-ID: text`` from ANAF's ``[RULE-ID]-text`` (the id once, first); the text alone without one."""
    if not rule_id:
        return message
    text = re.sub(rf"^\[{re.escape(rule_id)}\]\s*-?\s*", "", message.strip())
    return f"{rule_id}: {text}"


__all__ = ["Outcome", "rule_message"]
