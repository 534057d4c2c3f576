"""Accounting: ledger tables, the database guards of the balance rule, the chart and journals seeded.

How the database makes an unbalanced or altered posted entry impossible:

* An entry is inserted as ``draft``; its lines are inserted; it is posted by one UPDATE of its
  status. Inserting an entry as ``posted`` is refused, so the status change is the only way in.
* Lines of a posted entry cannot be inserted, updated or deleted, and a posted entry cannot be
  updated or deleted (triggers on both databases): corrections are reversals.
* Negative amounts are refused on lines of an entry that is not ``storno``.
* PostgreSQL: a constraint trigger ``DEFERRABLE INITIALLY DEFERRED`` on ``acc_entries`` checks at
  COMMIT that every posted entry has >= 2 lines with sum(debit) = sum(credit); an unbalanced
  entry makes the COMMIT fail and the whole transaction rolls back.
* SQLite has no deferred triggers: the BEFORE UPDATE trigger that posts an entry sums its lines
  at that moment and aborts the statement when they differ; since the lines of a posted entry
  are frozen from then on, the sums checked at posting are the sums committed.
* Posting into a month whose ``acc_periods`` row is closed or locked is refused by both.
* ``acc_balances`` (per account per month) is filled by an AFTER UPDATE trigger in the posting
  transaction, so the summary the trial balance reads can never drift from the lines.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from genius.apps.accounting.domain.accounts import synthetic_accounts
from genius.apps.accounting.domain.entries import DEFAULT_JOURNALS
from genius.apps.accounting.domain.rules import DEFAULT_RULES

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

S = "accounting"

SQLITE_TRIGGERS = [
    """
    CREATE TRIGGER acc_lines_insert_guard BEFORE INSERT ON acc_lines
    BEGIN
      SELECT RAISE(ABORT, 'acc_posted_immutable: lines cannot be added to a posted entry')
       WHERE (SELECT status FROM acc_entries WHERE id = NEW.entry_id) = 'posted';
      SELECT RAISE(ABORT, 'acc_negative_amount: negative amounts belong only to storno entries')
       WHERE (NEW.debit < 0 OR NEW.credit < 0)
         AND (SELECT storno FROM acc_entries WHERE id = NEW.entry_id) = 0;
    END
    """,
    """
    CREATE TRIGGER acc_lines_update_guard BEFORE UPDATE ON acc_lines
    BEGIN
      SELECT RAISE(ABORT, 'acc_posted_immutable: a line of a posted entry cannot change')
       WHERE (SELECT status FROM acc_entries WHERE id = OLD.entry_id) = 'posted'
          OR (SELECT status FROM acc_entries WHERE id = NEW.entry_id) = 'posted';
      SELECT RAISE(ABORT, 'acc_negative_amount: negative amounts belong only to storno entries')
       WHERE (NEW.debit < 0 OR NEW.credit < 0)
         AND (SELECT storno FROM acc_entries WHERE id = NEW.entry_id) = 0;
    END
    """,
    """
    CREATE TRIGGER acc_lines_delete_guard BEFORE DELETE ON acc_lines
    BEGIN
      SELECT RAISE(ABORT, 'acc_posted_immutable: a line of a posted entry cannot be deleted')
       WHERE (SELECT status FROM acc_entries WHERE id = OLD.entry_id) = 'posted';
    END
    """,
    """
    CREATE TRIGGER acc_entries_insert_guard BEFORE INSERT ON acc_entries
    BEGIN
      SELECT RAISE(ABORT, 'acc_post_by_update: an entry is inserted as a draft, then posted')
       WHERE NEW.status != 'draft';
    END
    """,
    """
    CREATE TRIGGER acc_entries_update_guard BEFORE UPDATE ON acc_entries
    BEGIN
      SELECT RAISE(ABORT, 'acc_posted_immutable: a posted entry cannot change; reverse it')
       WHERE OLD.status = 'posted';
      SELECT RAISE(ABORT, 'acc_negative_amount: negative amounts belong only to storno entries')
       WHERE NEW.storno = 0
         AND EXISTS (SELECT 1 FROM acc_lines WHERE entry_id = NEW.id AND (debit < 0 OR credit < 0));
      SELECT RAISE(ABORT, 'acc_unbalanced: the entry''s debits and credits differ')
       WHERE NEW.status = 'posted'
         AND (SELECT COALESCE(SUM(debit - credit), 0) FROM acc_lines WHERE entry_id = NEW.id) != 0;
      SELECT RAISE(ABORT, 'acc_too_few_lines: a posted entry has at least two lines')
       WHERE NEW.status = 'posted'
         AND (SELECT COUNT(*) FROM acc_lines WHERE entry_id = NEW.id) < 2;
      SELECT RAISE(ABORT, 'acc_period_closed: the entry''s month is closed or locked')
       WHERE NEW.status = 'posted'
         AND EXISTS (SELECT 1 FROM acc_periods
                      WHERE year = NEW.year AND month = NEW.month AND status != 'open');
    END
    """,
    """
    CREATE TRIGGER acc_entries_posted_balances AFTER UPDATE OF status ON acc_entries
    WHEN NEW.status = 'posted' AND OLD.status != 'posted'
    BEGIN
      INSERT INTO acc_balances (account, year, month, debit, credit)
      SELECT account, NEW.year, NEW.month, SUM(debit), SUM(credit)
        FROM acc_lines WHERE entry_id = NEW.id GROUP BY account
      ON CONFLICT (account, year, month)
      DO UPDATE SET debit = debit + excluded.debit, credit = credit + excluded.credit;
    END
    """,
    """
    CREATE TRIGGER acc_entries_delete_guard BEFORE DELETE ON acc_entries
    BEGIN
      SELECT RAISE(ABORT, 'acc_posted_immutable: a posted entry cannot be deleted; reverse it')
       WHERE OLD.status = 'posted';
    END
    """,
]

POSTGRES_TRIGGERS = [
    """
    CREATE FUNCTION accounting.acc_lines_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      e_status text;
      e_storno boolean;
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN
        SELECT status INTO e_status FROM accounting.acc_entries WHERE id = OLD.entry_id;
        IF e_status = 'posted' THEN
          RAISE EXCEPTION 'acc_posted_immutable: line % of posted entry % cannot change; reverse it',
            OLD.line_no, OLD.entry_id USING ERRCODE = 'restrict_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN
          RETURN OLD;
        END IF;
      END IF;
      SELECT status, storno INTO e_status, e_storno FROM accounting.acc_entries WHERE id = NEW.entry_id;
      IF e_status = 'posted' THEN
        RAISE EXCEPTION 'acc_posted_immutable: lines cannot be added to posted entry %', NEW.entry_id
          USING ERRCODE = 'restrict_violation';
      END IF;
      IF (NEW.debit < 0 OR NEW.credit < 0) AND NOT e_storno THEN
        RAISE EXCEPTION 'acc_negative_amount: line % of entry % is negative; only storno entries may be',
          NEW.line_no, NEW.entry_id USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER acc_lines_guard BEFORE INSERT OR UPDATE OR DELETE ON accounting.acc_lines
    FOR EACH ROW EXECUTE FUNCTION accounting.acc_lines_guard()
    """,
    """
    CREATE FUNCTION accounting.acc_entries_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        IF NEW.status <> 'draft' THEN
          RAISE EXCEPTION 'acc_post_by_update: entry % must be inserted as a draft, then posted', NEW.id
            USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END IF;
      IF OLD.status = 'posted' THEN
        RAISE EXCEPTION 'acc_posted_immutable: posted entry % (%) cannot change; reverse it',
          OLD.number, OLD.id USING ERRCODE = 'restrict_violation';
      END IF;
      IF TG_OP = 'DELETE' THEN
        RETURN OLD;
      END IF;
      IF NOT NEW.storno AND EXISTS (
        SELECT 1 FROM accounting.acc_lines WHERE entry_id = NEW.id AND (debit < 0 OR credit < 0)
      ) THEN
        RAISE EXCEPTION 'acc_negative_amount: entry % has negative amounts but is not storno', NEW.id
          USING ERRCODE = 'check_violation';
      END IF;
      IF NEW.status = 'posted' AND EXISTS (
        SELECT 1 FROM accounting.acc_periods
         WHERE year = NEW.year AND month = NEW.month AND status <> 'open'
      ) THEN
        RAISE EXCEPTION 'acc_period_closed: period %-% is closed or locked; entry % cannot be posted',
          NEW.year, lpad(NEW.month::text, 2, '0'), NEW.id USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER acc_entries_guard BEFORE INSERT OR UPDATE OR DELETE ON accounting.acc_entries
    FOR EACH ROW EXECUTE FUNCTION accounting.acc_entries_guard()
    """,
    """
    CREATE FUNCTION accounting.acc_entries_balances() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO accounting.acc_balances AS b (account, year, month, debit, credit)
      SELECT account, NEW.year, NEW.month, SUM(debit), SUM(credit)
        FROM accounting.acc_lines WHERE entry_id = NEW.id GROUP BY account
      ON CONFLICT (account, year, month)
      DO UPDATE SET debit = b.debit + excluded.debit, credit = b.credit + excluded.credit;
      RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER acc_entries_balances AFTER UPDATE OF status ON accounting.acc_entries
    FOR EACH ROW WHEN (NEW.status = 'posted' AND OLD.status <> 'posted')
    EXECUTE FUNCTION accounting.acc_entries_balances()
    """,
    """
    CREATE FUNCTION accounting.acc_check_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      cur_status text;
      diff bigint;
      n integer;
    BEGIN
      -- Deferred to COMMIT: look at the entry as it is then, not as it was when queued.
      SELECT status INTO cur_status FROM accounting.acc_entries WHERE id = NEW.id;
      IF cur_status IS DISTINCT FROM 'posted' THEN
        RETURN NULL;
      END IF;
      SELECT COALESCE(SUM(debit - credit), 0), COUNT(*) INTO diff, n
        FROM accounting.acc_lines WHERE entry_id = NEW.id;
      IF n < 2 THEN
        RAISE EXCEPTION 'acc_too_few_lines: posted entry % (%) has % line(s); at least two',
          NEW.number, NEW.id, n USING ERRCODE = 'check_violation';
      END IF;
      IF diff <> 0 THEN
        RAISE EXCEPTION 'acc_unbalanced: posted entry % (%) is unbalanced: debit - credit = % bani',
          NEW.number, NEW.id, diff USING ERRCODE = 'check_violation';
      END IF;
      RETURN NULL;
    END $$
    """,
    """
    CREATE CONSTRAINT TRIGGER acc_entries_balanced AFTER INSERT OR UPDATE ON accounting.acc_entries
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION accounting.acc_check_balanced()
    """,
]


def upgrade() -> None:
    op.create_table(
        "acc_accounts",
        sa.Column("code", sa.String(20), primary_key=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("grade", sa.String(12), nullable=False),
        sa.Column("synthetic", sa.String(4), nullable=False),
        sa.Column("parent", sa.String(20)),
        sa.Column("account_class", sa.Integer, nullable=False),
        sa.Column("type", sa.String(1)),
        sa.Column("partner_id", sa.String(64)),
        sa.Column("official", sa.Boolean, nullable=False),
        sa.Column("postable", sa.Boolean, nullable=False),
        sa.Column("saft_account_id", sa.String(20), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        schema=S,
    )
    op.create_table(
        "acc_journals",
        sa.Column("code", sa.String(10), primary_key=True),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        schema=S,
    )
    op.create_table(
        "acc_journal_sequences",
        sa.Column("journal", sa.String(10), primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("last_number", sa.Integer, nullable=False),
        schema=S,
    )
    op.create_table(
        "acc_periods",
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("month", sa.Integer, primary_key=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("changed_by", sa.String(64)),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('open', 'closed', 'locked')", name="ck_acc_periods_status"),
        schema=S,
    )
    op.create_table(
        "acc_entries",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("journal", sa.String(10), sa.ForeignKey(f"{S}.acc_journals.code"), nullable=False),
        sa.Column("number", sa.String(30)),
        sa.Column("entry_date", sa.Date, nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("month", sa.Integer, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("storno", sa.Boolean, nullable=False),
        sa.Column("description", sa.String(500), nullable=False),
        sa.Column("source_type", sa.String(40)),
        sa.Column("source_id", sa.String(64)),
        sa.Column("source_number", sa.String(60)),
        sa.Column("source_role", sa.String(60)),
        sa.Column("source_event_id", sa.String(64)),
        sa.Column("reverses", sa.String(64)),
        sa.Column("total", sa.BigInteger, nullable=False),
        sa.Column("created_by", sa.String(64)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved_by", sa.String(64)),
        sa.Column("posted_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint("status IN ('draft', 'posted')", name="ck_acc_entries_status"),
        sa.CheckConstraint("month BETWEEN 1 AND 12", name="ck_acc_entries_month"),
        sa.UniqueConstraint("journal", "number", name="uq_acc_entries_number"),
        sa.UniqueConstraint("source_type", "source_id", "source_role", name="uq_acc_entries_source"),
        schema=S,
    )
    op.create_index("ix_acc_entries_period", "acc_entries", ["year", "month", "status"], schema=S)
    op.create_index("ix_acc_entries_reverses", "acc_entries", ["reverses"], schema=S)
    op.create_table(
        "acc_lines",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True
        ),
        sa.Column("entry_id", sa.String(64), sa.ForeignKey(f"{S}.acc_entries.id"), nullable=False),
        sa.Column("line_no", sa.Integer, nullable=False),
        sa.Column("account", sa.String(20), sa.ForeignKey(f"{S}.acc_accounts.code"), nullable=False),
        sa.Column("partner_id", sa.String(64)),
        sa.Column("debit", sa.BigInteger, nullable=False),
        sa.Column("credit", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("currency_amount", sa.BigInteger),
        sa.Column("exchange_rate", sa.String(20)),
        sa.Column("cost_centre", sa.String(50)),
        sa.Column("project", sa.String(50)),
        sa.Column("description", sa.String(300), nullable=False),
        sa.Column("vat_treatment", sa.String(30)),
        sa.Column("vat_rate", sa.String(10)),
        sa.Column("vat_role", sa.String(4)),
        sa.Column("due_date", sa.Date),
        # One side per line (RO: a line is a debit or a credit); storno lines are negative.
        sa.CheckConstraint("debit = 0 OR credit = 0", name="ck_acc_lines_one_side"),
        sa.CheckConstraint("debit <> 0 OR credit <> 0", name="ck_acc_lines_amount"),
        schema=S,
    )
    op.create_index("ix_acc_lines_entry", "acc_lines", ["entry_id"], schema=S)
    op.create_index("ix_acc_lines_account", "acc_lines", ["account", "entry_id"], schema=S)
    op.create_index("ix_acc_lines_partner", "acc_lines", ["partner_id"], schema=S)
    op.create_table(
        "acc_balances",
        sa.Column("account", sa.String(20), primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("month", sa.Integer, primary_key=True),
        sa.Column("debit", sa.BigInteger, nullable=False),
        sa.Column("credit", sa.BigInteger, nullable=False),
        schema=S,
    )
    op.create_index("ix_acc_balances_period", "acc_balances", ["year", "month"], schema=S)
    op.create_table(
        "acc_posting_rules",
        sa.Column("flow", sa.String(10), primary_key=True),
        sa.Column("selector", sa.String(20), primary_key=True),
        sa.Column("value", sa.String(50), primary_key=True),
        sa.Column("account", sa.String(20), nullable=False),
        sa.Column("description", sa.String(200), nullable=False),
        schema=S,
    )
    op.create_table(
        "acc_settings",
        sa.Column("key", sa.String(50), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
        schema=S,
    )
    op.create_table(
        "acc_partners",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("kind", sa.String(20)),
        sa.Column("country_code", sa.String(2)),
        sa.Column("cui", sa.String(20)),
        sa.Column("vat_id", sa.String(30)),
        sa.Column("customer_account", sa.String(20)),
        sa.Column("supplier_account", sa.String(20)),
        schema=S,
    )
    op.create_table(
        "acc_analytic_sequences",
        sa.Column("synthetic", sa.String(4), primary_key=True),
        sa.Column("last_number", sa.Integer, nullable=False),
        schema=S,
    )
    bind = op.get_bind()
    for statement in SQLITE_TRIGGERS if bind.dialect.name == "sqlite" else POSTGRES_TRIGGERS:
        op.execute(statement)
    _seed()


def _seed() -> None:
    meta = sa.MetaData()
    accounts = sa.Table(
        "acc_accounts",
        meta,
        *(sa.Column(n) for n in ("code", "name", "grade", "synthetic", "parent", "account_class", "type")),
        *(sa.Column(n) for n in ("partner_id", "official", "postable", "saft_account_id", "active")),
        schema=S,
    )
    journals = sa.Table(
        "acc_journals", meta, sa.Column("code"), sa.Column("kind"), sa.Column("name"), schema=S
    )
    rules = sa.Table(
        "acc_posting_rules",
        meta,
        *(sa.Column(n) for n in ("flow", "selector", "value", "account", "description")),
        schema=S,
    )
    op.bulk_insert(
        accounts,
        [
            {
                "code": a.code,
                "name": a.name[:300],
                "grade": a.grade.value,
                "synthetic": a.synthetic,
                "parent": a.parent,
                "account_class": a.account_class,
                "type": a.type,
                "partner_id": None,
                "official": a.official,
                "postable": a.postable,
                "saft_account_id": a.saft_account_id,
                "active": True,
            }
            for a in synthetic_accounts()
        ],
    )
    op.bulk_insert(
        journals,
        [{"code": code, "kind": kind.value, "name": name} for code, (kind, name) in DEFAULT_JOURNALS.items()],
    )
    op.bulk_insert(
        rules,
        [
            {
                "flow": r.flow.value,
                "selector": r.selector.value,
                "value": r.value,
                "account": r.account,
                "description": r.description,
            }
            for r in DEFAULT_RULES
        ],
    )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for name, table in (
            ("acc_entries_balanced", "acc_entries"),
            ("acc_entries_balances", "acc_entries"),
            ("acc_entries_guard", "acc_entries"),
            ("acc_lines_guard", "acc_lines"),
        ):
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON accounting.{table}")
        for fn in ("acc_check_balanced", "acc_entries_balances", "acc_entries_guard", "acc_lines_guard"):
            op.execute(f"DROP FUNCTION IF EXISTS accounting.{fn}()")
    for table in (
        "acc_analytic_sequences",
        "acc_partners",
        "acc_settings",
        "acc_posting_rules",
        "acc_balances",
        "acc_lines",
        "acc_entries",
        "acc_periods",
        "acc_journal_sequences",
        "acc_journals",
        "acc_accounts",
    ):
        op.drop_table(table, schema=S)
