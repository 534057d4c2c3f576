"""The cash register's commands, each in the caller's unit of work: record an operation, cancel one.

``record`` (``handlers.record``) checks and posts a receipt, a payment or a plain operation;
``cancel`` (``handlers.cancel``) reverses one recorded by mistake in red storno and restores what
it settled.
"""

from __future__ import annotations

from genius.apps.accounting.cash.handlers.cancel import CancelInput, Cancelled, cancel
from genius.apps.accounting.cash.handlers.record import CashInput, Recorded, record

__all__ = ["CancelInput", "Cancelled", "CashInput", "Recorded", "cancel", "record"]
