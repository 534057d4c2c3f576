"""The accounting tables (schema ``accounting``, names prefixed ``acc_``) as SQLAlchemy Core metadata.

Amounts are integer **bani** (BIGINT): sums are exact on SQLite and PostgreSQL alike and the
balance triggers compare integers. ``acc_balances`` is the per-account per-month summary the
trial balance reads; triggers fill it in the posting transaction (migration 0001 explains them).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

SCHEMA = "accounting"
metadata = MetaData(schema=SCHEMA)

accounts = Table(
    "acc_accounts",
    metadata,
    Column("code", String(20), primary_key=True),
    Column("name", String(300), nullable=False),
    Column("grade", String(12), nullable=False),  # synthetic1 | synthetic2 | analytic
    Column("synthetic", String(4), nullable=False),
    Column("parent", String(20)),
    Column("account_class", Integer, nullable=False),
    Column("type", String(1)),  # A / P / B
    Column("partner_id", String(64)),
    Column("official", Boolean, nullable=False),
    Column("postable", Boolean, nullable=False),
    Column("saft_account_id", String(20), nullable=False),
    Column("active", Boolean, nullable=False),
)

journals = Table(
    "acc_journals",
    metadata,
    Column("code", String(10), primary_key=True),
    Column("kind", String(12), nullable=False),
    Column("name", String(100), nullable=False),
)

journal_sequences = Table(
    "acc_journal_sequences",
    metadata,
    Column("journal", String(10), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("last_number", Integer, nullable=False),
)

entries = Table(
    "acc_entries",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("journal", String(10), ForeignKey(f"{SCHEMA}.acc_journals.code"), nullable=False),
    Column("number", String(30)),
    Column("entry_date", Date, nullable=False),
    Column("year", Integer, nullable=False),
    Column("month", Integer, nullable=False),
    Column("status", String(10), nullable=False),  # draft | posted
    Column("storno", Boolean, nullable=False),
    Column("description", String(500), nullable=False),
    Column("source_type", String(40)),
    Column("source_id", String(64)),
    Column("source_number", String(60)),
    Column("source_role", String(60)),
    Column("source_event_id", String(64)),
    Column("reverses", String(64)),
    Column("total", BigInteger, nullable=False),  # bani: sum of debits
    Column("created_by", String(64)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("approved_by", String(64)),
    Column("posted_at", DateTime(timezone=True)),
    UniqueConstraint("journal", "number", name="uq_acc_entries_number"),
    # One entry per posting of a source document: a repeated event cannot post twice.
    UniqueConstraint("source_type", "source_id", "source_role", name="uq_acc_entries_source"),
    Index("ix_acc_entries_period", "year", "month", "status"),
    Index("ix_acc_entries_reverses", "reverses"),
    Index("ix_acc_entries_date", "entry_date", "status"),
)

lines = Table(
    "acc_lines",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("entry_id", String(64), ForeignKey(f"{SCHEMA}.acc_entries.id"), nullable=False),
    Column("line_no", Integer, nullable=False),
    Column("account", String(20), ForeignKey(f"{SCHEMA}.acc_accounts.code"), nullable=False),
    Column("partner_id", String(64)),
    Column("debit", BigInteger, nullable=False),
    Column("credit", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("currency_amount", BigInteger),  # in the currency's hundredths
    Column("exchange_rate", String(20)),  # decimal text: lei per unit
    Column("cost_centre", String(50)),
    Column("project", String(50)),
    Column("description", String(300), nullable=False),
    Column("vat_treatment", String(30)),
    Column("vat_rate", String(10)),
    Column("vat_role", String(4)),  # base | tax
    Column("due_date", Date),
    Index("ix_acc_lines_entry", "entry_id"),
    Index("ix_acc_lines_account", "account", "entry_id"),
    Index("ix_acc_lines_partner", "partner_id"),
)

balances = Table(
    "acc_balances",
    metadata,
    Column("account", String(20), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("month", Integer, primary_key=True),
    Column("debit", BigInteger, nullable=False),
    Column("credit", BigInteger, nullable=False),
    Index("ix_acc_balances_period", "year", "month"),
)

periods = Table(
    "acc_periods",
    metadata,
    Column("year", Integer, primary_key=True),
    Column("month", Integer, primary_key=True),
    Column("status", String(10), nullable=False),
    Column("changed_by", String(64)),
    Column("changed_at", DateTime(timezone=True), nullable=False),
)

posting_rules = Table(
    "acc_posting_rules",
    metadata,
    Column("flow", String(10), primary_key=True),
    Column("selector", String(20), primary_key=True),
    Column("value", String(50), primary_key=True),
    Column("account", String(20), nullable=False),
    Column("description", String(200), nullable=False),
)

settings = Table(
    "acc_settings",
    metadata,
    Column("key", String(50), primary_key=True),
    Column("value", Text, nullable=False),  # JSON
)

partners = Table(
    "acc_partners",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(300), nullable=False),
    Column("kind", String(20)),
    Column("country_code", String(2)),
    Column("cui", String(20)),
    Column("vat_id", String(30)),
    Column("customer_account", String(20)),
    Column("supplier_account", String(20)),
)

# The next analytic number per synthetic account (4111 -> 23 gives 4111.00023).
analytic_sequences = Table(
    "acc_analytic_sequences",
    metadata,
    Column("synthetic", String(4), primary_key=True),
    Column("last_number", Integer, nullable=False),
)

# BNR reference rates, accounting's own copy (domain/fx.py): the bank side of a currency settlement.
fx_rates = Table(
    "acc_fx_rates",
    metadata,
    Column("currency", String(3), primary_key=True),
    Column("rate_date", Date, primary_key=True),
    Column("rate", String(20), nullable=False),  # decimal text: lei for ``multiplier`` units
    Column("multiplier", Integer, nullable=False),
    Column("source", String(40), nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
)

# The tenant's bank accounts: the treasury account a statement's IBAN posts to (domain/treasury.py).
bank_accounts = Table(
    "acc_bank_accounts",
    metadata,
    Column("iban", String(34), primary_key=True),
    Column("currency", String(3), nullable=False),
    Column("account", String(20), nullable=False),
    Column("name", String(100), nullable=False),
)
