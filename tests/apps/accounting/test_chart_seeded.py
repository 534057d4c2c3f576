"""A new tenant's database holds the OMFP 1802 chart: each grade I and II account, type, D406 mapping."""

from __future__ import annotations

import csv
from pathlib import Path

import sqlalchemy as sa

from genius.apps.accounting import tables as t
from tests.apps.accounting.conftest import Ledger

REFERENCE = Path(__file__).resolve().parents[3] / "src/genius/fiscal/ro/chart/data/accounts.csv"
GRADES = {"1": "synthetic1", "2": "synthetic2"}


def reference() -> dict[str, dict[str, str]]:
    """The shipped reference list (read here with csv, not through the code that seeds it)."""
    with REFERENCE.open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row for row in csv.DictReader(handle) if row["grade"] in GRADES}


def test_a_new_tenant_has_the_whole_chart_seeded(any_ledger: Ledger) -> None:
    expected = reference()
    with any_ledger.engine.connect() as conn:
        rows = {
            r.code: r for r in conn.execute(sa.select(t.accounts).where(t.accounts.c.grade != "analytic"))
        }
    assert set(rows) == set(expected)  # nothing missing, nothing invented
    classes = {int(r.account_class) for r in rows.values()}
    assert set(range(1, 9)) <= classes
    for cls in range(1, 9):
        grades = {r.grade for r in rows.values() if r.account_class == cls}
        assert grades == {"synthetic1", "synthetic2"}, (cls, grades)
    with_children = {row["parent"] for row in expected.values() if row["grade"] == "2"}
    for code, row in expected.items():
        seeded = rows[code]
        assert seeded.name == row["name"], code
        assert seeded.account_class == int(row["class"]) and seeded.grade == GRADES[row["grade"]], code
        if seeded.account_class <= 8:  # class 9 (management accounts) has no balance-sheet type
            assert seeded.type == row["type"] and seeded.type in ("A", "P", "B"), code
        else:
            assert seeded.type is None and row["type"] == "", code
        assert seeded.parent == (row["parent"] if row["grade"] == "2" else None), code
        assert seeded.synthetic == code and seeded.saft_account_id == code, code
        in_plan = row["anaf_plan"] == "1" or (
            row["grade"] == "2" and expected[row["parent"]]["anaf_plan"] == "1"
        )
        assert bool(seeded.official) is in_plan, code
        assert bool(seeded.postable) is (code not in with_children), code
        assert bool(seeded.active), code
    # Spot checks of accounts every posting uses (RO-ACCOUNTING.md §1).
    assert (rows["4111"].type, rows["4111"].parent, rows["411"].postable) == ("A", "411", False)
    assert (rows["5311"].name, rows["704"].name) == ("Casa în lei", "Venituri din servicii prestate")
