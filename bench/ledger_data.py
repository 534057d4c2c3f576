"""A realistic ledger of any size in a tenant database (bulk insert), for the accounting and D406 benchmarks.

    from bench.ledger_data import generate, tenant_ledger
    with tenant_ledger("sqlite", tmp) as (engine, slug):          # or "postgres" (GENIUS_TEST_DATABASE_URL)
        stats = generate(engine, lines=1_000_000)               # ~265,000 entries over 24 months

The mix follows an SME's books: sales invoices (4111.x = 707/704/7015 + 4427, one to three VAT
groups at 21/11 %, some intra-EU without VAT), supplier invoices (371/628/6022/6052 + 4426 =
401.x, some reverse charge 4426 = 4427), bank receipts and payments (5121), cash (5311) and
manual entries (salaries 641 = 421, depreciation 6811 = 2813, bank fees 627 = 5121). Partners
get analytic accounts (4111.00001.., 401.00001..) as the postings would create them.

Rows go in through the ledger's own path, in batches: entries as drafts, their lines, then one
UPDATE per batch that posts them, so the database guards (balance, immutability, period) and the
summary trigger (``acc_balances``) run exactly as for live postings. Deterministic for a seed.
"""

from __future__ import annotations

import os
import random
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Protocol

import sqlalchemy as sa

from genius.apps.accounting import ACCOUNTING_COMPONENT
from genius.apps.accounting.domain.accounts import analytic_account
from genius.platform.audit import AUDIT_COMPONENT
from genius.platform.bus import BUS_COMPONENT
from genius.platform.db.engine import make_engine, sqlite_url
from genius.platform.db.migrate import MigrationComponent, upgrade
from genius.platform.tenancy import TenantDatabases, TenantRegistry

ROOT = Path(__file__).resolve().parent.parent
CONTROL = MigrationComponent("control", "control", ROOT / "src/genius/platform/db/migrations/control")
BATCH_ENTRIES = 2000
CUSTOMERS = 2000
SUPPLIERS = 400
FIRST_YEAR = 2025
MONTHS = 24
VAT_RATES = ((21, 0.8), (11, 0.2))
AVERAGE_LINES = 3.8  # of the mix below: spreads the entries evenly over the months


@dataclass(frozen=True)
class LedgerStats:
    entries: int
    lines: int
    first: date
    last: date
    seconds: float
    customers: int
    suppliers: int


@dataclass(frozen=True)
class DrawnEntry:
    """One entry of the mix as drawn, before it is inserted (lines as tuples in bani)."""

    id: str
    journal: str
    day: date
    lines: list[tuple]


@dataclass(frozen=True)
class SourceRef:
    """The document an entry was posted from (``acc_entries.source_*``)."""

    type: str
    id: str
    number: str
    role: str


class LedgerExtension(Protocol):
    """What a benchmark adds to the generated ledger, written in the generator's transactions."""

    def seed(self, conn: sa.Connection, customers: list[str], suppliers: list[str]) -> None:
        """Called once, in the transaction that creates the partners' accounts."""

    def source(self, entry: DrawnEntry, number: int, rng: random.Random) -> SourceRef | None:
        """The entry's source document (``number``: its place in the journal's year), or None.

        Draws from ``rng`` (the generator's), so the ledger stays deterministic for a seed.
        """

    def flush(self, conn: sa.Connection) -> None:
        """Called in each batch's transaction, after its entries are posted."""


@contextmanager
def tenant_ledger(kind: str, tmp: Path) -> Iterator[tuple[sa.Engine, str]]:
    """A throwaway tenant with the accounting tables: SQLite under ``tmp``, or a PostgreSQL database."""
    control = make_engine(sqlite_url(tmp / f"control-{kind}.db"), schemas=["control"])
    upgrade(control, [CONTROL])
    clusters = {}
    if kind == "postgres":
        url = os.environ.get("GENIUS_TEST_DATABASE_URL")
        if not url:
            raise RuntimeError("set GENIUS_TEST_DATABASE_URL for the PostgreSQL run")
        clusters = {"default": url}
    databases = TenantDatabases(
        control,
        data_dir=tmp,
        clusters=clusters,
        components=[AUDIT_COMPONENT, BUS_COMPONENT, ACCOUNTING_COMPONENT],
    )
    registry = TenantRegistry(databases)
    slug = f"bl{uuid.uuid4().hex[:10]}"
    registry.create(slug, name="Bench Ledger SRL", cui="RO18547290", cluster="default" if clusters else None)
    try:
        yield databases.engine_for_slug(slug), slug
    finally:
        registry.delete(slug)
        databases.dispose()
        control.dispose()


def _table(engine: sa.Engine, name: str) -> str:
    return f"accounting.{name}" if engine.dialect.name == "postgresql" else name


