"""Reads and writes of the ledger on a connection of the caller's transaction (amounts in bani).

One module per responsibility (``rows``: bani and upserts; ``accounts``: accounts and partners;
``entries``: entries and lines; ``setup``: periods, posting rules, settings; ``currency``: the
foreign-currency items month-end revaluation reads), re-exported here so callers keep writing
``repo.get_entry(...)``.
"""

from genius.apps.accounting.repository.accounts import (
    account_checker,
    accounts_by_code,
    insert_account,
    list_accounts,
    next_analytic_number,
    partner_row,
    upsert_partner,
)
from genius.apps.accounting.repository.currency import (
    REVALUATION_SOURCE,
    currency_items,
    last_revaluation,
    revaluation_entries,
    revalued_after,
)
from genius.apps.accounting.repository.entries import (
    delete_draft,
    entry_from_rows,
    find_by_source,
    get_entry,
    insert_draft,
    line_row,
    list_entries,
    mark_posted,
    next_number,
    translate_db_error,
)
from genius.apps.accounting.repository.rows import dialect_insert, from_bani, to_bani
from genius.apps.accounting.repository.setup import (
    delete_rule,
    list_periods,
    load_rules,
    load_settings,
    period_status,
    save_rule,
    save_settings,
    set_period_status,
)

__all__ = [
    "REVALUATION_SOURCE",
    "account_checker",
    "accounts_by_code",
    "currency_items",
    "delete_draft",
    "delete_rule",
    "dialect_insert",
    "entry_from_rows",
    "find_by_source",
    "from_bani",
    "get_entry",
    "insert_account",
    "insert_draft",
    "last_revaluation",
    "line_row",
    "list_accounts",
    "list_entries",
    "list_periods",
    "load_rules",
    "load_settings",
    "mark_posted",
    "next_analytic_number",
    "next_number",
    "partner_row",
    "period_status",
    "revaluation_entries",
    "revalued_after",
    "save_rule",
    "save_settings",
    "set_period_status",
    "to_bani",
    "translate_db_error",
    "upsert_partner",
]
