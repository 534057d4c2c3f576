"""The periodic jobs' table: names are the tenants' spv_schedule keys and must keep their spelling."""

from __future__ import annotations

from datetime import timedelta

from genius.platform.settings import Settings
from genius.workers.schedules import PERIODIC


def test_the_periodic_jobs_keep_their_names_tags_and_requests() -> None:
    settings = Settings()
    table = {p.name: (p.tag, p.request(), p.every(settings), p.applies.__name__) for p in PERIODIC}
    assert list(table) == [
        "anaf_efactura.tokens",
        "anaf_efactura.resume",
        "anaf_efactura.inbound",
        "bnr_rates.daily",
        "accounting.fx_revaluation",
    ]
    for action in ("tokens", "resume", "inbound"):
        tag, request, every, applies = table[f"anaf_efactura.{action}"]
        assert (tag, request.action, applies) == ("anaf.efactura", action, "_authorized")
        assert every > timedelta(0)
    assert table["anaf_efactura.tokens"][2] == timedelta(hours=settings.anaf_token_check_every_hours)
    assert table["anaf_efactura.inbound"][2] == timedelta(minutes=settings.spv_inbound_every_minutes)
    tag, request, _, applies = table["bnr_rates.daily"]
    assert (tag, request.source, applies) == ("bnr.rates", "daily", "_always")
    tag, request, every, _ = table["accounting.fx_revaluation"]
    assert (tag, request.period, every) == ("fx.revaluation", None, timedelta(days=1))
