"""The ANAF token expiry warning of the scheduler: logged, audited and published once a day per tenant.

A tenant authorized through the ANAF double; its stored grant's ends are then moved (as the
scheduled refreshes would have kept the access token fresh) and ``run_due`` is called with
clocks placed around them instead of waiting months.
"""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from genius.apps.sales.spv.oauth import AnafAccess
from genius.integrations.anaf.expiry import CHECK_REFRESH, REAUTHORIZE, expiry_warnings
from genius.integrations.anaf.tokens import TokenExpiry
from genius.kernel.clock import utcnow
from genius.platform.audit.tables import audit_records
from genius.platform.bus.tables import outbox
from genius.workers.schedules import run_due
from tests.apps.sales.conftest import World

EVENT = "integrations.anaf_token.expiry_warned"
AUDIT_ACTION = "anaf.token.expiry_warning"


def grant(world: World) -> TokenExpiry:
    [found] = AnafAccess.of(world.platform).store(world.ctx).expiries()
    return found


def refresh_ends_in(world: World, days: float, *, access_days: float = 60) -> datetime:
    """Move the stored grant's ends to ``days`` (refresh) and ``access_days`` (access) from now."""
    store = AnafAccess.of(world.platform).store(world.ctx)
    cui = grant(world).cui
    stored = store.load(cui)
    assert stored is not None
    now = utcnow()
    moved = replace(
        stored.tokens,
        refresh_expires_at=now + timedelta(days=days),
        access_expires_at=now + timedelta(days=access_days),
    )
    store.save(cui, moved, expected_version=stored.version)
    return now


def warned(world: World) -> list[dict[str, Any]]:
    with world.engine().connect() as conn:
        bodies = conn.execute(sa.select(outbox.c.body).where(outbox.c.type == EVENT).order_by(outbox.c.seq))
        return [json.loads(b) for b in bodies.scalars()]


def audited(world: World) -> list[sa.Row[Any]]:
    with world.engine().connect() as conn:
        return list(conn.execute(sa.select(audit_records).where(audit_records.c.action == AUDIT_ACTION)))


def test_a_grant_far_from_its_end_warns_nobody(seller: World) -> None:
    run_due(seller.platform, {"anaf.efactura"}, grant(seller).obtained_at + timedelta(days=1))
    assert warned(seller) == [] and audited(seller) == []


def test_a_refresh_token_ending_soon_is_warned_once_a_day(
    seller: World, caplog: pytest.LogCaptureFixture
) -> None:
    settings = seller.platform.settings
    now = refresh_ends_in(seller, settings.anaf_token_warn_days + 1)
    ends = grant(seller).refresh_expires_at
    inside = ends - timedelta(days=settings.anaf_token_warn_days) + timedelta(hours=1)
    run_due(seller.platform, {"anaf.efactura"}, now)  # a day outside the window
    run_due(seller.platform, {"anaf.efactura"}, inside - timedelta(hours=2))  # an hour outside
    assert warned(seller) == []

    with caplog.at_level(logging.WARNING, logger="genius.workers.schedules"):
        run_due(seller.platform, {"anaf.efactura"}, inside)
    [event] = warned(seller)
    assert event["subject"] == grant(seller).cui and event["tenant"] == seller.tenant.slug
    data = event["data"]
    assert (data["cui"], data["token"], data["action"]) == (grant(seller).cui, "refresh", REAUTHORIZE)
    assert datetime.fromisoformat(data["expires_at"]) == ends
    assert data["days_left"] == (ends - inside).days == settings.anaf_token_warn_days - 1
    [record] = audited(seller)
    assert (record.resource_type, record.resource_id, record.reason) == (
        "anaf_grant",
        grant(seller).cui,
        REAUTHORIZE,
    )
    assert json.loads(record.after_json)["token"] == "refresh"
    assert any(
        "refresh token" in r.getMessage() and seller.tenant.slug in r.getMessage() for r in caplog.records
    )

    # Every tick of the same day (and a second process) finds the day's warning already out.
    for later in (timedelta(minutes=1), timedelta(hours=23)):
        run_due(seller.platform, {"anaf.efactura"}, inside + later)
    assert len(warned(seller)) == 1 and len(audited(seller)) == 1
    run_due(seller.platform, {"anaf.efactura"}, inside + timedelta(days=1, minutes=1))
    assert [e["data"]["days_left"] for e in warned(seller)] == [29, 28] and len(audited(seller)) == 2


def test_only_a_runtime_serving_anaf_efactura_warns(seller: World) -> None:
    now = refresh_ends_in(seller, 1.5)
    run_due(seller.platform, {"pdf.render", "email.send"}, now)
    assert warned(seller) == []
    run_due(seller.platform, {"anaf.efactura"}, now)
    assert [e["data"]["days_left"] for e in warned(seller)] == [1]


def test_an_access_token_the_refresh_left_behind_is_warned(seller: World) -> None:
    now = refresh_ends_in(seller, 200, access_days=3)  # refresh margin is 10 days: overdue
    run_due(seller.platform, {"anaf.efactura"}, now)
    [event] = warned(seller)
    assert (event["data"]["token"], event["data"]["action"]) == ("access", CHECK_REFRESH)
    assert [r.reason for r in audited(seller)] == [CHECK_REFRESH]


def test_which_grants_need_a_person() -> None:
    now = datetime.fromisoformat("2026-11-26T00:00:00+00:00")
    day = timedelta(days=1)

    def of(access_days: float, refresh_days: float) -> TokenExpiry:
        return TokenExpiry("18547290", now + access_days * day, now + refresh_days * day, now - day)

    def check(access_days: float, refresh_days: float) -> list[tuple[str, int, str]]:
        found = expiry_warnings([of(access_days, refresh_days)], now, warn=30 * day, refresh_margin=10 * day)
        return [(w.token, w.days_left, w.action) for w in found]

    assert check(80, 300) == []  # healthy
    assert check(20, 300) == []  # access ends in 20 days, refreshed at 10: nobody needed yet
    assert check(9.5, 300) == [("access", 9, CHECK_REFRESH)]  # past its refresh point: refresh failing
    assert check(80, 29.5) == [("refresh", 29, REAUTHORIZE)]
    assert check(5, 20) == [("refresh", 20, REAUTHORIZE)]  # one warning per grant, the harder one
    assert check(-1, -1) == [("refresh", 0, REAUTHORIZE)]  # ended: still warned, 0 days left