def _partners(conn: sa.Connection, engine: sa.Engine) -> tuple[list[str], list[str]]:
    customers = [f"4111.{i:05d}" for i in range(1, CUSTOMERS + 1)]
    suppliers = [f"401.{i:05d}" for i in range(1, SUPPLIERS + 1)]
    rows = []
    partners = []
    for code in customers + suppliers:
        pid = f"p-{code}"
        account = analytic_account(code, f"Partener {code}", partner_id=pid)
        rows.append(
            {
                "code": account.code,
                "name": account.name,
                "grade": account.grade.value,
                "synthetic": account.synthetic,
                "parent": account.parent,
                "account_class": account.account_class,
                "type": account.type,
                "partner_id": pid,
                "official": account.official,
                "postable": True,
                "saft_account_id": account.saft_account_id,
                "active": True,
            }
        )
        is_customer = code.startswith("4111")
        partners.append(
            {
                "id": pid,
                "name": f"Partener {code}",
                "customer_account": code if is_customer else None,
                "supplier_account": None if is_customer else code,
            }
        )
    columns = list(rows[0])
    conn.execute(
        sa.text(
            f"INSERT INTO {_table(engine, 'acc_accounts')} ({', '.join(columns)}) "
            f"VALUES ({', '.join(':' + c for c in columns)})"
        ),
        rows,
    )
    conn.execute(
        sa.text(
            f"INSERT INTO {_table(engine, 'acc_partners')} (id, name, customer_account, supplier_account) "
            "VALUES (:id, :name, :customer_account, :supplier_account)"
        ),
        partners,
    )
    return customers, suppliers


class _Builder:
    """Draws entries of the mix; each returns (journal, lines) with lines as tuples in bani."""

    def __init__(self, rng: random.Random, customers: list[str], suppliers: list[str]) -> None:
        self.rng = rng
        self.customers = customers
        self.suppliers = suppliers

    def _rate(self) -> int:
        return 21 if self.rng.random() < VAT_RATES[0][1] else 11

    def sale(self) -> tuple[str, list[tuple]]:
        rng = self.rng
        customer = rng.choice(self.customers)
        pid = f"p-{customer}"
        lines: list[tuple] = []
        total = 0
        intra_eu = rng.random() < 0.05
        for _ in range(rng.choice((1, 1, 2, 3))):
            net = rng.randint(5_000, 2_000_000)
            account = rng.choice(("707", "707", "704", "7015"))
            if intra_eu:
                lines.append((account, 0, net, pid, "sale_intra_eu_goods", "0", "base"))
                total += net
                continue
            rate = self._rate()
            vat = net * rate // 100
            lines.append((account, 0, net, pid, "sale_taxable", str(rate), "base"))
            lines.append(("4427", 0, vat, pid, "sale_taxable", str(rate), "tax"))
            total += net + vat
        return "VZ", [(customer, total, 0, pid, None, None, None), *lines]

    def purchase(self) -> tuple[str, list[tuple]]:
        rng = self.rng
        supplier = rng.choice(self.suppliers)
        pid = f"p-{supplier}"
        lines: list[tuple] = []
        payable = 0
        reverse = rng.random() < 0.05
        for _ in range(rng.choice((1, 1, 2))):
            net = rng.randint(5_000, 1_500_000)
            account = rng.choice(("371", "628", "6022", "6052", "626"))
            vat = net * 21 // 100
            treatment = "purchase_intra_eu_goods" if reverse else "purchase_taxable"
            lines.append((account, net, 0, pid, treatment, "21", "base"))
            lines.append(("4426", vat, 0, pid, treatment, "21", "tax"))
            if reverse:
                lines.append(("4427", 0, vat, pid, treatment, "21", "tax"))
                payable += net
            else:
                payable += net + vat
        return "CP", [*lines, (supplier, 0, payable, pid, None, None, None)]

    def bank(self) -> tuple[str, list[tuple]]:
        rng = self.rng
        amount = rng.randint(10_000, 2_500_000)
        if rng.random() < 0.6:
            customer = rng.choice(self.customers)
            pid = f"p-{customer}"
            return "BA", [
                ("5121", amount, 0, pid, None, None, None),
                (customer, 0, amount, pid, None, None, None),
            ]
        supplier = rng.choice(self.suppliers)
        pid = f"p-{supplier}"
        return "BA", [
            (supplier, amount, 0, pid, None, None, None),
            ("5121", 0, amount, pid, None, None, None),
        ]

    def cash(self) -> tuple[str, list[tuple]]:
        amount = self.rng.randint(1_000, 500_000)
        customer = self.rng.choice(self.customers)
        pid = f"p-{customer}"
        return "CS", [
            ("5311", amount, 0, pid, None, None, None),
            (customer, 0, amount, pid, None, None, None),
        ]

    def manual(self) -> tuple[str, list[tuple]]:
        rng = self.rng
        amount = rng.randint(100_000, 5_000_000)
        debit, credit = rng.choice((("641", "421"), ("6811", "2813"), ("627", "5121"), ("635", "446")))
        return "NC", [(debit, amount, 0, None, None, None, None), (credit, 0, amount, None, None, None, None)]

    def draw(self) -> tuple[str, list[tuple]]:
        pick = self.rng.random()
        if pick < 0.45:
            return self.sale()
        if pick < 0.65:
            return self.purchase()
        if pick < 0.90:
            return self.bank()
        if pick < 0.95:
            return self.cash()
        return self.manual()


