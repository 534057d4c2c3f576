"""Fiscal periods, posting rules and the tenant's accounting settings: reads and writes."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from genius.apps.accounting import tables as t
from genius.apps.accounting.domain.periods import Period, PeriodStatus
from genius.apps.accounting.domain.rules import AccountingSettings, PostingRule, PostingRules, parse_rule

from .rows import dialect_insert


def period_status(conn: Connection, period: Period) -> PeriodStatus:
    row = conn.execute(
        sa.select(t.periods.c.status).where(
            t.periods.c.year == period.year, t.periods.c.month == period.month
        )
    ).first()
    return PeriodStatus(row.status) if row else PeriodStatus.OPEN


def set_period_status(
    conn: Connection, period: Period, status: PeriodStatus, *, by: str | None, at: datetime
) -> None:
    stmt = (
        dialect_insert(conn)(t.periods)
        .values(year=period.year, month=period.month, status=status.value, changed_by=by, changed_at=at)
        .on_conflict_do_update(
            index_elements=["year", "month"],
            set_={"status": status.value, "changed_by": by, "changed_at": at},
        )
    )
    conn.execute(stmt)


def list_periods(conn: Connection) -> list[Any]:
    return list(conn.execute(sa.select(t.periods).order_by(t.periods.c.year, t.periods.c.month)))


def load_rules(conn: Connection) -> PostingRules:
    rules = [
        parse_rule(r.flow, r.selector, r.value, r.account, r.description)
        for r in conn.execute(sa.select(t.posting_rules))
    ]
    return PostingRules(rules, load_settings(conn))


def save_rule(conn: Connection, rule: PostingRule) -> None:
    values = {"account": rule.account, "description": rule.description}
    conn.execute(
        dialect_insert(conn)(t.posting_rules)
        .values(flow=rule.flow.value, selector=rule.selector.value, value=rule.value, **values)
        .on_conflict_do_update(index_elements=["flow", "selector", "value"], set_=values)
    )


def delete_rule(conn: Connection, flow: str, selector: str, value: str) -> int:
    result = conn.execute(
        t.posting_rules.delete().where(
            t.posting_rules.c.flow == flow,
            t.posting_rules.c.selector == selector,
            t.posting_rules.c.value == value,
        )
    )
    return int(result.rowcount or 0)


def load_settings(conn: Connection) -> AccountingSettings:
    stored = {r.key: json.loads(r.value) for r in conn.execute(sa.select(t.settings))}
    return AccountingSettings().with_values(stored)


def save_settings(conn: Connection, values: dict[str, Any]) -> None:
    for key, value in values.items():
        encoded = json.dumps(value.value if hasattr(value, "value") else value)
        conn.execute(
            dialect_insert(conn)(t.settings)
            .values(key=key, value=encoded)
            .on_conflict_do_update(index_elements=["key"], set_={"value": encoded})
        )
