"""The accounting app's error tree: every refusal names the entry, line, account or period.

GeniusError
├── ValidationError
│   ├── UnbalancedEntry       sum(debit) != sum(credit) of an entry
│   └── UnknownAccount        a line names an account the tenant's ledger does not have
├── Conflict
│   ├── PeriodClosed          posting into a closed or locked month
│   ├── EntryImmutable        changing a posted entry (corrections are reversals)
│   └── AlreadyPosted         a source document (or event) already has its entry
├── NotFound
│   └── EntryNotFound
└── PermissionDenied
    └── SegregationOfDuties   the creator of a manual entry tried to approve it
"""

from __future__ import annotations

from genius.kernel.errors import Conflict, NotFound, PermissionDenied, ValidationError


class UnbalancedEntry(ValidationError):
    code = "unbalanced_entry"


class UnknownAccount(ValidationError):
    code = "unknown_account"


class PeriodClosed(Conflict):
    code = "period_closed"


class EntryImmutable(Conflict):
    code = "entry_immutable"


class AlreadyPosted(Conflict):
    code = "already_posted"


class EntryNotFound(NotFound):
    code = "entry_not_found"


class SegregationOfDuties(PermissionDenied):
    code = "segregation_of_duties"