def generate(
    engine: sa.Engine,
    *,
    lines: int = 1_000_000,
    seed: int = 42,
    first_year: int = FIRST_YEAR,
    months: int = MONTHS,
    extension: LedgerExtension | None = None,
) -> LedgerStats:
    """Post about ``lines`` journal lines over ``months`` months from January ``first_year``.

    ``extension`` adds rows beside the ledger (the D406 bench's read model) and the entries'
    source references, in the same transactions.
    """
    rng = random.Random(seed)
    started = time.perf_counter()
    entries_t, lines_t = _table(engine, "acc_entries"), _table(engine, "acc_lines")
    with engine.begin() as conn:
        customers, suppliers = _partners(conn, engine)
        if extension is not None:
            extension.seed(conn, customers, suppliers)
    builder = _Builder(rng, customers, suppliers)
    numbers: dict[tuple[str, int], int] = {}
    made_entries = made_lines = 0
    now = datetime.now(UTC)
    insert_entry = sa.text(
        f"INSERT INTO {entries_t} (id, journal, number, entry_date, year, month, status, storno, "
        "description, total, created_at, source_type, source_id, source_number, source_role) "
        "VALUES (:id, :journal, :number, :d, :y, :m, 'draft', false, :desc, :total, :now, "
        ":st, :sid, :sno, :sr)"
    )
    insert_line = sa.text(
        f"INSERT INTO {lines_t} (entry_id, line_no, account, partner_id, debit, credit, currency, "
        "description, vat_treatment, vat_rate, vat_role) "
        "VALUES (:e, :n, :a, :p, :d, :c, 'RON', '', :vt, :vr, :vo)"
    )
    post = sa.text(f"UPDATE {entries_t} SET status = 'posted', posted_at = :now WHERE id BETWEEN :lo AND :hi")
    days = [date(first_year + (m // 12), m % 12 + 1, d) for m in range(months) for d in range(1, 29)]
    expected_entries = max(1, int(lines / AVERAGE_LINES))
    while made_lines < lines:
        entry_rows, line_rows = [], []
        for _ in range(BATCH_ENTRIES):
            journal, drawn = builder.draw()
            day = days[min(len(days) - 1, int(made_entries * len(days) / expected_entries))]
            key = (journal, day.year)
            numbers[key] = numbers.get(key, 0) + 1
            entry_id = f"b{made_entries:09d}"
            ref = (
                extension.source(DrawnEntry(entry_id, journal, day, drawn), numbers[key], rng)
                if extension is not None
                else None
            )
            entry_rows.append(
                {
                    "id": entry_id,
                    "journal": journal,
                    "number": f"{journal}-{day.year}-{numbers[key]:06d}",
                    "d": day,
                    "y": day.year,
                    "m": day.month,
                    "desc": f"Bench {journal}",
                    "total": sum(x[1] for x in drawn),
                    "now": now,
                    "st": ref.type if ref else None,
                    "sid": ref.id if ref else None,
                    "sno": ref.number if ref else None,
                    "sr": ref.role if ref else None,
                }
            )
            for no, (account, debit, credit, pid, vt, vr, vo) in enumerate(drawn, 1):
                line_rows.append(
                    {
                        "e": entry_id,
                        "n": no,
                        "a": account,
                        "p": pid,
                        "d": debit,
                        "c": credit,
                        "vt": vt,
                        "vr": vr,
                        "vo": vo,
                    }
                )
            made_entries += 1
            made_lines += len(drawn)
            if made_lines >= lines:
                break
        with engine.begin() as conn:
            conn.execute(insert_entry, entry_rows)
            conn.execute(insert_line, line_rows)
            conn.execute(post, {"now": now, "lo": entry_rows[0]["id"], "hi": entry_rows[-1]["id"]})
            if extension is not None:
                extension.flush(conn)
    with engine.begin() as conn:
        for (journal, year), last in numbers.items():
            conn.execute(
                sa.text(
                    f"INSERT INTO {_table(engine, 'acc_journal_sequences')} (journal, year, last_number) "
                    "VALUES (:j, :y, :n)"
                ),
                {"j": journal, "y": year, "n": last},
            )
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text(f"ANALYZE {entries_t}"))
            conn.execute(sa.text(f"ANALYZE {lines_t}"))
            conn.execute(sa.text(f"ANALYZE {_table(engine, 'acc_balances')}"))
    else:
        with engine.begin() as conn:
            conn.execute(sa.text("ANALYZE"))
    return LedgerStats(
        made_entries,
        made_lines,
        days[0],
        days[-1],
        time.perf_counter() - started,
        len(customers),
        len(suppliers),
    )
